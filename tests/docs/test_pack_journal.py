"""The pack reads the run journal the run_summary callback writes (docs_testlib.write_journal runs it): one row per
run of this inventory, tags as run and skip, interrupted or unfinished runs told as such, the last PRA drill's verdict."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils import journal as run_journal
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from docs_testlib import RCR
from sitedoc import journal
from sitedoc.context import Context
from sitedoc.pages import backup, history
from sitedoc.report import markdown
from sitekit_paths import REPO


def md_of(page, site, journal_dir) -> str:
    return markdown(page.page(Context(str(RCR), site, validate(site), journal_dir, REPO)))


def run_rows(md: str) -> list[list[str]]:
    """The cells of the run table's rows (the first table whose rows start with a timestamp)."""
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in md.split("\n\n### ")[0].splitlines()
            if re.match(r"\| \d{4}-\d\d-\d\dT", line)]


def test_the_callbacks_records_hold_every_field_the_journal_documents(journal_dir):
    """The contract (plugin_utils/journal.py's docstring) names what the writer writes, and what the pack reads."""
    doc = run_journal.__doc__
    fields = set(re.findall(r"^    (\w+) +\S", doc, re.M))
    task_fields = set(re.search(r"^    tasks +\[\{([^}]*)\}\]", doc, re.M)[1].replace(" ", "").split(","))
    records, _ = run_journal.read_lines(journal_dir)
    ended = [r for r in records if r["event"] == "end"]
    assert ended and all(set(r) == fields for r in ended)
    assert {frozenset(t) for r in ended for t in r["tasks"]} == {frozenset(task_fields)}


def test_history_shows_one_row_per_run_of_this_inventory_newest_first(rcr_site, journal_dir):
    rows = run_rows(md_of(history, rcr_site, journal_dir))
    # killed-run, drill-interrupted, drill-ok, tags-run; the run of another inventory is not there
    assert [(r[2], r[-1]) for r in rows] == [
        ("site.yml", "▲ no end recorded (killed, or still running)"),
        ("pra_drill.yml", "✘ interrupted before its end, 0 failed, 0 unreachable so far"),
        ("pra_drill.yml", "✔ succeeded"),
        ("site.yml", "✔ succeeded")]
    tags_run = rows[-1]
    assert tags_run[3:] == ["apply", "all", "tier::windows; skip reboot", "1", "3", "2", "0", "0", "✔ succeeded"]
    assert rows[0][6:11] == ["", "", "", "", ""]  # only a start record: no counts


def test_history_lists_changed_rescued_and_checked_tasks(rcr_site, journal_dir):
    md = md_of(history, rcr_site, journal_dir)
    assert re.search(r"\| Write the policy file \| ▲ changed \| \S+/policy: \+1 -0 \|", md)
    assert "| Fail on purpose | ▲ failed, rescued |" in md
    assert re.search(r"\| Only look \| ▲ would change \| \S+/looked: \+1 -0 \|", md)
    assert "1 journal line(s) are not run records: runs.jsonl:10" in md


def test_the_last_pra_drill_interrupted_is_no_success(rcr_site, journal_dir):
    md = md_of(backup, rcr_site, journal_dir)
    drill = [line for line in md.split("## Last PRA drill")[1].splitlines() if re.match(r"\| \d{4}-", line)]
    assert len(drill) == 1 and "✘ no verdict: interrupted" in drill[0] and "within target" not in drill[0]


def test_the_last_pra_drill_complete_is_within_target(rcr_site, journal_dir, tmp_path):
    lines = (journal_dir / "runs.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "runs.jsonl").write_text("".join(line for line in lines if '"drill-interrupted"' not in line))
    md = md_of(backup, rcr_site, tmp_path)
    [drill] = [line for line in md.split("## Last PRA drill")[1].splitlines() if re.match(r"\| \d{4}-", line)]
    assert "✔ within target" in drill and re.search(r"\S+/restore-1: \+1 -0 \|$", drill)


@pytest.mark.parametrize(("source", "same"), [
    (str(RCR), True),
    (str(RCR / "hosts.yml"), True),  # a file of the inventory
    ("/another/checkout/inventories/rcr", True),  # recorded on another machine: compared by inventories/rcr
    ("/another/checkout/inventories/rcr/hosts.yml", True),
    (str(REPO / "inventories/lab"), False),
    ("/another/checkout/inventories/lab", False),
    ("localhost,", False),  # a host list
])
def test_a_recorded_source_is_the_site_inventory_or_a_file_in_it(source, same):
    assert journal.is_site_inventory(source, str(RCR)) is same


def test_the_same_inventory_in_another_checkout_is_the_site_wherever_the_pack_is_built(tmp_path):
    """Found by review: an existing other checkout's inventories/rcr was left out while a path recorded on another
    machine was kept, so the pack depended on where it was built."""
    (tmp_path / "inventories/rcr").mkdir(parents=True)
    (tmp_path / "inventories/other").mkdir(parents=True)
    (tmp_path / "link").symlink_to(RCR)
    assert journal.is_site_inventory(str(tmp_path / "inventories/rcr"), str(RCR))
    assert journal.is_site_inventory(str(tmp_path / "link"), str(RCR))
    assert not journal.is_site_inventory(str(tmp_path / "inventories/other"), str(RCR))

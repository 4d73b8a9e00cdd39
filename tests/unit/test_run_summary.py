"""The run_summary callback: a start and an end record per run, unreachable counted as a failure, rescued and
interrupted runs told as they are, the mode a run really had, HTML report, legacy file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils import journal
from sitekit_paths import REPO

PLAY = """---
- name: Change one file
  hosts: here
  gather_facts: false
  tasks:
    - name: Write the marker
      ansible.builtin.copy:
        content: "x\\n"
        dest: "{{ marker }}"
        mode: "0600"

- name: Reach a host that does not answer
  hosts: away
  gather_facts: false
  tasks:
    - name: Ping it
      ansible.builtin.ping:
"""
INVENTORY = """here ansible_connection=local
away ansible_connection=ssh ansible_ssh_executable={unreachable}
"""
FIELDS = {"when", "who", "inventory", "playbook", "mode", "limit", "tags", "exit", "hosts", "tasks", "run_id", "event", "status"}


def command(tmp_path: Path, *extra: str, env_extra: dict | None = None, play: str = PLAY) -> tuple[list, dict]:
    (tmp_path / "play.yml").write_text(play)
    (tmp_path / "unreachable").write_text("#!/bin/sh\necho 'ssh: connect to host away port 22: Connection refused' >&2\nexit 255\n")
    (tmp_path / "unreachable").chmod(0o755)
    (tmp_path / "hosts").write_text(INVENTORY.format(unreachable=tmp_path / "unreachable"))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "SITEKIT_JOURNAL_DIR": str(tmp_path / "journal"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "ANSIBLE_NOCOLOR": "1", **(env_extra or {})}
    env.pop("SITEKIT_RUN_LOG_DIR", None)
    env.update(env_extra or {})
    args = ["ansible-playbook", "-i", str(tmp_path / "hosts"), "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"marker={tmp_path / 'marker'}", str(tmp_path / "play.yml"), *extra]
    return args, env


def run(tmp_path: Path, *extra: str, env_extra: dict | None = None, play: str = PLAY) -> subprocess.CompletedProcess:
    args, env = command(tmp_path, *extra, env_extra=env_extra, play=play)
    return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def ended(tmp_path: Path) -> list[dict]:
    """One record per run (journal.runs)."""
    return journal.runs(journal.read(tmp_path / "journal"))


@pytest.fixture(scope="module")
def applied_diff_run(tmp_path_factory) -> Path:
    """One applied ``--diff`` run that writes the journal and the HTML report (two tests read it)."""
    tmp_path = tmp_path_factory.mktemp("diff-run")
    out = run(tmp_path, "--diff", env_extra={"SITEKIT_REPORT_HTML": str(tmp_path / "report.html")})
    assert out.returncode == 4, out.stdout + out.stderr
    return tmp_path


@pytest.mark.parametrize("check", [False, True])
def test_a_start_and_an_end_record_per_run_with_every_field(request, tmp_path, check):
    if check:
        out = run(tmp_path, "--diff", "--check")
        assert out.returncode == 4, out.stdout + out.stderr
    else:
        tmp_path = request.getfixturevalue("applied_diff_run")
    start, record = journal.read(tmp_path / "journal")
    assert (start["event"], start["status"], record["event"], record["status"]) == ("start", "started", "end", "complete")
    assert start["run_id"] == record["run_id"] and len(record["run_id"]) == 32 and journal.runs([start, record]) == [record]
    assert set(record) >= FIELDS and {k: start[k] for k in ("inventory", "playbook", "limit", "tags")} == \
        {k: record[k] for k in ("inventory", "playbook", "limit", "tags")}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["when"]) and "@" in record["who"]
    assert record["playbook"] == "play.yml" and record["inventory"] == [str(tmp_path / "hosts")]
    assert record["mode"] == ("check" if check else "apply") and record["limit"] is None
    assert record["tags"] == {"run": ["all"], "skip": []}
    assert record["hosts"]["here"] == {"ok": 1, "changed": 1, "failed": 0, "unreachable": 0, "skipped": 0}
    assert record["hosts"]["away"]["unreachable"] == 1
    changed, unreachable = record["tasks"]
    assert changed == {"host": "here", "task": "Write the marker", "role": None, "changed": True, "failed": False,
                       "rescued": False, "check": check, "diff_summary": f"{tmp_path / 'marker'}: +1 -0"}
    assert unreachable["host"] == "away" and unreachable["failed"] is True
    assert (tmp_path / "marker").exists() is not check


def test_unreachable_is_a_failure_in_the_summary_and_the_exit(tmp_path):
    out = run(tmp_path, "--limit", "away")
    assert out.returncode == 4
    assert "play.yml: 1 host(s), 0 change(s) on 0 host(s), 1 failure(s) on 1 host(s), applied, exit 4" in out.stdout
    assert "UNREACHABLE away: Ping it: " in out.stdout
    [record] = ended(tmp_path)
    assert record["exit"] == 4 and record["limit"] == "away"


def test_an_ignored_unreachable_host_is_no_failure_anywhere(tmp_path):
    """ignore_unreachable: the stats do not count it, so neither do the summary's failures (it said '1 failure(s) on
    0 host(s) … exit 0'; found by review)."""
    out = run(tmp_path, "--limit", "away", play=PLAY.replace(
        "    - name: Ping it\n", "    - name: Ping it\n      ignore_unreachable: true\n"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "play.yml: 1 host(s), 0 change(s) on 0 host(s), 0 failure(s) on 0 host(s), applied, exit 0" in out.stdout
    [record] = ended(tmp_path)
    assert record["exit"] == 0 and record["tasks"] == []


def test_runs_append_and_the_journal_is_outside_the_cache(tmp_path):
    run(tmp_path, "--limit", "here")
    run(tmp_path, "--limit", "here", "--tags", "x", "--skip-tags", "y")
    records = journal.runs(journal.read(tmp_path / "journal" / "runs.jsonl"))
    assert [r["tags"] for r in records] == [{"run": ["all"], "skip": []}, {"run": ["x"], "skip": ["y"]}]
    assert records[0]["exit"] == 0 and records[0]["tasks"][0]["changed"]
    assert ".cache" not in str(journal.journal_dir(str(REPO / "ansible.cfg")))


def test_default_journal_is_beside_the_ansible_cfg(monkeypatch):
    monkeypatch.delenv("SITEKIT_JOURNAL_DIR", raising=False)
    monkeypatch.delenv("SITEKIT_RUN_LOG_DIR", raising=False)
    assert journal.journal_file(str(REPO / "ansible.cfg")) == REPO / "journal" / "runs.jsonl"
    assert "/journal/" in (REPO / ".gitignore").read_text().split()


def test_html_report_shows_each_changed_or_failed_task_with_its_diff(applied_diff_run):
    page = (applied_diff_run / "report.html").read_text()
    assert "CHANGED here: Write the marker" in page and "UNREACHABLE away: Ping it" in page
    assert "+x" in page  # the diff itself


def test_legacy_record_while_run_log_dir_is_set(tmp_path):
    run(tmp_path, "--limit", "here", "--check", env_extra={"SITEKIT_RUN_LOG_DIR": str(tmp_path / "runs")})
    [legacy] = (tmp_path / "runs").glob("*-play.yml.json")
    data = json.loads(legacy.read_text())
    assert data["check_mode"] is True and data["changed"] == [{"host": "here", "task": "Write the marker"}]


def test_diff_summary_forms():
    assert journal.diff_summary({"before": "a\nb\n", "after": "a\nc\nd\n", "after_header": "/etc/x"}) == "/etc/x: +2 -1"
    assert journal.diff_summary([{"prepared": "--- a\n+++ b\n+x\n-y\n-z\n"}]) == "+1 -2"
    assert journal.diff_summary(None) == ""


APPLY_THEN_CHECK = """---
- name: Apply
  hosts: here
  gather_facts: false
  tasks:
    - name: Write the marker
      ansible.builtin.copy: {content: "applied\\n", dest: "{{ marker }}", mode: "0600"}

- name: Only check
  hosts: here
  gather_facts: false
  check_mode: true
  tasks:
    - name: Would write another file
      ansible.builtin.copy: {content: "x\\n", dest: "{{ marker }}.2", mode: "0600"}
"""


@pytest.mark.parametrize(("play", "extra", "mode"), [
    (APPLY_THEN_CHECK, (), "apply"),  # the last play checked only: the record said "check" (found by review)
    (PLAY.replace("  tasks:\n    - name: Write", "  check_mode: false\n  tasks:\n    - name: Write", 1), ("--check",), "apply"),
    (PLAY.replace("      ansible.builtin.copy:", "      check_mode: false\n      changed_when: false\n      ansible.builtin.copy:", 1),
     ("--check",), "check"),  # a read outside check mode (changed_when: false) applies nothing
])
def test_the_mode_is_what_the_run_did_not_what_its_last_play_said(tmp_path, play, extra, mode):
    out = run(tmp_path, "--limit", "here", *extra, play=play)
    assert out.returncode == 0, out.stdout + out.stderr
    [record] = ended(tmp_path)
    assert record["mode"] == mode and (tmp_path / "marker").exists()
    assert ("check mode (nothing applied)" in out.stdout) is (mode == "check")


RESCUED = """---
- name: Fail and recover
  hosts: here
  gather_facts: false
  tasks:
    - name: Try
      block:
        - name: Fail on purpose
          ansible.builtin.fail: {msg: first attempt}
      rescue:
        - name: Recover
          ansible.builtin.debug: {msg: recovered}
"""


def test_a_rescued_failure_is_no_failure_of_the_run(tmp_path):
    out = run(tmp_path, "--limit", "here", play=RESCUED)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failure(s) on 0 host(s), applied, exit 0" in out.stdout and "rescued     here: Fail on purpose" in out.stdout
    [record] = ended(tmp_path)
    assert record["exit"] == 0 and record["hosts"]["here"]["failed"] == 0
    assert [(t["task"], t["failed"], t["rescued"]) for t in record["tasks"]] == [("Fail on purpose", False, True)]
    failing_rescue = RESCUED.replace("ansible.builtin.debug: {msg: recovered}", "ansible.builtin.fail: {msg: no way}")
    out = run(tmp_path, "--limit", "here", play=failing_rescue,
              env_extra={"SITEKIT_REPORT_HTML": str(tmp_path / "report.html")})
    assert out.returncode == 2 and "1 failure(s) on 1 host(s)" in out.stdout
    page = (tmp_path / "report.html").read_text()  # an ordinary failure, named in the report, the rescued one not
    assert "FAILED here: Recover" in page and "FAILED here: Fail on purpose" not in page
    assert [(t["task"], t["failed"], t["rescued"]) for t in ended(tmp_path)[-1]["tasks"]] == \
        [("Fail on purpose", False, True), ("Recover", True, False)]


SLOW = PLAY.split("\n- name: Reach")[0] + """
    - name: Wait
      ansible.builtin.command: sleep 60
      changed_when: false
"""


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, "interrupted"), (signal.SIGKILL, "no end recorded")])
def test_a_run_stopped_midway_leaves_a_record_of_what_it_did(tmp_path, sig, status):
    args, env = command(tmp_path, "--limit", "here", env_extra={"SITEKIT_RUN_ID": "run-under-test"}, play=SLOW)
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / "marker").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(1)
    os.killpg(proc.pid, sig)
    output = proc.communicate(timeout=60)[0]
    assert (tmp_path / "marker").exists(), output
    record = journal.run(journal.read(tmp_path / "journal"), "run-under-test")
    assert record is not None and record["status"] == status, output
    if sig == signal.SIGINT:
        assert record["exit"] is None and record["hosts"]["here"]["changed"] == 1
        assert [t["task"] for t in record["tasks"]] == ["Write the marker"]
        assert "INTERRUPTED before its end" in output


def test_a_line_a_killed_writer_left_costs_that_line_only(tmp_path):
    path = tmp_path / "runs.jsonl"
    path.write_text('{"n": 1}\n{"n": 2, "playbook": "site.y')
    with mock.patch.dict(os.environ, {"SITEKIT_JOURNAL_DIR": str(tmp_path)}):
        journal.append({"n": 3}, None)
    assert journal.read_lines(path) == ([{"n": 1}, {"n": 3}], [2])


def test_the_report_holds_no_terminal_colours(tmp_path):
    out = run(tmp_path, "--limit", "here", "--diff", env_extra={"SITEKIT_REPORT_HTML": str(tmp_path / "r.html"),
                                                               "ANSIBLE_FORCE_COLOR": "1", "ANSIBLE_NOCOLOR": "0"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "\x1b[" in out.stdout  # colours were on
    page = (tmp_path / "r.html").read_text()
    assert "+x" in page and "\x1b" not in page


@pytest.mark.parametrize("how", ["import_tasks", "import_role", "include_tasks", "include_role"])
def test_a_failure_rescued_around_an_import_or_include_is_rescued(tmp_path, how):
    """An imported file's blocks sit in the enclosing block's list while their parent is the import task (found by
    review: import_tasks and import_role were recorded as failures ansible-core counted as rescued)."""
    (tmp_path / "inc.yml").write_text("- name: Fail inside\n  ansible.builtin.fail: {msg: no}\n")
    (tmp_path / "roles/failing/tasks").mkdir(parents=True)
    (tmp_path / "roles/failing/tasks/main.yml").write_text((tmp_path / "inc.yml").read_text())
    step = {"import_tasks": "ansible.builtin.import_tasks: inc.yml", "include_tasks": "ansible.builtin.include_tasks: inc.yml",
            "import_role": "ansible.builtin.import_role: {name: failing}",
            "include_role": "ansible.builtin.include_role: {name: failing}"}[how]
    play = RESCUED.replace("        - name: Fail on purpose\n          ansible.builtin.fail: {msg: first attempt}\n",
                           f"        - name: The step\n          {step}\n")
    out = run(tmp_path, "--limit", "here", play=play)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failure(s) on 0 host(s), applied, exit 0" in out.stdout
    assert [(t["task"].split(" : ")[-1], t["failed"], t["rescued"]) for t in ended(tmp_path)[0]["tasks"]] == [
        ("Fail inside", False, True)]


def test_two_playbooks_are_one_run_and_an_interrupted_second_one_is_recorded_so(tmp_path):
    """ansible-core sends the stats after each playbook: the first one's end must not close the run (found by review)."""
    (tmp_path / "first.yml").write_text(PLAY.split("\n- name: Reach")[0] + "\n")
    args, env = command(tmp_path, "--limit", "here", env_extra={"SITEKIT_RUN_ID": "two-playbooks"}, play=SLOW)
    args.insert(args.index(str(tmp_path / "play.yml")), str(tmp_path / "first.yml"))  # first.yml, then play.yml (SLOW)
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while len(journal.read(tmp_path / "journal")) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)
    output = proc.communicate(timeout=60)[0]
    record = journal.run(journal.read(tmp_path / "journal"), "two-playbooks")
    assert record["status"] == "interrupted" and record["exit"] is None, output
    assert record["playbooks"] == ["first.yml", "play.yml"] and record["playbook"] == "play.yml"
    assert "INTERRUPTED before its end" in output


RUN_ONCE = """---
- name: Fail once for all
  hosts: here:there
  gather_facts: false
  tasks:
    - name: Try
      block:
        - name: Fail on the first host only
          ansible.builtin.fail: {msg: once}
          run_once: true
      rescue:
        - name: Recover
          ansible.builtin.debug: {msg: recovered}
"""


def test_hosts_a_rescued_run_once_failure_drops_are_failed_as_ansible_exits(tmp_path):
    out = run(tmp_path, "-i", "there,", "-e", "ansible_connection=local", play=RUN_ONCE)
    assert out.returncode == 2, out.stdout + out.stderr
    [record] = ended(tmp_path)
    assert record["exit"] == 2 and record["hosts"]["there"]["failed"] == 1 and "run_once" in record["dropped"]["there"]
    assert record["hosts"]["here"]["failed"] == 0
    assert "1 failure(s) on 1 host(s)" in out.stdout and "FAILED      there: (no task of its own): failed with" in out.stdout


def test_the_report_of_an_interrupted_run_says_so():
    from ansible_collections.sitekit.core.plugins.plugin_utils import run_report

    record = {"playbook": "site.yml", "inventory": ["inventories/lab"], "mode": "apply", "exit": None, "status": "interrupted",
              "hosts": {}, "when": "2026-12-04T00:00:00Z", "who": "op@host", "limit": None, "tags": {}}
    assert "site.yml on inventories/lab: apply, INTERRUPTED before its end" in run_report.render(record, [])
    assert "exit 0" in run_report.render({**record, "exit": 0, "status": "complete"}, [])


def test_make_clean_keeps_the_journal(tmp_path, monkeypatch):
    """`make clean` in a checkout: the caches go, the default journal (beside ansible.cfg) stays."""
    import shutil
    import subprocess

    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    shutil.copy(REPO / "ansible.cfg", tmp_path / "ansible.cfg")
    monkeypatch.delenv("SITEKIT_JOURNAL_DIR", raising=False)
    monkeypatch.delenv("SITEKIT_RUN_LOG_DIR", raising=False)
    kept = journal.journal_file(str(tmp_path / "ansible.cfg"))
    kept.parent.mkdir(parents=True)
    kept.write_text('{"event": "end"}\n')
    (tmp_path / ".cache" / "site_gate").mkdir(parents=True)
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert not (tmp_path / ".cache").exists() and kept.read_text() == '{"event": "end"}\n'

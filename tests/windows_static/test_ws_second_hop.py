"""Check 5: credentials (ws_second_hop). Every script of the tier that reaches another machine runs
where the credentials it needs exist, and every runas become of a user gets that user's password."""

from __future__ import annotations

from pathlib import Path

import pytest
import ws_findings
from ws_scripts import rcr_windows_scripts, script_keys, scripts
from ws_second_hop import become_findings, remote_uses, second_hop_findings, table
from ws_tasks import load, rcr_windows_task, rcr_windows_task_list

SEEDED = Path(__file__).parent / "data/seeded/second_hop.yml"
# Parametrized on the scripts and tasks as written; rendered (once per process) when the first test runs.
@pytest.mark.parametrize("key", [ws_findings.param("second-hop", file, unit, (file, unit), f"{file}::{unit}")
                                 for file, unit in script_keys(rcr_windows_task_list())])
def test_scripts_that_reach_another_machine_have_the_credentials(key):
    script = rcr_windows_scripts()[key]
    ws_findings.verify("second-hop", script.file, script.unit, second_hop_findings(script))


@pytest.mark.parametrize("where", [ws_findings.param("become", t.file, t.name, t.where, f"{t.file}::{t.name}")
                                   for t in rcr_windows_task_list()])
def test_every_runas_become_has_the_password(where):
    task = rcr_windows_task(where)
    ws_findings.verify("become", task.file, task.name, become_findings(task))


def test_the_tier_reaches_other_machines_and_each_use_is_checked():
    """The check is not vacuous: the tier's scripts do reach other servers (failover partner, RDS
    servers), and each of those calls carries its task's become and connection settings."""
    scripts_ = list(rcr_windows_scripts().values())
    reaching = [s for s in scripts_ if remote_uses(s.source)]
    assert len(reaching) >= 3, [s.unit for s in reaching]
    assert all(len(s.contexts) == len(s.calls) and s.calls for s in reaching)
    assert {c["transport"] for s in scripts_ for c in s.contexts} == {"kerberos"}


def test_table_entries_cite_their_source():
    for name, entry in table()["commands"].items():
        assert entry["reason"] and entry["reference"].startswith("https://learn.microsoft.com/"), name


SEEDED_TASKS = load(SEEDED, hosts=["dc01", "sql01"])


@pytest.mark.parametrize("task", SEEDED_TASKS, ids=[t.name for t in SEEDED_TASKS])
def test_seeded_credentials(task):
    found = become_findings(task)
    for script in scripts([task], files=False):
        found += second_hop_findings(script)
    verdict, *expected = task.name.split()
    if verdict == "ok":
        assert found == []
    else:
        assert found and all(f.startswith(f"[{expected[0]}]") for f in found), found

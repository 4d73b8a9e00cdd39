"""Check 5: credentials (ws_second_hop). Every script of the tier that reaches another machine runs
where the credentials it needs exist, and every runas become of a user gets that user's password."""

from __future__ import annotations

from pathlib import Path

import pytest
import ws_findings
from ws_scripts import scripts
from ws_second_hop import become_findings, remote_uses, second_hop_findings, table
from ws_tasks import load, rcr_windows_tasks

SEEDED = Path(__file__).parent / "data/seeded/second_hop.yml"
SCRIPTS = scripts(rcr_windows_tasks())


@pytest.mark.parametrize("script", [ws_findings.param("second-hop", s.file, s.unit, s, f"{s.file}::{s.unit}")
                                    for s in SCRIPTS])
def test_scripts_that_reach_another_machine_have_the_credentials(script):
    ws_findings.verify("second-hop", script.file, script.unit, second_hop_findings(script))


@pytest.mark.parametrize("task", [ws_findings.param("become", t.file, t.name, t, f"{t.file}::{t.name}")
                                  for t in rcr_windows_tasks()])
def test_every_runas_become_has_the_password(task):
    ws_findings.verify("become", task.file, task.name, become_findings(task))


def test_the_tier_reaches_other_machines_and_each_use_is_checked():
    """The check is not vacuous: the tier's scripts do reach other servers (failover partner, RDS
    servers), and each of those calls carries its task's become and connection settings."""
    reaching = [s for s in SCRIPTS if remote_uses(s.source)]
    assert len(reaching) >= 3, [s.unit for s in reaching]
    assert all(len(s.contexts) == len(s.calls) and s.calls for s in reaching)
    assert {c["transport"] for s in SCRIPTS for c in s.contexts} == {"kerberos"}


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

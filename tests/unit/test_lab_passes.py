"""make lab's passes (tools/lab/lab.py converge, summary.py): each pass reads its own journal record, by the run
id it gave ansible-playbook, and a pass that did not reach its end is a failure of that pass."""

from __future__ import annotations

import sys
import uuid

import pytest
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools" / "lab"))
import lab  # noqa: E402
import progress  # noqa: E402
import summary  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils import journal  # noqa: E402

TIER_PLAYS = [{"name": t, "tier": t, "seconds": 1.0} for t in ("proxmox", "network", "linux")]
FOREIGN = {
    "playbook": "ping.yml",
    "inventory": ["elsewhere"],
    "exit": 0,
    "hosts": {"x": {"changed": 0}},
    "tasks": [],
    "plays": [],
}


def _end(run_id: str, status: str, changed: int) -> dict:
    return {
        "run_id": run_id,
        "event": "end",
        "status": status,
        "playbook": "site.yml",
        "exit": 0 if status == "complete" else None,
        "hosts": {"glpi01": {"changed": changed, "unreachable": 0}},
        "plays": TIER_PLAYS,
        "tasks": [
            {"host": "glpi01", "task": f"t{i}", "role": "glpi", "changed": True, "failed": False}
            for i in range(changed)
        ],
    }


def _converge_with(monkeypatch, tmp_path, outcome: str, rc: int) -> dict:
    """lab.converge with ansible-playbook replaced by journal writes: this pass's records as ``outcome`` says,
    and an unrelated run (the operator's, on the same journal) that starts and ends while the pass runs."""
    monkeypatch.setenv("SITEKIT_JOURNAL_DIR", str(tmp_path / "journal"))
    monkeypatch.setattr(lab, "BUILD", tmp_path)
    monkeypatch.setattr(lab, "LOGS", tmp_path)

    def fake_run(cmd, label, log, env=None, **kw):
        own = (env or {}).get("SITEKIT_RUN_ID") or uuid.uuid4().hex  # as run_summary picks its id
        if outcome != "refused":
            journal.append({"run_id": own, "event": "start", "status": "started", "playbook": "site.yml"})
        journal.append({**FOREIGN, "run_id": "operator", "event": "start", "status": "started"})
        if outcome in ("complete", "interrupted"):
            journal.append(_end(own, outcome, changed=3))
        journal.append({**FOREIGN, "run_id": "operator", "event": "end", "status": "complete"})
        return rc

    monkeypatch.setattr(progress, "run", fake_run)
    return lab.converge(progress.Phases(), "reconverge")


def _problems(monkeypatch, tmp_path, second: dict) -> list[str]:
    monkeypatch.setattr(summary, "BUILD", tmp_path)
    monkeypatch.setattr(summary, "_exists", lambda: {t: "" for t in summary.TIERS[:-1]})
    first = {"rc": 0, "status": "complete", "hosts": {}, "tasks": [], "plays": TIER_PLAYS}
    return summary.build({}, first, second, {"rc": 0, "results": [], "log": ""}, {})["problems"]


def test_a_pass_reads_its_own_record_not_the_last_one_appended(monkeypatch, tmp_path):
    record = _converge_with(monkeypatch, tmp_path, "complete", 0)
    assert record["playbook"] == "site.yml" and record["run_id"].startswith("lab-reconverge-")
    assert _problems(monkeypatch, tmp_path, record) == ["second converge changed 3 task(s): not idempotent"]


def test_each_pass_gives_its_run_a_fresh_id(monkeypatch, tmp_path):
    ids = {_converge_with(monkeypatch, tmp_path, "complete", 0)["run_id"] for _ in range(2)}
    assert len(ids) == 2


@pytest.mark.parametrize(
    ("outcome", "rc", "said"),
    [
        ("interrupted", 130, "second converge exit 130: interrupted by an error or a signal before its end"),
        ("killed", -9, "second converge exit -9: no end recorded (killed or crashed after its first play started)"),
        ("refused", 1, "second converge exit 1: refused before its first play (no run record)"),
    ],
)
def test_a_pass_that_did_not_reach_its_end_fails_as_what_it_was(monkeypatch, tmp_path, outcome, rc, said):
    record = _converge_with(monkeypatch, tmp_path, outcome, rc)
    assert bool(record.get("refused")) == (outcome == "refused")
    assert said in _problems(monkeypatch, tmp_path, record)


def test_an_interrupted_pass_fails_even_when_its_exit_code_is_zero(monkeypatch, tmp_path):
    record = _converge_with(monkeypatch, tmp_path, "interrupted", 0)
    assert record["status"] == "interrupted"
    assert "second converge exit 0: interrupted by an error or a signal before its end" in _problems(
        monkeypatch, tmp_path, record
    )

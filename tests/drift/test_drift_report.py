"""make drift without containers: the check-mode guard, what a diff says differs, the report from recorded runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools"))
from drift import __main__ as cli  # noqa: E402
from drift import collect, differ, guard, render, run  # noqa: E402

DATA = Path(__file__).parent / "data"


def recorded(name: str) -> dict:
    return json.loads((DATA / name).read_text())


# ---- the guard: check mode cannot be bypassed -------------------------------------------------------
def test_every_task_that_runs_in_check_mode_is_a_reviewed_read():
    assert guard.problems(REPO) == []


def test_an_unreviewed_check_mode_false_task_refuses_drift(tmp_path):
    (tmp_path / "roles/r/tasks").mkdir(parents=True)
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks/site.yml").write_text("- ansible.builtin.import_playbook: x.yml\n")
    (tmp_path / "playbooks/x.yml").write_text("- hosts: all\n  tasks: [{name: fine, ansible.builtin.ping: {}}]\n")
    (tmp_path / "roles/r/tasks/main.yml").write_text(yaml.safe_dump([
        {"name": "outer", "block": [{"name": "Writes for real", "ansible.builtin.command": "touch /x", "check_mode": False}]},
        {"name": "Templated", "ansible.builtin.command": "true", "check_mode": "{{ x }}"},
        {"name": "Honours check mode", "ansible.builtin.command": "true", "check_mode": True}]))
    reviewed = {"read_only": [{"file": "roles/r/tasks/main.yml", "task": "Gone", "reads": "-"}]}
    found = guard.problems(tmp_path, reviewed)
    assert len(found) == 3
    assert "'Writes for real' has check_mode: false" in found[0] and "'Templated'" in found[1]
    assert "'Gone' is listed but has no check_mode: false" in found[2]


def test_drift_refuses_to_run_without_a_guaranteed_check_mode(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(guard, "problems", lambda repo: ["roles/r/tasks/main.yml: task 'x' has check_mode: false"])
    monkeypatch.setattr(cli, "run", lambda *a: pytest.fail("ansible-playbook must not run"))
    assert cli.main(["inventories/rcr", "--out", str(tmp_path)]) == 2
    assert "check mode cannot be guaranteed" in capsys.readouterr().err


def test_the_command_always_checks_and_diffs_and_the_lab_leaves_windows_out(monkeypatch, tmp_path):
    cmd = run.command(REPO / "inventories/rcr", None, "tier::network")
    assert cmd[-4:] == ["--check", "--diff", "--tags", "tier::network"] and "--limit" not in cmd
    monkeypatch.setattr(run, "LAB_ENDPOINTS", tmp_path / "missing.yml")
    with pytest.raises(run.NotRunnable, match="the lab is not up"):
        run.command(REPO / "inventories/lab", None, None)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("all: {}\n")
    monkeypatch.setattr(run, "LAB_ENDPOINTS", endpoints)
    monkeypatch.setattr(run, "REPO", tmp_path)
    cmd = run.command(REPO / "inventories/lab", None, None)
    assert cmd[cmd.index("--limit") + 1] == "localhost:all:!windows" and "endpoints.yml" in cmd
    assert "sitekit_drift" in run.callbacks_enabled() and "sitekit.core.run_summary" in run.callbacks_enabled()


# ---- what differs -----------------------------------------------------------------------------------
def test_a_file_diff_names_the_file_and_the_lines():
    d = differ.describe({"before": "a\nb\nc\n", "after": "a\nB\nc\n", "before_header": "/etc/x", "after_header": "/etc/x"})
    assert d == {"object": "/etc/x", "lines": ["-b", "+B"]}
    assert differ.summary(d) == "/etc/x: -b; +B"
    assert differ.summary(differ.describe({"before": "a\n", "after": "b\nc\nd\n", "before_header": "/y"})) == "/y: +3 -1"


def test_an_ios_diff_keeps_each_line_with_its_parent_and_leaves_moved_lines_out():
    before = "service a\nvlan 40\n name DRIFTED\nvlan 20\n name ADMIN\nip ssh time-out 60\n"
    after = "service a\nip ssh time-out 60\nvlan 20\n name ADMIN\nvlan 40\n name USERS\n"
    assert differ.text_changes(before, after) == ["-vlan 40 › name DRIFTED", "+vlan 40 › name USERS"]
    assert differ.text_changes("a\nb\n", "b\na\n") == ["(the same lines in another order: 1 moved)"]


def test_an_api_diff_names_the_field_with_site_and_inventory_values():
    d = differ.describe({"before": {"jobs": [{"id": "nightly", "prune-backups": "keep-last=1", "node": "pve1"}]},
                         "after": {"jobs": [{"id": "nightly", "prune-backups": "keep-daily=7", "node": "pve1"}]}})
    assert d["changes"] == [{"key": "jobs[nightly].prune-backups", "before": "keep-last=1", "after": "keep-daily=7"}]
    assert differ.summary(d) == "jobs[nightly].prune-backups: keep-last=1 → keep-daily=7"
    assert differ.summary(differ.describe({"before": None, "after": {"a": 1}})) == "a: (absent) → 1"


# ---- the report -------------------------------------------------------------------------------------
def _report(document: dict, rc: int = 0, reasons: dict | None = None) -> dict:
    report = collect.build(document, not_checked_reasons=reasons or {}, review={"not_drift": []}, ansible_rc=rc)
    return {**report, "inventory": "lab", "inventory_path": "inventories/lab", "command": ["ansible-playbook", "x"],
            "when": "2026-01-01T00:00:00Z", "who": "u@h"}


def _result(**kw) -> dict:
    base = {"tier": "linux", "host": "ftp01", "task": "Write vsftpd.conf", "role": "ftp_archive", "action": "template",
            "handler": False, "status": "changed", "no_log": False, "diff": [], "msg": ""}
    return {**base, **kw}


def test_a_clean_run_is_no_drift_and_lists_hosts_not_in_the_run():
    doc = {"results": [], "inventory_hosts": ["dc01", "ftp01"], "hosts": {"ftp01": {"unreachable": 0}}}
    report = _report(doc, reasons={"dc01": "no machine in the lab"})
    assert (report["exit"], report["status"], report["items"]) == (0, "no drift", [])
    assert report["not_checked"] == [{"host": "dc01", "reason": "no machine in the lab"}]


def test_handlers_are_consequences_and_no_log_hides_the_diff():
    doc = {"results": [_result(diff=[{"before": "a\n", "after": "b\n", "after_header": "/etc/vsftpd.conf"}]),
                       _result(task="restart vsftpd", handler=True, action="systemd_service"),
                       _result(task="Secret", no_log=True, diff=None)],
           "inventory_hosts": ["ftp01"], "hosts": {"ftp01": {"unreachable": 0}}}
    report = _report(doc)
    assert report["exit"] == 1 and [i["task"] for i in report["items"]] == ["Write vsftpd.conf", "Secret"]
    assert report["items"][0]["what"] == "/etc/vsftpd.conf: -a; +b" and report["items"][1]["what"] == collect.HIDDEN
    assert report["consequences"] == {"ftp01": ["restart vsftpd"]}
    assert report["tiers"] == {"linux": {"ftp01": 2}}


def test_a_module_without_diff_is_described_by_what_it_returned():
    doc = {"results": [_result(task="Load the policy at boot", action="ansible.builtin.systemd_service",
                               detail={"name": "nftables.service", "enabled": True})],
           "inventory_hosts": ["ftp01"], "hosts": {"ftp01": {"unreachable": 0}}}
    [entry] = _report(doc)["items"]
    assert entry["what"] == "ansible.builtin.systemd_service: enabled=True, name=nftables.service"


def test_an_unreachable_host_or_a_failed_task_is_never_no_drift():
    doc = {"results": [_result(status="unreachable", msg="ssh: timeout")], "inventory_hosts": ["ftp01", "ftp02"],
           "hosts": {"ftp01": {"unreachable": 1}, "ftp02": {"unreachable": 0}}}
    report = _report(doc, rc=4)
    assert (report["exit"], report["items"]) == (2, [])
    assert report["not_checked"] == [{"host": "ftp01", "reason": "unreachable"}] and report["checked"] == ["ftp02"]
    failed = _report({"results": [_result(status="failed", msg="boom")], "inventory_hosts": [], "hosts": {}}, rc=2)
    assert failed["exit"] == 2 and failed["failures"][0]["msg"] == "boom"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_recorded_runs_render_as_json_markdown_and_html(name, tmp_path):
    doc = recorded(name)
    report = _report(doc, reasons={h: "no machine in the lab" for h in doc["groups"].get("windows", [])})
    written = render.write(report, tmp_path)
    assert {p.name for p in written} >= {"drift.json", "index.html", "index.md", "details.html", "details.md"}
    index = (tmp_path / "index.md").read_text()
    for entry in report["items"]:
        assert entry["host"] in index and entry["what"].split(":")[0] in index
    for host in doc["groups"].get("windows", []):
        assert host in index
    assert json.loads((tmp_path / "drift.json").read_text())["exit"] == report["exit"]


def test_controller_side_changes_are_listed_apart_never_as_drift():
    review = guard.review()
    doc = {"results": [_result(tier="network", host="sw-stock", role="cisco_ios", no_log=True, diff=None,
                               task="Write the rendered configuration and the day-0 bootstrap to the build directory")],
           "inventory_hosts": ["sw-stock"], "hosts": {"sw-stock": {"unreachable": 0}}}
    report = collect.build(doc, not_checked_reasons={}, review=review, ansible_rc=0)
    assert (report["exit"], report["items"]) == (0, []) and "controller" in report["ignored"][0]["why"]


def test_the_recorded_lab_run_with_three_drifts_names_each_and_nothing_else():
    doc = recorded("lab-three-drifts.json")
    report = _report(doc, reasons={h: "no machine in the lab" for h in doc["groups"]["windows"]})
    assert report["exit"] == 1 and report["failures"] == []
    assert {(i["tier"], i["host"], i["what"]) for i in report["items"]} == {
        ("linux", "ftp01", "/etc/vsftpd.conf: -max_clients=1"),
        ("network", "sw-stock", "sw-stock running: -vlan 40 › name DRIFTED-NAME; +vlan 40 › name UTILISATEURS"),
        ("proxmox", "localhost", "sitekit-nightly.prune-backups: keep-last=1 → keep-daily=7,keep-monthly=2,keep-weekly=5")}
    assert report["consequences"] == {"ftp01": ["Restart vsftpd"]}
    assert _report(recorded("lab-clean.json"))["exit"] == 0

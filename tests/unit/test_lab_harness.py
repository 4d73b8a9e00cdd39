"""Pieces of `make lab` (tools/lab) that need no container: progress, the Windows plan, the summary,
the endpoints overlay, the daemons' pid safety."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import pytest
import yaml
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools" / "lab"))
import context  # noqa: E402
import daemons  # noqa: E402
import progress  # noqa: E402
import summary  # noqa: E402
import windows_plan  # noqa: E402


def verified() -> dict:
    """A verification where one test of each verify file passed (summary.VERIFY_TIER: every tier but Windows)."""
    return {"rc": 0, "log": "", "results": [{"file": f, "name": "test_x", "ok": True, "skipped": False, "msg": ""}
                                            for f in summary.VERIFY_TIER]}



def test_a_silent_step_still_prints_a_line_every_few_seconds(tmp_path, capsys):
    rc = progress.run([sys.executable, "-c", "import time; print('TASK [x] ***', flush=True); time.sleep(2.6)"], "step",
                      tmp_path / "log", every=1)
    out = capsys.readouterr().out
    assert rc == 0 and out.count("… step: ") >= 2 and "at TASK [x]" in out
    assert (tmp_path / "log").read_text() == "TASK [x] ***\n"


def test_ansible_lines_keep_plays_tasks_and_failures_only():
    assert progress.ansible_lines("TASK [glpi : Install] ****") == "  TASK [glpi : Install]"
    assert progress.ansible_lines("fatal: [rt-01]: FAILED! => {}").startswith("    fatal: [rt-01]")
    assert progress.ansible_lines("ok: [pve1]") is None and progress.ansible_lines("changed: [pve1]") is None


def test_windows_plan_marks_every_host_not_executed_with_its_work():
    plan = windows_plan.plan()
    site = context.site()
    assert set(plan) == set(site.groups["windows"])
    assert {p["status"] for p in plan.values()} == {"not executed: no Windows host"}
    [sql] = site.groups["sql_servers"]
    assert "CREATE LOGIN" in plan[sql]["tsql"]["security.sql"] and len(plan[sql]["tsql"]) == 3
    broker = site.groups["rds_connection_brokers"][0]
    assert plan[broker]["rds"][0] == "session_deployment: new_session_deployment"  # in order, numbered once (<ol>)
    assert plan[broker]["rds_roles"] == ["RDS-CONNECTION-BROKER"]
    assert windows_plan.counts(plan)["rds_steps"] == len(plan[broker]["rds"])  # steps, not the servers' roles
    # Every host's base settings; the domain on the controllers, the forest created by the first only.
    for host, item in plan.items():
        assert item["base"][0].startswith(f"name {host.upper()} ({host}.{site.vars['site_domain']}), DNS client ")
        assert ("no domain join" in item["base"][1]) == (host in site.groups["ad_domain_controllers"])
    first, *others = site.groups["ad_domain_controllers"]
    assert plan[first]["domain"][0] == f"creates the forest {site.vars['site_domain']} (NetBIOS RCR)"
    assert any(line.startswith("DHCP scope VLAN40-") for line in plan[first]["domain"])
    assert others and all(plan[dc]["domain"][0].startswith("promoted into") for dc in others)
    assert not any(plan[h]["domain"] for h in plan if h not in site.groups["ad_domain_controllers"])
    assert any("Cegid-TCP-in: in tcp 135,139,703,1433 from" in r for r in plan[sql]["firewall"])
    page = windows_plan.render_html(plan)
    assert "T-SQL batch security.sql" in page and "<h3>Active Directory domain</h3>" in page
    assert page.count("<h3>Base settings</h3>") == len(plan) and "<li>1. " not in page


def _record(tasks, hosts, plays):
    return {"tasks": tasks, "hosts": hosts, "plays": plays, "rc": 0}


def test_summary_tells_changes_failures_unreachable_and_tiers_not_reached(monkeypatch, tmp_path):
    monkeypatch.setattr(summary, "BUILD", tmp_path)
    monkeypatch.setattr(summary, "_exists", lambda: {t: f"{t} things" for t in summary.TIERS[:-1]})
    first = _record([{"host": "pve1", "task": "a", "role": "proxmox_node", "changed": True, "failed": False},
                     {"host": "localhost", "task": "b", "role": "proxmox_vms", "changed": False, "failed": True}],
                    {"pve1": {"changed": 1, "unreachable": 0}, "glpi01": {"changed": 0, "unreachable": 1}},
                    [{"name": "p", "tier": "proxmox", "seconds": 12.0}])
    second = _record([], {"pve1": {"changed": 0, "unreachable": 0}}, [{"name": "p", "tier": "proxmox", "seconds": 3.0}])
    outcome = summary.build({}, first, second, verified(), {"converge": 12.0})
    text = summary.render(outcome)
    assert not outcome["ok"] and outcome["unreachable"] == ["glpi01"]
    assert "not reached: network, linux" in text and "NOT REACHED; network things" in text
    assert "FAILED (1st) localhost: b" in text and "second pass: changed=0  (idempotent)" in text
    assert "not executed: no Windows host" in text
    assert (tmp_path / "index.html").exists() and (tmp_path / "windows-plan.html").exists()


def test_a_second_pass_that_changes_something_fails_the_lab(monkeypatch, tmp_path):
    monkeypatch.setattr(summary, "BUILD", tmp_path)
    monkeypatch.setattr(summary, "_exists", lambda: {t: "" for t in summary.TIERS[:-1]})
    plays = [{"name": t, "tier": t, "seconds": 1.0} for t in ("proxmox", "network", "linux")]
    second = _record([{"host": "ftp01", "task": "x", "role": "ftp_archive", "changed": True, "failed": False}],
                     {"ftp01": {"changed": 1, "unreachable": 0}}, plays)
    outcome = summary.build({}, _record([], {}, plays), second, verified(), {})
    assert outcome["problems"] == ["second converge changed 1 task(s): not idempotent"]
    assert "NOT IDEMPOTENT" in summary.render(outcome)


def test_stop_never_signals_a_pid_that_is_not_the_daemon(monkeypatch, tmp_path):
    monkeypatch.setattr(daemons, "RUN", tmp_path)
    other = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "pve-sim.pid").write_text(str(other.pid))
        assert daemons.stop("pve-sim", daemons.PVE_MARKER) is False
        assert other.poll() is None, "a process that is not the simulator was signalled"
        assert not (tmp_path / "pve-sim.pid").exists()
    finally:
        other.kill()


def endpoints_overlay(monkeypatch, tmp_path):
    """build/lab/run/endpoints.yml as lab.py writes it (simulator on 40001, sw-core on 40002), under tmp_path."""
    import endpoints

    monkeypatch.setattr(endpoints, "ENDPOINTS", tmp_path / "endpoints.yml")
    monkeypatch.setattr(endpoints, "glpi_standin", lambda: {"glpi_archive_path": "/x.tgz", "glpi_archive_sha256": "0" * 64})
    endpoints.write({"port": 40001}, {"devices": {"sw-core": 40002}, "user": "netadmin"})
    return tmp_path / "endpoints.yml"


def test_endpoints_hold_connection_settings_only(monkeypatch, tmp_path):
    import containers
    import transport

    data = yaml.safe_load(endpoints_overlay(monkeypatch, tmp_path).read_text())
    hosts = data["all"]["hosts"]
    assert data["all"]["vars"] == {"proxmox_api_override": {"api_port": 40001}}
    assert hosts["sw-core"] == {"ansible_port": 40002}
    # A container is reached over SSH at its address on the administration network, with the lab's key
    # and host keys; its name is there for the preparation over the Docker API.
    admin = ipaddress.ip_network(containers.admin_network()["subnet"])
    assert ipaddress.ip_address(hosts["pve1"]["ansible_host"]) in admin
    assert hosts["pve1"].pop("ansible_host") == hosts["pve1"].pop("lab_admin_address")
    assert hosts["pve1"] == {"lab_container": context.container_name("pve1"),
                             "ansible_ssh_private_key_file": str(transport.KEY),
                             "ansible_ssh_common_args": f"-o UserKnownHostsFile={transport.KNOWN_HOSTS} -o IdentitiesOnly=yes"}
    assert not [k for h in hosts.values() for k in h if k.startswith("site_") or k in ("vm", "switch", "router", "pve_node")]


@pytest.mark.parametrize("flag", ["--privileged", "--network=host"])
def test_containers_are_never_privileged_nor_on_the_host_network(flag):
    import containers

    assert flag not in containers.SYSTEMD_FLAGS and "SYS_ADMIN" in containers.SYSTEMD_FLAGS


def test_the_administration_network_is_in_an_administrators_vlan_and_holds_no_site_address():
    import containers

    site = context.site()
    admin = containers.admin_network()
    subnet = ipaddress.ip_network(admin["subnet"])
    vlan = next(v for v in site.vars["site_vlans"] if int(v["id"]) == admin["vlan"])
    assert admin["vlan"] in site.vars["site_security"]["linux_admin_vlans"]
    assert subnet.subnet_of(ipaddress.ip_network(str(vlan["subnet"])))
    addresses = [spec["admin_ip"] for spec in containers.plan().values()]
    assert len(set(addresses)) == len(addresses) == len(context.container_hosts())
    assert all(ipaddress.ip_address(a) in subnet and a != admin["gateway"] for a in addresses)
    site_addresses = {str(h.vars["site_ip"]) for h in site.hosts.values() if "site_ip" in h.vars}
    assert not site_addresses & {*addresses, admin["gateway"]}


def test_mitogen_is_the_lab_runs_strategy_only(monkeypatch):
    import configparser
    import os

    import transport

    config = configparser.ConfigParser(interpolation=None)
    config.read(REPO / "ansible.cfg")
    assert not config.has_option("defaults", "strategy") and not config.has_option("defaults", "strategy_plugins")
    assert transport.STRATEGY == "mitogen_linear_unpinned" or "SITEKIT_LAB_STRATEGY" in os.environ  # the lab's default
    monkeypatch.setattr(transport, "STRATEGY", "mitogen_linear_unpinned")
    lab_env = transport.strategy_env()
    assert lab_env["ANSIBLE_STRATEGY"] == "mitogen_linear_unpinned"
    lab_dir, mitogen_dir = map(context.Path, lab_env["ANSIBLE_STRATEGY_PLUGINS"].split(os.pathsep))
    assert (lab_dir / "mitogen_linear_unpinned.py").is_file() and (mitogen_dir / "mitogen_linear.py").is_file()
    monkeypatch.setattr(transport, "STRATEGY", "linear")
    assert transport.strategy_env() == {}


def _lab_plays(strategy: str) -> list[dict]:
    """Each play of site.yml with the strategy ansible-playbook gives it in a lab run (strategies.py)."""
    import json
    import os

    import lab

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_STRATEGY")}
    out = subprocess.run([sys.executable, str(REPO / "tools" / "lab" / "strategies.py")],
                         env={**env, "SITEKIT_LAB_STRATEGY": strategy}, capture_output=True, text=True, check=True,
                         cwd=REPO).stdout
    windows = set(context.site().groups["windows"])
    assert lab.LIMIT == "localhost:all:!windows"  # the hosts a lab run reaches: all but Windows
    plays = [json.loads(line) for line in out.splitlines()]
    return [p for p in plays if set(p["hosts"]) - windows]


def test_a_lab_run_gives_mitogen_the_plays_over_ssh_and_never_the_network_devices():
    # mitogen 0.3 can leave a task forked beside its siblings in one controller context waiting for
    # ever (tests/integration/test_mitogen_fork_import.py): the plays whose hosts' tasks run on the
    # controller (network_cli: delegated to localhost) keep ansible-core's linear; every play over
    # ssh (the containers) gets mitogen, the lab's speed; single-host controller plays (validation,
    # the Proxmox API) may use it too: no sibling forks there.
    plays = _lab_plays("mitogen_linear_unpinned")
    by_connection = {}
    for play in plays:
        for connection in play["connections"]:
            by_connection.setdefault(connection, set()).add(play["strategy"])
    assert by_connection["ansible.netcommon.network_cli"] == {"linear"}
    assert by_connection["ssh"] == {"mitogen_linear_unpinned"}
    assert set(by_connection) == {"ssh", "local", "ansible.netcommon.network_cli"}, by_connection
    several_on_controller = [p["play"] for p in plays if p["strategy"] != "linear"
                             and set(p["connections"]) - {"ssh"} and len(p["hosts"]) > 1]
    assert not several_on_controller
    # The switches and routers play is the one that pushes; under SITEKIT_LAB_STRATEGY=linear all is linear.
    assert {p["strategy"] for p in _lab_plays("linear")} == {"linear"}


def _reached(monkeypatch, tmp_path) -> dict:
    """A first and a second pass that reached every tier and changed nothing."""
    monkeypatch.setattr(summary, "BUILD", tmp_path)
    monkeypatch.setattr(summary, "_exists", lambda: {t: "" for t in summary.TIERS[:-1]})
    plays = [{"name": t, "tier": t, "seconds": 1.0} for t in ("proxmox", "network", "linux")]
    return _record([], {"pve1": {"changed": 0, "unreachable": 0}}, plays)


def test_every_verification_file_proves_a_tier_and_every_tier_but_windows_has_one():
    files = {path.stem for path in (REPO / "tools/lab/verify").glob("test_*.py")}
    assert files == set(summary.VERIFY_TIER)
    assert set(summary.VERIFY_TIER.values()) == set(summary.TIERS) - {"windows"}


@pytest.mark.parametrize("lost", ["test_devices", "test_debian"])
def test_a_tier_no_verification_test_passed_for_fails_the_lab(monkeypatch, tmp_path, lost):
    """A verify file renamed, emptied or deselected: pytest exits 0, and the tier is still not proved."""
    done = _reached(monkeypatch, tmp_path)
    checked = verified()
    checked["results"] = [r for r in checked["results"] if r["file"] != lost]
    outcome = summary.build({}, done, done, checked, {})
    tier = summary.VERIFY_TIER[lost]
    assert outcome["problems"] == [f"not verified: {tier} (no verification test of the tier passed)"]
    assert "SITEKIT LAB — FAILED: not verified" in summary.render(outcome)
    assert summary.build({}, done, done, verified(), {})["ok"]


def test_skipped_verification_tests_fail_the_lab_and_are_named(monkeypatch, tmp_path):
    junit = tmp_path / "verify.xml"
    junit.write_text(
        "<testsuites><testsuite>"
        "<testcase classname='tools.lab.verify.test_devices' name='test_vlans'><skipped message='no peers'/></testcase>"
        "<testcase classname='tools.lab.verify.test_devices' name='test_lacp'/>"
        "</testsuite></testsuites>")
    results = summary.junit_results(junit)
    assert [(r["ok"], r["skipped"], r["msg"]) for r in results] == [(False, True, "skipped: no peers"), (True, False, "")]
    done = _reached(monkeypatch, tmp_path)
    checked = verified()
    checked["results"] += results
    outcome = summary.build({}, done, done, checked, {})
    assert outcome["problems"] == ["verification skipped 1 test(s)"]
    assert "  VERIFY test_devices::test_vlans: skipped: no peers" in summary.render(outcome)


def test_an_unreachable_host_fails_the_lab_and_is_named_even_where_every_tier_was_reached(monkeypatch, tmp_path):
    done = _reached(monkeypatch, tmp_path)
    first = {**done, "rc": 4, "hosts": {**done["hosts"], "glpi01": {"changed": 0, "unreachable": 1}}}
    outcome = summary.build({}, first, done, verified(), {})
    assert outcome["problems"] == ["first converge exit 4", "unreachable: glpi01"]
    text = summary.render(outcome)
    assert "unreachable hosts: glpi01" in text and "SITEKIT LAB — FAILED: first converge exit 4; unreachable: glpi01" in text
    # The journal's count alone is enough: a pass that exited 0 with a host unreachable (ignore_unreachable) fails too.
    outcome = summary.build({}, {**first, "rc": 0}, done, verified(), {})
    assert outcome["problems"] == ["unreachable: glpi01"]


def test_the_index_links_the_windows_plan_page_which_marks_every_host_not_executed(monkeypatch, tmp_path):
    done = _reached(monkeypatch, tmp_path)
    summary.build({}, done, done, verified(), {})
    index = (tmp_path / "index.html").read_text()
    assert "<a href='windows-plan.html'>windows plan</a>" in index and "not executed: no Windows host" in index
    page = (tmp_path / "windows-plan.html").read_text()
    plan = windows_plan.plan()
    assert page.count("not executed: no Windows host") == len(plan) + 1  # the title, then each host's heading
    assert all(f"<h2>{host} — not executed: no Windows host</h2>" in page for host in plan)


def test_a_daemon_slow_to_answer_still_gets_a_line_every_few_seconds(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(daemons, "RUN", tmp_path)
    monkeypatch.setattr(daemons, "WAIT_LINE_SECONDS", 0.5)
    answer = tmp_path / "slow.json"
    script = f"import time, pathlib; time.sleep(1.7); pathlib.Path({str(answer)!r}).write_text('{{}}'); time.sleep(30)"
    try:
        assert daemons.start("slow", [sys.executable, "-c", script], "time.sleep(1.7)") == "started"
        out = capsys.readouterr().out
        assert out.count("  … waiting for slow (") >= 2, out
    finally:
        daemons.stop("slow", "time.sleep(1.7)")
    assert not daemons.alive("slow", "time.sleep(1.7)")


@pytest.mark.parametrize(("command", "lines", "status"), [("sleep 2.3", 2, 0), ("true", 0, 0), ("exit 3", 0, 3)])
def test_make_labs_setup_steps_print_while_they_run_and_end_with_their_command(command, lines, status):
    """tools/lab.sh's wrapper around the package installs and make setup: a line a second here (every 5 s in make
    lab), none for a command that ends at once, which costs no wait; the command's exit status."""
    import time

    script = f'. tools/lab/with-progress.sh; with_progress step bash -c "{command}"; echo "rc=$?"'
    began = time.monotonic()
    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "WITH_PROGRESS_SECONDS": "1"})
    elapsed = time.monotonic() - began
    out = done.stdout.splitlines()
    printed = sum(line.startswith("  … step: ") for line in out)  # SECONDS ticks whole seconds: 2 or 3 for 2.3 s
    assert out[-1] == f"rc={status}" and (printed >= lines if lines else printed == 0), out
    if lines == 0:
        assert elapsed < 2.5, elapsed  # returned at once (the old wrapper slept 5 s before it looked)

"""make drift on the lab: a converged lab has no drift; one drift per tier is named, and nothing else.

Brings up only what the test needs with the lab harness (tools/lab): one Debian container, the PVE
API simulator and the simulated IOS devices, and converges site.yml limited to them. Then injects,
through each system's own interface, a changed managed file (docker exec), a renamed VLAN (the
device's SSH CLI) and a changed backup retention (the PVE API). What the test started it removes;
a lab that was already up is reused and converged back afterwards.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools" / "lab"))
import containers  # noqa: E402
import context  # noqa: E402
import daemons  # noqa: E402
import endpoints  # noqa: E402
import lab  # noqa: E402

pytestmark = pytest.mark.integration

DEBIAN, SWITCH = "ftp01", "sw-stock"
LIMIT = f"localhost:{DEBIAN}:{SWITCH}"
MANAGED_FILE = "/etc/vsftpd.conf"
VLAN_NAME = "DRIFTED-NAME"
RETENTION = "keep-last=1"


def _run(cmd: list[str], label: str) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=REPO, env=lab.env(), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{label} failed (exit {done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    return done


def _converge() -> None:
    _run(lab.playbook_cmd("playbooks/site.yml", "--limit", LIMIT), "converge")


@pytest.fixture(scope="module")
def lab_up():
    context.BUILD.mkdir(parents=True, exist_ok=True)
    context.LOGS.mkdir(parents=True, exist_ok=True)
    was_up = context.ENDPOINTS.exists() and daemons.alive("pve-sim", daemons.PVE_MARKER)
    made_networks = containers.ensure_networks()
    states = containers.ensure_containers(only=[DEBIAN])
    sim, peers = daemons.start_pve_sim(), daemons.start_peers()
    endpoints.write(daemons.info("pve-sim"), daemons.info("ios-peers"))
    try:
        if states[DEBIAN] != "running":
            lab.prepare([DEBIAN])
        _converge()
        yield
    finally:
        try:
            if was_up:
                _converge()  # the lab stays up, as it was: without the drifts the test injected
        finally:
            _remove(states, made_networks, sim, peers, was_up)


def _remove(states: dict, made_networks: list, sim: str, peers: str, was_up: bool) -> None:
    """Remove what the fixture started, nothing else; the daemons stop even when docker keeps a network."""
    try:
        if states[DEBIAN] == "created":
            containers.docker("rm", "-f", context.container_name(DEBIAN), check=False)
        if made_networks:
            containers.remove_networks(made_networks)  # waits for the endpoints docker lets go of late
    finally:
        if sim == "started":
            daemons.stop("pve-sim", daemons.PVE_MARKER)
        if peers == "started":
            daemons.stop("ios-peers", daemons.PEERS_MARKER)
        if not was_up:
            context.ENDPOINTS.unlink(missing_ok=True)


def drift(out) -> tuple[int, dict, str]:
    done = subprocess.run([sys.executable, "-m", "drift", "inventories/lab", "--limit", LIMIT, "--out", str(out)],
                          cwd=REPO, env={**lab.env(), "PYTHONPATH": str(REPO / "tools")}, capture_output=True, text=True,
                          timeout=900)
    return done.returncode, json.loads((out / "drift.json").read_text()), done.stdout + done.stderr


def _pve(method: str, path: str, data: dict | None = None):
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import api_connection

    api = api_connection(context.site())
    token = f"PVEAPIToken={api.api_user}!{api.api_token_id}={context.secret('pve_token', 36)}"
    body = urllib.parse.urlencode(data).encode() if data else None
    request = urllib.request.Request(f"https://127.0.0.1:{daemons.info('pve-sim')['port']}/api2/json{path}", data=body,
                                     method=method, headers={"Authorization": token})
    with urllib.request.urlopen(request, context=ssl._create_unverified_context(), timeout=20) as answer:  # self-signed
        return json.loads(answer.read())["data"]


def _rename_vlan() -> tuple[str, str]:
    """Rename the switch's first named VLAN that is not the management VLAN (a push refuses to touch the
    management path unless told to) over its SSH CLI; (vlan id, the name it had)."""
    from ansible_collections.sitekit.core.plugins.module_utils import ios_ssh

    peers = daemons.info("ios-peers")
    password = context.secret("network_admin")
    with ios_ssh.Session(SWITCH, "127.0.0.1", peers["devices"][SWITCH], peers["user"], password, password,
                         host_key_checking=False, timeout=20) as session:
        management = next(str(v["id"]) for v in context.site().vars["site_vlans"] if v["role"] == "management")
        named = re.findall(r"^vlan (\d+)\n name (\S+)", session.running_config().replace("\r", ""), re.M)
        vlan, name = next((v, n) for v, n in named if v != management)
        session.apply([f"vlan {vlan}", f"name {VLAN_NAME}"])
        assert f"vlan {vlan}\n name {VLAN_NAME}" in session.running_config().replace("\r", "")
    return vlan, name


def test_drift_names_one_drift_per_tier_and_nothing_else(lab_up, tmp_path):
    rc, report, out = drift(tmp_path / "clean")
    assert (rc, report["items"], report["failures"]) == (0, [], []), out
    assert {"localhost", DEBIAN, SWITCH} <= set(report["checked"])
    windows = {n["host"]: n["reason"] for n in report["not_checked"] if n["host"] in context.site().groups["windows"]}
    assert set(windows) == set(context.site().groups["windows"]) and all("no machine in the lab" in r for r in windows.values())

    subprocess.run(["docker", "exec", context.container_name(DEBIAN), "sh", "-c", f"echo 'max_clients=1' >> {MANAGED_FILE}"],
                   check=True)
    vlan, name = _rename_vlan()
    [job] = [j for j in _pve("GET", "/cluster/backup") if "prune-backups" in j][:1]
    _pve("PUT", f"/cluster/backup/{job['id']}", {"prune-backups": RETENTION})

    rc, report, out = drift(tmp_path / "drifted")
    assert rc == 1, out
    assert report["failures"] == [], out
    named = sorted((i["tier"], i["host"], i["role"]) for i in report["items"])
    assert named == [("linux", DEBIAN, "ftp_archive"), ("network", SWITCH, "cisco_ios"),
                     ("proxmox", "localhost", "proxmox_backup")], out
    what = {i["tier"]: i["what"] + json.dumps(i["diffs"], ensure_ascii=False) for i in report["items"]}
    assert MANAGED_FILE in what["linux"] and "-max_clients=1" in what["linux"]
    assert f"-vlan {vlan} › name {VLAN_NAME}" in what["network"] and f"+vlan {vlan} › name {name}" in what["network"]
    [network] = [i for i in report["items"] if i["tier"] == "network"]
    assert [d["lines"] for d in network["diffs"]] == [[f"-vlan {vlan} › name {VLAN_NAME}", f"+vlan {vlan} › name {name}"]]
    assert RETENTION in what["proxmox"] and "prune-backups" in what["proxmox"]
    html = (tmp_path / "drifted" / "index.html").read_text()
    assert all(host in html for host in (DEBIAN, SWITCH)) and "drift" in html

"""The simulator itself: schema validation with PVE's error shape, auth, paths, state, tasks."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pve_fixtures
import pytest
import requests
from pve_harness import REPO

from tests.pve_sim import PveSim, Schema

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

warnings.filterwarnings("ignore", message="Unverified HTTPS request")


@pytest.fixture(scope="module", params=[8, 9])
def sim(request):
    s = PveSim(version=request.param, tls=True, templates={"debian12": 9010}).start()
    yield s
    s.stop()


@pytest.fixture
def api(sim):
    """requests session with the API token, trusting the simulator's certificate."""
    session = requests.Session()
    session.trust_env = False
    session.verify = sim.certfile
    session.headers["Authorization"] = f"PVEAPIToken={sim.token}"
    return session


def test_unknown_parameter_rejected_with_pve_error_shape(sim, api):
    r = api.post(f"{sim.url}/storage", data={"storage": "x1", "type": "dir", "path": "/srv", "colour": "blue"})
    assert r.status_code == 400
    body = r.json()
    assert body["data"] is None and set(body["errors"]) == {"colour"}
    assert "not defined in schema" in body["errors"]["colour"]
    assert "x1" not in sim.cluster.storage  # nothing written


@pytest.mark.parametrize(("path", "data", "bad"), [
    ("/cluster/ha/resources", {"sid": "vm:9010", "max_restart": "abc"}, "max_restart"),            # type
    ("/cluster/ha/resources", {"sid": "vm:9010", "max_restart": "-1"}, "max_restart"),             # minimum
    ("/cluster/ha/resources", {"sid": "vm:9010", "state": "running"}, "state"),                     # enum
    ("/cluster/backup", {"vmid": "101", "starttime": "9 pm"}, "starttime"),                         # pattern
    ("/storage", {"storage": "1bad", "type": "dir", "path": "/srv"}, "storage"),                    # format pve-storage-id
    ("/storage", {"storage": "ok", "path": "/srv"}, "type"),                                        # required
    ("/cluster/backup", {"vmid": "101", "prune-backups": "keep-forever=1"}, "prune-backups"),       # format prune-backups
    ("/nodes/pve1/qemu", {"vmid": "100", "net0": "virtio,bridge=vmbr0,tag=5000"}, "net0"),          # property string max
    ("/nodes/pve1/qemu", {"vmid": "100", "net0": "virtio,colour=red"}, "net0"),                     # property string key
    ("/nodes/pve1/qemu", {"vmid": "99"}, "vmid"),                                                   # minimum vmid
    ("/nodes/bad_node/qemu", {"vmid": "100"}, "node"),                                              # path placeholder format
])
def test_bad_values_rejected(sim, api, path, data, bad):
    r = api.post(f"{sim.url}{path}", data=data)
    assert r.status_code == 400, r.text
    assert bad in r.json()["errors"]


def test_instance_types_and_requires(sim, api):
    if sim.version < 9:
        pytest.skip("HA rules are PVE 9")
    r = api.post(f"{sim.url}/cluster/ha/rules", data={"rule": "r1", "type": "node-affinity", "resources": "vm:9010",
                                                        "nodes": "pve1", "affinity": "negative"})
    assert r.status_code == 400 and "affinity" in r.json()["errors"]


def test_unknown_path_and_method(sim, api):
    assert api.get(f"{sim.url}/nodes/pve1/nonsense").status_code == 501
    assert api.delete(f"{sim.url}/version").status_code == 501
    assert api.get(f"https://127.0.0.1:{sim.port}/api3/json/version").status_code == 501


def test_auth_required(sim):
    base = sim.url
    assert requests.get(f"{base}/version", verify=False).status_code == 401
    bad = {"Authorization": f"PVEAPIToken={sim.user}!{sim.token_id}=wrong"}
    assert requests.get(f"{base}/version", headers=bad, verify=False).status_code == 401
    assert requests.post(f"{base}/access/ticket", data={"username": sim.user, "password": "nope"}, verify=False).status_code == 401
    login = requests.post(f"{base}/access/ticket", data={"username": sim.user, "password": sim.password}, verify=False).json()["data"]
    cookie = {"PVEAuthCookie": login["ticket"]}
    assert requests.get(f"{base}/version", cookies=cookie, verify=False).status_code == 200
    data = {"storage": "t1", "type": "dir", "path": "/srv", "content": "iso"}
    assert requests.post(f"{base}/storage", data=data, cookies=cookie, verify=False).status_code == 401  # no CSRF token
    r = requests.post(f"{base}/storage", data=data, cookies=cookie, verify=False,
                      headers={"CSRFPreventionToken": login["CSRFPreventionToken"]})
    assert r.status_code == 200
    sim.cluster.storage.pop("t1")


def test_read_after_write_and_counts(sim, api):
    sim.reset_counts()
    data = {"storage": "nas-t", "type": "nfs", "server": "10.0.0.6", "export": "/volume1/x", "content": "backup", "shared": "1"}
    assert api.post(f"{sim.url}/storage", data=data).status_code == 200
    got = api.get(f"{sim.url}/storage/nas-t").json()["data"]
    assert {k: got[k] for k in ("server", "export", "content")} == {"server": "10.0.0.6", "export": "/volume1/x", "content": "backup"}
    assert api.put(f"{sim.url}/storage/nas-t", data={"content": "backup,iso"}).status_code == 200
    assert api.get(f"{sim.url}/storage/nas-t").json()["data"]["content"] == "backup,iso"
    assert api.delete(f"{sim.url}/storage/nas-t").status_code == 200
    assert sim.counts == {"POST /storage": 1, "GET /storage/{storage}": 2, "PUT /storage/{storage}": 1, "DELETE /storage/{storage}": 1}
    assert sim.writes() == {"POST /storage": 1, "PUT /storage/{storage}": 1, "DELETE /storage/{storage}": 1}
    counts = requests.get(f"https://127.0.0.1:{sim.port}/_sim/requests", verify=False).json()
    assert counts["writes"] == sim.writes()


def test_clone_task_finishes_and_config_reads_back(sim, api):
    r = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "555", "name": "t555", "full": "1", "target": "pve2"})
    upid = r.json()["data"]
    status = api.get(f"{sim.url}/nodes/pve1/tasks/{upid}/status").json()["data"]
    assert status["status"] == "stopped" and status["exitstatus"] == "OK"
    assert api.put(f"{sim.url}/nodes/pve2/qemu/555/config",
                   data={"cores": "3", "net0": "virtio=BC:24:11:52:44:09,bridge=vmbr0,tag=10"}).status_code == 200
    cfg = api.get(f"{sim.url}/nodes/pve2/qemu/555/config").json()["data"]
    assert cfg["cores"] == 3 and cfg["net0"] == "virtio=BC:24:11:52:44:09,bridge=vmbr0,tag=10" and cfg["name"] == "t555"
    assert api.get(f"{sim.url}/nodes/pve1/qemu/555/config").status_code == 500  # not on that node
    listed = {v["vmid"]: v for v in api.get(f"{sim.url}/cluster/resources", params={"type": "vm"}).json()["data"]}
    assert listed[555]["node"] == "pve2" and listed[9010]["template"] == 1
    api.delete(f"{sim.url}/nodes/pve2/qemu/555")


def test_ha_groups_per_version(sim, api):
    r = api.get(f"{sim.url}/cluster/ha/groups")
    if sim.version >= 9:
        assert r.status_code == 500 and "migrated to rules" in r.json()["message"]
        assert api.get(f"{sim.url}/cluster/ha/rules").status_code == 200
    else:
        assert r.status_code == 200
        assert api.get(f"{sim.url}/cluster/ha/rules").status_code == 501  # not in the PVE 8 schema


def test_pve9_migrates_groups_to_rules():
    sim = PveSim(version=9, tls=True, templates={"debian12": 9010}, ha_groups_migrated=False).start()
    try:
        s = requests.Session()
        s.trust_env, s.verify, s.headers["Authorization"] = False, sim.certfile, f"PVEAPIToken={sim.token}"
        assert s.post(f"{sim.url}/cluster/ha/groups", data={"group": "g1", "nodes": "pve1:2,pve2"}).status_code == 200
        assert s.post(f"{sim.url}/cluster/ha/resources", data={"sid": "vm:9010", "group": "g1"}).status_code == 200
        assert s.post(f"{sim.url}/cluster/ha/rules", data={"rule": "r1", "type": "resource-affinity", "affinity": "negative",
                                                            "resources": "vm:9010,vm:9011"}).status_code == 200
        assert s.get(f"{sim.url}/cluster/ha/groups").status_code == 500  # refused from now on
        rules = {r["rule"]: r for r in s.get(f"{sim.url}/cluster/ha/rules").json()["data"]}
        assert rules["ha-group-g1"]["resources"] == "vm:9010" and rules["ha-group-g1"]["type"] == "node-affinity"
    finally:
        sim.stop()


def test_plain_http_and_cli():
    proc = subprocess.Popen([sys.executable, "-m", "tests.pve_sim", "--version", "8", "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert info["url"].startswith("http://127.0.0.1:")
        r = requests.get(f"{info['url']}/version", headers={"Authorization": f"PVEAPIToken={info['user']}!{info['token_id']}={info['token_secret']}"})
        assert r.json()["data"]["version"] == "8.4.2"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_schema_path_has_a_route():
    for version in (8, 9):
        schema = Schema(version)
        for template in schema.paths:
            concrete = template.replace("{", "").replace("}", "")
            matched = schema.match(concrete)
            assert matched is not None, template


def test_repeated_keys_join_like_pve(sim, api):
    """proxmoxer sends a list as repeated keys; PVE joins them with NUL and its *-list formats split on it."""
    r = api.post(f"{sim.url}/storage", data=[("storage", "rep"), ("type", "dir"), ("path", "/srv"),
                                              ("content", "iso"), ("content", "backup"), ("nodes", "pve1"), ("nodes", "pve2")])
    assert r.status_code == 200, r.text
    got = api.get(f"{sim.url}/storage/rep").json()["data"]
    assert (got["content"], got["nodes"]) == ("iso,backup", "pve1,pve2")
    bad = api.post(f"{sim.url}/storage", data=[("storage", "rep2"), ("type", "dir"), ("path", "/srv"), ("nodes", "pve1"), ("nodes", "bad_node")])
    assert bad.status_code == 400 and "nodes" in bad.json()["errors"]
    api.delete(f"{sim.url}/storage/rep")


def test_cluster_views(sim, api):
    status = api.get(f"{sim.url}/cluster/status").json()["data"]
    assert [s["name"] for s in status if s["type"] == "node"] == ["pve1", "pve2", "pve3"]
    assert api.get(f"{sim.url}/cluster/config/nodes").json()["data"][0]["quorum_votes"] == "1"
    assert api.post(f"{sim.url}/cluster/config", data={"clustername": "again"}).status_code == 500  # already a cluster
    assert api.get(f"{sim.url}/version").json()["data"]["version"].startswith(str(sim.version))

"""The simulator itself: schema validation with PVE's error shape, auth, paths, state, tasks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import warnings

import pve_fixtures
import pytest
import requests
from pve_harness import REPO

from tests.pve_sim import PveSim, Schema

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

warnings.filterwarnings("ignore", message="Unverified HTTPS request")


def wait(api, sim, upid: str, timeout: float = 5) -> dict:
    """Poll a task's status until it stops (as a client would)."""
    deadline = time.monotonic() + timeout
    while True:
        status = api.get(f"{sim.url}/nodes/{upid.split(':')[1]}/tasks/{upid}/status").json()["data"]
        if status["status"] == "stopped" or time.monotonic() > deadline:
            return status
        time.sleep(0.01)


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


def test_option_of_another_rule_type_refused(sim, api):
    """The schema lets it through (JSONSchema.pm checks `instance_types`, sic); the rule plugin's
    check_config refuses it (SectionConfig.pm check_value)."""
    if sim.version < 9:
        pytest.skip("HA rules are PVE 9")
    r = api.post(f"{sim.url}/cluster/ha/rules", data={"rule": "r1", "type": "node-affinity", "resources": "vm:9010",
                                                        "nodes": "pve1", "affinity": "negative"})
    assert (r.status_code, r.json()["message"]) == (500, "unexpected property 'affinity'\n")


def test_requires_names_the_missing_parameter(sim, api):
    r = api.post(f"{sim.url}/cluster/backup", data={"vmid": "9010", "dow": "mon"})
    assert r.status_code == 400 and r.json()["errors"] == {"starttime": "missing property required by 'dow'"}


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
    data = {"storage": "nas-t", "type": "nfs", "server": "10.0.0.6", "export": "/volume1/x", "content": "backup"}
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
    r = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "555", "name": "t555", "full": "1"})
    upid = r.json()["data"]
    status = wait(api, sim, upid)
    assert status["status"] == "stopped" and status["exitstatus"] == "OK"
    assert api.put(f"{sim.url}/nodes/pve1/qemu/555/config",
                   data={"cores": "3", "net0": "virtio=BC:24:11:52:44:09,bridge=vmbr0,tag=10"}).status_code == 200
    cfg = api.get(f"{sim.url}/nodes/pve1/qemu/555/config").json()["data"]
    assert cfg["cores"] == 3 and cfg["net0"] == "virtio=BC:24:11:52:44:09,bridge=vmbr0,tag=10" and cfg["name"] == "t555"
    assert cfg["scsi0"] == "local-lvm:vm-555-disk-0,size=10G"
    assert api.get(f"{sim.url}/nodes/pve2/qemu/555/config").status_code == 500  # not on that node
    listed = {v["vmid"]: v for v in api.get(f"{sim.url}/cluster/resources", params={"type": "vm"}).json()["data"]}
    assert listed[555]["node"] == "pve1" and listed[9010]["template"] == 1
    wait(api, sim, api.delete(f"{sim.url}/nodes/pve1/qemu/555").json()["data"])
    assert 555 not in sim.cluster.vms


def test_cross_node_clone_from_local_storage_refused(sim, api):
    """qemu-server PVE/API2/Qemu.pm clone_vm: "can't clone VM to node ... (VM uses local storage)"."""
    r = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "556", "full": "1", "target": "pve2"})
    assert (r.status_code, r.json()["message"]) == (500, "can't clone VM to node 'pve2' (VM uses local storage)\n")
    assert 556 not in sim.cluster.vms


def test_ha_groups_per_version(sim, api):
    r = api.get(f"{sim.url}/cluster/ha/groups")
    if sim.version >= 9:
        assert (r.status_code, r.json()["message"]) == (500, "cannot index groups: ha groups have been migrated to rules\n")
        assert api.get(f"{sim.url}/cluster/ha/rules").status_code == 200
    else:
        assert r.status_code == 200
        assert api.get(f"{sim.url}/cluster/ha/rules").status_code == 501  # not in the PVE 8 schema


def test_pve9_rules_wait_for_group_migration():
    """pve-ha-manager: while groups.cfg holds a group, rules are refused; the CRM's migration makes
    ha-group-<name> rules, moves nofailback to the resources and empties groups.cfg."""
    sim = PveSim(version=9, tls=True, templates={"debian12": 9010}, ha_groups_migrated=False).start()
    try:
        s = requests.Session()
        s.trust_env, s.verify, s.headers["Authorization"] = False, sim.certfile, f"PVEAPIToken={sim.token}"
        sim.cluster.ha_groups["g1"] = {"nodes": "pve1:2,pve2", "nofailback": 1}  # an upgraded PVE 8 cluster
        assert s.post(f"{sim.url}/cluster/ha/resources", data={"sid": "vm:9010", "group": "g1"}).status_code == 200
        sim.cluster.add_vm(9011, "pve2", {"name": "outside", "memory": "512"})
        assert s.post(f"{sim.url}/cluster/ha/resources", data={"sid": "vm:9011"}).status_code == 200  # in no group
        assert s.get(f"{sim.url}/cluster/ha/groups").status_code == 200
        rule = {"rule": "r1", "type": "node-affinity", "nodes": "pve1", "resources": "vm:9010"}
        r = s.post(f"{sim.url}/cluster/ha/rules", data=rule)
        assert (r.status_code, r.json()["message"]) == (500, "cannot create ha rule: ha groups have not been migrated yet\n")
        listed = {x["rule"]: x for x in s.get(f"{sim.url}/cluster/ha/rules").json()["data"]}
        assert listed["ha-group-g1"]["resources"] == "vm:9010"  # shown as rules before the migration
        assert "strict" not in listed["ha-group-g1"]  # restricted unset: undef; set_rule_defaults skips a false default
        assert requests.post(f"https://127.0.0.1:{sim.port}/_sim/ha-migrate-groups", verify=False).ok
        assert s.get(f"{sim.url}/cluster/ha/groups").status_code == 500  # refused from now on
        assert s.get(f"{sim.url}/cluster/ha/resources/vm:9010").json()["data"]["failback"] == 0
        # Manager.pm writes failback on every resource, grouped or not (1 unless the group had nofailback)
        assert s.get(f"{sim.url}/cluster/ha/resources/vm:9011").json()["data"]["failback"] == 1
        r = s.post(f"{sim.url}/cluster/ha/rules", data=rule)  # vm:9010 is in ha-group-g1 already
        assert "resource 'vm:9010' is already used in another node affinity rule" in r.json()["message"]
        assert s.delete(f"{sim.url}/cluster/ha/rules/ha-group-g1").status_code == 200
        assert s.post(f"{sim.url}/cluster/ha/rules", data=rule).status_code == 200
        second = {"rule": "r2", "type": "node-affinity", "nodes": "pve2", "resources": "vm:9011"}
        assert s.post(f"{sim.url}/cluster/ha/rules", data=second).status_code == 200
        sim.cluster.add_vm(9012, "pve3", {"name": "third", "memory": "512"})
        assert s.post(f"{sim.url}/cluster/ha/resources", data={"sid": "vm:9012"}).status_code == 200
        third = {"rule": "r3", "type": "node-affinity", "nodes": "pve3", "resources": "vm:9012"}
        assert s.post(f"{sim.url}/cluster/ha/rules", data=third).status_code == 200
        # get_next_ordinal gives lowest + 1 (2 for r2 and r3); the file is rewritten and re-read in order: 1..n
        orders = {x["rule"]: x["order"] for x in s.get(f"{sim.url}/cluster/ha/rules").json()["data"]}
        assert orders == {"r1": 1, "r2": 2, "r3": 3}
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
    assert (got["content"], got["nodes"]) == ("backup,iso", "pve1,pve2")
    bad = api.post(f"{sim.url}/storage", data=[("storage", "rep2"), ("type", "dir"), ("path", "/srv"), ("nodes", "pve1"), ("nodes", "bad_node")])
    assert bad.status_code == 400 and "nodes" in bad.json()["errors"]
    api.delete(f"{sim.url}/storage/rep")


def test_form_values_decoded_like_pve(sim, api):
    """pve-http-server AnyEvent.pm decode_urlencoded / extract_params: pairs split on '&' and ';', a value is what
    lies between the first and the second '=', an empty value or a key alone is undefined, the query string wins
    over the body."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = api.post(f"{sim.url}/storage", data="storage=semi;type=dir;path=/srv/semi=x;content=iso", headers=form)
    assert r.status_code == 200, r.text
    assert api.get(f"{sim.url}/storage/semi").json()["data"]["path"] == "/srv/semi"
    both = {"storage": "both", "type": "dir", "path": "/srv/both", "content": "iso"}
    r = api.post(f"{sim.url}/storage", params={"content": "backup"}, data=both)
    assert r.status_code == 200 and api.get(f"{sim.url}/storage/both").json()["data"]["content"] == "backup"
    for body in ("storage=undef&type=dir&path=/srv/u&content=", "storage=undef&type=dir&path=/srv/u&content"):
        r = api.post(f"{sim.url}/storage", data=body, headers=form)
        assert (r.status_code, r.json()["message"]) == (500, "got undefined value for option 'content'\n"), body
    for sid in ("semi", "both"):
        api.delete(f"{sim.url}/storage/{sid}")


def test_storage_value_types_follow_the_schema():
    """SectionConfig check_value returns booleans and integers as numbers, other values as strings: the
    simulator's lists of numeric storage options are the schema's (is_mountpoint is a string)."""
    from tests.pve_sim import storage_plugins as sp

    for version in (8, 9):
        props = Schema(version).properties("/storage", "POST")
        assert {k for k, v in props.items() if v.get("type") == "boolean"} == sp.BOOLEAN_KEYS & set(props), version
        assert {k for k, v in props.items() if v.get("type") == "integer"} == sp.INTEGER_KEYS & set(props), version


def test_cluster_views(sim, api):
    status = api.get(f"{sim.url}/cluster/status").json()["data"]
    assert [s["name"] for s in status if s["type"] == "node"] == ["pve1", "pve2", "pve3"]
    assert api.get(f"{sim.url}/cluster/config/nodes").json()["data"][0]["quorum_votes"] == "1"
    assert api.post(f"{sim.url}/cluster/config", data={"clustername": "again"}).status_code == 500  # already a cluster
    assert api.get(f"{sim.url}/version").json()["data"]["version"].startswith(str(sim.version))


# ---- tasks with a lifecycle -------------------------------------------------------------------------
UPID = re.compile(r"UPID:(pve[123]):([0-9A-F]{8}):([0-9A-F]{8,9}):([0-9A-F]{8}):([^:]+):([^:]*):([^:]+):")


@pytest.fixture
def plain():
    """A PVE 9 simulator on plain HTTP with a template, and a session for it."""
    sim = PveSim(version=9, templates={"debian12": 9010}).start()
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"PVEAPIToken={sim.token}"
    yield sim, session
    sim.stop()


def _log(api, sim, upid):
    r = api.get(f"{sim.url}/nodes/pve1/tasks/{upid}/log")
    return r.json()


def test_task_runs_for_a_while_then_ends_ok(plain):
    sim, api = plain
    sim.tasks.duration = 0.3
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "600", "name": "t600"}).json()["data"]
    m = UPID.fullmatch(upid)
    assert m and (m.group(5), m.group(6), m.group(7)) == ("qmclone", "9010", "root@pam!sitekit")  # UPID.pm encode
    running = api.get(f"{sim.url}/nodes/pve1/tasks/{upid}/status").json()["data"]
    assert running["status"] == "running" and "exitstatus" not in running
    assert (running["user"], running["tokenid"], running["type"], running["id"]) == ("root@pam", "sitekit", "qmclone", "9010")
    assert sim.cluster.vms[600]["config"] == {"lock": "clone"}  # the clone is under way
    assert "TASK OK" not in [line["t"] for line in _log(api, sim, upid)["data"]]
    status = wait(api, sim, upid)
    assert (status["status"], status["exitstatus"]) == ("stopped", "OK")
    log = _log(api, sim, upid)
    assert log["data"][-1] == {"n": log["total"], "t": "TASK OK"}
    assert sim.cluster.vms[600]["config"]["name"] == "t600"


def test_default_task_duration_is_short():
    from tests.pve_sim.tasks import DEFAULT_DURATION
    assert 0 < DEFAULT_DURATION <= 0.05


def test_task_ending_with_warnings(plain):
    sim, api = plain
    sim.tasks.warn(type="qmstart", id=600, count=2, message="guest agent not running")
    sim.cluster.add_vm(600, "pve1", {"name": "t600", "scsi0": "local-lvm:vm-600-disk-0,size=10G"})
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/600/status/start").json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "WARNINGS: 2"
    lines = [line["t"] for line in _log(api, sim, upid)["data"]]
    assert lines[-3:] == ["WARN: guest agent not running"] * 2 + ["TASK WARNINGS: 2"]
    assert sim.cluster.vms[600]["status"] == "running"  # warnings still did the work


def test_failed_task_changes_nothing(plain):
    sim, api = plain
    sim.tasks.fail(type="qmclone", id=9010, message="clone failed: storage full")
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "601"}).json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "clone failed: storage full"
    assert _log(api, sim, upid)["data"][-1]["t"] == "TASK ERROR: clone failed: storage full"
    assert 601 not in sim.cluster.vms


def test_nth_task_stalls_until_released(plain):
    sim, api = plain
    sim.tasks.stall(type="qmstart", nth=2)
    for vmid in (602, 603):
        sim.cluster.add_vm(vmid, "pve1", {"name": f"t{vmid}"})
    first = api.post(f"{sim.url}/nodes/pve1/qemu/602/status/start").json()["data"]
    second = api.post(f"{sim.url}/nodes/pve1/qemu/603/status/start").json()["data"]
    assert wait(api, sim, first)["exitstatus"] == "OK"
    assert wait(api, sim, second, timeout=0.3)["status"] == "running"
    assert sim.cluster.vms[603]["status"] == "stopped"
    sim.release(second)
    assert wait(api, sim, second)["exitstatus"] == "OK" and sim.cluster.vms[603]["status"] == "running"


def test_stopping_a_task(plain):
    """DELETE /nodes/{node}/tasks/{upid}: the worker is interrupted."""
    sim, api = plain
    sim.tasks.stall(type="qmclone")
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "604"}).json()["data"]
    assert api.delete(f"{sim.url}/nodes/pve1/tasks/{upid}").status_code == 200
    assert wait(api, sim, upid)["exitstatus"] == "received interrupt"
    assert 604 not in sim.cluster.vms


def test_task_control_over_http(plain):
    """For tests that run the simulator in another process (ansible-playbook, the lab)."""
    sim, api = plain
    control = f"http://127.0.0.1:{sim.port}/_sim/tasks"
    assert requests.post(control, json={"action": "fail", "type": "qmclone", "message": "no space left"}).ok
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "605"}).json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "no space left"
    assert requests.post(control, json={"action": "clear"}).ok
    assert requests.post(control, json={"action": "stall", "type": "qmclone"}).ok
    upid = api.post(f"{sim.url}/nodes/pve1/qemu/9010/clone", data={"newid": "606"}).json()["data"]
    listed = requests.get(control).json()
    assert {"upid": upid, "type": "qmclone", "id": "9010", "status": "running", "exitstatus": None} in listed["tasks"]
    assert requests.post(control, json={"action": "release", "upid": upid}).ok
    assert wait(api, sim, upid)["exitstatus"] == "OK"
    assert requests.post(control, json={"action": "explode"}).status_code == 400


def test_server_offline_control_over_http(plain):
    """A storage server that stops answering (for tests in another process): its storages are not online."""
    sim, api = plain
    control = f"http://127.0.0.1:{sim.port}/_sim/servers"
    nas = {"storage": "nas2", "type": "nfs", "server": "10.0.10.6", "export": "/volume1/x", "content": "backup"}
    offline = requests.post(control, json={"action": "offline", "server": "10.0.10.6"})
    assert offline.json() == {"offline": ["10.0.10.6"]}
    r = api.post(f"{sim.url}/storage", data=nas)
    assert (r.status_code, r.json()["message"]) == (500, "create storage failed: storage 'nas2' is not online\n")
    assert "nas2" not in sim.cluster.storage
    assert requests.post(control, json={"action": "online"}).json() == {"offline": []}
    assert api.post(f"{sim.url}/storage", data=nas).status_code == 200
    assert requests.post(control, json={"action": "explode"}).status_code == 400


def test_task_status_of_unknown_or_malformed_upid(plain):
    sim, api = plain
    r = api.get(f"{sim.url}/nodes/pve1/tasks/UPID:pve1:00000001:00000001:00000001:qmstart:1:root@pam:/status")
    assert r.status_code == 400 and r.json()["errors"] == {"upid": "no such task"}
    r = api.get(f"{sim.url}/nodes/pve1/tasks/nonsense/status")
    assert r.status_code == 400 and r.json()["errors"] == {"upid": "unable to parse worker upid"}


def test_skiplock_is_root_at_pam_only(plain):
    """qemu-server Qemu.pm ($update_vm_api, vm_start, destroy_vm...): skiplock for root@pam (a ticket) only; an API
    token is refused ("Only root may use this option."); root@pam may change a locked VM with it."""
    sim, api = plain
    sim.cluster.add_vm(7301, "pve1", {"name": "locked", "cores": "2", "memory": "2048", "lock": "backup"})
    for method, path, data in (("PUT", "config", {"cores": "4", "skiplock": "1"}), ("POST", "status/start", {"skiplock": "1"}),
                               ("POST", "status/stop", {"skiplock": "1"}), ("DELETE", "", {"skiplock": "1"})):
        kw = {"params": data} if method == "DELETE" else {"data": data}
        r = api.request(method, f"{sim.url}/nodes/pve1/qemu/7301/{path}".rstrip("/"), **kw)
        assert (r.status_code, r.json().get("errors")) == (400, {"skiplock": "Only root may use this option."}), path
    login = requests.post(f"{sim.url}/access/ticket", data={"username": sim.user, "password": sim.password}).json()["data"]
    root = requests.Session()
    root.trust_env = False
    root.cookies.set("PVEAuthCookie", login["ticket"])
    root.headers["CSRFPreventionToken"] = login["CSRFPreventionToken"]
    r = root.put(f"{sim.url}/nodes/pve1/qemu/7301/config", data={"cores": "4"})
    assert (r.status_code, r.json()["message"]) == (500, "VM is locked (backup)\n")
    assert root.put(f"{sim.url}/nodes/pve1/qemu/7301/config", data={"cores": "4", "skiplock": "1"}).status_code == 200
    assert sim.cluster.vms[7301]["config"]["cores"] == "4"


def test_update_deletes_and_undefined_tags(plain):
    """Deleting an option that is not set changes nothing (qemu-server Qemu.pm $update_vm_api: "cannot delete
    '<opt>' - not set in current configuration!" is a warning), so a running VM has nothing pending; an undefined
    ``tags`` is '' (GuestHelpers.pm get_unique_tags), which parse_vm_config does not read back: the tags are gone."""
    sim, api = plain
    sim.cluster.add_vm(7302, "pve1", {"name": "run", "cores": "2", "memory": "2048", "tags": "a;b"}, status="running")
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7302/config", data={"delete": "cpu,sockets"}).status_code == 200
    assert sim.cluster.vms[7302]["pending"] == {}
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7302/config", data={"tags": ""}).status_code == 200
    assert "tags" not in sim.cluster.vms[7302]["config"] and sim.cluster.vms[7302]["pending"] == {}


def test_pending_lists_typed_values_and_the_digest(plain):
    """Qemu.pm vm_pending (pve-guest-common GuestHelpers.pm config_with_pending_array): every key of the loaded config,
    ``digest`` included, with the values parse_vm_config's check_type made (integers as JSON numbers)."""
    sim, api = plain
    sim.cluster.add_vm(7303, "pve1", {"name": "run", "cores": "2", "memory": "2048", "onboot": "1"}, status="running")
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7303/config", data={"cores": "4"}).status_code == 200
    entries = {e["key"]: e for e in api.get(f"{sim.url}/nodes/pve1/qemu/7303/pending").json()["data"]}
    assert entries["cores"] == {"key": "cores", "value": 2, "pending": 4}
    assert entries["onboot"] == {"key": "onboot", "value": 1} and entries["name"]["value"] == "run"
    config = api.get(f"{sim.url}/nodes/pve1/qemu/7303/config", params={"current": 1}).json()["data"]
    assert entries["digest"] == {"key": "digest", "value": config["digest"]}


def test_running_vm_disk_deletion_and_unused_disks(plain):
    """On a running VM a disk removal hot-unplugs it into unusedN (QemuServer.pm vmconfig_hotplug_pending ->
    vmconfig_delete_or_detach_drive); an ide disk stays pending (delete 1, or 2 with force); deleting unusedN frees it
    at once, never pending (Qemu.pm $update_vm_api try_deallocate_drive)."""
    sim, api = plain
    sim.cluster.add_vm(7304, "pve1", {"name": "run", "cores": "2", "memory": "2048", "scsihw": "virtio-scsi-single",
                                      "scsi1": "local-lvm:vm-7304-disk-1,size=4G", "ide1": "local-lvm:vm-7304-disk-2,size=4G"},
                       status="running")
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7304/config", data={"delete": "scsi1"}).status_code == 200
    assert sim.cluster.vms[7304]["config"]["unused0"] == "local-lvm:vm-7304-disk-1" and "scsi1" not in sim.cluster.vms[7304]["config"]
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7304/config", data={"delete": "ide1", "force": "1"}).status_code == 200
    entries = {e["key"]: e for e in api.get(f"{sim.url}/nodes/pve1/qemu/7304/pending").json()["data"]}
    assert entries["ide1"]["delete"] == 2
    assert api.put(f"{sim.url}/nodes/pve1/qemu/7304/config", data={"delete": "unused0"}).status_code == 200
    assert "unused0" not in sim.cluster.vms[7304]["config"] and "unused0" not in sim.cluster.vms[7304]["pending"]
    assert wait(api, sim, api.post(f"{sim.url}/nodes/pve1/qemu/7304/status/stop").json()["data"])["exitstatus"] == "OK"
    assert wait(api, sim, api.post(f"{sim.url}/nodes/pve1/qemu/7304/status/start").json()["data"])["exitstatus"] == "OK"
    config = sim.cluster.vms[7304]["config"]
    assert "ide1" not in config and not any(k.startswith("unused") for k in config)  # freed (force), not unused


def _archive_of(sim, vmid: int, **config) -> str:
    from tests.pve_sim.handlers.backup import make_archive

    sim.cluster.storage["nas-backup"] = {"type": "nfs", "server": "10.0.10.6", "export": "/volume1/pve-backup",
                                         "path": "/mnt/pve/nas-backup", "content": "backup"}
    sim.cluster.add_vm(vmid, "pve1", {"name": f"vm{vmid}", "cores": "2", "memory": "2048", "scsihw": "virtio-scsi-single",
                                      "scsi0": f"local-lvm:vm-{vmid}-disk-0,discard=on,iothread=1,size=4G",
                                      "net0": "virtio=BC:24:11:00:01:14,bridge=vmbr0",
                                      "smbios1": "uuid=11111111-2222-3333-4444-555555555555",
                                      "vmgenid": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", **config})
    return make_archive(sim.cluster, "nas-backup", vmid, "zstd")


def test_restore_unique_locked_and_template(plain):
    """Restore (qemu-server Qemu.pm create_vm, QemuServer.pm restore_update_config_line): the VM holds the 'create'
    lock while the task runs; ``unique`` gives new MACs and a new smbios1 uuid, a restore always a new vmgenid; the
    drive keeps its options but ``format`` on its new volume; a template's disks become base images where the
    storage can (template_create)."""
    sim, api = plain
    archive = _archive_of(sim, 7401)
    sim.tasks.stall(type="qmrestore")
    upid = api.post(f"{sim.url}/nodes/pve2/qemu", data={"vmid": 7402, "archive": archive, "unique": 1}).json()["data"]
    assert sim.cluster.vms[7402]["config"] == {"lock": "create"}
    sim.release(upid)
    config = sim.cluster.vms[7402]["config"]
    assert config["scsi0"] == "local-lvm:vm-7402-disk-0,discard=on,iothread=1,size=4G" and "lock" not in config
    assert config["net0"].startswith("virtio=") and "BC:24:11:00:01:14" not in config["net0"]
    assert config["net0"].endswith(",bridge=vmbr0")
    assert not config["smbios1"].startswith("uuid=11111111") and config["vmgenid"] != "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    sim.tasks.clear()
    template = _archive_of(sim, 7403, template="1")
    upid = api.post(f"{sim.url}/nodes/pve1/qemu", data={"vmid": 7404, "archive": template}).json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "OK"
    assert sim.cluster.vms[7404]["config"]["scsi0"].startswith("local-lvm:base-7404-disk-0,")
    # the pipe named in the log is the worker's own
    log = api.get(f"{sim.url}/nodes/pve1/tasks/{upid}/log").json()["data"]
    pid = int(upid.split(":")[2], 16)
    assert f"vma extract -v -r /var/tmp/vzdumptmp{pid}.fifo - /var/tmp/vzdumptmp{pid}" in log[0]["t"]


def test_destroy_unreferenced_disks_needs_its_storages_online(plain):
    """destroy_vm with destroy-unreferenced-disks lists the images of every enabled image storage (Storage.pm
    vdisk_list -> activate_storage_list): a storage whose server does not answer fails the task."""
    sim, api = plain
    sim.cluster.storage["nas-images"] = {"type": "nfs", "server": "10.0.10.8", "export": "/images",
                                         "path": "/mnt/pve/nas-images", "content": "images"}
    sim.cluster.add_vm(7410, "pve1", {"name": "x", "memory": "512"})
    sim.offline("10.0.10.8")
    upid = api.delete(f"{sim.url}/nodes/pve1/qemu/7410", params={"destroy-unreferenced-disks": 1}).json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "storage 'nas-images' is not online"
    assert 7410 in sim.cluster.vms
    upid = api.delete(f"{sim.url}/nodes/pve1/qemu/7410").json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "OK" and 7410 not in sim.cluster.vms


def test_ha_manager_status_uids_and_lrm_results(plain):
    """pve-ha-manager Manager.pm: each service's ``uid`` (compute_new_uuid, md5_base64), ``running`` only once
    started (never 0); LRM.pm: an active LRM's ``results`` keyed by those uids (sid, state, exit_code)."""
    sim, api = plain
    sim.cluster.add_vm(7420, "pve1", {"name": "a", "memory": "512"})
    sim.cluster.add_vm(7421, "pve2", {"name": "b", "memory": "512"})
    for vmid, state in ((7420, "started"), (7421, "stopped")):
        assert api.post(f"{sim.url}/cluster/ha/resources", data={"sid": f"vm:{vmid}", "state": state}).status_code == 200
    data = api.get(f"{sim.url}/cluster/ha/status/manager_status").json()["data"]
    services = data["manager_status"]["service_status"]
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{22}", ss["uid"]) for ss in services.values())
    assert "running" not in services["vm:7421"]
    results = data["lrm_status"]["pve1"]["results"]
    assert results == {services["vm:7420"]["uid"]: {"sid": "vm:7420", "state": "started", "exit_code": 0}}
    assert data["lrm_status"]["pve2"] == {**data["lrm_status"]["pve2"], "state": "wait_for_agent_lock", "results": {}}


def test_restore_allocates_a_new_cloudinit_drive(plain):
    """A cloud-init drive on ide/sata/scsi is re-allocated for the restored VMID (QemuServer.pm $parse_backup_hints,
    $restore_allocate_devices: vm-<id>-cloudinit), never left pointing at the backed-up VM's volume."""
    sim, api = plain
    archive = _archive_of(sim, 7405, ide2="local-lvm:vm-7405-cloudinit,media=cdrom")
    upid = api.post(f"{sim.url}/nodes/pve1/qemu", data={"vmid": 7406, "archive": archive}).json()["data"]
    assert wait(api, sim, upid)["exitstatus"] == "OK"
    assert sim.cluster.vms[7406]["config"]["ide2"] == "local-lvm:vm-7406-cloudinit,media=cdrom"
    assert sim.cluster.vms[7405]["config"]["ide2"] == "local-lvm:vm-7405-cloudinit,media=cdrom"

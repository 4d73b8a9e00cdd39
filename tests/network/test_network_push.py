"""Push to simulated devices (fake-switches over real SSH on 127.0.0.1), lab inventory.

Each lab switch and router is a fake-switches process; the fake-supported subset of its
real rendered configuration is pushed by remediation, read back and compared with the site
model; a second push sends nothing; renaming one VLAN sends exactly that line. The module
runs both directly (module_utils) and through ansible-playbook playbooks/network.yml.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import netlab
import pytest
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh

REPO = netlab.REPO
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab_site():
    return netlab.load("inventories/lab")


@pytest.fixture(scope="module")
def lab_configs(lab_site):
    return netlab.render(site=copy.deepcopy(lab_site))


@pytest.fixture(scope="module")
def first_push(lab_devices, lab_configs):
    return _each(lab_devices, lambda h, dev: netlab.push(dev, lab_configs[h]))


def _each(lab_devices, fn) -> dict:
    """fn(host, device) on every device at once."""
    with ThreadPoolExecutor(len(lab_devices)) as pool:
        futures = {h: pool.submit(fn, h, dev) for h, dev in lab_devices.items()}
        return {h: f.result() for h, f in futures.items()}


def _vlan_brief(text: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\s+(\S+)\s+active", text, re.M)}


def test_first_push_sends_the_subset_and_saves(first_push, lab_devices):
    for host, result in first_push.items():
        assert result["commands"], f"{host}: nothing was sent to a blank device"
        assert result["applied"] == [c.strip() for c in result["commands"]]
        assert not any(re.search(r"spanning-tree|glbp|encapsulation|Port-channel", c) for c in result["commands"]), host


def test_devices_match_the_site_model(first_push, lab_devices, lab_site):
    intents = netlab.intents(copy.deepcopy(lab_site))
    shown = _each(lab_devices, lambda h, dev: (netlab.read(dev, "show vlan brief"), netlab.read(dev)))
    for host in lab_devices:
        intent = intents[host]
        brief, running = _vlan_brief(shown[host][0]), shown[host][1]
        if intent["kind"] == "switch":
            assert brief == {1: "default", **{v["id"]: v["name"] for v in intent["vlans"]}}, host
            assert f"interface Vlan{intent['mgmt']['vlan']}\n description {intent['mgmt']['name']}\n" \
                   f" ip address {intent['mgmt']['address']} {intent['mgmt']['netmask']}\n" in running, host
            for port in intent["interfaces"]:
                block = running.split(f"interface {port['name']}\n", 1)[1].split("!", 1)[0]
                if port["mode"] == "access":
                    assert f" switchport access vlan {port['vlan']}\n switchport mode access\n" in block, (host, port)
                elif port["mode"] == "trunk":
                    assert f" switchport trunk allowed vlan {port['allowed']}\n switchport mode trunk\n" in block, (host, port)
                else:
                    assert " shutdown\n" in block, (host, port)
        else:
            for sub in intent["subinterfaces"]:
                block = running.split(f"interface {sub['name']}\n", 1)[1].split("!", 1)[0]
                assert f" ip address {sub['address']} {sub['netmask']}\n" in block, (host, sub["name"])
                assert [h for h in re.findall(r"ip helper-address (\S+)", block)] == sub["helpers"], (host, sub["name"])
    core = netlab.read(lab_devices["sw-core"])
    assert "interface GigabitEthernet1/0/49\n description sw-stock Gi1/0/25 fibre\n switchport trunk allowed vlan 20,40\n" in core


def test_second_push_sends_nothing(first_push, lab_devices, lab_configs):
    sent = _each(lab_devices, lambda h, dev: netlab.push(dev, lab_configs[h])["commands"])
    assert sent == {h: [] for h in lab_devices}


def test_check_mode_reads_only(first_push, lab_devices, lab_configs):
    dev = lab_devices["sw-bp-1"]
    changed = lab_configs["sw-bp-1"].replace(" name UTILISATEURS\n", " name CHECKED\n")
    before = netlab.read(dev)
    assert netlab.push(dev, changed, check=True)["commands"] == ["vlan 40", " name CHECKED", " exit"]
    assert netlab.read(dev) == before


def test_renaming_one_vlan_sends_only_that_line(first_push, lab_devices, lab_site, lab_configs):
    site = copy.deepcopy(lab_site)
    for vlan in site.vars["site_vlans"]:
        if vlan["id"] == 30:
            vlan["name"] = "ADMINS-IT"
    site.__dict__.pop("vlans", None)
    renamed = netlab.render(site=site)
    try:
        sent = _each(lab_devices, lambda h, dev: netlab.push(dev, renamed[h])["commands"])
        for host, commands in sent.items():
            if host in ("rt-01", "rt-02"):
                assert commands == [f"interface {netlab.intents(copy.deepcopy(lab_site))[host]['lan_interface']}.30",
                                    " description ADMINS-IT", " exit"], host
            elif re.search(r"^vlan 30$", lab_configs[host], re.M):
                assert commands == ["vlan 30", " name ADMINS-IT", " exit"], host
            else:
                assert commands == [], host
        assert sent["sw-stock"] == []  # carries no VLAN 30
        assert _vlan_brief(netlab.read(lab_devices["sw-core"], "show vlan brief"))[30] == "ADMINS-IT"
    finally:
        _each(lab_devices, lambda h, dev: netlab.push(dev, lab_configs[h]))


def test_a_refused_line_names_device_line_and_applied_lines(first_push, lab_devices):
    dev = lab_devices["sw-stock"]
    c = dev.connection()
    with ios_ssh.Session("sw-stock", c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False) as session:
        with pytest.raises(ios_ssh.DeviceError) as err:
            session.apply(["vlan 77", " name PROBE", " exit", "interface GigabitEthernet9/0/99", " exit"])
        assert err.value.line == "interface GigabitEthernet9/0/99"
        assert err.value.applied == ["vlan 77", "name PROBE", "exit"]
        message = str(err.value)
        assert message.startswith("sw-stock: line refused at line 'interface GigabitEthernet9/0/99'")
        assert "Invalid input" in message and "3 line(s) already applied and NOT saved" in message
        session.apply(["no vlan 77"])
    assert 77 not in _vlan_brief(netlab.read(dev, "show vlan brief"))


def test_connection_errors_name_the_device():
    refused = r"^sw-gone: cannot connect to 127\.0\.0\.1:9: TCP connection to device failed\.; nothing was applied$"
    with pytest.raises(ios_ssh.DeviceError, match=refused), \
            ios_ssh.Session("sw-gone", "127.0.0.1", 9, "admin", "x", host_key_checking=False, timeout=5):
        pass


def test_wrong_password_is_reported(lab_devices):
    dev = lab_devices["rt-02"]
    with pytest.raises(ios_ssh.DeviceError, match=r"^rt-02: authentication failed for admin@127\.0\.0\.1"), \
            ios_ssh.Session("rt-02", "127.0.0.1", dev.port, dev.user, "wrong-password", host_key_checking=False, timeout=10):
        pass


def test_remediation_negates_what_the_model_no_longer_declares():
    running = "vlan 10\n name A\n!\nvlan 50\n name OLD\n!\ninterface Gi1/0/1\n switchport access vlan 50\n!\n"
    intended = "vlan 10\n name A\n!\ninterface Gi1/0/1\n switchport access vlan 10\n!\n"
    commands, _, _ = ios_remediation.remediate(running, intended)
    assert commands == ["no vlan 50", "interface Gi1/0/1", " switchport access vlan 10", " exit"]


# ---- through Ansible: playbooks/network.yml with the module, against the simulators ------------------
def _playbook(tmp_path, lab_devices, *args):
    overlay = {"all": {"hosts": {h: {"cisco_ios_ssh_port": d.port, "cisco_ios_ssh_password": d.password,
                                     "cisco_ios_enable_secret": d.password, "cisco_ios_ssh_user": d.user}
                                 for h, d in lab_devices.items()}}}
    (tmp_path / "fake.yml").write_text(json.dumps(overlay))
    extra = {**netlab.DUMMY_SECRETS, "cisco_ios_build_dir": str(tmp_path / "configs"),
             "cisco_ios_include": netlab.FAKE_INCLUDE, "cisco_ios_exclude": netlab.FAKE_EXCLUDE,
             "cisco_ios_host_key_checking": False}
    (tmp_path / "extra.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
           "ANSIBLE_FORKS": "10"}
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i", str(tmp_path / "fake.yml"),
                           "--limit", "sw-bp-1:rt-02",
                           "playbooks/network.yml", "-e", f"@{tmp_path / 'extra.json'}", *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]


def _push_results(report: dict) -> dict:
    out = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].endswith("Push only the remediation to the device"):
                out.update(task["hosts"])
    return out


def test_network_playbook_pushes_only_the_drift(first_push, lab_devices, lab_configs, tmp_path):
    # Drift on one device: a VLAN renamed by hand and an access port moved.
    c = lab_devices["sw-bp-1"].connection()
    with ios_ssh.Session("sw-bp-1", c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False) as session:
        session.apply(["vlan 40", " name HAND-MADE", " exit", "interface GigabitEthernet1/0/3", " switchport access vlan 30", " exit"])
    check = _push_results(_playbook(tmp_path, lab_devices, "--check", "--diff"))
    assert check["sw-bp-1"]["changed"] is True and check["sw-bp-1"]["applied"] == []
    assert _vlan_brief(netlab.read(lab_devices["sw-bp-1"], "show vlan brief"))[40] == "HAND-MADE"
    run = _push_results(_playbook(tmp_path, lab_devices))
    assert run["sw-bp-1"]["commands"] == ["vlan 40", " name UTILISATEURS", " exit",
                                          "interface GigabitEthernet1/0/3", " switchport access vlan 40", " exit"]
    assert [h for h, r in run.items() if r["changed"]] == ["sw-bp-1"]
    assert _vlan_brief(netlab.read(lab_devices["sw-bp-1"], "show vlan brief"))[40] == "UTILISATEURS"
    assert netlab.push(lab_devices["sw-bp-1"], lab_configs["sw-bp-1"])["commands"] == []
    assert (tmp_path / "configs" / "sw-bp-1.cfg").read_text() == lab_configs["sw-bp-1"]


def test_module_check_mode_and_refused_line(first_push, lab_devices, lab_configs):
    from ansible_collections.sitekit.core.plugins.modules import ios_remediate

    dev = lab_devices["sw-stock"]
    args = {**{k: v for k, v in dev.connection().items()}, "name": "sw-stock", "include": netlab.FAKE_INCLUDE,
            "exclude": netlab.FAKE_EXCLUDE, "_ansible_diff": True}
    args.pop("host_key_checking")
    args["host_key_checking"] = False
    drift = lab_configs["sw-stock"].replace(" name ADMIN-RESEAU\n", " name MGMT\n")
    checked = netlab.run_module(ios_remediate, {**args, "intended_config": drift, "_ansible_check_mode": True})
    assert checked["changed"] and checked["commands"] == ["vlan 20", " name MGMT", " exit"] and checked["applied"] == []
    assert "+name MGMT" in "".join(checked["diff"]["after"].split()) or " name MGMT" in checked["diff"]["after"]
    # A VLAN rename (applied first), then an interface the device does not have (refused).
    bad = lab_configs["sw-stock"].replace(" name UTILISATEURS\n", " name USERS\n") + \
        "interface GigabitEthernet7/0/1\n description nowhere\n!\n"
    failed = netlab.run_module(ios_remediate, {**args, "intended_config": bad})
    assert failed["failed"] and failed["failed_line"] == "interface GigabitEthernet7/0/1"
    assert failed["msg"].startswith("sw-stock: line refused at line 'interface GigabitEthernet7/0/1'")
    assert failed["applied"] == ["vlan 40", "name USERS", "exit"], failed
    assert "NOT saved" in failed["msg"]
    fixed = netlab.run_module(ios_remediate, {**args, "intended_config": lab_configs["sw-stock"]})
    assert fixed["commands"] == ["vlan 40", " name UTILISATEURS", " exit"]


def test_snmp_users_are_compared_by_show_not_by_text():
    intended = "snmp-server user supervision RO v3 encrypted auth sha AA:BB priv aes 128 CC:DD\nntp server 10.0.10.21\n"
    commands, _, after = ios_remediation.remediate("ntp server 10.0.10.21\n", intended)
    assert commands == [] and "snmp-server user" not in after
    assert ios_remediation.write_only_lines(intended) == [
        ("snmp-server user supervision RO v3 encrypted auth sha AA:BB priv aes 128 CC:DD", "show snmp user supervision",
         "User name: supervision")]
    assert ios_remediation.write_only_lines(intended, include=[r"^vlan "]) == []

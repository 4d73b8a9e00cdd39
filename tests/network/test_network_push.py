"""Pushes to simulated IOS devices (iospeer: 2960-X/2960-S stacks and 1941 routers over real
SSH on 127.0.0.1), lab inventory, with the role's defaults: the scope the site model gives
each device (intent.push).

Two starting points: the lab devices in their day-0 state (the collection's console bootstrap:
hostname, domain, RSA key, SSH v2, management address, user) and "correct" devices, booted
from their own intended configuration as if a perfect push had already run. The push runs
through module_utils/ios_push.py directly (netlab.push), through the module, and through
ansible-playbook playbooks/network.yml.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import netlab
import pytest
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh, ios_vlans
from iospeer import hashes
from iospeer.render import config_lines

REPO = netlab.REPO
pytestmark = pytest.mark.integration
SWITCHES, ROUTERS = ["sw-bp-1", "sw-core", "sw-stock"], ["rt-01", "rt-02"]


@pytest.fixture(scope="module")
def day0(lab_site):
    peers = netlab.lab_peers(lab_site)
    yield peers
    for peer in peers.values():
        peer.stop()


def _each(devices: dict, fn) -> dict:
    """fn(host, device) on every device at once; a DeviceError is returned, not raised."""
    def safe(host, dev):
        try:
            return fn(host, dev)
        except ios_ssh.DeviceError as exc:
            return exc
    with ThreadPoolExecutor(len(devices)) as pool:
        futures = {h: pool.submit(safe, h, dev) for h, dev in devices.items()}
        return {h: f.result() for h, f in futures.items()}


@pytest.fixture(scope="module")
def first_push(day0, lab_configs):
    return _each(day0, lambda h, dev: netlab.push(dev, lab_configs[h]))


def _vlan_brief(text: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\s+(\S+)\s+active", text, re.M)}


# ---- from day 0 --------------------------------------------------------------------------------
@pytest.mark.parametrize("host", SWITCHES + ROUTERS)
def test_first_push_from_day0_is_taken_line_by_line(first_push, day0, host):
    """The push completes and IOS took every line the push reports as applied, under a revert timer
    armed once the model's archive section is in place, confirmed and saved."""
    result = first_push[host]
    assert not isinstance(result, Exception), str(result)
    assert result["applied"] == [c.strip() for c in result["commands"]]
    assert result["rollback"] == "timer" and result["saved"] and day0[host].device.revert is None
    assert result["commands"][0] == "archive"  # the rollback needs the archive path: it goes first
    taken = [line for user, line in day0[host].device.history if user == day0[host].user]
    refused = [line for line in result["applied"] if line != "exit" and line not in taken]
    assert refused == [], f"IOS refused {refused}"


@pytest.mark.parametrize("host", SWITCHES)
def test_first_push_reaches_the_site_model(first_push, day0, lab_site, host):
    intent = netlab.intents(lab_site)[host]
    brief, running = _vlan_brief(netlab.read(day0[host], "show vlan brief")), netlab.read(day0[host])
    assert brief == {1: "default", **{v["id"]: v["name"] for v in intent["vlans"]}}
    assert f"interface Vlan{intent['mgmt']['vlan']}\n description {intent['mgmt']['name']}\n" \
           f" ip address {intent['mgmt']['address']} {intent['mgmt']['netmask']}\n" in running
    for port in intent["interfaces"]:
        block = running.split(f"interface {port['name']}\n", 1)[1].split("!", 1)[0]
        if port["mode"] == "access":
            assert f" switchport access vlan {port['vlan']}\n switchport mode access\n" in block, port
        elif port["mode"] == "trunk":
            assert f" switchport trunk allowed vlan {port['allowed']}\n switchport mode trunk\n" in block, port
        else:
            assert " shutdown\n" in block, port


# ---- correct devices ---------------------------------------------------------------------------
@pytest.mark.parametrize("host", SWITCHES)
def test_second_push_from_day0_sends_nothing_and_saves_nothing(first_push, day0, lab_configs, host):
    assert not isinstance(first_push[host], Exception), str(first_push[host])
    before = len(day0[host].device.history)
    again = netlab.push(day0[host], lab_configs[host])
    assert again["commands"] == [] and not again["changed"] and not again["saved"]
    assert len(day0[host].device.history) == before


@pytest.mark.parametrize("host", SWITCHES + ROUTERS)
def test_second_push_to_a_correct_device_sends_nothing(lab_site, lab_configs, host):
    peer = netlab.correct(lab_site, lab_configs, host)
    try:
        sent = netlab.push(peer, lab_configs[host], check=True)["commands"]
    finally:
        peer.stop()
    assert sent == [], f"{len(sent)} lines: {sent[:40]}"


def test_check_mode_reads_only(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-bp-1")
    try:
        before = peer.running_config()
        renamed = lab_configs["sw-bp-1"].replace(" name UTILISATEURS\n", " name CHECKED\n")
        assert netlab.push(peer, renamed, check=True)["commands"]
        assert peer.running_config() == before and peer.device.history == []
    finally:
        peer.stop()


def test_renaming_one_vlan_sends_only_that_line(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-core")
    try:
        sent = netlab.push(peer, lab_configs["sw-core"].replace(" name ADMINISTRATEURS\n", " name ADMINS-IT\n"),
                           check=True)["commands"]
    finally:
        peer.stop()
    assert sent == ["vlan 30", " name ADMINS-IT", " exit"], f"{len(sent)} lines: {sent[:40]}"


def test_a_slow_console_prompt_in_two_packets_is_read_whole(lab_site, lab_configs):
    """A busy device's prompt can reach the client in two packets (here 0.4 s apart, longer than netmiko's prompt
    probe waits, 25 ms with fast_cli and 250 without, which took the second half for the prompt: base prompt 'ore',
    then no answer to anything): the session reads whole prompt lines, applies, leaves configuration mode,
    confirms and saves."""
    peer = netlab.correct(lab_site, lab_configs, "sw-core")
    peer.server.prompt_split_s = 0.4
    try:
        done = netlab.push(peer, lab_configs["sw-core"].replace(" name ADMINISTRATEURS\n", " name ADMINS-IT\n"))
        assert done["applied"] == ["vlan 30", "name ADMINS-IT", "exit"] and done["saved"], done
        assert " name ADMINS-IT" in peer.running_config() and peer.device.revert is None
    finally:
        peer.stop()


def test_removing_a_vlan_sends_no_vlan(lab_site, lab_configs):
    with_50 = lab_configs["sw-stock"].replace("vlan 20\n", "vlan 50\n name TEMPORAIRE\n!\nvlan 20\n", 1)
    peer = netlab.correct(lab_site, lab_configs, "sw-stock", intended=with_50)
    try:
        assert 50 in _vlan_brief(peer.show("show vlan brief"))
        sent = netlab.push(peer, lab_configs["sw-stock"])["commands"]
        assert "no vlan 50" in sent, f"{len(sent)} lines: {sent[:40]}"
        assert 50 not in _vlan_brief(peer.show("show vlan brief"))
    finally:
        peer.stop()


def test_a_vlan_left_in_vlan_dat_by_vtp_server_mode_is_removed(lab_site, lab_configs):
    """Day 0 in VTP server mode: VLANs exist only in vlan.dat. The push reads them (show vlan brief)
    and removes the one the model does not declare while it turns the switch transparent."""
    peers = netlab.lab_peers(lab_site, ["sw-stock"])
    peer = peers["sw-stock"]
    try:
        peer.configure("vlan 77", "name STRAY", "exit")
        assert "vtp mode" not in peer.running_config() and 77 in _vlan_brief(peer.show("show vlan brief"))
        result = netlab.push(peer, lab_configs["sw-stock"])
        assert "no vlan 77" in result["commands"] and result["commands"].index("vtp mode transparent") == 5  # after archive
        assert 77 not in _vlan_brief(peer.show("show vlan brief"))
        assert netlab.push(peer, lab_configs["sw-stock"], check=True)["commands"] == []
    finally:
        peer.stop()


WAN = re.compile(r"^(no )?(ip nat inside source|ip route |access-list 1 |ip cef)|^ (no )?(ip address|ip nat outside)")


def test_an_operator_built_wan_is_untouched(lab_site, lab_configs):
    intent = netlab.intents(lab_site)["rt-01"]
    peer = netlab.lab_peer("rt-01", intent, netlab.management_vlan(lab_site), config="c1941-lab-operator-wan-15.4.cfg")
    peer.start()
    try:
        wan_before = [x for x in peer.running_config().splitlines() if WAN.search(x) or x.startswith("interface Gi")]
        sent = netlab.push(peer, lab_configs["rt-01"], check=True)["commands"]
        in_wan, touched = False, []
        for line in sent:
            in_wan = line == "interface GigabitEthernet0/1" or (in_wan and line.startswith(" "))
            if WAN.search(line) and (in_wan or not line.startswith(" ")):
                touched.append(line)
        assert touched == [], touched
        assert not [x for x in sent if re.search(r"ip nat|virtual-reassembly|duplex|speed|line aux|Embedded", x)], sent
        assert wan_before
        result = netlab.push(peer, lab_configs["rt-01"])
        assert [x for x in peer.running_config().splitlines() if WAN.search(x) or x.startswith("interface Gi")] == \
            wan_before
        assert result["applied"] and netlab.push(peer, lab_configs["rt-01"], check=True)["commands"] == []
    finally:
        peer.stop()


def _long_trunks(text: str) -> str:
    """Every trunk also allows VLANs 1000-1294 by steps of 7: a list IOS prints on a first line and
    ``switchport trunk allowed vlan add`` lines (iospeer/render.py allowed_lines)."""
    extra = set(range(1000, 1300, 7))
    return re.sub(r"^( switchport trunk allowed vlan )(\S+)$",
                  lambda m: m.group(1) + ios_vlans.vlan_list(ios_vlans.vlan_ids(m.group(2)) | extra), text, flags=re.M)


def test_a_list_the_device_wraps_is_pushed_once(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-core")
    long = _long_trunks(lab_configs["sw-core"])
    try:
        first = netlab.push(peer, long)
        assert first["applied"] and first["changed"]
        running = peer.running_config()
        assert re.search(r"^ switchport trunk allowed vlan add [0-9,-]+$", running, re.M), "the device did not wrap"
        assert netlab.push(peer, long, check=True)["commands"] == []
        second = netlab.push(peer, long)
        assert second["commands"] == [] and not second["changed"] and not second["saved"]
    finally:
        peer.stop()


def _moved(text: str) -> str:
    """The site after moving switch management from VLAN 20 (172.30.20.0/24) to VLAN 25."""
    text = re.sub(r"^vlan 20\n name ADMIN-RESEAU\n", "vlan 25\n name ADMIN-RESEAU\n", text, flags=re.M)
    text = text.replace("interface Vlan20\n", "interface Vlan25\n").replace("172.30.20.", "172.30.25.")
    return re.sub(r"(allowed vlan \S*)\b20\b", r"\g<1>25", text)


def test_a_management_move_is_refused_without_the_operators_consent(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-stock", client="172.30.30.250")
    try:
        before = peer.running_config()
        with pytest.raises(ios_ssh.DeviceError, match=r"management-path change refused.*interface Vlan20") as err:
            netlab.push(peer, _moved(lab_configs["sw-stock"]), session_address="172.30.20.12")
        assert err.value.applied == [] and peer.running_config() == before and peer.device.history == []
        checked = netlab.push(peer, _moved(lab_configs["sw-stock"]), check=True)
        assert checked["refused"] and "ip default-gateway 172.30.20.1" in checked["management"]
    finally:
        peer.stop()


def test_the_management_move_keeps_the_session(lab_site, lab_configs):
    """New VLAN, SVI and gateway first; what would cut the session (the old SVI, its VLAN, that VLAN on the
    uplink) waits for a push through the new address, which then removes it."""
    peer = netlab.correct(lab_site, lab_configs, "sw-stock", client="172.30.30.250", minute=600)
    moved = _moved(lab_configs["sw-stock"])
    try:
        result = netlab.push(peer, moved, allow_management=True, session_address="172.30.20.12")
        assert result["applied"] and result["saved"]
        assert {"no interface Vlan20", "no vlan 20"} <= set(result["deferred"])
        assert " switchport trunk allowed vlan add 25" in result["commands"]
        assert result["commands"].index("interface Vlan25") < result["commands"].index("ip default-gateway 172.30.25.1")
        assert "interface Vlan20\n" in peer.running_config() and "interface Vlan25\n" in peer.running_config()
        peer.server.target = "172.30.25.12"
        assert netlab.read(peer, "show privilege") == "Current privilege level is 15"
        second = netlab.push(peer, moved, allow_management=True, session_address="172.30.25.12")
        assert second["deferred"] == [] and "no interface Vlan20" in second["commands"] and "no vlan 20" in second["commands"]
        assert "interface Vlan20\n" not in peer.running_config()
        assert netlab.push(peer, moved, check=True, session_address="172.30.25.12")["commands"] == []
    finally:
        peer.stop()


def test_a_lost_session_is_rolled_back_by_the_device(lab_site, lab_configs):
    """The push arms an idle revert timer: when the session dies mid-push (here the change cuts it and
    nothing defers it), the device restores its previous configuration by itself."""
    peer = netlab.correct(lab_site, lab_configs, "sw-stock", client="172.30.30.250", minute=0.2)
    try:
        before = peer.running_config().split("\nversion", 1)[1]
        with pytest.raises(ios_ssh.DeviceError, match="revert timer ends") as err:
            netlab.push(peer, _moved(lab_configs["sw-stock"]), allow_management=True, session_address=None)
        assert err.value.lost and err.value.applied
        deadline = time.time() + 30
        while peer.device.revert is not None and time.time() < deadline:
            time.sleep(0.2)
        assert peer.running_config().split("\nversion", 1)[1] == before
    finally:
        peer.stop()


def test_a_device_left_unsaved_is_saved_by_the_next_push(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-bp-1")
    renamed = lab_configs["sw-bp-1"].replace(" name UTILISATEURS\n", " name USERS\n")
    try:
        first = netlab.push(peer, renamed, save=False)  # as a push cut before its `write memory`
        assert first["applied"] and not first["saved"]
        assert peer.device.startup != "\n".join(config_lines(peer.device)) + "\n"
        again = netlab.push(peer, renamed)
        assert again["commands"] == [] and again["saved"] and again["changed"]
        assert peer.device.startup == "\n".join(config_lines(peer.device)) + "\n"
        assert not netlab.push(peer, renamed)["changed"]
    finally:
        peer.stop()


def test_a_changed_user_secret_is_replaced_in_place(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "rt-02")
    new = hashes.type9("a-new-secret")
    changed = re.sub(r"^(username netadmin privilege 15 secret 9 )\S+", rf"\g<1>{new}", lab_configs["rt-02"], flags=re.M)
    try:
        with pytest.raises(ios_ssh.DeviceError, match="management-path change refused"):
            netlab.push(peer, changed)
        result = netlab.push(peer, changed, allow_management=True)
        assert result["commands"] == [f"username netadmin privilege 15 secret 9 {new}"]
        assert not any(line.startswith("no username") for _, line in peer.device.history)
    finally:
        peer.stop()


def test_rollback_restores_the_device_after_a_refused_line(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "rt-02")
    try:
        before = peer.running_config().split("\nversion", 1)[1]
        with pytest.raises(ios_ssh.DeviceError, match=r"rolled back: the 3 line\(s\) applied before were undone") as err:
            netlab.push(peer, lab_configs["rt-02"].replace(" description UTILISATEURS\n", " description USERS\n") +
                        "interface GigabitEthernet0/7\n description nowhere\n!\n")
        assert err.value.line == "interface GigabitEthernet0/7"
        assert err.value.applied == ["interface GigabitEthernet0/0.40", "description USERS", "exit"]
        assert peer.running_config().split("\nversion", 1)[1] == before
        assert peer.device.revert is None
    finally:
        peer.stop()


def test_rollback_without_an_archive_restores_a_snapshot(lab_site, lab_configs):
    no_archive = re.sub(r"^archive\n(?: .*\n)+!\n", "", lab_configs["rt-02"], flags=re.M)
    peer = netlab.correct(lab_site, lab_configs, "rt-02", intended=no_archive)
    try:
        before = peer.running_config().split("\nversion", 1)[1]
        with pytest.raises(ios_ssh.DeviceError, match=r"rolled back.*configure replace"):
            netlab.push(peer, no_archive.replace(" description UTILISATEURS\n", " description USERS\n") +
                        "interface GigabitEthernet0/7\n description nowhere\n!\n")
        assert peer.running_config().split("\nversion", 1)[1] == before
    finally:
        peer.stop()


def test_any_ios_error_counts_as_refused(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-bp-1")
    c = peer.connection()
    try:
        with ios_ssh.Session("sw-bp-1", c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                             host_key_checking=False, timeout=20) as session, \
                pytest.raises(ios_ssh.DeviceError):
            session.apply(["no interface Vlan1"])
    finally:
        peer.stop()


def test_a_changed_snmp_key_is_sent_once(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-bp-1")
    try:
        old = re.search(r"^snmp-server user .*$", lab_configs["sw-bp-1"], re.M).group(0)
        assert "User name: supervision" in peer.show("show snmp user supervision")
        assert netlab.push(peer, lab_configs["sw-bp-1"], check=True)["commands"] == []
        changed = lab_configs["sw-bp-1"].replace(old, re.sub(r"priv aes 128 \S+", "priv aes 128 0A:0B:0C", old))
        args = {**peer.connection(), "name": "sw-bp-1", "intended_config": changed, "_ansible_check_mode": True,
                **netlab.intents(lab_site)["sw-bp-1"]["push"]}
        result = netlab.run_module(netlab.ios_remediate, {**args, "host_key_checking": False})
        assert any(x.startswith("snmp-server user supervision") and "********" in x for x in result["commands"]), \
            result["commands"][:40]
        assert netlab.push(peer, changed)["write_only"] and peer.device.snmp_users["supervision"]["priv_key"] == "0A:0B:0C"
        assert netlab.push(peer, changed, check=True)["commands"] == []  # sent once, not every run
    finally:
        peer.stop()


def test_an_snmp_user_set_up_by_hand_gets_the_models_keys_once(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-stock")
    try:
        peer.configure("snmp-server user supervision RO-SUPERVISION v3 auth sha handmade priv aes 128 handmade2",
                       f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}",
                       f"no remark snmp-user supervision {ios_remediation.fingerprints(peer.running_config())['supervision']}")
        line = re.search(r"^snmp-server user .*$", lab_configs["sw-stock"], re.M).group(0)
        assert netlab.push(peer, lab_configs["sw-stock"])["write_only"] == [line]
        assert netlab.push(peer, lab_configs["sw-stock"], check=True)["commands"] == []
    finally:
        peer.stop()


def test_a_renamed_snmp_user_replaces_the_old_one(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-stock")
    try:
        renamed = re.sub(r"^snmp-server user supervision ", "snmp-server user nms ", lab_configs["sw-stock"], flags=re.M)
        result = netlab.push(peer, renamed)
        assert "no snmp-server user supervision RO-SUPERVISION v3" in result["commands"]
        assert set(peer.device.snmp_users) == {"nms"}
        assert ios_remediation.fingerprints(peer.running_config()).keys() == {"nms"}
    finally:
        peer.stop()


# ---- errors ------------------------------------------------------------------------------------
def test_a_refused_line_names_device_line_and_applied_lines(lab_site, lab_configs):
    peer = netlab.correct(lab_site, lab_configs, "sw-stock")
    c = peer.connection()
    try:
        with ios_ssh.Session("sw-stock", c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                             host_key_checking=False, timeout=20) as session:
            with pytest.raises(ios_ssh.DeviceError) as err:
                session.apply(["vlan 77", " name PROBE", " exit", "interface GigabitEthernet9/0/99", " exit"])
            assert err.value.line == "interface GigabitEthernet9/0/99"
            assert err.value.applied == ["vlan 77", "name PROBE", "exit"]
            message = str(err.value)
            assert message.startswith("sw-stock: line refused at line 'interface GigabitEthernet9/0/99'")
            assert "Invalid input" in message and "3 line(s) already applied and NOT saved" in message
            assert "^\n% Invalid input detected at '^' marker." in err.value.output.replace("\r", "")
            session.apply(["no vlan 77"])
        assert 77 not in _vlan_brief(peer.show("show vlan brief"))
    finally:
        peer.stop()


def test_the_module_logs_in_with_a_key_and_no_password(lab_site, lab_configs, tmp_path):
    from iospeer.peer import rsa_key_file

    peer = netlab.correct(lab_site, lab_configs, "sw-stock")
    try:
        md5 = rsa_key_file(tmp_path / "netadmin")
        peer.configure("ip ssh pubkey-chain", "username netadmin", f"key-hash ssh-rsa {md5}", "exit", "exit")
        args = {**peer.connection(), "name": "sw-stock", "intended_config": lab_configs["sw-stock"],
                "private_key": str(tmp_path / "netadmin"), "_ansible_check_mode": True, "host_key_checking": False,
                **netlab.intents(lab_site)["sw-stock"]["push"]}
        del args["password"], args["enable_secret"]
        result = netlab.run_module(netlab.ios_remediate, args)
        assert not result.get("failed"), result.get("msg")
        assert result["commands"] == []
        refused = netlab.run_module(netlab.ios_remediate, {**args, "private_key": str(tmp_path / "missing")})
        assert refused["failed"] and refused["msg"].startswith("sw-stock: ")
    finally:
        peer.stop()


def test_connection_errors_name_the_device():
    refused = r"^sw-gone: cannot connect to 127\.0\.0\.1:9: TCP connection to device failed\.; nothing was applied$"
    with pytest.raises(ios_ssh.DeviceError, match=refused), \
            ios_ssh.Session("sw-gone", "127.0.0.1", 9, "admin", "x", host_key_checking=False, timeout=5):
        pass


def test_wrong_password_is_reported(day0):
    dev = day0["rt-02"]
    with pytest.raises(ios_ssh.DeviceError, match=r"^rt-02: authentication failed for netadmin@127\.0\.0\.1"), \
            ios_ssh.Session("rt-02", "127.0.0.1", dev.port, dev.user, "wrong-password", host_key_checking=False, timeout=10):
        pass


def test_the_day0_push_to_a_device_without_ssh_points_at_its_bootstrap(lab_site):
    from iospeer import IosPeer, catalyst

    peer = IosPeer("sw-new", catalyst(["WS-C2960X-24TS-L"] * 2)).boot()
    peer.device.rsa_key = False  # factory state: no RSA key, so no SSH server
    peer.start()
    try:
        args = {**peer.connection(), "name": "sw-new", "intended_config": "hostname sw-new\n", "timeout": 5,
                "bootstrap": "build/configs/sw-new.day0.txt", "host_key_checking": False}
        result = netlab.run_module(netlab.ios_remediate, args)
        assert result["failed"] and result["msg"].startswith("sw-new: cannot connect to 127.0.0.1:")
        assert "type its day-0 bootstrap (build/configs/sw-new.day0.txt) on its console" in result["msg"]
        assert peer.server.refusals == ["no RSA keys: SSH server disabled"]
    finally:
        peer.stop()


# ---- through Ansible: playbooks/network.yml with the module -----------------------------------
def _playbook(tmp_path, devices, *args):
    overlay = {"all": {"hosts": {h: {f"cisco_ios_{key}": value
                                     for key, value in (("ssh_port", d.port), ("ssh_user", d.user),
                                                        ("ssh_password", d.password), ("enable_secret", d.password))}
                                 for h, d in devices.items()}}}
    (tmp_path / "peers.yml").write_text(json.dumps(overlay))
    extra = {**netlab.lab_secrets(), "cisco_ios_build_dir": str(tmp_path / "configs"), "cisco_ios_host_key_checking": False}
    (tmp_path / "extra.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
           "ANSIBLE_FORKS": "10"}
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i",
                           str(tmp_path / "peers.yml"), "--limit", ":".join(devices), "playbooks/network.yml",
                           "-e", f"@{tmp_path / 'extra.json'}", *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    return proc, (json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0] if "{" in proc.stdout else {})


def _push_results(report: dict) -> dict:
    out = {}
    for play in report.get("plays", []):
        for task in play["tasks"]:
            if task["task"]["name"].endswith("Push only the remediation to the device"):
                out.update(task["hosts"])
    return out


@pytest.fixture(scope="module")
def playbook_devices(lab_site, lab_configs):
    peers = {h: netlab.correct(lab_site, lab_configs, h) for h in ("sw-bp-1", "rt-02")}
    yield peers
    for peer in peers.values():
        peer.stop()


def test_network_playbook_in_check_mode_changes_no_device(playbook_devices, tmp_path):
    before = {h: p.running_config() for h, p in playbook_devices.items()}
    proc, report = _playbook(tmp_path, playbook_devices, "--check", "--diff")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert set(_push_results(report)) == set(playbook_devices)
    assert all(r["diff"]["after_header"] == f"{h} intended" for h, r in _push_results(report).items())  # --diff reaches it
    assert {h: p.running_config() for h, p in playbook_devices.items()} == before
    assert all(p.device.history == [] for p in playbook_devices.values())


def test_network_playbook_pushes_only_the_drift(playbook_devices, lab_configs, tmp_path):
    playbook_devices["sw-bp-1"].configure("interface GigabitEthernet1/0/3", "switchport access vlan 30")
    playbook_devices["sw-bp-1"].device.history.clear()
    drifted = playbook_devices["sw-bp-1"].running_config()
    proc, report = _playbook(tmp_path, playbook_devices, "--check")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    results = _push_results(report)
    assert results["sw-bp-1"]["commands"] == ["interface GigabitEthernet1/0/3", " switchport access vlan 40", " exit"]
    assert [h for h, r in results.items() if r["changed"]] == ["sw-bp-1"]
    # --check reaches the action (plugins/action/ios_remediate.py): the drift is reported, never sent
    assert results["sw-bp-1"]["applied"] == [] and playbook_devices["sw-bp-1"].device.history == []
    assert "diff" not in results["sw-bp-1"]  # no --diff
    assert playbook_devices["sw-bp-1"].running_config() == drifted


def _task_hosts(report: dict, suffix: str) -> dict:
    return {h: r for play in report.get("plays", []) for task in play["tasks"]
            if task["task"]["name"].endswith(suffix) for h, r in task["hosts"].items()}


def test_rendered_files_are_written_in_one_module_run_and_not_rewritten(tmp_path):
    """Every device's config and day-0 text: one module run for the play, mode 0600; a second run writes nothing."""
    devices = {h: SimpleNamespace(port=1, user="u", password="p") for h in ("sw-bp-1", "rt-02")}  # push off: no session
    written = "Write the rendered configuration and the day-0 bootstrap to the build directory"
    proc, report = _playbook(tmp_path, devices, "-e", "cisco_ios_push=false")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert [r["changed"] for r in _task_hosts(report, written).values()] == [True]  # run_once: one result
    configs = tmp_path / "configs"
    files = sorted(p.name for p in configs.iterdir())
    assert files == ["rt-02.cfg", "rt-02.day0.txt", "sw-bp-1.cfg", "sw-bp-1.day0.txt"]
    assert {oct(p.stat().st_mode & 0o777) for p in configs.iterdir()} == {"0o600"}
    marks = {p.name: p.stat().st_mtime_ns for p in configs.iterdir()}
    proc, report = _playbook(tmp_path, devices, "-e", "cisco_ios_push=false")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert [r["changed"] for r in _task_hosts(report, written).values()] == [False]
    assert {p.name: p.stat().st_mtime_ns for p in configs.iterdir()} == marks


def test_one_invalid_configuration_stops_every_push(playbook_devices, lab_configs, tmp_path):
    """The play's rendered set is validated together before any push: a problem on one device pushes to none."""
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    for host, text in lab_configs.items():  # an extra var is every host's: each device gets a file
        extra = "snmp-server community public RO\n" if host == "sw-bp-1" else ""
        (rendered / f"{host}.cfg").write_text(text + extra)
    config = {"cisco_ios_config": f"{{{{ lookup('ansible.builtin.file', '{rendered}/' ~ inventory_hostname ~ '.cfg') }}}}"}
    proc, report = _playbook(tmp_path, playbook_devices, "--check", "-e", json.dumps(config))
    assert proc.returncode != 0
    assert _push_results(report) == {}
    failed = _task_hosts(report, "Validate the rendered configurations against the site model and each other")
    assert [r["failed"] for r in failed.values()] == [True]  # run_once: one result, every device stopped
    assert "sw-bp-1" in proc.stdout and "SNMP community strings are plaintext" in proc.stdout


# ---- one step alone (README.md, section Tags): what every step needs runs with it ----------------------
def _task_names(report: dict) -> list[str]:
    return [task["task"]["name"] for play in report.get("plays", []) for task in play["tasks"]]


def test_the_push_step_alone_renders_validates_then_pushes(playbook_devices, tmp_path):
    playbook_devices["sw-bp-1"].configure("interface GigabitEthernet1/0/3", "switchport access vlan 30")
    proc, report = _playbook(tmp_path, playbook_devices, "--check", "--tags", "role::cisco_ios:push")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    names = _task_names(report)
    assert [n.split(" : ", 1)[-1] for n in names if "Validating arguments" not in n] == [
        "Build the intended data of the devices from the site model",
        "Render its configuration and its day-0 console bootstrap",
        "Validate the rendered configurations against the site model and each other",
        "Push only the remediation to the device"]
    results = _push_results(report)
    assert results["sw-bp-1"]["commands"] == ["interface GigabitEthernet1/0/3", " switchport access vlan 40", " exit"]
    assert not results["rt-02"]["changed"]


def test_the_validate_step_alone_validates_what_it_rendered_and_pushes_nothing(playbook_devices, tmp_path):
    before = {h: list(p.device.history) for h, p in playbook_devices.items()}
    proc, report = _playbook(tmp_path, playbook_devices, "--tags", "role::cisco_ios:validate")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    names = [n.split(" : ", 1)[-1] for n in _task_names(report) if "Validating arguments" not in n]
    assert names == ["Build the intended data of the devices from the site model",
                     "Render its configuration and its day-0 console bootstrap",
                     "Validate the rendered configurations against the site model and each other"]
    assert {h: p.device.history for h, p in playbook_devices.items()} == before
    assert not (tmp_path / "configs").exists()  # the render step (files in the build directory) did not run
    # network_cli (the devices' declared connection) takes ansible-pylibssh (requirements-runtime.txt), not the paramiko
    # connection plugin ansible-core 2.19 deprecates and 2.21 removes: no such warning on an operator's network play.
    assert "paramiko" not in proc.stderr.lower() + proc.stdout.lower()

"""The push plan without a device (module_utils/ios_remediation.py) and the session's rules (ios_ssh.py).

Each IOS behaviour a rule follows is named in the test; the device-level proofs are in
test_network_push.py on the iospeer peer.
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh
from ansible_collections.sitekit.core.plugins.module_utils.ios_remediation import Policy, plan


def test_remediation_negates_what_the_model_no_longer_declares_after_moving_its_ports():
    running = "vlan 10\n name A\n!\nvlan 50\n name OLD\n!\ninterface Gi1/0/1\n switchport access vlan 50\n!\n"
    intended = "vlan 10\n name A\n!\ninterface Gi1/0/1\n switchport access vlan 10\n!\n"
    commands, _, _ = ios_remediation.remediate(running, intended)
    assert commands == ["interface Gi1/0/1", " switchport access vlan 10", " exit", "no vlan 50"]


@pytest.mark.parametrize("running,intended,expected", [
    # IOS replaces these in place: negating the old value first would drop the user, the name, the gateway.
    ("username netadmin privilege 15 secret 9 $9$a\n", "username netadmin privilege 15 secret 9 $9$b\n",
     ["username netadmin privilege 15 secret 9 $9$b"]),
    ("hostname Switch\n", "hostname sw-a\n", ["hostname sw-a"]),
    ("ip default-gateway 192.0.2.1\n", "ip default-gateway 192.0.2.254\n", ["ip default-gateway 192.0.2.254"]),
    ("interface Vlan20\n ip address 192.0.2.5 255.255.255.0\n", "interface Vlan20\n ip address 192.0.2.6 255.255.255.0\n",
     ["interface Vlan20", " ip address 192.0.2.6 255.255.255.0", " exit"]),
    ("line vty 0 4\n transport input all\n", "line vty 0 4\n transport input ssh\n",
     ["line vty 0 4", " transport input ssh", " exit"]),
    ("snmp-server group G v3 priv read A\n", "snmp-server group G v3 priv read B\n",
     ["snmp-server group G v3 priv read B"]),
    ("interface Gi0/0.10\n glbp 10 weighting 100 lower 90 upper 95\n",
     "interface Gi0/0.10\n glbp 10 weighting 100 lower 95 upper 98\n",
     ["interface Gi0/0.10", " glbp 10 weighting 100 lower 95 upper 98", " exit"]),
])
def test_in_place_replacements(running, intended, expected):
    assert ios_remediation.remediate(running, intended)[0] == expected


@pytest.mark.parametrize("running,intended,expected", [
    # `no logging trap` disables syslog: the default level is restored instead.
    ("logging trap debugging\n", "ntp server 192.0.2.1\n", ["logging trap informational", "ntp server 192.0.2.1"]),
    # `no exec-timeout` means never: the default is typed back.
    ("line con 0\n exec-timeout 0 0\n", "line con 0\n", ["line con 0", " exec-timeout 10 0", " exit"]),
    # An ACL entry is removed by its text, whatever number the device gave it.
    ("ip access-list standard VTY\n permit 192.0.2.0 0.0.0.255\n deny   any log\n",
     "ip access-list standard VTY\n deny   any log\n",
     ["ip access-list standard VTY", " no permit 192.0.2.0 0.0.0.255", " no deny any log", " 10 deny any log", " exit"]),
    ("username old privilege 15 secret 9 $9$a\n", "", ["no username old"]),
    ("ip ftp password 7 0822455D0A16\n", "", ["no ip ftp password"]),
    ("banner login ^Cold^C\n!\n", "", ["no banner login"]),
    ("spanning-tree vlan 1,10 priority 4096\n", "", ["no spanning-tree vlan 1,10 priority"]),
])
def test_negations_in_the_form_ios_takes(running, intended, expected):
    assert ios_remediation.remediate(running, intended)[0] == expected


def test_storm_control_actions_are_lines_of_their_own():
    """`storm-control action trap` and `action shutdown` coexist on IOS (Catalyst 2960 Command Reference): the
    intended one is added and the other removed, neither replaces the other; a level is replaced in place."""
    running = "interface Gi1/0/1\n storm-control broadcast level 5.00\n storm-control action trap\n"
    intended = "interface Gi1/0/1\n storm-control broadcast level 1.00\n storm-control action shutdown\n"
    commands = ios_remediation.remediate(running, intended)[0]
    assert sorted(commands[1:-1]) == [" no storm-control action trap", " storm-control action shutdown",
                                      " storm-control broadcast level 1.00"]
    assert (commands[0], commands[-1]) == ("interface Gi1/0/1", " exit")


def test_a_priority_line_replaced_in_place_resets_the_vlans_it_drops():
    commands = ios_remediation.remediate("spanning-tree vlan 1,10,20 priority 4096\n",
                                         "spanning-tree vlan 10,25 priority 4096\n")[0]
    assert commands == ["spanning-tree vlan 10,25 priority 4096", "no spanning-tree vlan 1,20 priority"]


def test_chassis_ports_are_never_negated_logical_interfaces_are():
    running = ("interface GigabitEthernet1/0/9\n description old\ninterface FastEthernet0\n no ip address\n"
               "interface Vlan1\n no ip address\ninterface Vlan30\n ip address 192.0.2.5 255.255.255.0\n"
               "interface Port-channel7\n switchport mode trunk\ninterface GigabitEthernet0/0.50\n encapsulation dot1Q 50\n")
    commands = ios_remediation.remediate(running, "hostname x\n")[0]
    assert sorted(commands) == sorted(["hostname x", "no interface Vlan30", "no interface Port-channel7",
                                       "no interface GigabitEthernet0/0.50"])


def test_banners_are_sent_with_a_delimiter_ios_takes():
    assert ios_remediation.send_form("banner login ^CAuthorized only^C") == "banner login #Authorized only#"
    assert ios_remediation.send_form("banner login ^CUse # with care^C") == "banner login ~Use # with care~"
    assert ios_remediation.remediate("", "banner login ^CHello^C\n!\n")[0] == ["banner login #Hello#"]


def test_scope_keeps_owned_families_and_the_intended_lines_only():
    running = ("hostname r\nip route 0.0.0.0 0.0.0.0 203.0.113.1\nip cef\ninterface GigabitEthernet0/1\n"
               " ip address 203.0.113.2 255.255.255.248\n ip nat outside\ninterface GigabitEthernet0/0.99\n"
               " encapsulation dot1Q 99\n ip nat inside\n duplex auto\n")
    intended = "hostname r\ninterface GigabitEthernet0/0.10\n encapsulation dot1Q 10\n"
    policy = Policy([r"^hostname ", r"^interface GigabitEthernet0/0\.\d+$"], [r"^ ip nat ", r"^ duplex "])
    assert plan(running, intended, policy).commands == [
        "interface GigabitEthernet0/0.10", " encapsulation dot1Q 10", " exit", "no interface GigabitEthernet0/0.99"]


def test_an_intended_line_the_scope_would_drop_is_an_error():
    with pytest.raises(ValueError, match="leave out"):
        plan("", "interface Gi0/0\n duplex full\n", Policy([], [r"^ duplex "]))


def test_the_old_management_path_goes_last_and_is_reported():
    running = ("vlan 20\n name MGMT\ninterface Vlan20\n ip address 192.0.2.12 255.255.255.0\n"
               "ip default-gateway 192.0.2.1\ninterface Port-channel1\n switchport trunk allowed vlan 20,40\n")
    intended = ("vlan 25\n name MGMT\ninterface Vlan25\n ip address 198.51.100.12 255.255.255.0\n"
                "ip default-gateway 198.51.100.1\ninterface Port-channel1\n switchport trunk allowed vlan 25,40\n")
    policy = Policy([], [], [r"^interface Vlan", r"^ip default-gateway "])
    result = plan(running, intended, policy)
    first_new = result.commands.index("interface Vlan25")
    assert all(result.commands.index(old) > first_new for old in ("no vlan 20", "no interface Vlan20"))
    assert result.commands.index("ip default-gateway 198.51.100.1") > first_new
    assert "ip default-gateway 192.0.2.1" in result.management
    assert "interface Vlan20 / ip address 192.0.2.12 255.255.255.0" in result.management and "vlan 20" in result.management
    assert result.deferred == []


def test_what_would_cut_the_session_is_deferred():
    running = ("vlan 20\n name MGMT\ninterface Vlan20\n ip address 192.0.2.12 255.255.255.0\n"
               "interface Port-channel1\n switchport trunk allowed vlan 20,40\n")
    intended = ("vlan 25\n name MGMT\ninterface Vlan25\n ip address 198.51.100.12 255.255.255.0\n"
                "interface Port-channel1\n switchport trunk allowed vlan 25,40\n")
    result = plan(running, intended, Policy(), session_address="192.0.2.12")
    assert set(result.deferred) >= {"no interface Vlan20", "no vlan 20", " switchport trunk allowed vlan 25,40"}
    assert "interface Port-channel1" in result.commands and " switchport trunk allowed vlan add 25" in result.commands
    assert not any(c in result.commands for c in ("no interface Vlan20", "no vlan 20", " switchport trunk allowed vlan 25,40"))
    elsewhere = plan(running, intended, Policy(), session_address="198.51.100.12")
    assert elsewhere.deferred == [] and "no interface Vlan20" in elsewhere.commands


def test_a_session_vlan_on_an_add_continuation_line_is_kept_until_the_new_path_exists():
    """show running-config continues a long allowed list with `add` lines: VLAN 20 here is on the second line."""
    running = ("vlan 20\n name MGMT\ninterface Vlan20\n ip address 192.0.2.12 255.255.255.0\n"
               "interface Port-channel1\n switchport trunk allowed vlan 40\n switchport trunk allowed vlan add 20\n")
    intended = ("vlan 25\n name MGMT\ninterface Vlan25\n ip address 198.51.100.12 255.255.255.0\n"
                "interface Port-channel1\n switchport trunk allowed vlan 25,40\n")
    result = plan(running, intended, Policy(), session_address="192.0.2.12")
    assert " switchport trunk allowed vlan 25,40" in result.deferred
    assert " switchport trunk allowed vlan 25,40" not in result.commands


def test_a_trunk_list_ios_continues_with_add_lines_is_not_sent_again():
    """show running-config wraps a long allowed list into `add` lines; the same VLANs are no change."""
    intended = "interface Port-channel1\n switchport trunk allowed vlan 10,20,30-32,40\n"
    wrapped = ("interface Port-channel1\n switchport trunk allowed vlan 10,20\n switchport trunk allowed vlan add 30-32\n"
               " switchport trunk allowed vlan add 40\n")
    assert plan(wrapped, intended, Policy()).commands == []
    short = wrapped.replace(" switchport trunk allowed vlan add 40\n", "")
    assert plan(short, intended, Policy()).commands == ["interface Port-channel1", " switchport trunk allowed vlan 10,20,30-32,40",
                                                         " exit"]


def test_additions_on_the_management_path_are_not_a_change_of_it():
    running = "line vty 0 4\n login local\n transport input ssh\n"
    intended = "ip access-list standard VTY\n permit 192.0.2.0 0.0.0.255\nline vty 0 4\n access-class VTY in\n" \
               " login local\n transport input ssh\n"
    assert plan(running, intended, Policy([], [], [r"^line vty", r"^ip access-list standard VTY$"])).management == []


def test_changes_that_reach_no_session_are_not_management_changes():
    running = "interface Gi0/0.20\n description OLD\n ip address 192.0.2.2 255.255.255.0\n glbp 20 priority 120\n"
    policy = Policy([], [], [r"^interface Gi0/0"])
    cosmetic = "interface Gi0/0.20\n description NEW\n ip address 192.0.2.2 255.255.255.0\n glbp 20 priority 150\n"
    assert plan(running, cosmetic, policy).management == []
    readdressed = cosmetic.replace("192.0.2.2", "192.0.2.9")
    assert plan(running, readdressed, policy).management == ["interface Gi0/0.20 / ip address 192.0.2.2 255.255.255.0"]


def test_vtp_server_vlans_from_vlan_dat_are_compared():
    intended = "vtp mode transparent\nvlan 20\n name MGMT\n"
    result = plan("hostname s\n", intended, Policy([r"^vlan \d+$", r"^vtp mode "]),
                  vlans={1: "default", 20: "MGMT", 77: "STRAY", 1002: "fddi-default"})
    assert result.commands == ["vtp mode transparent", "no vlan 77"]


SNMP = "snmp-server user nms RO v3 encrypted auth sha AA:BB priv aes 128 CC:DD"


def test_snmp_users_are_sent_when_missing_or_their_fingerprint_differs():
    owned = Policy([r"^snmp-server (group|user) "])
    fp = ios_remediation.fingerprint(SNMP)
    fresh = plan("hostname s\n", SNMP + "\n", owned, snmp_users={})
    assert fresh.commands == [SNMP, f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}",
                              f" remark snmp-user nms {fp}", " exit"] and fresh.write_only == [SNMP]
    kept = f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}\n remark snmp-user nms {fp}\n"
    assert plan(kept, SNMP + "\n", owned, snmp_users={"nms": "RO"}).commands == []
    changed = SNMP.replace("CC:DD", "EE:FF")
    assert plan(kept, changed + "\n", owned, snmp_users={"nms": "RO"}).commands[:3] == [
        changed, f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}", f" no remark snmp-user nms {fp}"]
    gone = plan(kept, "hostname s\n", owned, snmp_users={"nms": "RO"}).commands
    assert gone[1:4] == ["no snmp-server user nms RO v3", f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}",
                         f" no remark snmp-user nms {fp}"]
    not_owned = plan(kept, "hostname s\n", Policy([r"^hostname "]), snmp_users={"nms": "RO"}).commands
    assert not_owned == ["hostname s"]


def test_a_fingerprint_follows_the_line_and_only_the_line():
    assert ios_remediation.fingerprint(SNMP) == ios_remediation.fingerprint(" " + SNMP + " ")
    assert ios_remediation.fingerprint(SNMP) != ios_remediation.fingerprint(SNMP.replace("CC:DD", "CC:DE"))
    assert len(ios_remediation.fingerprint(SNMP)) == 16 and "AA:BB" not in ios_remediation.fingerprint(SNMP)


@pytest.mark.parametrize("answer", [
    "% Invalid input detected at '^' marker.", "% Removal of physical interfaces is not permitted",
    "ERROR: The secret you entered is not a valid encrypted secret.", "%Can't delete last 5 VTY lines",
    "% Bridge Priority must be in increments of 4096.", "%Default VLAN 1 may not be deleted.",
    "% Something nobody listed yet",
])
def test_any_percent_or_error_answer_is_refused(answer):
    assert ios_ssh.refused(f"sw(config)#a line\n{answer}\nsw(config)#")


@pytest.mark.parametrize("answer", [
    "% Access VLAN does not exist. Creating vlan 999",
    "%Warning: portfast should only be enabled on ports connected to a single\n host. Connecting hubs...",
    "%Portfast has been configured on GigabitEthernet1/0/1 but will only",
    "Setting device to VTP TRANSPARENT mode.", "Creating a port-channel interface Port-channel 2",
])
def test_known_notices_are_not_refusals(answer):
    assert not ios_ssh.refused(f"sw(config-if)#a line\n{answer}\nsw(config-if)#")


def test_keys_and_agent_reach_netmiko():
    with_key = ios_ssh.Session("sw", "192.0.2.1", username="netadmin", private_key="/keys/id_ed25519").params()
    assert with_key["use_keys"] and with_key["key_file"] == "/keys/id_ed25519" and not with_key["allow_agent"]
    agent = ios_ssh.Session("sw", "192.0.2.1", username="netadmin", allow_agent=True).params()
    assert agent["use_keys"] and agent["allow_agent"] and "key_file" not in agent
    password = ios_ssh.Session("sw", "192.0.2.1", username="netadmin", password="x").params()
    assert not password["use_keys"] and not password["allow_agent"]


def test_session_keeps_netmikos_default_delays():
    """fast_cli, netmiko's default (ios_ssh.Session.params): safe since no prompt is read on a delay (ios_ssh.IosSSH,
    test_network_push.py::test_a_slow_console_prompt_in_two_packets_is_read_whole); the scenarios over real SSH
    (tests/network/iospeer) run with it."""
    params = ios_ssh.Session("sw", "192.0.2.1", username="netadmin", password="x").params()
    assert params["fast_cli"] is True and "global_delay_factor" not in params


def test_a_port_gets_its_vlans_before_its_new_mode():
    """A trunk carries every VLAN until its allowed list is typed ("By default, a trunk port sends traffic to and
    receives traffic from all VLANs", Catalyst 2960 Software Configuration Guide 78-16881-01, ch. 12), and an access
    port sits in VLAN 1 until its access VLAN is typed; hier_config lifts `switchport mode` first. The VLAN lines go
    before the mode, and a port the model shuts goes down before it changes."""
    access = "interface Gi1/0/10\n description pc\n switchport access vlan 40\n switchport mode access\n"
    trunk = "interface Gi1/0/10\n description ap\n switchport trunk allowed vlan 20,40\n switchport mode trunk\n"
    unused = ("interface Gi1/0/10\n description unused\n switchport access vlan 999\n switchport mode access\n"
              " shutdown\n")
    to_trunk = ios_remediation.remediate(access, trunk)[0]
    assert to_trunk.index(" switchport trunk allowed vlan 20,40") < to_trunk.index(" switchport mode trunk")
    to_access = ios_remediation.remediate(trunk, access)[0]
    assert to_access.index(" switchport access vlan 40") < to_access.index(" switchport mode access")
    to_unused = ios_remediation.remediate(trunk, unused)[0]
    assert to_unused.index(" shutdown") < to_unused.index(" switchport access vlan 999") < to_unused.index(
        " switchport mode access")


def test_the_default_errdisable_interval_is_neither_sent_nor_removed():
    """300 s is IOS's default: whether the device prints it or hides it, the push sends nothing; another interval on
    the device is reset (the model renders no interval when it declares the default)."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.push import push_policy
    p = push_policy("switch")
    policy = Policy(list(p.include), list(p.exclude), list(p.management))
    cause = "errdisable recovery cause bpduguard\n"
    assert plan(cause + "errdisable recovery interval 300\n", cause, policy).commands == []
    assert plan(cause, cause, policy).commands == []
    assert plan(cause + "errdisable recovery interval 600\n", cause, policy).commands == [
        "no errdisable recovery interval 600"]

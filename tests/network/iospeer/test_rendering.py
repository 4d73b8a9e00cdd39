"""The running-config as IOS prints it: hidden defaults, canonical forms, section order."""

from __future__ import annotations

import re

import pytest

from . import hashes


@pytest.mark.parametrize(("default", "other", "block"), [
    ("exec-timeout 10 0", "exec-timeout 5 0", "line vty 0 4"),
    ("exec-timeout 10", "exec-timeout 30", "line vty 0 4"),
])
def test_line_defaults_are_hidden(switch, default, other, block):
    switch("line vty 0 4", default)
    assert not any(x.startswith("exec-timeout") for x in switch.block(block))
    switch(other)
    assert f"exec-timeout {other.split()[1]} 0" in switch.block(block)


@pytest.mark.parametrize(("default", "other"), [
    ("ip ssh authentication-retries 3", "ip ssh authentication-retries 2"),
    ("ip ssh time-out 120", "ip ssh time-out 60"),
    ("logging trap informational", "logging trap debugging"),
    ("logging trap 6", "logging trap 4"),
])
def test_global_defaults_are_hidden(switch, default, other):
    switch(default)
    assert default.rsplit(" ", 1)[0] not in switch.running()
    switch(other)
    expected = other.replace("trap 4", "trap warnings")
    assert f"\n{expected}\n" in switch.running()


def test_glbp_defaults_are_hidden_and_others_printed(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "ip address 10.0.10.2 255.255.255.0",
           "glbp 10 ip 10.0.10.1", "glbp 10 priority 100", "glbp 10 load-balancing round-robin",
           "glbp 10 timers 3 10", "glbp 10 weighting 100", "glbp 10 preempt")
    assert router.block("interface GigabitEthernet0/0.10") == [
        "encapsulation dot1Q 10", "ip address 10.0.10.2 255.255.255.0", "glbp 10 ip 10.0.10.1", "glbp 10 preempt"]
    router("glbp 10 priority 150", "glbp 10 load-balancing weighted")
    assert "glbp 10 priority 150" in router.block("interface GigabitEthernet0/0.10")
    assert "glbp 10 load-balancing weighted" in router.block("interface GigabitEthernet0/0.10")


def test_portfast_is_stored_with_edge(switch):
    switch("interface GigabitEthernet1/0/4", "switchport mode access", "spanning-tree portfast",
           "interface GigabitEthernet1/0/5", "switchport mode trunk", "spanning-tree portfast trunk", "exit",
           "spanning-tree portfast bpduguard default")
    assert switch.block("interface GigabitEthernet1/0/4")[-1] == "spanning-tree portfast edge"
    assert switch.block("interface GigabitEthernet1/0/5")[-1] == "spanning-tree portfast edge trunk"
    assert "\nspanning-tree portfast edge bpduguard default\n" in switch.running()
    assert "\nspanning-tree portfast bpduguard default\n" not in switch.running()


def test_portfast_warns_like_ios(switch):
    answer = switch("interface GigabitEthernet1/0/4", "spanning-tree portfast")
    assert answer.startswith("%Warning: portfast should only be enabled on ports connected to a single")
    assert "%Portfast has been configured on GigabitEthernet1/0/4 but will only" in answer


def test_interface_names_are_expanded(switch):
    switch("int gi1/0/1", "exit", "int po3", "exit", "int vlan 30", "exit")
    running = switch.running()
    assert "\ninterface GigabitEthernet1/0/1\n" in running
    assert "\ninterface Port-channel3\n" in running and "\ninterface Vlan30\n" in running
    assert "\ninterface gi1/0/1" not in running


def test_a_clear_secret_is_stored_as_type_5(switch):
    switch("username ops privilege 15 secret Sup3rSecret")
    line = next(x for x in switch.running().splitlines() if x.startswith("username ops"))
    kind, value = re.match(r"username ops privilege 15 secret (\d) (\S+)$", line).groups()
    assert kind == "5" and hashes.verify("5", value, "Sup3rSecret") and "Sup3rSecret" not in switch.running()


def test_a_type_9_secret_is_kept_and_a_malformed_one_refused(switch):
    good = hashes.type9("x")
    assert switch(f"username ops privilege 15 secret 9 {good}") == ""
    assert f"username ops privilege 15 secret 9 {good}" in switch.running()
    answer = switch("username bad secret 9 not-a-hash")
    assert answer.startswith("ERROR: The secret you entered is not a valid encrypted secret.")
    assert "username bad" not in switch.running()


def test_sections_print_in_ios_order_whatever_the_typing_order(switch):
    switch("line vty 0 4", "logging synchronous", "exit", "ntp server 10.0.0.5", "interface Vlan1",
           "ip address 10.0.0.2 255.255.255.0", "exit", "ip domain-name a.test", "hostname order-1",
           "logging host 10.0.0.9", "ip access-list standard X", "permit any", "exit")
    lines = [x for x in switch.running().splitlines() if not x.startswith((" ", "!"))]
    position = {key: next(i for i, x in enumerate(lines) if x.startswith(key)) for key in
                ("version", "hostname", "ip domain-name", "interface Vlan1", "ip access-list", "logging host",
                 "line vty", "ntp server", "end")}
    assert sorted(position, key=position.get) == list(position)


def test_the_domain_forms_follow_the_platform(switch, router):
    switch("ip domain name site.test", "no ip domain lookup")
    router("ip domain-name site.test", "no ip domain-lookup")
    assert "\nip domain-name site.test\n" in switch.running() and "\nno ip domain-lookup\n" in switch.running()
    assert "\nip domain name site.test\n" in router.running() and "\nno ip domain lookup\n" in router.running()


def test_acl_entries_print_like_ios(switch):
    switch("ip access-list standard M", "permit host 10.0.10.80", "permit 10.0.20.5 0.0.0.255", "deny any log",
           "exit", "access-list 100 deny ip 10.0.0.0 0.0.0.255 host 10.1.1.1", "access-list 100 permit ip any any")
    assert switch.block("ip access-list standard M") == ["permit 10.0.10.80", "permit 10.0.20.0 0.0.0.255",
                                                         "deny   any log"]
    assert "\naccess-list 100 deny   ip 10.0.0.0 0.0.0.255 host 10.1.1.1\naccess-list 100 permit ip any any\n" \
        in switch.running()


def test_nat_on_an_interface_adds_virtual_reassembly(router):
    router("interface GigabitEthernet0/1", "ip address 192.0.2.2 255.255.255.0", "ip nat outside")
    assert router.block("interface GigabitEthernet0/1")[1:3] == ["ip nat outside", "ip virtual-reassembly in"]


def test_an_access_group_prints_after_the_address_as_a_c891f_prints_it(router):
    router("interface GigabitEthernet0/1", "no shutdown", "ip nat outside", "ip access-group WAN-OUT out", "ip access-group WAN-IN in",
           "ip address 192.0.2.2 255.255.255.0")
    assert router.block("interface GigabitEthernet0/1") == [
        "ip address 192.0.2.2 255.255.255.0", "ip access-group WAN-IN in", "ip access-group WAN-OUT out",
        "ip nat outside", "ip virtual-reassembly in", "duplex auto", "speed auto"]


def test_access_lists_print_back_to_back(router):
    router("ip access-list standard VTY-ACCESS", "permit 10.0.20.0 0.0.0.255", "exit",
           "ip access-list extended WAN-IN", "permit tcp any any established", "exit", "logging host 10.0.10.80")
    running = router.running()
    assert "ip access-list standard VTY-ACCESS\n permit 10.0.20.0 0.0.0.255\nip access-list extended WAN-IN\n" \
        " permit tcp any any established\n!\n" in running


def test_router_ports_print_duplex_and_speed_auto(router):
    router("interface GigabitEthernet0/0", "no duplex", "no speed auto")
    assert router.block("interface GigabitEthernet0/0")[-2:] == ["duplex auto", "speed auto"]
    router("duplex full")
    assert "duplex full" in router.block("interface GigabitEthernet0/0")


def test_vlan_lists_are_compressed_from_three_consecutive_ids(switch):
    switch("interface GigabitEthernet1/0/1", "switchport trunk allowed vlan 10,11,20,21,22,30")
    assert "switchport trunk allowed vlan 10,11,20-22,30" in switch.block("interface GigabitEthernet1/0/1")
    switch("switchport trunk allowed vlan all")
    assert switch.block("interface GigabitEthernet1/0/1") == []


# A 15.2(2)E9 switch's own running-config (cisco.ios issue #303): 46 characters, then the 15th VLAN on an add line.
REAL_WRAP = ["switchport trunk allowed vlan 11,21,31,40,42-46,48,49,66,121,252,253,828,921",
             "switchport trunk allowed vlan add 924"]


def test_a_long_allowed_list_is_printed_as_ios_prints_it(switch):
    switch("interface GigabitEthernet1/0/1", "switchport trunk allowed vlan 11,21,31,40,42-46,48,49,66,121,252,253,828,"
           "921,924")
    assert switch.block("interface GigabitEthernet1/0/1") == REAL_WRAP


# A Catalyst's own running-config (YangModels/yang issue #1461): 41 characters, and the next VLAN range would have
# made 49: cut there.
REAL_WRAP_49 = ["switchport trunk allowed vlan 11,12,14,15,22,23,101,168,169,171-173,175",
                "switchport trunk allowed vlan add 300-302,666,2010-2012"]


def test_a_first_line_of_49_characters_is_cut_as_ios_cuts_it(switch):
    switch("interface GigabitEthernet1/0/1",
           "switchport trunk allowed vlan 11,12,14,15,22,23,101,168,169,171-173,175,300-302,666,2010-2012")
    assert switch.block("interface GigabitEthernet1/0/1") == REAL_WRAP_49


@pytest.mark.parametrize(("vlans", "printed"), [
    ("100,1002,1004,1006,1008,1010,1012,1014,1016,1018", ["100,1002,1004,1006,1008,1010,1012,1014,1016,1018"]),
    ("1000,1002,1004,1006,1008,1010,1012,1014,1016,1018", ["1000,1002,1004,1006,1008,1010,1012,1014,1016",
                                                           "add 1018"]),
    ("10,11,1000,1002,1004,1006,1008,1010,1012,1014,1016", ["10,11,1000,1002,1004,1006,1008,1010,1012,1014",
                                                           "add 1016"]),
])
def test_the_first_line_wraps_past_48_characters_between_two_vlans(switch, vlans, printed):
    assert len(vlans) in (48, 49, 50)
    switch("interface GigabitEthernet1/0/1", f"switchport trunk allowed vlan {vlans}")
    assert switch.block("interface GigabitEthernet1/0/1") == [f"switchport trunk allowed vlan {x}" for x in printed]


def test_add_lines_wrap_past_44_characters(switch):
    """netutils vlanlist_to_config: the lines after the first carry at most 44 characters (79 with `` ... add ``)."""
    vlans = list(range(100, 300, 2))  # three-digit VLANs: 12 fit on the first line (47), 11 on an add line (43)
    switch("interface GigabitEthernet1/0/1", "switchport trunk allowed vlan " + ",".join(map(str, vlans)))
    printed = switch.block("interface GigabitEthernet1/0/1")
    assert printed[0].startswith("switchport trunk allowed vlan 1") and all(
        x.startswith("switchport trunk allowed vlan add ") for x in printed[1:])
    pieces = [x.removeprefix("switchport trunk allowed vlan ").removeprefix("add ") for x in printed]
    assert [len(x.split(",")) for x in pieces] == [12, 11, 11, 11, 11, 11, 11, 11, 11]
    assert [len(x) for x in pieces[:2]] == [47, 43]
    assert [int(v) for x in pieces for v in x.split(",")] == vlans


def test_a_wrapped_list_read_back_is_the_same_list(switch):
    """The pieces replayed (a startup-config, a configure replace) give the whole list back."""
    long = ",".join(str(v) for v in range(100, 400, 2))
    switch("interface GigabitEthernet1/0/1", f"switchport trunk allowed vlan {long}")
    printed = switch.block("interface GigabitEthernet1/0/1")
    assert len(printed) == 14 and all(x.startswith("switchport trunk allowed vlan add ") for x in printed[1:])
    again = type(switch)(switch.device.platform)
    again("interface GigabitEthernet1/0/1", *printed)
    assert again.block("interface GigabitEthernet1/0/1") == printed
    assert switch.device.root.find(lambda n: n.text == "interface GigabitEthernet1/0/1").find(
        "switchport trunk allowed vlan").text == f"switchport trunk allowed vlan {long}"


def test_spanning_tree_priorities_group_vlans_and_refuse_odd_values(switch):
    assert switch("spanning-tree vlan 10,20,30,40 priority 4096") == ""
    assert "\nspanning-tree vlan 10,20,30,40 priority 4096\n" in switch.running()
    assert switch("spanning-tree vlan 50 priority 5000").startswith("% Bridge Priority must be in increments of 4096.")
    assert "vlan 50 priority" not in switch.running()

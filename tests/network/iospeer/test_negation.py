"""Negations (``no ...``) as IOS answers and prints them (cmd_routing.py, cmd_line.py, cmd_interface.py, vlans.py)."""

from __future__ import annotations

NO_MATCH = "%No matching route to delete\n"


def _routes(router) -> list[str]:
    return [x for x in router.running().splitlines() if x.startswith("ip route")]


def test_no_ip_route_that_matches_no_route_is_refused(router):
    router("ip route 10.9.0.0 255.255.0.0 192.0.2.9")
    assert router("no ip route 10.9.0.0 255.255.0.0 192.0.2.8") == NO_MATCH  # the next hop has drifted
    assert router("no ip route 10.8.0.0 255.255.0.0 192.0.2.9") == NO_MATCH
    assert router("no ip route 10.8.0.0 255.255.0.0") == NO_MATCH
    assert _routes(router) == ["ip route 10.9.0.0 255.255.0.0 192.0.2.9"]


def test_no_ip_route_with_the_full_line_or_the_prefix_alone_removes_it(router):
    router("ip route 10.9.0.0 255.255.0.0 192.0.2.9", "ip route 10.7.0.0 255.255.0.0 192.0.2.9",
           "ip route 10.7.0.0 255.255.0.0 192.0.2.10 250")
    assert router("no ip route 10.9.0.0 255.255.0.0 192.0.2.9") == ""
    assert router("no ip route 10.7.0.0 255.255.0.0") == ""  # every route to the prefix
    assert _routes(router) == []


def test_no_login_on_a_vty_turns_authentication_off_and_is_printed(switch):
    switch("line vty 0 4", "login local")
    assert switch("no login local") == ""  # the no form ignores the keyword: it is `no login`
    assert switch.block("line vty 0 4") == ["no login"]
    assert switch("line vty 5 15", "no login") == ""
    assert switch.block("line vty 5 15") == ["no login"]


def test_login_comes_back_and_a_console_without_login_prints_nothing(switch):
    switch("line vty 0 4", "no login", "login local")
    assert switch.block("line vty 0 4") == ["login local"]
    switch("line vty 0 4", "no login local", "login")
    assert switch.block("line vty 0 4") == ["login"]
    switch("line con 0", "login", "no login")
    assert switch.block("line con 0") == []


def test_no_allowed_vlan_with_a_list_resets_the_trunk_to_every_vlan(switch):
    """"The no form of the allowed vlan command resets the list to the default list, which allows all VLANs"
    (Catalyst 2950/3750 command references, switchport trunk): the list typed after `no` is not a removal."""
    switch("interface GigabitEthernet1/0/8", "switchport trunk allowed vlan 10,20,30", "switchport mode trunk")
    assert switch("no switchport trunk allowed vlan 10,20") == ""
    assert switch.block("interface GigabitEthernet1/0/8") == ["switchport mode trunk"]
    assert switch("switchport trunk allowed vlan 10,20,30", "switchport trunk allowed vlan remove 10,20") == ""
    assert switch.block("interface GigabitEthernet1/0/8") == ["switchport trunk allowed vlan 30", "switchport mode trunk"]


def test_a_deleted_vlan_leaves_its_ports_configured_and_inactive(switch):
    """"When you delete a VLAN, any ports assigned to that VLAN become inactive. They remain associated with the VLAN
    (and thus inactive) until you assign them to a new VLAN" (Catalyst 2960 Software Configuration Guide, Configuring
    VLANs)."""
    switch("vlan 40", "exit", "interface GigabitEthernet1/0/9", "switchport access vlan 40", "exit")
    assert switch("no vlan 40") == ""
    assert switch.block("interface GigabitEthernet1/0/9") == ["switchport access vlan 40"]
    assert "Gi1/0/9" not in switch.exec("show vlan brief")


def test_no_access_vlan_and_no_mode_restore_defaults_that_are_not_printed(switch):
    """Default Layer 2 interface settings of a 2960-X ("Default Layer 2 Ethernet Interface VLAN Configuration",
    Catalyst 2960-X 15.2(2)E VLAN configuration guide): access VLAN 1, ``switchport mode dynamic auto``; neither is
    printed, whatever VLAN or mode the no form names."""
    switch("vlan 10", "exit", "interface GigabitEthernet1/0/11", "switchport access vlan 10", "switchport mode access")
    assert switch("no switchport access vlan 30", "no switchport mode trunk") == ""
    assert switch.block("interface GigabitEthernet1/0/11") == []
    assert switch("switchport mode dynamic auto") == ""
    assert switch.block("interface GigabitEthernet1/0/11") == []


def test_the_primary_address_cannot_go_before_its_secondaries(router):
    """IOS refuses it (cmd_interface.py); the running-config prints the secondaries before the primary (render.py)."""
    router("interface GigabitEthernet0/1", "ip address 192.0.2.1 255.255.255.0",
           "ip address 198.51.100.1 255.255.255.0 secondary")
    assert router("no ip address 192.0.2.1 255.255.255.0") == "% Must delete secondary before deleting primary\n"
    assert [x for x in router.block("interface GigabitEthernet0/1") if "ip address" in x] == [
        "ip address 198.51.100.1 255.255.255.0 secondary", "ip address 192.0.2.1 255.255.255.0"]


def test_a_secondary_address_is_removed_alone_then_the_primary(router):
    router("interface GigabitEthernet0/1", "ip address 192.0.2.1 255.255.255.0",
           "ip address 198.51.100.1 255.255.255.0 secondary")
    assert router("no ip address 198.51.100.1 255.255.255.0 secondary") == ""
    assert [x for x in router.block("interface GigabitEthernet0/1") if "ip address" in x] == [
        "ip address 192.0.2.1 255.255.255.0"]
    assert router("no ip address 192.0.2.1 255.255.255.0") == ""
    assert [x for x in router.block("interface GigabitEthernet0/1") if "ip address" in x] == ["no ip address"]

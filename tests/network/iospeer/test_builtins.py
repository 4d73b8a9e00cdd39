"""What cannot be removed or configured, and the messages IOS gives (cmd_interface.py, cmd_line.py)."""

from __future__ import annotations

import pytest

from .grammar import INVALID

PHYSICAL = "% Removal of physical interfaces is not permitted\n"


@pytest.mark.parametrize("name", ["Vlan1", "FastEthernet0", "GigabitEthernet1/0/7"])
def test_built_in_switch_interfaces_cannot_be_removed(switch, name):
    assert switch(f"no interface {name}") == PHYSICAL
    assert f"\ninterface {name}\n" in switch.running()


@pytest.mark.parametrize("name", ["Embedded-Service-Engine0/0", "GigabitEthernet0/0", "GigabitEthernet0/1"])
def test_built_in_router_interfaces_cannot_be_removed(router, name):
    assert router(f"no interface {name}") == PHYSICAL
    assert f"\ninterface {name}\n" in router.running()


def test_created_interfaces_can_be_removed(switch, router):
    switch("interface Vlan20", "exit", "interface Port-channel4", "exit")
    assert switch("no interface Vlan20", "no interface Port-channel4") == ""
    assert "interface Vlan20" not in switch.running() and "interface Port-channel4" not in switch.running()
    router("interface GigabitEthernet0/0.30", "encapsulation dot1Q 30", "exit")
    assert router("no interface GigabitEthernet0/0.30") == ""
    assert "GigabitEthernet0/0.30" not in router.running()


def test_removing_a_port_channel_takes_the_members_out(switch):
    switch("interface GigabitEthernet1/0/49", "channel-group 1 mode active", "exit", "no interface Port-channel1")
    assert switch.block("interface GigabitEthernet1/0/49") == []


def test_lines_that_cannot_be_removed(router, switch):
    assert INVALID in router("no line aux 0")
    assert INVALID in router("no line con 0")
    assert router("no line vty 0 4") == "%Can't delete last 5 VTY lines\n"
    assert "line aux 0" in router.running() and "line vty 0 4" in router.running()
    assert switch("no line vty 5 15") == ""
    assert "line vty 5 15" not in switch.running() and "line vty 0 4" in switch.running()


def test_2960_ports_have_no_trunk_encapsulation_command(switch):
    switch("interface GigabitEthernet1/0/1")
    assert INVALID in switch("switchport trunk encapsulation dot1q")
    assert switch("switchport mode trunk") == ""


def test_switch_ports_take_no_ip_address_but_svis_do(switch):
    switch("interface GigabitEthernet1/0/1")
    assert INVALID in switch("ip address 10.0.0.1 255.255.255.0")
    assert switch("interface Vlan1", "ip address 10.0.0.1 255.255.255.0") == ""


def test_a_sub_interface_needs_its_encapsulation_before_an_address(router):
    router("interface GigabitEthernet0/0.10")
    answer = router("ip address 10.0.10.2 255.255.255.0")
    assert answer.startswith("% Configuring IP routing on a LAN subinterface is only allowed if that subinterface")
    assert router("encapsulation dot1Q 10", "ip address 10.0.10.2 255.255.255.0") == ""


def test_two_sub_interfaces_cannot_share_a_vlan(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "interface GigabitEthernet0/0.11")
    assert "with the same VID (10) is not permitted" in router("encapsulation dot1Q 10")
    assert router("encapsulation dot1Q 11") == ""


def test_overlapping_addresses_are_refused(router):
    router("interface GigabitEthernet0/1", "ip address 10.0.10.1 255.255.255.0", "interface GigabitEthernet0/0")
    assert router("ip address 10.0.10.9 255.255.255.0") == "% 10.0.10.0 overlaps with GigabitEthernet0/1\n"
    assert router("ip address 10.0.11.9 255.255.255.0") == ""


def test_bad_masks_are_refused(router):
    router("interface GigabitEthernet0/1")
    assert router("ip address 10.0.0.1 255.0.255.0") == "Bad mask 0xFF00FF00 for address 10.0.0.1\n"
    assert router("ip address 10.0.0.0 255.255.255.0") == "Bad mask /24 for address 10.0.0.0\n"


def test_static_route_with_host_bits_is_inconsistent(router):
    assert router("ip route 10.1.1.1 255.255.255.0 192.0.2.1") == "%Inconsistent address and mask\n"
    assert router("ip route 10.1.1.0 255.255.255.0 192.0.2.1") == ""
    assert "\nip route 10.1.1.0 255.255.255.0 192.0.2.1\n" in router.running()


def test_removing_a_user_asks_for_confirmation(switch):
    switch("username ops privilege 15 secret x")
    answer = switch("no username ops")
    assert answer.endswith("Do you want to continue? [confirm]")
    assert "username ops" in switch.running()
    switch("")                                 # Enter confirms
    assert "username ops" not in switch.running()


def test_ssh_v2_warns_without_rsa_keys(switch):
    switch.device.rsa_key = False
    assert switch("ip ssh version 2") == "Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."
    assert INVALID not in switch("ip domain-name a.test", "crypto key generate rsa modulus 2048")
    assert switch.device.rsa_key

"""Channel groups on a 2960-X stack (cmd_interface.py): one protocol per group, PAgP on one stack member only,
switchport lines typed on the Port-channel applied to its members."""

from __future__ import annotations

from .grammar import INVALID

REJECTED = "Command rejected (Port-channel1, Gi2/0/49): Invalid etherchnl mode\n"


def test_a_cross_stack_lacp_bundle_is_accepted(switch):
    assert switch("interface GigabitEthernet1/0/49", "channel-group 1 mode active") == \
        "Creating a port-channel interface Port-channel 1"
    assert switch("interface GigabitEthernet2/0/49", "channel-group 1 mode passive") == ""
    assert switch.block("interface GigabitEthernet2/0/49") == ["channel-group 1 mode passive"]


def test_a_port_of_another_protocol_is_refused_and_keeps_its_configuration(switch):
    switch("interface GigabitEthernet1/0/49", "channel-group 1 mode active", "exit")
    switch("interface GigabitEthernet2/0/49", "channel-group 2 mode on")
    for mode in ("desirable", "auto", "on"):
        assert switch(f"channel-group 1 mode {mode}") == REJECTED, mode
    assert switch.block("interface GigabitEthernet2/0/49") == ["channel-group 2 mode on"]


def test_pagp_across_stack_members_is_refused_and_on_one_member_accepted(switch):
    switch("interface GigabitEthernet1/0/20", "channel-group 1 mode desirable", "exit")
    assert switch("interface GigabitEthernet1/0/21", "channel-group 1 mode auto") == ""
    assert switch("interface GigabitEthernet2/0/20", "channel-group 1 mode desirable") == (
        "%With PAgP enabled, all ports in the Channel should belong to the same switch\n"
        "Command rejected (Port-channel1, Gi2/0/20): Invalid etherchnl mode\n")
    assert switch.block("interface GigabitEthernet2/0/20") == []


def test_the_only_member_changes_protocol(switch):
    switch("interface GigabitEthernet1/0/49", "channel-group 1 mode desirable")
    assert switch("channel-group 1 mode active") == ""
    assert switch.block("interface GigabitEthernet1/0/49") == ["channel-group 1 mode active"]


def _bundle(switch):
    switch("interface GigabitEthernet1/0/20", "switchport mode trunk", "switchport trunk allowed vlan 10,20",
           "channel-group 7 mode active", "exit", "interface GigabitEthernet1/0/21", "switchport mode trunk",
           "switchport trunk allowed vlan 10,20", "exit", "interface Port-channel7")


def test_switchport_lines_on_the_port_channel_reach_its_members_only(switch):
    _bundle(switch)
    assert switch("switchport trunk allowed vlan 10,20,30", "switchport trunk native vlan 99") == ""
    assert switch.block("interface GigabitEthernet1/0/20") == [
        "switchport trunk native vlan 99", "switchport trunk allowed vlan 10,20,30", "switchport mode trunk",
        "channel-group 7 mode active"]
    assert switch.block("interface GigabitEthernet1/0/21") == [  # not a member
        "switchport trunk allowed vlan 10,20", "switchport mode trunk"]
    switch("no switchport trunk native vlan", "switchport trunk allowed vlan remove 20")
    assert switch.block("interface GigabitEthernet1/0/20")[:2] == ["switchport trunk allowed vlan 10,30",
                                                                   "switchport mode trunk"]


def test_a_refused_switchport_line_on_the_port_channel_changes_no_member(switch):
    _bundle(switch)
    switch("switchport trunk native vlan 99")
    assert INVALID in switch("switchport trunk native vlan 4095")
    assert INVALID in switch("switchport mode banana")
    assert switch.block("interface GigabitEthernet1/0/20") == [
        "switchport trunk native vlan 99", "switchport trunk allowed vlan 10,20", "switchport mode trunk",
        "channel-group 7 mode active"]


def test_a_channel_group_outside_1_to_48_is_refused(switch):
    switch("interface GigabitEthernet1/0/20")
    for line in ("channel-group 0 mode active", "channel-group 49 mode active", "channel-group 128 mode active"):
        assert INVALID in switch(line), line
    assert switch.block("interface GigabitEthernet1/0/20") == []
    switch("exit")
    assert INVALID in switch("interface Port-channel49")
    assert "Port-channel" not in switch.running()


def test_channel_group_48_creates_port_channel_48(switch):
    switch("interface GigabitEthernet1/0/23")
    assert switch("channel-group 48 mode passive") == "Creating a port-channel interface Port-channel 48"
    assert switch.block("interface GigabitEthernet1/0/23") == ["channel-group 48 mode passive"]
    assert "\ninterface Port-channel48\n" in switch.running()


def test_lacp_priorities_outside_0_to_65535_are_refused(switch):
    assert INVALID in switch("lacp system-priority 65536")
    switch("interface GigabitEthernet1/0/23")
    for line in ("lacp port-priority 65536", "lacp port-priority -1", "lacp port-priority high"):
        assert INVALID in switch(line), line
    assert "lacp" not in switch.running()


def test_lacp_priorities_0_and_65535_are_taken_and_the_default_is_not_printed(switch):
    assert switch("lacp system-priority 0") == ""
    assert "\nlacp system-priority 0\n" in switch.running()
    switch("lacp system-priority 32768")
    assert "lacp system-priority" not in switch.running()
    switch("interface GigabitEthernet1/0/23", "channel-group 1 mode active")
    assert switch("lacp port-priority 65535") == ""
    assert switch.block("interface GigabitEthernet1/0/23") == ["channel-group 1 mode active", "lacp port-priority 65535"]
    assert switch("lacp port-priority 0", "no lacp port-priority") == ""
    assert switch.block("interface GigabitEthernet1/0/23") == ["channel-group 1 mode active"]


def test_lacp_is_invalid_input_on_a_1941(router):
    # ISR G2: "Negotiation protocol PAgP and LACP are not supported" (ISR G2 Software Configuration Guide, p. 93).
    assert INVALID in router("lacp system-priority 100")
    router("interface GigabitEthernet0/0")
    assert INVALID in router("lacp port-priority 100")
    assert "lacp" not in router.running()

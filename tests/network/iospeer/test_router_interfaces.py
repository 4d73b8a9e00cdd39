"""A 1941's sub-interfaces and ports (cmd_interface.py, grammar.py): only the port takes duplex and speed, bandwidth is
a number of kbit/s, an access group has a direction, and a switch's keywords are unknown words there."""

from __future__ import annotations

from .grammar import INCOMPLETE, INVALID


def test_a_sub_interface_refuses_port_lines_and_malformed_arguments(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10")
    for line in (
        "duplex full",
        "speed 100",
        "bandwidth lots",
        "bandwidth 0",
        "bandwidth 10000001",
        "ip access-group WAN-IN sideways",
        "ip access-group WAN-IN in out",
    ):
        assert INVALID in router(line), line
    assert router("ip access-group WAN-IN") == INCOMPLETE + "\n"
    assert router.block("interface GigabitEthernet0/0.10") == ["encapsulation dot1Q 10"]


def test_a_sub_interface_takes_bandwidth_and_one_access_group_per_direction(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10")
    assert (
        router(
            "bandwidth 100000", "ip access-group WAN-IN in", "ip access-group WAN-OUT out", "ip access-group LAN-IN in"
        )
        == ""
    )
    assert router.block("interface GigabitEthernet0/0.10") == [
        "bandwidth 100000",
        "encapsulation dot1Q 10",
        "ip access-group LAN-IN in",
        "ip access-group WAN-OUT out",
    ]
    assert router("interface GigabitEthernet0/0", "duplex full", "speed 100") == ""
    assert router.block("interface GigabitEthernet0/0")[-2:] == ["duplex full", "speed 100"]


def test_switch_keywords_are_invalid_input_on_a_router(router):
    router("interface GigabitEthernet0/0.20")
    caret = " " * len("Router(config-subif)#") + "^\n" + INVALID + "\n"
    assert router("switchport") == caret
    assert router("channel-group 1") == caret


def test_switch_keywords_half_typed_on_a_switch_port_are_incomplete(switch):
    switch("interface GigabitEthernet1/0/1")
    assert switch("switchport") == INCOMPLETE + "\n"
    assert switch("channel-group 1") == INCOMPLETE + "\n"

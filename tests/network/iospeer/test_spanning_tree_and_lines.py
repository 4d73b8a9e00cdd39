"""Interface spanning-tree options, vty transport keywords, trunk line order and VLAN 1's name as a 2960-X takes and
prints them (cmd_interface.py, cmd_line.py, cmd_switching.py, render.py)."""

from __future__ import annotations

from .grammar import INVALID


def test_spanning_tree_options_take_only_what_ios_takes(switch):
    switch("interface GigabitEthernet1/0/5")
    for line in ("spanning-tree bpduguard banana", "spanning-tree guard nonsense", "spanning-tree link-type foo",
                 "spanning-tree cost 0", "spanning-tree port-priority 241"):
        assert INVALID in switch(line), line
    assert switch.block("interface GigabitEthernet1/0/5") == []
    assert switch("spanning-tree guard root", "spanning-tree link-type point-to-point", "spanning-tree cost 4",
                  "spanning-tree port-priority 64") == ""
    assert switch.block("interface GigabitEthernet1/0/5") == [
        "spanning-tree guard root", "spanning-tree link-type point-to-point", "spanning-tree cost 4",
        "spanning-tree port-priority 64"]


def test_port_priority_not_a_multiple_of_16_is_refused_and_not_stored(switch):
    switch("interface GigabitEthernet1/0/5")
    assert switch("spanning-tree port-priority 17") == "% Port Priority in increments of 16 is required\n\n"
    assert switch.block("interface GigabitEthernet1/0/5") == []
    assert switch("spanning-tree port-priority 240", "spanning-tree port-priority 0") == ""
    assert switch.block("interface GigabitEthernet1/0/5") == ["spanning-tree port-priority 0"]
    assert switch("spanning-tree port-priority 50") == "% Port Priority in increments of 16 is required\n\n"
    assert switch.block("interface GigabitEthernet1/0/5") == ["spanning-tree port-priority 0"]


def test_portfast_prints_before_bpduguard_whatever_the_typing_order(switch):
    switch("interface GigabitEthernet1/0/6", "spanning-tree bpduguard enable", "spanning-tree portfast")
    assert switch.block("interface GigabitEthernet1/0/6") == ["spanning-tree portfast edge", "spanning-tree bpduguard enable"]


def test_native_vlan_prints_before_the_allowed_list(switch):
    switch("interface GigabitEthernet1/0/7", "switchport trunk allowed vlan 10,20", "switchport trunk native vlan 20",
           "switchport mode trunk")
    assert switch.block("interface GigabitEthernet1/0/7") == [
        "switchport trunk native vlan 20", "switchport trunk allowed vlan 10,20", "switchport mode trunk"]


def test_transport_output_takes_protocol_keywords_only(switch):
    switch("line vty 0 4")
    assert INVALID in switch("transport output sshh")
    assert switch("transport output none") == ""
    assert "transport output none" in switch.block("line vty 0 4")


def test_vlan_1_keeps_its_name(switch):
    assert switch("vlan 1", "name USERS") == "%Default VLAN 1 may not have its name changed.\n"
    assert switch("vlan 30", "name USERS", "exit") == ""
    assert "USERS" in switch.exec("show vlan brief")  # VTP server: the name lives in vlan.dat, not the running-config

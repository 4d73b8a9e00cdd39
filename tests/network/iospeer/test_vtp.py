"""VTP and vlan.dat (vlans.py, cmd_switching.py)."""

from __future__ import annotations

import re


def _brief(console) -> dict[int, str]:
    return {int(m.group(1)): m.group(2) for m in
            re.finditer(r"^(\d+)\s+(\S+)\s+active", console.exec("show vlan brief"), re.M)}


def test_server_mode_keeps_vlans_out_of_the_running_config(switch):
    switch("vlan 30", "name ADMINS", "exit")
    assert "\nvlan 30\n" not in switch.running() and "vtp" not in switch.running()
    assert _brief(switch)[30] == "ADMINS"


def test_transparent_mode_prints_vlans_and_the_vtp_mode(switch):
    assert switch("vtp mode transparent") == "Setting device to VTP TRANSPARENT mode."
    switch("vlan 30", "name ADMINS", "exit", "vlan 31", "exit")
    assert "\nvtp mode transparent\n" in switch.running()
    assert "\nvlan 30\n name ADMINS\n!\nvlan 31\n!" in switch.running()


def test_vlans_are_committed_when_the_vlan_mode_is_left(switch):
    switch("vlan 40", "name USERS")
    assert 40 not in _brief(switch)
    switch("interface Vlan40")            # a global command leaves the VLAN sub-mode
    assert _brief(switch)[40] == "USERS"


def test_no_vlan_removes_it_but_vlan_1_cannot_be_deleted(switch):
    switch("vlan 30", "exit")
    assert switch("no vlan 30") == ""
    assert 30 not in _brief(switch)
    assert switch("no vlan 1") == "%Default VLAN 1 may not be deleted.\n"
    assert switch("no vlan 1002") == "%Default VLAN 1002 may not be deleted.\n"


def test_extended_vlans_need_transparent_mode(switch):
    answer = switch("vlan 2000", "exit")
    assert answer == ("% Failed to create VLANs 2000\nExtended VLAN(s) not allowed in current VTP mode.\n"
                      "%Failed to commit extended VLAN(s) changes.")
    assert 2000 not in _brief(switch)
    switch("vtp mode transparent", "vlan 2000", "exit")
    assert 2000 in _brief(switch)


def test_an_access_vlan_missing_from_vlan_dat_is_created(switch):
    answer = switch("interface GigabitEthernet1/0/3", "switchport access vlan 50")
    assert answer == "% Access VLAN does not exist. Creating vlan 50"
    assert _brief(switch)[50] == "VLAN0050"
    assert switch("switchport access vlan 50") == ""


def test_vlan_names_over_32_characters_are_refused_under_vtp_v1(switch):
    assert switch("vlan 60", f"name {'N' * 33}").startswith("%You must disable VTPv1 and VTPv2")
    assert switch(f"name {'N' * 32}") == ""


def test_configure_replace_does_not_touch_vlan_dat_in_server_mode(switch):
    switch("vlan 70", "exit", "end")
    switch.device.files["flash:empty.cfg"] = "hostname Switch\n"
    switch.cli.execute("configure replace flash:empty.cfg force")
    assert 70 in _brief(switch)

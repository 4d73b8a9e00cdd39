"""SNMPv3 users are not in the running-config; ``show snmp user`` lists them (cmd_snmp.py)."""

from __future__ import annotations

from .grammar import INVALID


def test_snmpv3_users_show_only_in_show_snmp_user(switch):
    switch("snmp-server group RO v3 priv read V", "snmp-server user mon RO v3 auth sha pass1 priv aes 128 pass2")
    assert "snmp-server user" not in switch.running() and "snmp-server group RO v3 priv read V" in switch.running()
    shown = switch.exec("show snmp user mon")
    assert shown.startswith("User name: mon\n") and "Authentication Protocol: SHA" in shown
    assert "Privacy Protocol: AES128" in shown and "Group-name: RO" in shown


def test_a_user_is_removed_with_no_snmp_server_user(switch):
    switch("snmp-server user mon RO v3 auth sha pass1")
    switch("no snmp-server user mon RO v3")
    assert switch.exec("show snmp user") == ""


def test_a_malformed_user_is_refused(switch):
    assert INVALID in switch("snmp-server user mon RO v3 auth sha1 x")
    assert switch.exec("show snmp user") == ""

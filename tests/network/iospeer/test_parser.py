"""IOS's answers to what it refuses, and abbreviations it accepts (grammar.py, cli.py)."""

from __future__ import annotations

from .grammar import INCOMPLETE, INVALID


def test_an_unknown_word_is_marked_with_a_caret_under_it(switch):
    answer = switch("hostname sw1", "ip domian-name x")
    assert answer == " " * len("sw1(config)#ip ") + "^\n" + INVALID + "\n"


def test_unambiguous_prefixes_are_accepted_and_printed_in_full(switch):
    assert switch("int gi1/0/5", "desc uplink", "switchp mode acc") == ""
    assert switch.block("interface GigabitEthernet1/0/5") == ["description uplink", "switchport mode access"]


def test_a_shared_prefix_is_ambiguous(switch):
    assert switch("s") == '% Ambiguous command:  "s"\n'


def test_a_command_cut_short_is_incomplete(switch):
    assert switch("hostname") == INCOMPLETE + "\n"
    assert switch("hostname edge-1") == ""


def test_a_global_command_typed_in_a_sub_mode_leaves_the_sub_mode(switch):
    switch("interface GigabitEthernet1/0/1")
    assert switch.cli.prompt() == "Switch(config-if)#"
    assert switch("hostname core-2") == ""
    assert switch.cli.prompt() == "core-2(config)#"


def test_a_line_no_mode_knows_stays_refused_in_the_sub_mode(switch):
    switch("interface GigabitEthernet1/0/1")
    assert INVALID in switch("frobnicate now")
    assert switch.cli.prompt() == "Switch(config-if)#"


def test_a_nonexistent_port_is_refused_and_an_existing_one_entered(switch):
    assert INVALID in switch("interface GigabitEthernet3/0/1")   # 2-member stack
    assert switch("interface GigabitEthernet2/0/52") == ""
    assert switch.cli.prompt() == "Switch(config-if)#"


def test_out_of_range_numbers_are_invalid_input(switch):
    assert INVALID in switch("vlan 4095")
    assert INVALID in switch("interface Port-channel49")
    assert switch("interface Port-channel48") == ""

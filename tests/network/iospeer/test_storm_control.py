"""storm-control on a 2960-X access port (cmd_interface.py): levels in percent with two decimals, actions apart."""

from __future__ import annotations

from .grammar import INVALID


def test_levels_print_with_two_decimals_and_both_actions_stay(switch):
    switch("interface GigabitEthernet1/0/1")
    assert switch("storm-control action trap", "storm-control broadcast level 1", "storm-control multicast level 30 20.5",
                  "storm-control action shutdown", "storm-control unicast level pps 20k 10k") == ""
    assert switch.block("interface GigabitEthernet1/0/1") == [
        "storm-control broadcast level 1.00", "storm-control multicast level 30.00 20.50",
        "storm-control unicast level pps 20k 10k", "storm-control action shutdown", "storm-control action trap"]
    assert switch("no storm-control action trap", "no storm-control multicast level") == ""
    assert switch.block("interface GigabitEthernet1/0/1") == [
        "storm-control broadcast level 1.00", "storm-control unicast level pps 20k 10k", "storm-control action shutdown"]


def test_what_ios_refuses_changes_nothing(switch):
    switch("interface GigabitEthernet1/0/1", "storm-control broadcast level 1.00")
    for line in ("storm-control broadcast level 150", "storm-control broadcast level 1.005",
                 "storm-control broadcast level 5 10", "storm-control bogus words here",
                 "storm-control action drop", "storm-control broadcast level pps lots"):
        assert INVALID in switch(line), line
    assert switch.block("interface GigabitEthernet1/0/1") == ["storm-control broadcast level 1.00"]

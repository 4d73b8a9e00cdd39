"""GLBP arguments on a 1941 sub-interface (cmd_interface.py): the group number, priority, weighting and timers IOS
takes, each with a refused and an accepted case. A refused line stores nothing."""

from __future__ import annotations

import pytest

from .grammar import INVALID


@pytest.fixture
def sub(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "ip address 10.0.10.2 255.255.255.0")
    return router


def test_a_group_number_above_1023_is_refused(sub):
    # The sitekit router template numbers each VLAN's GLBP group after the VLAN: a VLAN above 1023 cannot be routed so.
    for line in ("glbp 1024 ip 10.0.10.1", "glbp 4094 ip 10.0.10.1", "glbp 1024 priority 150"):
        assert INVALID in sub(line), line
    assert "glbp" not in sub.running()


def test_group_numbers_0_and_1023_are_accepted(sub):
    assert sub("glbp 0 ip 10.0.10.1", "glbp 1023 priority 150") == ""
    assert sub.block("interface GigabitEthernet0/0.10")[-2:] == ["glbp 0 ip 10.0.10.1", "glbp 1023 priority 150"]


def test_a_priority_outside_1_to_255_is_refused(sub):
    sub("glbp 10 ip 10.0.10.1")
    for line in ("glbp 10 priority 0", "glbp 10 priority 256"):
        assert INVALID in sub(line), line
    assert not [x for x in sub.block("interface GigabitEthernet0/0.10") if "priority" in x]


def test_priorities_1_and_255_are_accepted(sub):
    sub("glbp 10 ip 10.0.10.1")
    assert sub("glbp 10 priority 1") == ""
    assert "glbp 10 priority 1" in sub.block("interface GigabitEthernet0/0.10")
    assert sub("glbp 10 priority 255") == ""
    assert "glbp 10 priority 255" in sub.block("interface GigabitEthernet0/0.10")


def test_a_weighting_outside_1_to_254_is_refused(sub):
    sub("glbp 10 ip 10.0.10.1")
    for line in ("glbp 10 weighting 0", "glbp 10 weighting 255", "glbp 10 weighting 100 lower 0 upper 98",
                 "glbp 10 weighting 100 lower 95 upper 255"):
        assert INVALID in sub(line), line
    assert "weighting" not in sub.running()


def test_weightings_1_and_254_are_accepted(sub):
    sub("glbp 10 ip 10.0.10.1")
    assert sub("glbp 10 weighting 254 lower 1 upper 254") == ""
    assert "glbp 10 weighting 254" in sub.block("interface GigabitEthernet0/0.10")
    assert sub("glbp 10 weighting 1") == ""
    assert "glbp 10 weighting 1" in sub.block("interface GigabitEthernet0/0.10")


def test_timers_outside_their_ranges_are_refused_and_inside_accepted(sub):
    sub("glbp 10 ip 10.0.10.1")
    for line in ("glbp 10 timers 0 10", "glbp 10 timers 61 180", "glbp 10 timers 3 181"):
        assert INVALID in sub(line), line
    assert "timers" not in sub.running()
    assert sub("glbp 10 timers 60 180") == ""
    assert "glbp 10 timers 60 180" in sub.block("interface GigabitEthernet0/0.10")


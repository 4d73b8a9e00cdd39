"""Channel numbers on a plain Catalyst 2960 (WS-C2960-48TT-L, IOS 15.0(2)SE; cmd_interface.py): ``channel-group N`` and
``interface Port-channelN`` take 1-6 only (a 2960's ``channel-group ?``: ``<1-6>  Channel group number``, code-corpus
file 43575617682; Catalyst 2960 Switch Software Configuration Guide 78-16881-01, p. 30-3 "numbered from 1 to 6" and
p. 30-9 "Do not try to configure more than 6 EtherChannels on the switch"); a 2960-X stack keeps 1-48."""

from __future__ import annotations

import pytest

from .conftest import Console
from .grammar import INVALID
from .platform import catalyst


@pytest.fixture
def plain():
    return Console(catalyst(["WS-C2960-48TT-L"]))


def test_a_channel_group_outside_1_to_6_is_refused_at_the_number(plain):
    plain("interface FastEthernet0/1")
    at_the_number = " " * len("Switch(config-if)#channel-group ") + "^\n" + INVALID + "\n"
    for line in ("channel-group 7 mode active", "channel-group 48 mode on"):
        assert plain(line) == at_the_number, line  # the 2960-X stack's answer to 49, at the number
    assert INVALID in plain("channel-group 0 mode active")
    assert plain.block("interface FastEthernet0/1") == []
    plain("exit")
    for name in ("Port-channel7", "Port-channel48"):
        assert INVALID in plain(f"interface {name}"), name
    assert "Port-channel" not in plain.running()


def test_channel_groups_1_to_6_are_taken_six_etherchannels(plain):
    """The six EtherChannels the guide allows: Port-channel1-6, each made by its first member."""
    for n in range(1, 7):
        assert plain(f"interface FastEthernet0/{2 * n - 1}", f"channel-group {n} mode active", "exit") == \
            f"Creating a port-channel interface Port-channel {n}"
        assert plain(f"interface FastEthernet0/{2 * n}", f"channel-group {n} mode active", "exit") == ""
    assert plain.block("interface FastEthernet0/12") == ["channel-group 6 mode active"]
    assert plain.block("interface GigabitEthernet0/1") == []
    assert plain("interface Port-channel6", "switchport mode trunk", "exit") == ""
    assert plain.block("interface FastEthernet0/11") == ["switchport mode trunk", "channel-group 6 mode active"]
    running = plain.running()
    assert all(f"\ninterface Port-channel{n}\n" in running for n in range(1, 7))
    # a seventh group has no number to take
    assert INVALID in plain("interface FastEthernet0/13", "channel-group 7 mode active")


def test_the_plain_2960_prints_portfast_without_edge_and_has_no_stack_ports(plain):
    assert plain("interface FastEthernet0/5", "switchport mode access", "spanning-tree portfast", "exit").startswith(
        "%Warning: portfast")
    assert plain.block("interface FastEthernet0/5") == ["switchport mode access", "spanning-tree portfast"]
    assert INVALID in plain("interface GigabitEthernet1/0/1")
    assert "switch 1 provision" not in plain.running()


def test_a_2960x_stack_still_takes_48_and_a_plain_2960_cannot_stack(switch):
    switch("interface GigabitEthernet1/0/20")
    assert switch("channel-group 7 mode active") == "Creating a port-channel interface Port-channel 7"
    with pytest.raises(ValueError, match="does not stack"):
        catalyst(["WS-C2960-48TT-L", "WS-C2960-48TT-L"])


def test_a_plain_2960_has_no_stack_provisioning(plain):
    """One switch: `switch N provision` is a FlexStack command (2960-S/X/XR; cmd_switching.py), refused here."""
    for line in ("switch 1 provision ws-c2960-48tt-l", "switch 1 provision ws-c2960x-48ts-l"):
        assert INVALID in plain(line), line
    assert "provision" not in plain.running()


def test_the_plain_2960_has_no_edge_keyword_and_takes_portfast_without_it(plain):
    """`spanning-tree portfast edge` appeared in 15.2(2)E (platform.py): on 15.0(2)SE the word is invalid input, in the
    interface and in the global defaults; the forms without it are taken."""
    plain("interface FastEthernet0/7", "switchport mode access")
    for line in ("spanning-tree portfast edge", "spanning-tree portfast edge trunk"):
        assert INVALID in plain(line), line
    assert plain.block("interface FastEthernet0/7") == ["switchport mode access"]
    assert plain("spanning-tree portfast trunk").startswith("%Warning: portfast")
    assert plain.block("interface FastEthernet0/7") == ["switchport mode access", "spanning-tree portfast trunk"]
    plain("exit")
    for feature in ("", "bpduguard "):
        assert INVALID in plain(f"spanning-tree portfast edge {feature}default"), feature
        assert INVALID not in plain(f"spanning-tree portfast {feature}default"), feature
    running = plain.running()
    assert "spanning-tree portfast default\n" in running and "spanning-tree portfast bpduguard default\n" in running
    assert "edge" not in running


def test_a_2960x_stack_takes_the_edge_keyword(switch):
    switch("interface GigabitEthernet1/0/7", "switchport mode access")
    assert switch("spanning-tree portfast edge").startswith("%Warning: portfast")
    assert switch.block("interface GigabitEthernet1/0/7") == ["switchport mode access", "spanning-tree portfast edge"]
    switch("exit")
    assert INVALID not in switch("spanning-tree portfast edge bpduguard default")
    assert "spanning-tree portfast edge bpduguard default\n" in switch.running()

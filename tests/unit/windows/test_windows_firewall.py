"""The Cegid firewall rule set computed from inventories/rcr is the seed's list, scoped to site subnets."""

from __future__ import annotations

import ipaddress
import re

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from sitekit_paths import SHARED
from windows_testlib import modified, rcr

# Seed 000_5a63c0dc0eb0233a.txt, "Pare-Feu": TCP 135-139-703-1433, UDP 137-138-1702-1434 inbound;
# TCP 80 and 443 towards portail.etafi.fr. SMB 445 is SITE-SPEC §5's documented addition.
SEED = {
    ("in", "tcp", frozenset({135, 139, 703, 1433})),
    ("in", "udp", frozenset({137, 138, 1702, 1434})),
    ("out", "tcp", frozenset({80, 443})),
}
ADDITION = ("in", "tcp", frozenset({445}))
SEED_FILE = SHARED / "seeds" / "000_5a63c0dc0eb0233a.txt"


def _key(rule):
    return rule.direction, rule.protocol, frozenset(rule.ports)


def test_transcription_matches_the_seed_file():
    if not SEED_FILE.exists():
        pytest.skip(f"{SEED_FILE} is not on this machine (the transcription above is the reference)")
    text = SEED_FILE.read_text()
    found = {(proto.lower(), frozenset(int(p) for p in re.findall(r"\d+", ports)))
             for proto, ports in re.findall(r"❖ (TCP|UDP) : ([\d –]+?)\s*(?:\(|\n|et)", text)}
    assert ("tcp", frozenset({135, 139, 703, 1433})) in found
    assert ("udp", frozenset({137, 138, 1702, 1434})) in found
    assert re.search(r"TCP : 80 et 443", text)


@pytest.mark.requirement("SPEC-5-firewall")
def test_rule_set_equals_the_seed_list_plus_the_smb_addition():
    rules = sw.firewall_rules(rcr())
    assert {_key(r) for r in rules} == SEED | {ADDITION}
    assert len(rules) == 4, "one rule per protocol and direction"
    additions = [r for r in rules if r.addition]
    assert [_key(r) for r in additions] == [ADDITION]


def test_inbound_rules_admit_exactly_the_client_and_server_subnets():
    site = rcr()
    expected = {"10.0.10.0/24", "10.0.30.0/24", "10.0.40.0/24"}  # servers + the two client VLANs (network.yml)
    assert set(site.subnets_for_roles(["clients", "servers"])) == expected
    for rule in sw.firewall_rules(site):
        remote = set(rule.remoteip.split(","))
        assert "any" not in {r.lower() for r in remote}
        assert rule.profiles == ("domain",)
        if rule.direction == "in" and not rule.addition:
            assert remote == expected, rule.name
            assert rule.localport == ",".join(str(p) for p in rule.ports) and rule.remoteport == "any"
    smb = next(r for r in sw.firewall_rules(site) if r.addition)
    assert smb.remoteip == "10.0.10.0/24" and smb.hosts == ("sql01",)


def test_outbound_portal_rule_targets_public_addresses_only():
    rule = next(r for r in sw.firewall_rules(rcr()) if r.direction == "out")
    assert rule.remoteport == "80,443" and rule.localport == "any"
    ranges = [tuple(ipaddress.IPv4Address(a) for a in r.split("-")) for r in rule.remoteip.split(",")]
    private = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")]
    for first, last in ranges:
        assert first <= last
        for net in private:
            assert last < net.network_address or first > net.broadcast_address, f"{first}-{last} overlaps {net}"
    covered = sum(int(last) - int(first) + 1 for first, last in ranges)
    assert 3_500_000_000 < covered < 2**32, "nearly all of the public IPv4 space, but not Any"
    portal = ipaddress.IPv4Address("185.31.40.10")  # an address outside every special block
    assert any(first <= portal <= last for first, last in ranges)


def test_rules_apply_to_the_sql_and_session_hosts_only():
    site = rcr()
    assert {h for r in sw.firewall_rules(site) for h in r.hosts} == {"sql01", "rdsh01", "rdsh02"}
    assert [r.name for r in sw.firewall_rules(site, "rdsh01")] == ["Cegid-TCP-in", "Cegid-UDP-in", "Cegid-Portail-out"]
    assert sw.firewall_rules(site, "dc01") == ()


def test_port_1433_follows_the_named_instance_port():
    site = rcr()
    cegid = {**site.vars["site_cegid"], "sql": {**site.vars["site_cegid"]["sql"], "tcp_port": 14330}}
    tcp = next(r for r in sw.firewall_rules(modified(site_cegid=cegid)) if r.name == "Cegid-TCP-in")
    assert tcp.ports == (135, 139, 703, 14330)


def test_an_inbound_rule_open_to_the_internet_is_refused():
    rules = [dict(r) for r in rcr().vars["site_cegid_firewall"]]
    rules[0] = {**rules[0], "scope": ["internet"]}
    with pytest.raises(sw.WindowsPlanError, match="inbound rule may not admit the Internet"):
        sw.firewall_rules(modified(site_cegid_firewall=rules))


def test_a_scope_without_subnet_is_refused_rather_than_opened_to_any():
    rules = [dict(r) for r in rcr().vars["site_cegid_firewall"]]
    rules[0] = {**rules[0], "scope": ["management"]}
    vlans = [v for v in rcr().vars["site_vlans"] if v["role"] != "management"]
    with pytest.raises(sw.WindowsPlanError, match="matches no VLAN role"):
        sw.firewall_rules(modified(site_cegid_firewall=rules, site_vlans=vlans))

"""Offline validation of rendered configurations: the rcr set passes, each fault is caught."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_validate import validate


def test_every_rcr_configuration_validates(rcr_site, rcr_configs):
    problems = validate(rcr_site, rcr_configs)
    assert problems == [], "\n".join(map(str, problems))


def _sub(text: str, pattern: str, repl: str, count: int = 1) -> str:
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    assert n, f"mutation {pattern!r} did not apply"
    return new


# (host, pattern, replacement, expected message fragment)
FAULTS = [
    ("sw-stock", r"^ switchport access vlan 40$", " switchport access vlan 99", "access VLAN 99 is not declared"),
    ("sw-stock", r"^vlan 40\n name UTILISATEURS\n", "", "access VLAN 40 is not declared"),
    ("sw-core", r"(interface Port-channel1\n[^\n]*\n) switchport trunk allowed vlan 20,40",
     r"\1 switchport trunk allowed vlan 10,20,40", "extra [10]"),
    ("sw-core", r"(interface GigabitEthernet1/0/47\n[^\n]*\n) switchport trunk allowed vlan 10,20,30,40",
     r"\1 switchport trunk allowed vlan 10,20,40", "missing [30]"),
    ("sw-stock", r"^ switchport trunk allowed vlan 20,40\n", "", "trunk allows every VLAN"),
    ("sw-core", r"(interface GigabitEthernet2/0/49\n[^\n]*\n[^\n]*\n) switchport mode trunk",
     r"\1 switchport mode access", "member differs from Port-channel1"),
    ("sw-core", r" channel-group 2 mode active", " channel-group 2 mode on", "must use LACP"),
    ("sw-bp-1", r"^interface Port-channel2\n(?:[^\n]*\n)*?!\n", "", "Port-channel2, which is not declared"),
    ("rt-02", r"^ glbp 30 preempt$", " glbp 30 priority 150\n glbp 30 preempt", "share priority 150"),
    ("rt-01", r"glbp 20 priority 150", "glbp 20 priority 90", "primary router must have the highest priority"),
    ("rt-02", r" glbp 10 ip 10.0.10.1\n", "", "VLAN 10 has no GLBP group"),
    ("rt-01", r"glbp 40 ip 10.0.40.1", "glbp 40 ip 10.0.40.254", "virtual IP 10.0.40.254"),
    ("sw-bp-2", r"^username netadmin privilege 15 secret 9 \S+", "username netadmin privilege 15 password S3cret!",
     "plaintext password"),
    ("sw-bp-2", r"^username netadmin privilege 15 secret 9 \S+", "username netadmin privilege 15 secret 0 S3cret!",
     "plaintext password"),
    ("rt-01", r"^hostname rt-01$", "hostname rt-01\nenable password S3cret!", "plaintext password"),
    ("sw-core", r"^snmp-server user .*$", "snmp-server user supervision RO-SUPERVISION v3 auth sha S3cret priv aes 128 S3cret",
     "SNMPv3 user with plaintext"),
    ("sw-core", r"^snmp-server view", "snmp-server community public RO\nsnmp-server view", "SNMP community"),
    ("sw-baie-s1", r"^ transport input ssh$", " transport input ssh telnet", "telnet is allowed"),
    ("rt-02", r"^ transport input ssh$", " transport input all", "telnet is allowed"),
    ("rt-02", r"^ transport input ssh\n", "", "no `transport input ssh`"),
    ("sw-stock", r"^ip ssh version 2$", "ip ssh version 1", "SSH must be version 2"),
    # The seven faults the first review found missed (issue 12), one each:
    ("sw-core", r"(interface GigabitEthernet2/0/50\n(?: [^\n]*\n)*?) channel-group 2 mode active\n", r"\1",
     "without `channel-group 2 mode active`"),
    ("sw-bp-1", r"^ ip address 10\.0\.20\.13 255\.255\.255\.0$", " ip address 10.0.20.99 255.255.255.0",
     "management address is 10.0.20.99 255.255.255.0, the model says 10.0.20.13 255.255.255.0"),
    ("sw-stock", r"^ip default-gateway 10\.0\.20\.1$", "ip default-gateway 10.0.20.254", "default gateway is not 10.0.20.1"),
    ("sw-baie-e1", r"(ip access-list standard VTY-ACCESS\n) permit 10\.0\.20\.0 0\.0\.0\.255\n", r"\1",
     "VTY-ACCESS does not admit the management network 10.0.20.0/24"),
    ("sw-stock", r"(interface Port-channel1\n[^\n]*\n switchport trunk allowed vlan 20,40\n)",
     r"\1 switchport trunk native vlan 999\n", "native VLAN mismatch: 999 here, 1 on sw-core"),
    ("sw-baie-s1", r"^ip ssh version 2\n", "", "no `ip ssh version 2`"),
    ("sw-core", r"^spanning-tree vlan \S+ priority 4096\n", "", "the core is not spanning-tree root of VLAN(s) [10, 20, 30, 40]"),
    # A vault placeholder instead of a hash: IOS would refuse the line mid-push.
    ("rt-01", r"^enable secret 9 \S+", "enable secret 9 CHANGE_ME-vault_network_enable_secret_hash", "not a type 9 hash"),
    # Trunk VLAN lines as IOS takes them (module_utils/ios_vlans.py): `none` carries nothing, garbage is named.
    ("sw-stock", r"(interface Port-channel1\n[^\n]*\n) switchport trunk allowed vlan 20,40",
     r"\1 switchport trunk allowed vlan none", "allows [], the link needs [20, 40]"),
    ("sw-stock", r"(interface Port-channel1\n[^\n]*\n) switchport trunk allowed vlan 20,40",
     r"\1 switchport trunk allowed vlan 20,forty", "'forty' is not a VLAN id"),
    ("sw-core", r"^spanning-tree vlan (\S+) priority 4096$", r"spanning-tree vlan \1, priority 4096", "is not a VLAN list"),
]


@pytest.mark.parametrize("host,pattern,repl,expected", FAULTS, ids=[f"{f[0]}:{f[3]}" for f in FAULTS])
def test_each_fault_is_caught_with_host_and_line(rcr_site, rcr_configs, host, pattern, repl, expected):
    configs = dict(rcr_configs)
    configs[host] = _sub(configs[host], pattern, repl)
    problems = [str(p) for p in validate(rcr_site, configs)]
    assert any(expected in p for p in problems), f"not caught: {expected!r}; got {problems}"
    assert all(p.split(":")[0] in rcr_configs for p in problems), problems


def test_a_one_sided_trunk_change_is_reported_on_both_ends(rcr_site, rcr_configs):
    configs = dict(rcr_configs)
    configs["sw-stock"] = _sub(configs["sw-stock"], r"^ switchport trunk allowed vlan 20,40$",
                               " switchport trunk allowed vlan 20,30,40", count=0)
    problems = [str(p) for p in validate(rcr_site, configs)]
    assert any(p.startswith("sw-stock: line ") and "extra [30]" in p for p in problems), problems
    assert any(p.startswith("sw-core: line ") and "sw-stock GigabitEthernet1/0/25 allows [20, 30, 40]" in p for p in problems)


def test_a_trunk_list_continued_by_add_lines_is_read_whole(rcr_site, rcr_configs):
    """show running-config continues a long allowed list with `switchport trunk allowed vlan add` lines."""
    configs = dict(rcr_configs)
    configs["sw-stock"] = _sub(configs["sw-stock"], r"^ switchport trunk allowed vlan 20,40$",
                               " switchport trunk allowed vlan 20\n switchport trunk allowed vlan add 40", count=0)
    assert validate(rcr_site, configs) == []


def test_a_vty_acl_denying_part_of_the_management_network_first_is_caught(rcr_site, rcr_configs):
    configs = dict(rcr_configs)
    configs["rt-01"] = _sub(configs["rt-01"], r"(ip access-list standard VTY-ACCESS\n)", r"\1 deny   10.0.20.128 0.0.0.127\n")
    assert any("does not admit the management network" in str(p) for p in validate(rcr_site, configs))

"""Rendering of every rcr device from the site model: golden files, one-fact-one-change."""

from __future__ import annotations

import copy
import difflib
import re

import netlab
import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import (
    NetworkModelError,
    expand_ports,
    link_vlans,
    snmp_localized_key,
    vlan_list,
)

RCR_DEVICES = ["sw-core", "sw-stock", "sw-bp-1", "sw-bp-2", "sw-baie-e1", "sw-baie-e2", "sw-baie-s1", "rt-01", "rt-02"]


def test_every_rcr_device_renders(rcr_configs):
    assert sorted(rcr_configs) == sorted(RCR_DEVICES)


@pytest.mark.parametrize("host", RCR_DEVICES)
def test_rendering_matches_reviewed_golden(rcr_configs, host):
    golden = (netlab.GOLDEN / f"{host}.cfg").read_text()
    diff = "".join(difflib.unified_diff(golden.splitlines(True), rcr_configs[host].splitlines(True),
                                        f"golden/{host}.cfg", f"rendered {host}"))
    assert not diff, f"rendering differs from the reviewed golden file " \
                     f"(review, then `tools/render_network.py --update-golden`):\n{diff}"


@pytest.mark.requirement("SPEC-2-lacp", "SPEC-2-vlan-plan")
def test_core_trunks_carry_exactly_what_the_far_side_uses(rcr_configs):
    core = rcr_configs["sw-core"]
    # sw-stock has users/printers (40) + management (20); routers need every VLAN; Proxmox
    # nodes carry the VMs' VLAN (10) and corosync link1 (20).
    assert re.search(r"interface Port-channel1\n description sw-stock[^\n]*\n switchport trunk allowed vlan 20,40\n", core)
    assert re.search(r"interface GigabitEthernet1/0/47\n description rt-01[^\n]*\n switchport trunk allowed vlan 10,20,30,40\n", core)
    assert re.search(r"interface Port-channel11\n description pve1[^\n]*\n switchport trunk allowed vlan 10,20\n", core)


@pytest.mark.requirement("SPEC-2-lacp")
def test_port_channel_is_declared_before_its_members(rcr_configs):
    text = rcr_configs["sw-baie-e1"]
    assert text.index("interface Port-channel6") < text.index(" channel-group 6 mode active")
    assert text.count(" channel-group 6 mode active") == 2


def test_hardening_and_services(rcr_configs):
    for host, text in rcr_configs.items():
        assert "ip ssh version 2\n" in text and " transport input ssh\n" in text, host
        assert "telnet" not in text, host
        assert re.search(r"^username netadmin privilege 15 secret 9 \$9\$", text, re.M), host
        assert "ntp server 10.0.10.21\n" in text and "logging host 10.0.10.80\n" in text, host
        assert f" path ftp://10.0.10.81/{host}/$h-$t\n" in text, host
        assert "dummy-snmp" not in text and "dummy-ftp" not in text, f"{host}: a password is printed"
        assert " access-class VTY-ACCESS in\n" in text and " permit 10.0.20.0 0.0.0.255\n" in text, host


def test_core_is_spanning_tree_root_and_access_switches_are_not(rcr_configs):
    assert "spanning-tree vlan 10,20,30,40 priority 4096\n" in rcr_configs["sw-core"]
    assert "spanning-tree mode rapid-pvst\n" in rcr_configs["sw-stock"]
    assert "priority 4096" not in rcr_configs["sw-stock"]


@pytest.mark.requirement("SPEC-2-management")
def test_switch_management(rcr_configs):
    text = rcr_configs["sw-bp-1"]
    assert "interface Vlan20\n description ADMIN-RESEAU\n ip address 10.0.20.13 255.255.255.0\n" in text
    assert "ip default-gateway 10.0.20.1\n" in text
    assert "!   switch 1 priority 15   (master)\n" in text


@pytest.mark.requirement("SPEC-2-glbp", "SPEC-2-dhcp-relay")
def test_routers_glbp_and_dhcp_relay(rcr_configs):
    r1, r2 = rcr_configs["rt-01"], rcr_configs["rt-02"]
    block = r1[r1.index("interface GigabitEthernet0/0.40"):].split("!\n")[0]
    assert " encapsulation dot1Q 40\n ip address 10.0.40.2 255.255.255.0\n" in block
    assert " ip helper-address 10.0.10.21\n ip helper-address 10.0.10.22\n" in block
    assert " glbp 40 ip 10.0.40.1\n glbp 40 priority 150\n glbp 40 preempt\n glbp 40 load-balancing round-robin\n" in block
    assert " glbp 40 priority 100\n" in r2 and " ip address 10.0.40.3 255.255.255.0\n" in r2
    servers = r1[r1.index("interface GigabitEthernet0/0.10"):].split("!\n")[0]
    assert "helper-address" not in servers, "DHCP relay only on client VLANs"


def _changed_lines(before: dict, after: dict) -> dict:
    out = {}
    for host in before:
        diff = [d for d in difflib.unified_diff(before[host].splitlines(), after[host].splitlines(), lineterm="", n=0)
                if d[:1] in "+-" and not d.startswith(("+++", "---"))]
        if diff:
            out[host] = diff
    return out


def test_renaming_a_vlan_changes_only_its_name_on_devices_that_carry_it(rcr_site, rcr_configs):
    site = copy.copy(rcr_site)
    site.vars = copy.deepcopy(dict(rcr_site.vars))
    for vlan in site.vars["site_vlans"]:
        if vlan["id"] == 30:
            vlan["name"] = "ADMINS"
    site.__dict__.pop("vlans", None)
    after = netlab.render(site=site)
    changed = _changed_lines(rcr_configs, after)
    carriers = sorted(h for h, text in rcr_configs.items() if re.search(r"^vlan 30$|dot1Q 30$", text, re.M))
    assert sorted(changed) == carriers
    assert "sw-stock" not in changed  # sw-stock carries no VLAN 30
    for host, lines in changed.items():
        assert lines in (["- name ADMINISTRATEURS", "+ name ADMINS"],
                         ["- description ADMINISTRATEURS", "+ description ADMINS"]), (host, lines)


def test_adding_a_profile_vlan_reaches_exactly_the_trunks_towards_it(rcr_site):
    site = copy.copy(rcr_site)
    site.vars = copy.deepcopy(dict(rcr_site.vars))
    site.vars["site_port_profiles"]["printers"]["vlan"] = 30  # sw-stock has printer ports
    index = next(i for i, link in enumerate(site.vars["site_links"]) if link["b"] == "sw-stock")
    assert link_vlans(rcr_site, index) == [20, 40]
    assert link_vlans(site, index) == [20, 30, 40]


def test_helpers():
    assert vlan_list([40, 10, 20, 21, 22]) == "10,20-22,40"
    assert expand_ports("Gi1/0/1-3") == ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3"]
    # RFC 3414 A.3.2 test vector: "maplesyrup", engine 000000000000000000000002.
    assert snmp_localized_key("maplesyrup", "000000000000000000000002").replace(":", "").lower() == \
        "6695febc9288e36282235fc7151f128497b38f3f"
    with pytest.raises(NetworkModelError):
        expand_ports("Gi1/0/9-1")

"""Rendering of every rcr device from the site model: golden files, one-fact-one-change."""

from __future__ import annotations

import copy
import difflib
import re

import netlab
import pytest
from ansible_collections.sitekit.core.plugins.filter.network import ios_bootstrap
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import (
    NetworkModelError,
    clock,
    expand_ports,
    link_vlans,
    snmp_localized_key,
    switch_forms,
    vlan_list,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import Clock

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
    assert " glbp 40 ip 10.0.40.1\n glbp 40 priority 150\n glbp 40 preempt\n" in block
    # IOS does not print GLBP defaults (priority 100, load-balancing round-robin): neither does the model.
    assert "load-balancing" not in r1 + r2 and "priority 100" not in r2
    assert " ip address 10.0.40.3 255.255.255.0\n" in r2
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


# ---- forms IOS prints, lines a senior engineer expects -------------------------------------
DEFAULTS_IOS_HIDES = ["exec-timeout 10 0", "errdisable recovery interval 300", "logging trap informational", "ip ssh authentication-retries 3",
                      "glbp 10 priority 100", "load-balancing round-robin", "service pad", "ip ssh time-out 120"]


@pytest.mark.parametrize("host", RCR_DEVICES)
def test_no_default_is_rendered(rcr_configs, host):
    """A line IOS hides would be resent by every push: the templates print none of them."""
    assert [d for d in DEFAULTS_IOS_HIDES if d in rcr_configs[host]] == []


def test_switches_print_the_15_2_forms_and_vtp_transparent(rcr_configs):
    for host in RCR_DEVICES[:7]:
        text = rcr_configs[host]
        assert "vtp mode transparent\n" in text and "spanning-tree portfast edge bpduguard default\n" in text, host
        assert "port-channel load-balance src-dst-ip\n" in text, host
        assert "errdisable recovery cause bpduguard\nerrdisable recovery cause storm-control\n" in text, host
        assert "ip domain-name rcr.local\n" in text and "no ip domain-lookup\n" in text, host
        assert re.search(r"^ spanning-tree portfast$", text, re.M) is None, host
    for host in ("rt-01", "rt-02"):
        assert "ip domain name rcr.local\n" in rcr_configs[host] and "no ip domain lookup\n" in rcr_configs[host]


def test_edge_trunks_only_towards_servers(rcr_configs):
    core = rcr_configs["sw-core"]
    for block in core.split("!\n"):
        if "spanning-tree portfast edge trunk" in block:
            assert re.search(r"description pve\d", block), block
    assert core.count("spanning-tree portfast edge trunk") == 9  # 3 nodes: Port-channel + 2 members each
    assert "edge trunk" not in rcr_configs["sw-stock"]


def test_access_ports_storm_control_and_unused_ports_parked(rcr_configs):
    text = rcr_configs["sw-stock"]
    assert "interface GigabitEthernet1/0/1\n description users\n switchport access vlan 40\n switchport mode access\n" \
           " storm-control broadcast level 1.00\n storm-control action shutdown\n spanning-tree portfast edge\n" in text
    assert "interface GigabitEthernet1/0/21\n description unused\n switchport access vlan 999\n switchport mode access\n" \
           " shutdown\n" in text
    assert "vlan 999\n name PARKING\n" in text
    assert "999" not in "".join(re.findall(r"allowed vlan (\S+)", text))


def test_enable_secret_banner_and_clock(rcr_configs):
    for host, text in rcr_configs.items():
        assert re.search(r"^enable secret 9 \$9\$", text, re.M), host
        assert "banner login ^CAcces reserve au personnel autorise de RCR. Connexions journalisees.^C\n!\n" in text, host
        assert "clock timezone CET 1 0\nclock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00\n" in text


def test_glbp_weighting_tracks_the_uplink(rcr_configs):
    for host in ("rt-01", "rt-02"):
        text = rcr_configs[host]
        assert "track 1 interface GigabitEthernet0/1 line-protocol\n" in text
        for vlan in (10, 20, 30, 40):
            assert f" glbp {vlan} weighting 100 lower 95 upper 98\n" in text
            assert f" glbp {vlan} weighting track 1 decrement 10\n" in text
        # The WAN side is the operator's: the router's configuration says nothing about it.
        assert re.search(r"^interface GigabitEthernet0/1$", text, re.M) is None


def test_time_zones_become_ios_clock_lines():
    assert clock("Europe/Paris") == Clock(zone="CET", hours=1, minutes=0,
                                          summer="CEST recurring last Sun Mar 2:00 last Sun Oct 3:00")
    assert clock("America/New_York").summer == "EDT recurring 2 Sun Mar 2:00 1 Sun Nov 2:00"
    assert clock("Australia/Sydney").summer == "AEDT recurring 1 Sun Oct 2:00 1 Sun Apr 3:00"
    assert clock("Asia/Kolkata") == Clock(zone="IST", hours=5, minutes=30, summer=None)
    with pytest.raises(NetworkModelError, match="not in the tz database"):
        clock("Europe/Atlantis")


def test_portfast_forms_follow_the_release():
    assert switch_forms([{"model": "WS-C2960X-48TS-L"}]).portfast == "spanning-tree portfast edge"
    assert switch_forms([{"model": "WS-C2960S-48TS-L"}]).portfast_trunk == "spanning-tree portfast edge trunk"
    plain = switch_forms([{"model": "WS-C2960-48TT-L"}])
    assert plain.portfast == "spanning-tree portfast" and plain.bpduguard_default == \
        "spanning-tree portfast bpduguard default"


def test_day0_bootstrap_gives_the_push_its_way_in(rcr_site):
    intents = netlab.intents(rcr_site)
    switch, router = ios_bootstrap(intents["sw-stock"]), ios_bootstrap(intents["rt-02"])
    for text in (switch, router):
        assert text.index("ip domain") < text.index("crypto key generate rsa modulus 2048") < text.index("ip ssh version 2")
        assert re.search(r"^username netadmin privilege 15 secret 9 ", text, re.M)
        assert " login local\n transport input ssh\n" in text and text.rstrip().endswith("write memory")
    assert "hostname sw-stock\nip domain-name rcr.local\n" in switch
    assert "interface Vlan20\n ip address 10.0.20.12 255.255.255.0\n no shutdown\n" in switch
    assert "ip default-gateway 10.0.20.1\nline vty 0 15\n" in switch
    assert "ip domain name rcr.local\n" in router
    assert "interface GigabitEthernet0/0.20\n encapsulation dot1Q 20\n ip address 10.0.20.3 255.255.255.0\n" in router


# ---- what a push owns ----------------------------------------------------------------------
@pytest.mark.parametrize("host", RCR_DEVICES)
def test_the_push_owns_every_family_the_model_renders(rcr_site, rcr_configs, host):
    """A rendered top-level line outside the owned families would stay on the device for ever once the
    model stops declaring it (a push only removes lines of the families it owns)."""
    include = [re.compile(x) for x in netlab.intents(rcr_site)[host]["push"]["include"]]
    top = [line for line in ios_remediation.scope(rcr_configs[host]).splitlines() if not line.startswith(" ")]
    assert [line for line in top if not any(rx.search(line) for rx in include)] == []
    plan = ios_remediation.plan("", rcr_configs[host], netlab.intents(rcr_site)[host]["push"])
    assert len([c for c in plan.commands if not c.startswith(" ")]) == len(top)


def test_a_router_scope_leaves_the_wan_side_alone(rcr_site):
    policy = netlab.intents(rcr_site)["rt-01"]["push"]
    include = [re.compile(x) for x in policy["include"]]
    exclude = [re.compile(x) for x in policy["exclude"]]
    for line in ("interface GigabitEthernet0/1", "ip route 0.0.0.0 0.0.0.0 203.0.113.1", "access-list 1 permit any",
                 "ip nat inside source list 1 interface GigabitEthernet0/1 overload", "ip cef", "line aux 0",
                 "interface Embedded-Service-Engine0/0", "interface Tunnel0", "route-map WAN permit 10"):
        assert not any(rx.search(line) for rx in include), line
    assert any(rx.search(" ip nat inside") for rx in exclude) and any(rx.search(" duplex auto") for rx in exclude)
    assert any(rx.search("interface GigabitEthernet0/0.50") for rx in include)

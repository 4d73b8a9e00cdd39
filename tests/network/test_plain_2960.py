"""A plain Catalyst 2960 (WS-C2960-48TT-L / -24TT-L, IOS 15.0(2)SE): one switch, not a stack.

What the device has (sources in switch.py PLAIN_2960_PORTS): FastEthernet0/1-48 (or 0/1-24) and two uplinks
GigabitEthernet0/1-2 (a WS-C2960-24TT-L's `show version`, "24 FastEthernet interfaces, 2 Gigabit Ethernet
interfaces", and `show ip interface brief`), no `switch N provision` (FlexStack provisioning is a 2960-S/X/XR feature,
Cisco white paper C11-728327), PortFast printed without `edge`. The model names its ports so, renders no stack line,
and the IOS peer's plain 2960 (iospeer platform.plain2960) takes the whole configuration.
"""

from __future__ import annotations

import re

import netlab
import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import (
    NetworkModelError,
    expand_ports,
    switch_ports,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate

FAST_48 = [f"FastEthernet0/{n}" for n in range(1, 49)]
UPLINKS = ["GigabitEthernet0/1", "GigabitEthernet0/2"]


def plain_switch(location: str) -> dict:
    """An access switch found on site to be one WS-C2960-48TT-L, declared with its real port names."""
    return {"role": "access", "location": location,
            "stack": [{"member": 1, "model": "WS-C2960-48TT-L", "priority": 15}],
            "access_ports": [{"ports": "Fa0/1-40", "profile": "users"},
                             {"ports": "Fa0/41-44", "profile": "administrators"},
                             {"ports": "Fa0/45-46", "profile": "printers"}]}


def with_plain_2960(inventory: str, host: str):
    """A copy of an inventory's site where ``host`` is one plain 2960, its uplink on GigabitEthernet0/1-2."""
    site = sites.modified(inventory)
    site.hosts[host].vars["switch"] = plain_switch(site.hosts[host].vars["switch"]["location"])
    for link in site.vars["site_links"]:
        if link["b"] == host:
            link["b_ports"] = ["Gi0/1", "Gi0/2"]
    return site


# ---- the model's port names ---------------------------------------------------------------------
def test_a_plain_2960_has_fastethernet_ports_and_two_gigabit_uplinks():
    assert switch_ports([{"member": 1, "model": "WS-C2960-48TT-L"}]) == FAST_48 + UPLINKS
    assert switch_ports([{"member": 1, "model": "WS-C2960-24TT-L"}]) == FAST_48[:24] + UPLINKS
    # a 2960-S/X stack keeps GigabitEthernet<member>/0/<n>
    assert switch_ports([{"member": 2, "model": "WS-C2960X-24TS-L"}]) == [f"GigabitEthernet2/0/{n}" for n in range(1, 29)]
    with pytest.raises(NetworkModelError, match="cannot stack"):
        switch_ports([{"member": 1, "model": "WS-C2960-48TT-L"}, {"member": 2, "model": "WS-C2960-48TT-L"}])


def test_fastethernet_ranges_expand():
    assert expand_ports("Fa0/1-24") == FAST_48[:24]
    assert expand_ports("FastEthernet0/47-48") == ["FastEthernet0/47", "FastEthernet0/48"]
    assert expand_ports("Gi0/1-2") == UPLINKS


# ---- rendering ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rcr_plain():
    return with_plain_2960("inventories/rcr", "sw-bp-2")


def test_a_site_with_a_plain_2960_validates(rcr_plain):
    def errors(site):
        return [str(p) for p in validate(site) if p.severity == "error"]
    # the same errors as an unchanged copy of rcr (a copy is not a loaded inventory: origin-less host facts)
    assert errors(rcr_plain) == errors(sites.modified("inventories/rcr"))
    assert not any("sw-bp-2" in e for e in errors(rcr_plain))


def test_a_plain_2960_renders_no_stack_lines_and_its_real_ports(rcr_plain):
    text = netlab.render(site=rcr_plain)["sw-bp-2"]
    assert "provision" not in text and "priority 15" not in text
    assert not re.search(r"^!?\s*switch \d", text, re.M)
    assert "GigabitEthernet1/0/" not in text
    assert [m for m in re.findall(r"^interface (\S+)$", text, re.M) if "Ethernet" in m] == FAST_48 + UPLINKS
    assert "interface FastEthernet0/1\n description users\n switchport access vlan 40\n switchport mode access\n" in text
    assert re.search(r"^interface GigabitEthernet0/1\n description sw-core [^\n]*\n switchport trunk allowed vlan "
                     r"[\d,]+\n switchport mode trunk\n channel-group 3 mode active\n", text, re.M)
    assert "interface FastEthernet0/48\n description unused\n" in text
    # the 2960-S stack next to it is unchanged
    assert "switch 1 provision ws-c2960s-48ts-l\n" in netlab.render(site=rcr_plain)["sw-bp-1"]


def test_the_push_owns_a_plain_2960s_fastethernet_ports(rcr_plain):
    include = [re.compile(x) for x in netlab.intents(rcr_plain)["sw-bp-2"]["push"]["include"]]
    assert any(rx.search("interface FastEthernet0/12") for rx in include)
    stack = [re.compile(x) for x in netlab.intents(rcr_plain)["sw-bp-1"]["push"]["include"]]
    assert not any(rx.search("interface FastEthernet0") for rx in stack)  # a 2960-S's management port stays out


# ---- pushed to the IOS peer's plain 2960 ----------------------------------------------------------
@pytest.mark.integration
def test_the_configuration_of_a_plain_2960_is_taken_by_the_device():
    """The lab's sw-bp-1 as one WS-C2960-48TT-L: from its day-0 state, a push of its rendered configuration is taken
    line by line by the peer's plain 2960 (FastEthernet0/N, GigabitEthernet0/1-2, no `switch N provision`), and a
    second push sends nothing."""
    site = with_plain_2960("inventories/lab", "sw-bp-1")
    configs = netlab.render_lab(site=site)
    intent = netlab.intents(site, netlab.lab_secrets())["sw-bp-1"]
    peer = netlab.lab_peer("sw-bp-1", intent, netlab.management_vlan(site))
    assert peer.device.platform.model == "WS-C2960-48TT-L" and peer.device.platform.channels == 6
    peer.start()
    try:
        result = netlab.push(peer, configs["sw-bp-1"], policy=intent["push"])
        taken = [line for user, line in peer.device.history if user == peer.user]
        refused = [line for line in result["applied"] if line != "exit" and line not in taken]
        assert refused == [], f"IOS refused {refused}"
        assert result["applied"] == [c.strip() for c in result["commands"]] and result["saved"]
        running = netlab.read(peer)
        assert "provision" not in running
        assert "interface FastEthernet0/1\n description users\n switchport access vlan" in running
        assert re.search(r"interface GigabitEthernet0/2\n description sw-core [^\n]*\n switchport trunk allowed vlan "
                         r"[\d,]+\n switchport mode trunk\n channel-group 2 mode active\n", running)
        assert netlab.push(peer, configs["sw-bp-1"], policy=intent["push"], check=True)["commands"] == []
    finally:
        peer.stop()

"""windows_firewall on real hosts: exactly the Cegid rules of the inventory, Domain profile, never Any."""

from __future__ import annotations

import ipaddress

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS

SCRIPT = """Get-NetFirewallRule -Group Cegid | ForEach-Object {
    $port = $_ | Get-NetFirewallPortFilter; $address = $_ | Get-NetFirewallAddressFilter
    [pscustomobject]@{ name = $_.DisplayName; direction = "$($_.Direction)"; action = "$($_.Action)"; profile = "$($_.Profile)";
        enabled = "$($_.Enabled)"; protocol = "$($port.Protocol)"; localport = @($port.LocalPort); remoteport = @($port.RemotePort);
        remote = @($address.RemoteAddress) } }"""


def _normalise(address: str) -> str:
    """Windows shows 10.0.30.0/255.255.255.0; the inventory 10.0.30.0/24."""
    if "/" in address:
        return str(ipaddress.IPv4Network(address, strict=False))
    return address


@pytest.mark.parametrize("name", hosts_of("sql_servers", "rds_session_hosts"))
def test_cegid_rules_are_exactly_the_inventory_list(name):
    wanted = {r.name: r for r in sw.firewall_rules(site(), name)}
    present = {r["name"]: r for r in as_list(ps(name, SCRIPT))}
    assert set(present) == set(wanted)
    for rule_name, rule in wanted.items():
        got = present[rule_name]
        assert got["direction"] == ("Inbound" if rule.direction == "in" else "Outbound")
        assert got["action"] == "Allow" and got["profile"] == "Domain" and got["enabled"] == "True"
        assert got["protocol"].lower() == rule.protocol
        ports = got["localport"] if rule.direction == "in" else got["remoteport"]
        assert sorted(int(p) for p in ",".join(as_list(ports)).split(",")) == sorted(rule.ports)
        remote = {_normalise(a) for a in as_list(got["remote"])}
        assert "Any" not in remote
        assert remote == {_normalise(a) for a in rule.remoteip.split(",")}

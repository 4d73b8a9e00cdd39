"""The site model's basic views, read from the rcr inventory."""

from __future__ import annotations

import ipaddress

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import registry
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import RULES, tier_of
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import in_window, maintenance_windows

SPEC_GROUP_COUNTS = {  # SITE-SPEC §3 and §4
    "proxmox_nodes": 3, "ad_domain_controllers": 2, "rds_web_access": 2, "rds_gateways": 2, "rds_licensing": 2,
    "rds_connection_brokers": 2, "rds_virtualization_hosts": 3, "rds_session_hosts": 2, "sql_servers": 1,
    "ftp_archive": 2, "glpi": 1, "squid": 1, "cisco_routers": 2, "cisco_switches": 7,
}
TIERS = ["proxmox_nodes", "windows", "debian", "network"]


@pytest.fixture
def site(rcr_site) -> Site:
    return rcr_site


@pytest.mark.requirement("SPEC-2-core-stack", "SPEC-4-rds-farm")
def test_group_counts_match_the_spec(site):
    assert {g: len(site.group(g)) for g in SPEC_GROUP_COUNTS} == SPEC_GROUP_COUNTS


def test_every_host_is_in_exactly_one_tier(site):
    for name, host in site.hosts.items():
        assert len([t for t in TIERS if t in host.groups]) == 1, f"{name} tiers: {host.groups}"


def test_addresses_are_derived_from_the_vlan_plan(site):
    assert site.host_interface("sql01") == ipaddress.IPv4Interface("10.0.10.60/24")
    assert str(site.gateway(40)) == "10.0.40.1"
    assert str(site.router_address(30, "primary")) == "10.0.30.2"
    assert str(site.router_address(30, "secondary")) == "10.0.30.3"
    assert site.reserved_hosts() == {1: "GLBP virtual gateway", 2: "primary router", 3: "secondary router"}


def test_views_for_services(site):
    assert site.subnets_for_roles(["clients"]) == ["10.0.30.0/24", "10.0.40.0/24"]
    assert site.infra_ips("dhcp") == ["10.0.10.21", "10.0.10.22"]
    assert site.infra_ips("syslog") == ["10.0.10.80"]
    assert len(site.vms) == 25 - 4  # every VM of the Windows and Debian tiers


def test_a_vlan_change_is_seen_everywhere():
    site = Site({"site_vlans": [{"id": 40, "name": "USERS", "subnet": "192.0.2.0/25", "role": "clients"}],
                 "site_glbp": {"virtual_host": 126}}, {}, {})
    assert str(site.gateway(40)) == "192.0.2.126"
    assert site.gateway(99) is None


@pytest.mark.parametrize(("day", "time", "inside"), [
    ("mon", "21:30", True), ("tue", "06:59", True), ("tue", "07:00", False), ("wed", "12:00", False),
    ("sat", "12:00", True), ("mon", "03:00", True),  # Sunday night runs into Monday morning
])
def test_maintenance_windows(site, day, time, inside):
    assert in_window(maintenance_windows(site.vars), day, time) is inside


def test_from_hostvars_matches_the_loader(site):
    hostvars = {name: {**site.vars, **host.vars} for name, host in site.hosts.items()}
    again = Site.from_hostvars(hostvars, site.groups)
    assert again.host_interface("dc02") == site.host_interface("dc02")
    assert again.vars["site_vlans"] == site.vars["site_vlans"]
    assert set(again.vms) == set(site.vms)
    assert {n: h.groups for n, h in again.hosts.items()} == {n: h.groups for n, h in site.hosts.items()}


def test_from_hostvars_gives_each_host_its_groups_sorted_once_without_all():
    groups = {"all": ["b", "a"], "zeta": ["a", "a"], "alpha": ["b", "a"], "empty": [], "ungrouped": ["b"]}
    made = Site.from_hostvars({"a": {}, "b": {}}, groups, site_keys=(), host_keys=())
    assert {n: h.groups for n, h in made.hosts.items()} == {"a": ["alpha", "zeta"], "b": ["alpha", "ungrouped"]}


class CountingHostvars(dict):
    """hostvars that count lookups: in a play each one computes every variable of that host."""

    def __init__(self, *args):
        super().__init__(*args)
        self.reads = 0

    def __getitem__(self, name):
        self.reads += 1
        return super().__getitem__(name)


def test_from_hostvars_reads_no_host_when_no_key_is_asked(site):
    """network_devices needs the groups only: it used to compute every host's variables on each evaluation."""
    hostvars = CountingHostvars({name: {**site.vars, **host.vars} for name, host in site.hosts.items()})
    devices = Site.from_hostvars(hostvars, site.groups, site_keys=(), host_keys=())
    assert hostvars.reads == 0 and set(devices.hosts) == set(site.hosts)
    assert [h.get("site_ip") for h in devices.hosts.values()] == [None] * len(site.hosts) and hostvars.reads == 0


def test_from_hostvars_reads_a_host_when_a_view_first_asks_for_it_and_once(site):
    """A view reads a few hosts of the site: each host's variables are computed on its first read, once."""
    hostvars = CountingHostvars({name: {**site.vars, **host.vars} for name, host in site.hosts.items()})
    made = Site.from_hostvars(hostvars, site.groups, site_keys=("site_vlans", "site_absent"),
                              host_keys=("site_ip", "site_vlan"))
    assert hostvars.reads == 0 and made.groups == site.groups and made.hosts["dc02"].groups == site.hosts["dc02"].groups
    assert made.host_interface("dc02") == site.host_interface("dc02")  # site_vlans (first host) and dc02's site_ip
    assert made.host_ip("dc02") == site.host_ip("dc02") and hostvars.reads == 2
    assert "site_absent" not in made.vars and list(made.vars) == ["site_vlans"] and hostvars.reads == 2
    keys = ("site_ip", "site_vlan")
    assert made.hosts["dc02"].vars == {k: site.hosts["dc02"].vars[k] for k in keys}
    assert {**made.hosts["dc01"].vars} == {k: site.hosts["dc01"].vars[k] for k in keys} and hostvars.reads == 3
    every = Site.from_hostvars(hostvars, site.groups)  # site_keys None: every site_* and vault_* variable
    assert set(every.vars) == {k for k in site.vars if k.startswith(("site_", "vault_"))}

# Every rule validation runs, by tier, in the order problems are listed (registry.ORDER). A rule added,
# removed, renamed or moved to another tier changes this table on purpose.
RULES_BY_TIER = {
    "rules_inventory": ["inventory-files", "one-definition", "tiers", "host-names", "ansible-host"],
    "rules_schema": ["schema"],
    "rules_addressing": ["vlan-unique", "subnet", "gateway", "host-address", "device-address", "taken-addresses"],
    "network_rules": ["port-profile", "stack", "link", "switching", "vlan-ids", "switch-ports", "link-ends",
                      "router-interfaces", "network-view"],
    "proxmox_rules": ["ha-quorum", "vm-placement", "spread", "storage", "retention", "maintenance", "second-copy",
                      "proxmox-view",
                      # proxmox_pve_rules.py, validated with the tier (tier=proxmox_rules)
                      "corosync-links", "qdevice", "subscription-keys", "vm-fits", "vm-disks", "storage-options",
                      "backup-policy"],
    "windows_rules": ["cegid-sql", "cegid-rds", "firewall", "windows-view", "windows-times", "firewall-exceptions",
                      "windows-directory", "windows-hosts"],
    "services_rules": ["services"],
    "debian_rules": ["config-archive", "glpi", "debian-views"],
    "rules_site": ["time-zone", "business-hours", "sla", "proxy"],
    "secrets_rules": ["secrets", "vault-values"],
}


def test_rules_are_described():
    rules = describe_rules()
    assert [r for r, _ in rules] == [r for tier in RULES_BY_TIER.values() for r in tier]
    assert [r for r, text in rules if len(text) < 30] == [], "each rule says what it checks"


def test_each_rule_is_validated_with_its_tier():
    tiers: dict[str, list[str]] = {}
    for rule_id, _, func in registry._rules():
        tiers.setdefault(tier_of(func).rsplit(".", 1)[-1], []).append(rule_id)
    assert tiers == RULES_BY_TIER
    views = sorted(rule_id for rule_id, _, func in RULES if func.runs_views)
    assert views == ["cegid-rds", "cegid-sql", "debian-views", "firewall", "firewall-exceptions", "maintenance",
                     "network-view", "proxmox-view", "second-copy", "windows-view"], "rules that wait for their tier"

"""The infra_addresses filter: the NTP sources the proxmox_node role writes are the site model's, the ones the
network view gives the switches and routers (one implementation: ``Site.infra_ips``)."""

from __future__ import annotations

import re

import sites
from ansible_collections.sitekit.core.plugins.filter.site import infra_addresses
from sitekit_paths import REPO


def hostvars(site) -> dict:
    return {name: {**site.vars, **host.vars} for name, host in site.hosts.items()}


def test_ntp_sources_are_the_domain_controllers_the_devices_use(rcr_site):
    dcs = [str(rcr_site.hosts[h].vars["site_ip"]) for h in rcr_site.groups["ad_domain_controllers"]]
    got = infra_addresses(hostvars(rcr_site), rcr_site.groups, "ntp")
    assert got == dcs and len(got) == 2
    golden = (REPO / "tests/network/golden/sw-bp-1.cfg").read_text()
    assert got == re.findall(r"^ntp server (\S+)$", golden, re.M)


def test_a_single_ntp_host_and_no_ntp_service():
    site = sites.modified(site_infra={"ntp_host": "dc02"})
    assert infra_addresses(hostvars(site), site.groups, "ntp") == [str(site.hosts["dc02"].vars["site_ip"])]
    site = sites.modified(site_infra={})
    assert infra_addresses(hostvars(site), site.groups, "ntp") == []


def test_the_proxmox_node_role_takes_its_ntp_servers_from_the_filter():
    defaults = (REPO / "roles/proxmox_node/defaults/main.yml").read_text()
    assert "proxmox_node_ntp_servers: \"{{ hostvars | sitekit.core.infra_addresses(groups, 'ntp') }}\"" in defaults

"""Proxmox node stand-ins after site.yml: what proxmox_node applied for real, read inside each container."""

from __future__ import annotations

import pytest
import testinfra
from context import container_name, site

NODES = site().groups["proxmox_nodes"]
RELEASE = {8: "bookworm", 9: "trixie"}[int(site().vars["site_proxmox"]["version"])]


@pytest.fixture(scope="module", params=NODES)
def node(request):
    return testinfra.get_host(f"docker://{container_name(request.param)}")


def test_apt_source_of_the_pve_major_is_written(node):
    source = node.file("/etc/apt/sources.list.d/pve-no-subscription.sources")
    assert source.exists and f"Suites: {RELEASE}" in source.content_string
    assert "Components: pve-no-subscription" in source.content_string
    assert not node.file("/etc/apt/sources.list.d/pve-enterprise.sources").exists


def test_chrony_uses_the_sites_ntp_servers(node):
    s = site()
    servers = [str(s.hosts[h].vars["site_ip"]) for h in s.groups[s.vars["site_infra"]["ntp_hosts_group"]]]
    assert node.package("chrony").is_installed
    content = node.file("/etc/chrony/sources.d/sitekit.sources").content_string
    assert [line.split()[1] for line in content.splitlines() if line.startswith("server ")] == servers


def test_watchdog_for_ha_fencing(node):
    assert node.file("/etc/modules-load.d/sitekit-watchdog.conf").content_string.strip() == "softdog"
    assert "WATCHDOG_MODULE=softdog" in node.file("/etc/default/pve-ha-manager").content_string


def test_cluster_members_resolve(node):
    s = site()
    hosts = node.file("/etc/hosts").content_string
    for member in NODES:
        assert f"{s.hosts[member].vars['site_ip']} {member}.{s.vars['site_domain']} {member}" in hosts


def test_root_ssh_keys_only_and_sshd_runs(node):
    effective = node.check_output("sshd -T")
    assert "permitrootlogin without-password" in effective and "passwordauthentication no" in effective
    assert "maxauthtries 3" in effective
    assert node.service("ssh").is_running


def test_no_proxmox_package_was_installed_on_the_stand_in(node):
    assert node.run("command -v pveversion").rc != 0 and node.run("command -v pvecm").rc != 0

"""Proxmox node stand-ins after site.yml: what proxmox_node applied for real, read inside each container."""

from __future__ import annotations

import pytest
import testinfra
from context import container_name, site

NODES = site().groups["proxmox_nodes"]
RELEASE = {8: "bookworm", 9: "trixie"}[int(site().vars["site_proxmox"]["version"])]
KEYRING = {8: "/etc/apt/trusted.gpg.d/proxmox-release-bookworm.gpg",
           9: "/usr/share/keyrings/proxmox-archive-keyring.gpg"}[int(site().vars["site_proxmox"]["version"])]


@pytest.fixture(scope="module", params=NODES)
def node(request):
    return testinfra.get_host(f"docker://{container_name(request.param)}")


def test_apt_source_of_the_pve_major_is_written(node):
    source = node.file("/etc/apt/sources.list.d/pve-no-subscription.sources")
    assert source.exists and f"Suites: {RELEASE}" in source.content_string
    assert "Components: pve-no-subscription" in source.content_string
    # proxmox-archive-keyring's key of that major: trusted.gpg.d on PVE 8, /usr/share/keyrings on PVE 9
    assert f"Signed-By: {KEYRING}" in source.content_string
    assert not node.file("/etc/apt/sources.list.d/pve-enterprise.sources").exists


def test_the_installers_enterprise_repositories_are_gone_without_a_subscription(node):
    """prepare.yml leaves pve-enterprise.list and the Ceph enterprise ceph.list as the installer does: both answer 401
    without a subscription and would fail every apt update."""
    for name in ("pve-enterprise.list", "ceph.list"):
        assert not node.file(f"/etc/apt/sources.list.d/{name}").exists, name


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
    """Each member's name, short or qualified, is on one line only: its site address (pmxcfs and pvecm take the first
    address the name resolves to; prepare.yml leaves a 127.0.1.1 line for the node's name, as a Debian install does)."""
    s = site()
    lines = [line.split() for line in node.file("/etc/hosts").content_string.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    for member in NODES:
        fqdn = f"{member}.{s.vars['site_domain']}"
        assert [f[0] for f in lines if member in f[1:] or fqdn in f[1:]] == [str(s.hosts[member].vars["site_ip"])], member
        assert [str(s.hosts[member].vars["site_ip"]), fqdn, member] in lines


def test_root_ssh_keys_only_and_sshd_runs(node):
    effective = node.check_output("sshd -T")
    assert "permitrootlogin without-password" in effective and "passwordauthentication no" in effective
    assert "maxauthtries 3" in effective
    assert node.service("ssh").is_running


def test_no_proxmox_package_was_installed_on_the_stand_in(node):
    assert node.run("command -v pveversion").rc != 0 and node.run("command -v pvecm").rc != 0


@pytest.mark.parametrize(("joiner", "member"), [(a, b) for a in NODES for b in NODES if a != b])
def test_members_log_in_to_each_other_as_root_without_a_prompt(joiner, member):
    """What `pvecm add --use_ssh` does first on a joining node (pve-cluster PVE/CLI/pvecm.pm): ssh-copy-id of root's
    key to the node it joins through, with no terminal, then `ssh -o BatchMode=yes`. Both must pass without a password
    or a host-key question (ssh-copy-id exits 0 when the key is already authorized)."""
    node = testinfra.get_host(f"docker://{container_name(joiner)}")
    address = str(site().hosts[member].vars["site_ip"])
    copy = node.run(f"ssh-copy-id -i /root/.ssh/id_rsa root@{address} </dev/null")
    assert copy.rc == 0, copy.stderr
    login = node.run(f"ssh -o BatchMode=yes -o ConnectTimeout=5 root@{address} hostname")
    assert login.rc == 0 and login.stdout.strip() == member, login.stderr


def test_the_operators_key_opens_root_logins_while_pmxcfs_is_down(node):
    """root's authorized_keys is a link into /etc/pve (prepare.yml, as on PVE): the keys of that file other than the
    members' are copied to authorized_keys2, so a root login still works when /etc/pve is not mounted."""
    shared = node.file("/etc/pve/priv/authorized_keys").content_string.split()
    assert node.file("/root/.ssh/authorized_keys").is_symlink
    operator_key = next(word for word in shared if word.startswith("AAAA"))
    copy = node.file("/root/.ssh/authorized_keys2").content_string
    assert "copy of /etc/pve/priv/authorized_keys" in copy and operator_key in copy


def test_chrony_follows_no_source_the_site_does_not_declare(node):
    """Debian's chrony.conf pool (2.debian.pool.ntp.org) is commented out: sources.d/sitekit.sources is all."""
    active = [line for line in node.file("/etc/chrony/chrony.conf").content_string.splitlines()
              if line.split()[:1] in (["pool"], ["server"], ["peer"])]
    assert active == []
    assert "sourcedir /etc/chrony/sources.d" in node.file("/etc/chrony/chrony.conf").content_string

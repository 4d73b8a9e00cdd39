"""A source given beside the site's (-i site -i overlay) may add connection settings, hosts and groups of its own,
never change the site (plugin_utils/site/overlay.py): Ansible merges the sources, the gate validated each alone.

Each overlay below reached a connection with the site's values changed before overlay.py (found by review).
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources

pytestmark = pytest.mark.unit

COMPOSED_VLANS = "\"[{'id': 5000, 'name': 'SERVEURS', 'subnet': '192.0.2.0/24', 'role': 'servers'}]\""
ENDPOINT = {"hosts.yml": "all:\n  hosts:\n    pve1:\n      ansible_host: 192.0.2.11\n"}
REFUSED = {
    "a site fact in the overlay's host_vars": (
        {"hosts.yml": "all: {}\n", "host_vars/pve1.yml": "site_ip: 192.0.2.12\n"},
        "host_vars/pve1.yml:1: host pve1: site_ip: {overlay} changes its value"),
    "a site key the site does not set": (
        {"hosts.yml": "all: {}\n", "host_vars/pve1.yml": "vm: {memory_mb: 1}\n"},
        "host_vars/pve1.yml:1: host pve1: vm: {overlay} sets vm, which the site does not declare"),
    "a host added to a site group": (
        {"hosts.yml": "all:\n  children:\n    proxmox_nodes:\n      hosts:\n        intruder:\n"},
        ": proxmox_nodes: {overlay} adds intruder to this group of the site"),
    "a site variable composed by constructed": (
        {"zz.constructed.yml": f"plugin: ansible.builtin.constructed\ncompose:\n  site_vlans: {COMPOSED_VLANS}\n"},
        "zz.constructed.yml:3: site_vlans: {overlay} changes its value for 33 hosts (dc01, dc02, fs01, …)"),
}


def _overlay(tmp_path, files: dict[str, str]):
    overlay = tmp_path / "overlay"
    for name, text in files.items():
        (overlay / name).parent.mkdir(parents=True, exist_ok=True)
        (overlay / name).write_text(text)
    return overlay


def _errors(rcr_copy, overlay, *more) -> list[str]:
    outcome = validate_sources([str(rcr_copy), str(overlay), *map(str, more)], skip_undeclared=True, warnings=False)
    return [str(p) for p in outcome.errors]


@pytest.mark.parametrize("case", REFUSED)
def test_an_overlay_changing_the_site_is_refused(tmp_path, rcr_copy, case):
    files, expected = REFUSED[case]
    overlay = _overlay(tmp_path, files)
    errors = _errors(rcr_copy, overlay)
    assert len(errors) == 1 and str(overlay) in errors[0] and expected.format(overlay=overlay) in errors[0], errors


def test_connection_settings_and_hosts_of_its_own_are_what_an_overlay_is_for(tmp_path, rcr_copy):
    """make lab's endpoints file, molecule's inventory and the network tests' peers: addresses, keys, a role's
    connection variables, the site's hosts in a group of their own, probe hosts in groups of their own."""
    overlay = _overlay(tmp_path, {"hosts.yml": (
        "all:\n  vars:\n    molecule_ephemeral_directory: /tmp/x\n"
        "  hosts:\n    ftp01:\n      ansible_host: 192.0.2.25\n      ansible_port: 2222\n      lab_container: c-ftp01\n"
        "    sw-core:\n      cisco_ios_ssh_port: 2201\n      cisco_ios_ssh_user: peer\n"
        "  children:\n    molecule:\n      hosts:\n        ftp01:\n"
        "    ftp_test_probes:\n      hosts:\n        ftp-probe: {ansible_host: ftp-probe}\n")})
    assert _errors(rcr_copy, overlay) == []


def test_an_unopened_whole_file_vault_and_a_nan_are_compared_as_the_site_loader_reads_them(tmp_path, rcr_copy):
    """Without the run's vault password the site's vaulted file stays unread on both sides (it crashed the check:
    'A vault password must be specified'), and NaN, which equals nothing, is the same value on both sides."""
    from ansible.parsing.vault import VaultLib, VaultSecret

    secret = VaultLib([("default", VaultSecret(b"overlay-test"))])
    (rcr_copy / "group_vars/proxmox_nodes").mkdir(exist_ok=True)
    (rcr_copy / "group_vars/proxmox_nodes/secret.yml").write_bytes(secret.encrypt("vault_extra: x\n"))
    (rcr_copy / "group_vars/all/monitoring.yml").write_text("monitoring_threshold: .nan\n")
    assert _errors(rcr_copy, _overlay(tmp_path, ENDPOINT)) == []


def test_an_added_host_sees_the_sites_own_site_wide_values(tmp_path, rcr_copy):
    """A probe added beside the site gets group_vars/all of the site like every host: that is no change."""
    probe = _overlay(tmp_path, {"hosts.yml": "all:\n  hosts:\n    probe:\n"})
    assert _errors(rcr_copy, probe, _overlay(tmp_path / "second", ENDPOINT)) == []


def test_a_site_variable_on_a_host_of_the_other_sources_is_refused(tmp_path, rcr_copy):
    """Neither other source declares a site alone (a host here, its host_vars there), merged they do: the roles' site
    model may read its site variables from that host (found by review)."""
    probe = _overlay(tmp_path, {"hosts.yml": "all:\n  hosts:\n    probe:\n"})
    plan = _overlay(tmp_path / "second", {"hosts.yml": "all: {}\n", "host_vars/probe.yml": f"site_vlans: {COMPOSED_VLANS}\n"})
    errors = _errors(rcr_copy, probe, plan)
    assert errors == [f"{plan}/host_vars/probe.yml:1: host probe: site_vlans: {probe}, {plan} sets site_vlans on a host "
                      f"the site does not declare: a source beside the site's may add hosts and connection settings, "
                      f"never change the site; declare it once, in {rcr_copy} [inventory]"], errors


def test_a_role_variable_the_site_sets_may_be_changed_by_an_overlay(tmp_path):
    """The network tests' peers give each device its SSH port and session address (the cisco_ios role's connection
    variables, which the lab declares): connection settings, not the site."""
    import shutil

    from sitekit_paths import REPO

    lab = shutil.copytree(REPO / "inventories/lab", tmp_path / "lab")
    peers = _overlay(tmp_path, {"hosts.yml": "all:\n  hosts:\n    sw-core:\n      cisco_ios_ssh_port: 2201\n"
                                             "      cisco_ios_session_address: 127.0.0.1\n"})
    assert _errors(lab, peers) == []
    secret = _overlay(tmp_path / "secret", {"hosts.yml": "all: {}\n",
                                            "host_vars/sw-core.yml": "vault_network_admin_secret_hash: plain\n"})
    assert [e.split(": ", 1)[1] for e in _errors(lab, secret)] == [  # a secret is the site's
        f"host sw-core: vault_network_admin_secret_hash: {secret} changes its value: a source beside the site's may "
        f"add hosts and connection settings, never change the site; declare it once, in {lab} [inventory]"]

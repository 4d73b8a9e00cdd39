"""A source given beside the site's (-i site -i overlay) may add connection settings, hosts and groups of its own,
never change the site (plugin_utils/site/overlay.py): Ansible merges the sources, the gate validated each alone.

Each overlay below reached a connection with the site's values changed before overlay.py (found by review).
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources

pytestmark = pytest.mark.unit

COMPOSED_VLANS = "\"[{'id': 5000, 'name': 'SERVEURS', 'subnet': '192.0.2.0/24', 'role': 'servers'}]\""
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


def _errors(rcr_copy, overlay) -> list[str]:
    outcome = validate_sources([str(rcr_copy), str(overlay)], skip_undeclared=True, warnings=False)
    return [str(p) for p in outcome.errors]


@pytest.mark.parametrize("case", REFUSED)
def test_an_overlay_changing_the_site_is_refused(tmp_path, rcr_copy, case):
    files, expected = REFUSED[case]
    overlay = _overlay(tmp_path, files)
    errors = _errors(rcr_copy, overlay)
    assert len(errors) == 1 and str(overlay) in errors[0] and expected.format(overlay=overlay) in errors[0], errors


def test_connection_settings_and_hosts_of_its_own_are_what_an_overlay_is_for(tmp_path, rcr_copy):
    """make lab's endpoints file and molecule's inventory: addresses, keys, the site's hosts in a group of their own,
    probe hosts in groups of their own."""
    overlay = _overlay(tmp_path, {"hosts.yml": (
        "all:\n  vars:\n    molecule_ephemeral_directory: /tmp/x\n"
        "  hosts:\n    ftp01:\n      ansible_host: 192.0.2.25\n      ansible_port: 2222\n      lab_container: c-ftp01\n"
        "  children:\n    molecule:\n      hosts:\n        ftp01:\n"
        "    ftp_test_probes:\n      hosts:\n        ftp-probe: {ansible_host: ftp-probe}\n")})
    assert _errors(rcr_copy, overlay) == []

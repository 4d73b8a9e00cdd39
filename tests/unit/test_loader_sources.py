"""An inventory directory holds YAML inventories and inventory plugins' configurations, as ansible-core reads it.

ansible-core's yaml plugin declines a mapping with a ``plugin`` key (plugins/inventory/yaml.py: "Plugin
configuration YAML file, not YAML inventory") and the auto plugin hands it to that plugin. The site loader once
walked such a file as a YAML inventory and refused its ``plugin:`` and ``groups:`` keys as malformed groups.
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate

pytestmark = pytest.mark.unit


def _errors(site) -> list[str]:
    return [str(p) for p in validate(site) if p.severity == "error"]


def test_a_constructed_groups_configuration_beside_the_site_is_read_as_ansible_reads_it(rcr_copy):
    (rcr_copy / "zz.constructed.yml").write_text("plugin: ansible.builtin.constructed\n"
                                                 "groups:\n  proxmox_members: \"'proxmox_nodes' in group_names\"\n")
    site = load_site(str(rcr_copy))
    assert _errors(site) == []
    assert site.groups["proxmox_members"] == site.groups["proxmox_nodes"] != []


def test_a_plugin_configuration_naming_no_known_plugin_is_refused_with_the_plugins_reason(rcr_copy):
    config = rcr_copy / "zz.inventory.yml"
    config.write_text("plugin: nosuch.collection.thing\n")
    assert _errors(load_site(str(rcr_copy))) == [
        f"{config}: zz.inventory.yml is not a valid inventory file: inventory config '{config}' specifies unknown "
        "plugin 'nosuch.collection.thing'; no host of it could be checked [inventory]"]


def test_a_site_fact_written_as_a_vault_value_is_refused_at_its_line(rcr_copy):
    """Only secrets are encrypted: a vaulted site_ip made three rules fail as 'could not be checked' with no problem
    above them (found by review); the value is never decrypted to say so."""
    envelope = next(line for line in (rcr_copy / "group_vars/all/vault.yml").read_text().splitlines()
                    if "$ANSIBLE_VAULT" in line)
    indent = envelope[: len(envelope) - len(envelope.lstrip())]
    body = (rcr_copy / "group_vars/all/vault.yml").read_text().split(envelope, 1)[1].split("\n")
    lines = [envelope] + [b for b in body[1:] if b.startswith(indent) and b.strip()][:6]
    host = rcr_copy / "host_vars/pve1.yml"
    text = host.read_text()
    start = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("site_ip:"))
    site_ip = next(line for line in text.splitlines() if line.startswith("site_ip:"))
    host.write_text(text.replace(site_ip, "site_ip: !vault |\n" + "\n".join(lines), 1))
    assert _errors(load_site(str(rcr_copy))) == [
        f"{host}:{start}: host pve1: site_ip: is a vault value, but only a secret (a password, key or token) is "
        "encrypted: the site model and the roles read this one; write it in clear [schema]"]


def test_the_sources_are_parsed_with_the_inventory_cache_as_ansible_parses_them(rcr_copy, monkeypatch):
    """InventoryManager parses with cache=True: a caching inventory plugin (NetBox, community.proxmox) then reads its
    cache, so the site loader validates what the run will use and leaves the operator's cache alone (found by
    review: the loader parsed with cache=False, queried the live source and overwrote the cache)."""
    from ansible.inventory.manager import InventoryManager

    calls = []
    parse = InventoryManager.parse_source
    monkeypatch.setattr(InventoryManager, "parse_source",
                        lambda self, source, cache=False: calls.append(cache) or parse(self, source, cache=cache))
    load_site(str(rcr_copy))
    assert calls and all(calls), calls  # the directory, then each file in it

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

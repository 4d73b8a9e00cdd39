"""Load an inventory directory into a Site with Ansible's own inventory loader."""

from __future__ import annotations

import sys
from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, Host, Site


def load_site(inventory_dir: str) -> Site:
    """Load an inventory directory with Ansible's own loader, without any vault secret.

    Encrypted values stay encrypted (validation only checks that they are); Jinja
    expressions stay unrendered.
    """
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import init_plugin_loader
    from ansible.vars.manager import VariableManager

    if not any(type(finder).__name__ == "_AnsibleCollectionFinder" for finder in sys.meta_path):
        # Outside ansible-playbook (CLI, tests): set up the collection loader once, on the collections
        # root this collection is installed in, so that later sitekit.core imports still resolve.
        init_plugin_loader([str(Path(__file__).resolve().parents[6])])
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(inventory_dir)])
    variables = VariableManager(loader=loader, inventory=inventory)
    site_vars = {
        k: v
        for k, v in variables.get_vars(host=inventory.localhost, include_hostvars=False).items()
        if not k.startswith("ansible_") and k not in HOST_KEYS and k not in _MAGIC
    }
    hosts = {}
    for host in inventory.get_hosts():
        hv = variables.get_vars(host=host, include_hostvars=False)
        own = {k: v for k, v in hv.items() if k in HOST_KEYS or k not in site_vars and not k.startswith("ansible_") and k not in _MAGIC}
        hosts[host.name] = Host(host.name, own, sorted(g.name for g in host.get_groups() if g.name != "all"))
    groups = {name: sorted(h.name for h in group.get_hosts()) for name, group in inventory.groups.items()}
    return Site(site_vars, hosts, groups, source=str(inventory_dir))


_MAGIC = {
    "groups", "group_names", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
    "playbook_dir", "omit", "hostvars", "environment", "role_names", "play_hosts", "ansible_play_hosts",
}

"""Load an inventory directory into a Site with Ansible's own inventory loader.

What Ansible would only warn about, or stop on with the wrong file named, becomes a problem
of the site placed at its file and line (``Site.load_problems``): a YAML error, a file that is
not UTF-8, an inventory file that cannot be parsed, a vars file that is not a mapping. A broken
inventory file marks the site ``broken``: validation then reports the load problems alone,
never dozens of consequences of hosts that were not read.

Without a vault password, inline ``!vault`` values stay encrypted (validation checks their
form, never their content) and a whole-file vault is left unopened (``Sources.sealed``); with
``vault_password_file`` (or ``vault_secrets``, the secrets of a running ansible-playbook) it is
read like Ansible reads it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_files import (
    CheckingLoader,
    plain_words,
    where_of_error,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_guard import (
    parse_without_vars_plugins,
    refuse_endless_vars_dirs,
    refuse_path_names,
    run_inventory_stage_vars_plugins,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_inventory import (
    DisplayCapture,
    check_inventory_sources,
    collect_vars_files,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, MAGIC_VARS, Host, Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem


def load_site(inventory_dir: str, vault_password_file: str | None = None, vault_secrets: Any = None) -> Site:
    """Load an inventory with Ansible's own loaders; never raises on a broken inventory.

    Problems found while loading are in ``site.load_problems`` (``registry.validate`` reports
    them first); ``site.broken`` says an inventory file could not be read at all.
    """
    try:
        return _load(str(inventory_dir), vault_password_file, vault_secrets)
    except Exception as exc:  # noqa: BLE001 - whatever Ansible raises, the operator gets a problem, not a traceback
        site = Site({}, {}, {}, source=str(inventory_dir))
        site.broken = True
        message = getattr(exc, "message", None) or str(exc) or "unknown error"
        site.load_problems = [Problem("inventory", "-", f"the inventory could not be loaded: {plain_words(message)}",
                                      where=where_of_error(exc) or str(inventory_dir), detail=repr(exc))]
        return site


def _load(inventory_dir: str, vault_password_file: str | None, vault_secrets: Any) -> Site:
    _collection_finder()
    from ansible.cli import CLI
    from ansible.inventory.manager import InventoryManager
    from ansible.vars.manager import VariableManager

    root = os.path.realpath(inventory_dir)
    loader = CheckingLoader(root if os.path.isdir(root) else os.path.dirname(root))
    if vault_password_file:
        vault_secrets = _secrets_from_file(vault_password_file, loader)
    if vault_secrets:
        loader.set_vault_secrets(vault_secrets)
    with DisplayCapture(loader) as captured:
        if refuse_endless_vars_dirs(loader):
            return _unsafe_to_read(inventory_dir, loader, captured)
        inventory = InventoryManager(loader=loader, sources=[inventory_dir], parse=False)
        parse_without_vars_plugins(inventory)
        check_inventory_sources(inventory, loader, inventory_dir, captured)
        if refuse_path_names(inventory, loader):
            return _unsafe_to_read(inventory_dir, loader, captured)
        run_inventory_stage_vars_plugins(inventory, loader)
        # With the version: ansible-core caches the first options vars of the process (load_options_vars), and
        # the gate loads the site before ansible-playbook's own VariableManager: without it, ansible_version
        # would be 'Unknown' for the whole run (molecule-plugins' docker playbooks read ansible_version.full).
        variables = VariableManager(loader=loader, inventory=inventory, version_info=CLI.version_info(gitinfo=False))
        site_vars = {k: v for k, v in variables.get_vars(host=inventory.localhost, include_hostvars=False).items()
                     if not k.startswith("ansible_") and k not in HOST_KEYS and k not in MAGIC_VARS}
        hosts = {}
        for host in inventory.get_hosts():
            hv = variables.get_vars(host=host, include_hostvars=False)
            own = {k: v for k, v in hv.items()
                   if k in HOST_KEYS or (k not in site_vars and not k.startswith("ansible_") and k not in MAGIC_VARS)}
            conn = {k: v for k, v in hv.items() if k.startswith("ansible_") and k not in MAGIC_VARS}
            hosts[host.name] = Host(host.name, own, sorted(g.name for g in host.get_groups() if g.name != "all"),
                                    ansible=conn)
        groups = {name: sorted(h.name for h in group.get_hosts()) for name, group in inventory.groups.items()}
        loader.sources.vault_secrets = vault_secrets or None
        collect_vars_files(loader, inventory)
    site = Site(site_vars, hosts, groups, source=str(inventory_dir))
    site.sources = loader.sources
    site.load_problems = loader.problems + captured.problems
    site.broken = loader.inventory_broken or captured.broken
    site.extra_vars = frozenset(variables.extra_vars)  # the run's -e: over every file (registry places their problems)
    return site


def _unsafe_to_read(inventory_dir: str, loader: CheckingLoader, captured: DisplayCapture) -> Site:
    """The site of an inventory whose variables must not be read (loader_guard.py): its load problems, no host."""
    site = Site({}, {}, {}, source=str(inventory_dir))
    site.sources = loader.sources
    site.load_problems = loader.problems + captured.problems
    site.broken = True
    site.unsafe_to_read = True
    return site


def _collection_finder() -> None:
    if not any(type(finder).__name__ == "_AnsibleCollectionFinder" for finder in sys.meta_path):
        # Outside ansible-playbook (CLI, tests): set up the collection loader once, on the collections
        # root this collection is installed in, so that later sitekit.core imports still resolve.
        from ansible.plugins.loader import init_plugin_loader

        init_plugin_loader([str(Path(__file__).resolve().parents[6])])


def _secrets_from_file(path: str, loader) -> list:
    from ansible.parsing.vault import get_file_vault_secret

    secret = get_file_vault_secret(filename=path, vault_id="default", loader=loader)
    secret.load()
    return [("default", secret)]

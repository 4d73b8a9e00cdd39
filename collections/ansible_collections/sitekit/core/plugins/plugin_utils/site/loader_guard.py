"""What would make Ansible read outside the inventory, or for ever: refused before any variable is read.

Ansible finds a host's or group's variables by joining its name to ``group_vars/`` or ``host_vars/``
(DataLoader.find_vars_files) and reading every file below what it finds, following links into
directories (DataLoader._get_dir_vars_files). Two inventories made it walk without end: a group named ``/`` (the
whole filesystem), in the site loader (``make validate``, the gate of every run: ansible-core itself skips
names starting with ``/``, and now so does the loader), and a directory holding links back to itself (each
pass through a link is one more level), in both. A name such as ``../..`` makes both read above the
inventory. Used by loader.py: the directories before the inventory is parsed, the names before VariableManager
computes anything.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: gate_cache reads MAX_VARS_ENTRIES on every run's fast path, without them
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_files import CheckingLoader

# Beyond this many entries below group_vars/ or host_vars/ the tree is not an inventory's (a link to / or to a
# home directory); rcr holds 40, a site of a thousand hosts with a few files each a few thousand.
MAX_VARS_ENTRIES = 20000


def refuse_path_names(inventory, loader: CheckingLoader) -> bool:
    """A host or group named like a relative path ('/' in it, '.' or '..') is a problem at its line; True when
    one is.

    ansible-core's host_group_vars skips the names starting with '/' ("avoid 'chroot' type inventory hostnames",
    plugins/vars/host_group_vars.py), and so does collect_vars_files: a chroot host is a name. '../..' is read
    from a directory above the inventory.
    """
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_files import origin_or
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem

    found = False
    for kind, names, lines in (("group", list(inventory.groups), loader.sources.group_lines),
                               ("host", list(inventory.hosts), loader.sources.host_lines)):
        for name in names:
            if not is_relative_path_name(name):
                continue
            found = True
            where = origin_or(lines.get(name), loader.root)  # an INI file's names carry no line: the inventory
            loader.problems.append(Problem("inventory", name, f"a {kind} name holding '/', or '.' or '..', is a path: "
                                           f"Ansible would read {kind}_vars/{name} as a directory ('..' is the "
                                           f"directory above {kind}_vars); name the {kind} with letters, digits, '-' "
                                           f"and '_'", where=where))
    return found


def parse_without_vars_plugins(inventory) -> None:
    """InventoryManager.parse_sources (ansible-core 2.19, inventory/manager.py) but its last step.

    That step runs the vars plugins' ``inventory`` stage for every group and host: under
    ``run_vars_plugins = start``, host_group_vars would read ``group_vars/../..`` before refuse_path_names
    could refuse the name. run_inventory_stage_vars_plugins runs it once the names are known to be safe.
    """
    from ansible.utils.path import unfrackpath

    parsed = False
    for source in inventory._sources:
        if source:
            source = source if "," in source else unfrackpath(source, follow=False)
            parsed = inventory.parse_source(source, cache=True) or parsed  # InventoryManager's default, cache=True
    if parsed:
        inventory._inventory.reconcile_inventory()


def run_inventory_stage_vars_plugins(inventory, loader) -> None:
    """The step parse_without_vars_plugins left out, as InventoryManager.parse_sources runs it."""
    from ansible.utils.vars import combine_vars
    from ansible.vars.plugins import get_vars_from_inventory_sources

    sources = inventory._sources
    for group in inventory.groups.values():
        group.vars = combine_vars(group.vars, get_vars_from_inventory_sources(loader, sources, [group], "inventory"))
    for host in inventory.hosts.values():
        host.vars = combine_vars(host.vars, get_vars_from_inventory_sources(loader, sources, [host], "inventory"))


def is_relative_path_name(name: str) -> bool:
    return not is_chroot_name(name) and (name in (".", "..") or "/" in name)


def is_chroot_name(name: str) -> bool:
    """A name ansible-core reads no group_vars/host_vars for."""
    return name.startswith("/")


def refuse_endless_vars_dirs(loader: CheckingLoader) -> bool:
    """group_vars/ and host_vars/ are finite trees; True when one is not. Run before the inventory is parsed.

    Every entry at their top is walked, hidden or with an extension ('<name>.yml' can be a directory Ansible
    reads, DataLoader.find_vars_files), then below as Ansible walks (_get_dir_vars_files: hidden and backup
    entries skipped, directories without an extension descended): a superset of what any name reads. A directory
    link back to a directory being walked is a problem at the link; so is a tree of more than MAX_VARS_ENTRIES
    entries (a link to a large directory outside the inventory).
    """
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_files import display_name
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem

    found = False
    for subdir in ("group_vars", "host_vars"):
        base = os.path.join(loader.root, subdir)
        if not os.path.isdir(base):
            continue
        entries = 0
        stack = [(base, (os.path.realpath(base),))]
        while stack:
            path, walked = stack.pop()
            try:
                names = sorted(os.listdir(path))
            except OSError:
                continue  # unreadable: reported where the loader reads it
            top = path == base
            for name in names:
                if not top and (name.startswith(".") or name.endswith("~")):
                    continue  # Ansible skips hidden and backup entries below a name's own entry
                full = os.path.join(path, name)
                entries += 1
                if entries > MAX_VARS_ENTRIES:
                    loader.problems.append(Problem("inventory", "-", f"{subdir}/ holds more than {MAX_VARS_ENTRIES} files and "
                                                   "directories: Ansible would read them all as variables; is a link "
                                                   "pointing outside the inventory?", where=base))
                    return True
                if (not top and os.path.splitext(name)[1]) or not os.path.isdir(full):
                    continue  # below the top, Ansible descends only into directories without an extension
                real = os.path.realpath(full)
                if real in walked:
                    found = True
                    loader.problems.append(Problem("inventory", "-", f"this link leads back to {display_name(real, loader.root)}, a directory "
                                                   "Ansible is already reading: it would read it again through the "
                                                   "link for ever; remove the link", where=full))
                    continue
                stack.append((full, (*walked, real)))
    return found

"""The inventory files themselves: were they all parsed, where each host, group and vars file is declared.

Ansible only warns when an inventory file cannot be parsed or a key is skipped (DisplayCapture turns
each warning into a problem); walk_inventory_file and collect_vars_files record where each host, group
and variable is written (site.sources), and which group_vars/host_vars files Ansible never reads.
Used by loader.py.
"""

from __future__ import annotations

import os
import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_files import (
    MAX_DEPTH,
    CheckingLoader,
    display_name,
    origin_or,
    plain_words,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_guard import is_chroot_name
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.sources import VarsFile
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import kind_of

# The plugins' messages that say what is wrong with a file, rather than that a plugin declined it
TELLING_REASONS = ("yaml", "group", "dictionary", "unknown plugin")

class DisplayCapture:
    """Ansible's warnings while it parses an inventory, kept as problems instead of printed.

    ansible-core only warns when an inventory file cannot be parsed (``Unable to parse … as an
    inventory source``) or skips a key it does not know; here each becomes an error.
    """

    def __init__(self, loader: CheckingLoader):
        self.loader = loader
        self.problems: list[Problem] = []
        self.broken = False
        self.unparsed: list[str] = []
        self._saved: dict = {}

    def __enter__(self):
        from ansible.utils.display import Display

        self.display = Display()
        for name in ("warning", "error_as_warning"):
            self._saved[name] = self.display.__dict__.get(name)
            setattr(self.display, name, getattr(self, f"_{name}"))
        return self

    def __exit__(self, *exc):
        for name, saved in self._saved.items():
            if saved is None:
                self.display.__dict__.pop(name, None)
            else:
                setattr(self.display, name, saved)
        return False

    def _warning(self, msg, *args, **kwargs):
        text = str(msg)
        found = re.match(r"Unable to parse (.+) as an inventory source", text)
        if found:
            self.unparsed.append(found.group(1))
            return
        if text.startswith("No inventory was parsed"):
            return
        duplicate = re.match(r"Found duplicate mapping key (.+?)\.?$", text)
        if duplicate:
            origin = kwargs.get("obj")
            where = origin_or(origin, self.loader.root) if origin is not None else self.loader.root
            self.problems.append(Problem("inventory", str(origin) if origin is not None else "-",
                                         "is written twice in the same mapping: YAML keeps only the last one; write it "
                                         "once", where=where))
            return
        if text.startswith("Skipping"):
            return  # a key of a YAML inventory Ansible skips: reported at its line by walk_inventory_file
        if "group_vars" in text or "host_vars" in text:
            self.problems.append(Problem("inventory", "-", plain_words(text), where=self.loader.root))
            return
        self._saved_call("warning", msg, *args, **kwargs)

    def _error_as_warning(self, msg, exception=None, *args, **kwargs):
        if exception is not None:
            self.pending = getattr(self, "pending", []) + [exception]
            return
        self._saved_call("error_as_warning", msg, exception, *args, **kwargs)

    def _saved_call(self, name, *args, **kwargs):
        type(self.display).__dict__[name](self.display, *args, **kwargs)


def check_inventory_sources(inventory, loader: CheckingLoader, source: str, captured: DisplayCapture) -> None:
    """Every inventory file was parsed, or it is a problem at its file (and line when known)."""
    from ansible.inventory.manager import IGNORED
    from ansible.module_utils.common.text.converters import to_bytes

    root = loader.root
    if not os.path.exists(source):
        loader.problems.append(Problem("inventory", "-", "the inventory does not exist", where=str(source)))
        loader.inventory_broken = True
        return
    if os.path.isdir(source):
        candidates = [os.path.realpath(os.path.join(source, name)) for name in sorted(os.listdir(source))
                      if not IGNORED.search(to_bytes(name)) and os.path.isfile(os.path.join(source, name))]
    else:
        candidates = [os.path.realpath(source)]
    processed = {os.path.realpath(str(p)) for p in inventory._inventory.processed_sources if p}
    loader.sources.inventory_files = [c for c in candidates if c in processed]
    refused = {p.where.rsplit(":", 1)[0] if p.where and p.where.rsplit(":", 1)[-1].isdigit() else p.where
               for p in loader.problems}
    for path in candidates:
        before = len(loader.problems)
        walk_inventory_file(loader, path)
        if path in processed:
            continue
        loader.inventory_broken = True
        if path in refused or len(loader.problems) > before:
            continue  # the YAML error, the encoding or the structure is already reported at its line
        reasons = [plain_words(getattr(e, "message", None) or str(e)) for e in getattr(captured, "pending", [])]
        # The yaml plugin's refusal of a plugin's configuration says nothing: the auto plugin's says why it failed
        reasons = [r for r in reasons if r and "declined" not in r and "not YAML inventory" not in r]
        reason = next((r for r in reasons if any(word in r.lower() for word in TELLING_REASONS)),
                      reasons[0] if reasons else "no inventory plugin could read it")
        loader.problems.append(Problem("inventory", "-", f"{display_name(path, root)} is not a valid inventory file: "
                                       f"{reason}; no host of it could be checked", where=path))
    if not candidates:
        loader.problems.append(Problem("inventory", "-", "no inventory file (hosts.yml) in this directory", where=root))
        loader.inventory_broken = True


def walk_inventory_file(loader: CheckingLoader, path: str) -> None:
    """Where each host and group is declared, the inline vars, and keys Ansible skips (YAML inventories)."""
    data = loader.checked.get(path)
    if not isinstance(data, dict) or data.get("plugin"):
        return  # a plugin's configuration (constructed, community.proxmox…): the yaml plugin declines it (yaml.py)
    from ansible.plugins.inventory import detect_range, expand_hostname_range

    stack = [(name, entry, 0) for name, entry in data.items()]
    while stack:
        group, entry, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        loader.sources.group_lines.setdefault(str(group), group)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            loader.problems.append(Problem("inventory", str(group), f"a group is a mapping of hosts, children and vars, "
                                           f"not {kind_of(entry)}: Ansible skips it", where=origin_or(group, path)))
            loader.inventory_broken = True
            continue
        for key, value in entry.items():
            if key not in ("hosts", "children", "vars"):
                from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest

                loader.problems.append(Problem("inventory", f"{group}.{key}", "Ansible skips this key: a group holds only "
                                               f"hosts, children and vars{suggest(str(key), ['hosts', 'children', 'vars'], 0.6)}",
                                               where=origin_or(key, path)))
                loader.inventory_broken = True
            elif value is not None and not isinstance(value, (dict, str)):
                loader.problems.append(Problem("inventory", f"{group}.{key}", f"must be a mapping (name: …), not "
                                               f"{kind_of(value)}", where=origin_or(key, path)))
                loader.inventory_broken = True
        hosts = entry.get("hosts")
        if isinstance(hosts, dict):
            for pattern, host_vars in hosts.items():
                names = [str(pattern)]
                try:
                    if detect_range(str(pattern)):
                        names = expand_hostname_range(str(pattern))
                except Exception:  # noqa: BLE001 - a malformed range is Ansible's to refuse
                    names = [str(pattern)]
                for name in names:
                    loader.sources.host_lines.setdefault(name, pattern)
                    loader.sources.host_declarations.setdefault(name, []).append(pattern)
                    if isinstance(host_vars, dict) and host_vars:
                        loader.sources.vars_files.append(VarsFile(path, "host", name, host_vars, inline=True))
        if isinstance(entry.get("vars"), dict) and entry["vars"]:
            loader.sources.vars_files.append(VarsFile(path, "group", str(group), entry["vars"], inline=True))
        children = entry.get("children")
        if isinstance(children, dict):
            stack.extend((name, child, depth + 1) for name, child in children.items())


def collect_vars_files(loader: CheckingLoader, inventory) -> None:
    """Every file of group_vars/ and host_vars/: those Ansible reads (in its order) and those it never reads."""
    from ansible import constants as C

    for kind, subdir, names in (("group", "group_vars", list(inventory.groups)),
                                ("host", "host_vars", [h.name for h in inventory.get_hosts()])):
        base = os.path.join(loader.root, subdir)
        if not os.path.isdir(base):
            continue
        read: set[str] = set()
        for name in names:
            if is_chroot_name(name):
                continue  # as ansible-core's host_group_vars: os.path.join(base, '/x') would be /x
            for found in loader.find_vars_files(base, name):
                path = os.path.realpath(found)
                read.add(path)
                data = loader.load_from_file(found, cache="all", unsafe=True)
                loader.sources.vars_files.append(VarsFile(path, kind, name, data, unreadable=path in loader.refused))
        for entry in sorted(os.listdir(base)):
            full = os.path.join(base, entry)
            if entry.startswith(".") or entry.endswith("~"):
                continue
            inside = os.path.isdir(full)
            files = [os.path.join(d, f) for d, _, fs in os.walk(full) for f in sorted(fs)
                     if not f.startswith(".") and not f.endswith("~")] if inside else [full]
            stem = entry if inside else os.path.splitext(entry)[0]
            for path in files:
                real = os.path.realpath(path)
                if real in read:
                    continue
                ext = os.path.splitext(path)[1]
                if stem not in names:
                    reason = "unknown"
                elif not inside and os.path.isdir(os.path.join(base, stem)):
                    reason = f"directory:{stem}"
                elif ext and ext not in C.YAML_FILENAME_EXTENSIONS:
                    reason = f"extension:{ext}"
                else:
                    reason = "shadowed"
                loader.sources.vars_files.append(VarsFile(real, kind, stem, peek(real), read_by_ansible=False,
                                                          ignored_because=reason))


def peek(path: str):
    """The top-level mapping of a file Ansible never reads (to say what it holds), or None."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            # libyaml when PyYAML has it, as Ansible's loader and the tests (tests/conftest.py) parse
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - a file nobody reads may hold anything
        return None
    return data if isinstance(data, dict) else None

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
import re
import sys
from pathlib import Path
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, Host, Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.sources import Sources, VarsFile
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import kind_of

MAX_DEPTH = 48  # an inventory value is never nested deeper; deeper data is refused, never walked
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAGIC = {
    "groups", "group_names", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
    "playbook_dir", "omit", "hostvars", "environment", "role_names", "play_hosts", "ansible_play_hosts",
}


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
        site.load_problems = [Problem("inventory", "-", f"the inventory could not be loaded: {_plain_words(message)}",
                                      where=_where_of_error(exc) or str(inventory_dir), detail=repr(exc))]
        return site


def _load(inventory_dir: str, vault_password_file: str | None, vault_secrets: Any) -> Site:
    _collection_finder()
    from ansible.inventory.manager import InventoryManager
    from ansible.vars.manager import VariableManager

    root = os.path.realpath(inventory_dir)
    loader = _CheckingLoader(root if os.path.isdir(root) else os.path.dirname(root))
    if vault_password_file:
        vault_secrets = _secrets_from_file(vault_password_file, loader)
    if vault_secrets:
        loader.set_vault_secrets(vault_secrets)
    with _DisplayCapture(loader) as captured:
        inventory = InventoryManager(loader=loader, sources=[inventory_dir])
        _check_inventory_sources(inventory, loader, inventory_dir, captured)
        variables = VariableManager(loader=loader, inventory=inventory)
        site_vars = {k: v for k, v in variables.get_vars(host=inventory.localhost, include_hostvars=False).items()
                     if not k.startswith("ansible_") and k not in HOST_KEYS and k not in _MAGIC}
        hosts = {}
        for host in inventory.get_hosts():
            hv = variables.get_vars(host=host, include_hostvars=False)
            own = {k: v for k, v in hv.items()
                   if k in HOST_KEYS or (k not in site_vars and not k.startswith("ansible_") and k not in _MAGIC)}
            conn = {k: v for k, v in hv.items() if k.startswith("ansible_") and k not in _MAGIC}
            hosts[host.name] = Host(host.name, own, sorted(g.name for g in host.get_groups() if g.name != "all"),
                                    ansible=conn)
        groups = {name: sorted(h.name for h in group.get_hosts()) for name, group in inventory.groups.items()}
        loader.sources.vault_secrets = vault_secrets or None
        _collect_vars_files(loader, inventory)
    site = Site(site_vars, hosts, groups, source=str(inventory_dir))
    site.sources = loader.sources
    site.load_problems = loader.problems + captured.problems
    site.broken = loader.inventory_broken or captured.broken
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


# ---- reading files ---------------------------------------------------------------------------
def _data_loader_class():
    from ansible.parsing.dataloader import DataLoader

    return DataLoader


class _CheckingLoader(_data_loader_class()):
    """Ansible's DataLoader, recording instead of raising what is wrong with a file of the inventory."""

    def __init__(self, root: str):
        super().__init__()
        self.root = root
        self.sources = Sources(root)
        self.problems: list[Problem] = []
        self.inventory_broken = False
        self._checked: dict[str, Any] = {}
        self.refused: set[str] = set()  # files reported as unreadable
        self._paths: dict[str, tuple[str, str]] = {}

    def _role(self, path: str) -> str:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return "other"
        first = rel.split(os.sep, 1)[0]
        return "vars" if first in ("group_vars", "host_vars") else "inventory"

    def load_from_file(self, file_name, cache="all", unsafe=False, json_only=False, trusted_as_template=False):
        known = self._paths.get(file_name)
        if known is None:  # realpath and the file's role once per name: Ansible asks again for every host
            real = os.path.realpath(self.path_dwim(file_name))
            known = self._paths[file_name] = (real, self._role(real))
        path, role = known
        if role == "other":
            return super().load_from_file(file_name, cache, unsafe, json_only, trusted_as_template)
        if path not in self._checked:
            self._checked[path] = self._read(path, role, file_name, cache, json_only, trusted_as_template)
        data = self._checked[path]
        if unsafe or not isinstance(data, (dict, list)):
            return data
        import copy

        return copy.deepcopy(data)

    def _read(self, path, role, file_name, cache, json_only, trusted_as_template):
        from ansible.errors import AnsibleError
        from ansible.parsing.vault import is_encrypted

        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            return self._refuse(path, role, None, f"cannot be read ({exc.strerror or exc})")
        if is_encrypted(raw.lstrip()[:64]):
            if not self._vault.secrets:
                self.sources.sealed.append(path)
                return {}
            self.sources.decrypted.append(path)
        else:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                return self._refuse(path, role, line, f"is not UTF-8 (byte 0x{raw[exc.start]:02x} on this line): "
                                    "save it as UTF-8")
        try:
            data = super().load_from_file(file_name, cache, True, json_only, trusted_as_template)
        except RecursionError:
            return self._refuse(path, role, None, f"is nested more than {MAX_DEPTH} levels deep")
        except AnsibleError as exc:
            origin = getattr(exc, "obj", None)
            line = getattr(origin, "line_num", None)
            col = getattr(origin, "col_num", None)
            message = _plain_words(getattr(exc, "message", None) or str(exc))
            message = re.sub(r"^YAML parsing failed:\s*", "", message)
            if path in self.sources.decrypted:
                self.sources.decrypted.remove(path)
                self.sources.undecryptable.append(path)
                return self._refuse(path, role, None, "is a whole-file vault the vault password given does not open: "
                                    "its variables were not checked")
            where = f" (column {col})" if col else ""
            return self._refuse(path, role, line, f"is not valid YAML{where}: {message}")
        if role == "vars":
            return self._vars_mapping(path, data)
        depth = _too_deep(data)
        if depth:
            return self._refuse(path, role, None, f"is nested more than {MAX_DEPTH} levels deep")
        return data

    def _vars_mapping(self, path, data):
        """A vars file holds one mapping of variable names; anything else is refused (Ansible would stop)."""
        if data is None:
            return None
        if not isinstance(data, dict):
            return self._refuse(path, "vars", None, f"must hold a mapping of variables (name: value), not {kind_of(data)}")
        clean = {}
        for key, value in data.items():
            if not isinstance(key, str) or not VARIABLE_NAME.match(key):
                hint = " (use _ instead of -)" if isinstance(key, str) and "-" in key else ""
                self.problems.append(Problem("inventory", str(key), f"is not a valid variable name{hint}: Ansible cannot "
                                             "use it", where=_at(key, path)))
                continue
            if _too_deep(value):
                self.problems.append(Problem("inventory", key, f"is nested more than {MAX_DEPTH} levels deep: an "
                                             "inventory value never needs that; it was not read", where=_at(key, path)))
                continue
            clean[key] = value
        return clean if len(clean) != len(data) else data

    def _refuse(self, path, role, line, message):
        self.refused.add(path)
        where = f"{path}:{line}" if line else path
        self.problems.append(Problem("inventory", "-", f"this file {message}", where=where))
        if role == "inventory":
            self.inventory_broken = True
        return {} if role == "vars" else None


def _too_deep(value) -> bool:
    """True when ``value`` nests more than MAX_DEPTH containers (iterative: never recurses itself)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth + 1) for k in item if not isinstance(k, (str, int)))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)
    return False


def _at(tagged, path) -> str:
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of

    return origin_of(tagged) or path


def _display_name(path: str, root: str) -> str:
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel


_PY_TYPES = {"<class 'list'>": "a list", "<class 'str'>": "a string", "<class 'int'>": "an integer",
             "<class 'dict'>": "a mapping", "<class 'NoneType'>": "empty", "<class 'bool'>": "true or false",
             "<class 'float'>": "a number"}


def _plain_words(message: str) -> str:
    """Ansible's message without Python type names (``<class 'list'>`` → ``a list``)."""
    message = re.sub(r"<class '(?:[\w.]+\.)?_?Ansible\w*?(List|Str|Dict|Int)'>",
                     lambda m: "<class '" + {"List": "list", "Str": "str", "Dict": "dict", "Int": "int"}[m.group(1)] + "'>",
                     str(message))
    for py, word in _PY_TYPES.items():
        message = message.replace(f'"{py}"', word).replace(py, word)
    return message.strip()


def _where_of_error(exc) -> str | None:
    origin = getattr(exc, "obj", None)
    path = getattr(origin, "path", None)
    if not path:
        return None
    line = getattr(origin, "line_num", None)
    return f"{path}:{line}" if line else str(path)


# ---- the inventory files themselves ---------------------------------------------------------
class _DisplayCapture:
    """Ansible's warnings while it parses an inventory, kept as problems instead of printed.

    ansible-core only warns when an inventory file cannot be parsed (``Unable to parse … as an
    inventory source``) or skips a key it does not know; here each becomes an error.
    """

    def __init__(self, loader: _CheckingLoader):
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
            where = _at(origin, self.loader.root) if origin is not None else self.loader.root
            self.problems.append(Problem("inventory", str(origin) if origin is not None else "-",
                                         "is written twice in the same mapping: YAML keeps only the last one; write it "
                                         "once", where=where))
            return
        if text.startswith("Skipping"):
            return  # a key of a YAML inventory Ansible skips: reported at its line by _walk_inventory_file
        if "group_vars" in text or "host_vars" in text:
            self.problems.append(Problem("inventory", "-", _plain_words(text), where=self.loader.root))
            return
        self._saved_call("warning", msg, *args, **kwargs)

    def _error_as_warning(self, msg, exception=None, *args, **kwargs):
        if exception is not None:
            self.pending = getattr(self, "pending", []) + [exception]
            return
        self._saved_call("error_as_warning", msg, exception, *args, **kwargs)

    def _saved_call(self, name, *args, **kwargs):
        type(self.display).__dict__[name](self.display, *args, **kwargs)


def _check_inventory_sources(inventory, loader: _CheckingLoader, source: str, captured: _DisplayCapture) -> None:
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
        _walk_inventory_file(loader, path)
        if path in processed:
            continue
        loader.inventory_broken = True
        if path in refused or len(loader.problems) > before:
            continue  # the YAML error, the encoding or the structure is already reported at its line
        reasons = [_plain_words(getattr(e, "message", None) or str(e)) for e in getattr(captured, "pending", [])]
        reasons = [r for r in reasons if r and "declined" not in r]
        reason = next((r for r in reasons if "yaml" in r.lower() or "group" in r.lower() or "dictionary" in r.lower()),
                      reasons[0] if reasons else "no inventory plugin could read it")
        loader.problems.append(Problem("inventory", "-", f"{_display_name(path, root)} is not a valid inventory file: "
                                       f"{reason}; no host of it could be checked", where=path))
    if not candidates:
        loader.problems.append(Problem("inventory", "-", "no inventory file (hosts.yml) in this directory", where=root))
        loader.inventory_broken = True


def _walk_inventory_file(loader: _CheckingLoader, path: str) -> None:
    """Where each host and group is declared, the inline vars, and keys Ansible skips (YAML inventories)."""
    data = loader._checked.get(path)
    if not isinstance(data, dict):
        return
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
                                           f"not {kind_of(entry)}: Ansible skips it", where=_at(group, path)))
            loader.inventory_broken = True
            continue
        for key, value in entry.items():
            if key not in ("hosts", "children", "vars"):
                from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest

                loader.problems.append(Problem("inventory", f"{group}.{key}", "Ansible skips this key: a group holds only "
                                               f"hosts, children and vars{suggest(str(key), ['hosts', 'children', 'vars'], 0.6)}",
                                               where=_at(key, path)))
                loader.inventory_broken = True
            elif value is not None and not isinstance(value, (dict, str)):
                loader.problems.append(Problem("inventory", f"{group}.{key}", f"must be a mapping (name: …), not "
                                               f"{kind_of(value)}", where=_at(key, path)))
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


def _collect_vars_files(loader: _CheckingLoader, inventory) -> None:
    """Every file of group_vars/ and host_vars/: those Ansible reads (in its order) and those it never reads."""
    from ansible import constants as C

    for kind, subdir, names in (("group", "group_vars", list(inventory.groups)),
                                ("host", "host_vars", [h.name for h in inventory.get_hosts()])):
        base = os.path.join(loader.root, subdir)
        if not os.path.isdir(base):
            continue
        read: set[str] = set()
        for name in names:
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
                loader.sources.vars_files.append(VarsFile(real, kind, stem, _peek(real), read_by_ansible=False,
                                                          ignored_because=reason))


def _peek(path: str):
    """The top-level mapping of a file Ansible never reads (to say what it holds), or None."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except Exception:  # noqa: BLE001 - a file nobody reads may hold anything
        return None
    return data if isinstance(data, dict) else None

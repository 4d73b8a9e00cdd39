"""Reading the inventory's files: Ansible's DataLoader, recording instead of raising what is wrong with a file.

A YAML error, a file that is not UTF-8, a vars file that is not a mapping of variable names, a value
nested deeper than MAX_DEPTH: each becomes a Problem at its file (and line when known), and the file
is read as empty. Used by loader.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.sources import Sources
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import kind_of

MAX_DEPTH = 48  # an inventory value is never nested deeper; deeper data is refused, never walked
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _data_loader_class():
    from ansible.parsing.dataloader import DataLoader

    return DataLoader


class CheckingLoader(_data_loader_class()):
    """Ansible's DataLoader, recording instead of raising what is wrong with a file of the inventory."""

    def __init__(self, root: str):
        super().__init__()
        self.root = root
        self.sources = Sources(root)
        self.problems: list[Problem] = []
        self.inventory_broken = False
        self.checked: dict[str, Any] = {}
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
        if path not in self.checked:
            self.checked[path] = self._read(path, role, file_name, cache, json_only, trusted_as_template)
        elif cache == "none" and path not in self.refused and path not in self.sources.sealed:
            # Read again as DataLoader does: the auto plugin reads a plugin's configuration untrusted to find the
            # plugin, which reads it again trusted as templates (constructed's conditions); checked on the first read
            return super().load_from_file(file_name, cache, unsafe, json_only, trusted_as_template)
        data = self.checked[path]
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
            message = plain_words(getattr(exc, "message", None) or str(exc))
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
        depth = too_deep(data)
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
                                             "use it", where=origin_or(key, path)))
                continue
            if too_deep(value):
                self.problems.append(Problem("inventory", key, f"is nested more than {MAX_DEPTH} levels deep: an "
                                             "inventory value never needs that; it was not read", where=origin_or(key, path)))
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


def too_deep(value) -> bool:
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


def origin_or(tagged, path) -> str:
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of

    return origin_of(tagged) or path


def display_name(path: str, root: str) -> str:
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel


_PY_TYPES = {"<class 'list'>": "a list", "<class 'str'>": "a string", "<class 'int'>": "an integer",
             "<class 'dict'>": "a mapping", "<class 'NoneType'>": "empty", "<class 'bool'>": "true or false",
             "<class 'float'>": "a number"}


def plain_words(message: str) -> str:
    """Ansible's message without Python type names (``<class 'list'>`` → ``a list``)."""
    message = re.sub(r"<class '(?:[\w.]+\.)?_?Ansible\w*?(List|Str|Dict|Int)'>",
                     lambda m: "<class '" + {"List": "list", "Str": "str", "Dict": "dict", "Int": "int"}[m.group(1)] + "'>",
                     str(message))
    for py, word in _PY_TYPES.items():
        message = message.replace(f'"{py}"', word).replace(py, word)
    return message.strip()


def where_of_error(exc) -> str | None:
    origin = getattr(exc, "obj", None)
    path = getattr(origin, "path", None)
    if not path:
        return None
    line = getattr(origin, "line_num", None)
    return f"{path}:{line}" if line else str(path)

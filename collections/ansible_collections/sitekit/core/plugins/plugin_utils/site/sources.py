"""Where each variable of an inventory is written: files, lines and the entity (group or host) they serve.

The loader fills a ``Sources`` while Ansible's own loaders read the inventory; the inventory
rules (``rules_inventory``) read it to find what Ansible accepts silently: a variable written in
two files (the later one wins), a site variable set for one group or host, a ``host_vars`` file
for a host that does not exist, a file Ansible ignores, a host declared in no tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class VarsFile:
    """One file of ``group_vars``/``host_vars`` (or the inline ``vars`` of an inventory file)."""

    path: str
    kind: str  # "group" or "host"
    entity: str  # the group or host it serves (as its file or directory name says)
    data: Any = None  # the top-level mapping as loaded (None when empty or unreadable)
    inline: bool = False  # variables written inside the inventory file itself
    read_by_ansible: bool = True  # False: Ansible never reads it (see ``ignored_because``)
    ignored_because: str | None = None
    unreadable: bool = False  # Ansible would stop on it (YAML error, encoding…): reported by the loader

    @property
    def keys(self) -> list:
        return list(self.data) if isinstance(self.data, dict) else []


@dataclass
class Sources:
    """What the inventory directory holds and where every declaration is."""

    root: str
    inventory_files: list[str] = field(default_factory=list)  # files parsed as inventories (hosts.yml)
    vars_files: list[VarsFile] = field(default_factory=list)
    host_lines: dict[str, Any] = field(default_factory=dict)  # host -> its tagged name in the inventory file (first)
    host_declarations: dict[str, list] = field(default_factory=dict)  # host -> every tagged name declaring it
    group_lines: dict[str, Any] = field(default_factory=dict)  # group -> its tagged name
    sealed: list[str] = field(default_factory=list)  # whole-file vaults not opened (no vault password given)
    decrypted: list[str] = field(default_factory=list)  # whole-file vaults opened with the vault password given
    undecryptable: list[str] = field(default_factory=list)  # whole-file vaults the password given does not open
    vault_secrets: Any = None  # the secrets given to the loader (None: none)
    outside: list[str] = field(default_factory=list)  # files a rule read besides the inventory's (gate_cache hashes them)

    def files_of(self, kind: str, entity: str) -> list[VarsFile]:
        index = self.__dict__.get("_index")
        if index is None or index[0] != len(self.vars_files):  # rebuilt when files were added
            table: dict = {}
            for f in self.vars_files:
                if f.read_by_ansible:
                    table.setdefault((f.kind, f.entity), []).append(f)
            index = self.__dict__["_index"] = (len(self.vars_files), table)
        return list(index[1].get((kind, entity), ()))

    def unreadable_files(self, kind: str, entity: str) -> list[VarsFile]:
        return [f for f in self.files_of(kind, entity) if f.unreadable]

    def definitions(self, kind: str, entity: str) -> dict[str, list[tuple[VarsFile, Any]]]:
        """{key: [(file, tagged key), …]} of every variable written for one group or host, in Ansible's order."""
        out: dict[str, list] = {}
        for f in self.files_of(kind, entity):
            for key in f.keys:
                out.setdefault(str(key), []).append((f, key))
        return out

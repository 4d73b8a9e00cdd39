"""Every key an inventory declares is read by something that applies or reports it.

A fact nobody applies misleads the auditor who reads the inventory as the documentation of the
site (the review found ``fs01``'s ``shadow_copies: true`` applied by nothing). Each key path of
``group_vars`` and ``host_vars`` must be named by a view, a rule, a role, a playbook, a template
or the documentation generator — the JSON schema that merely declares it does not count.
"""

from __future__ import annotations

import re

import pytest
import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.schema import HOST, SITE
from sitekit_paths import COLLECTION, REPO

READERS = [REPO / "roles", REPO / "playbooks", REPO / "tools", COLLECTION / "templates", COLLECTION / "plugins"]
NOT_READERS = {COLLECTION / "plugins/plugin_utils/site/schema.py"}
SUFFIXES = {".yml", ".j2", ".ps1", ".py", ".sql", ".sh"}
# Keys Ansible itself reads (connection settings) and the vault's secrets (read through references).
ANSIBLE_KEYS = re.compile(r"^(ansible_[a-z_]+|vault_[a-z0-9_]+)$")
# Declared and not applied yet: each entry names the issue that applies it. The test fails when
# one of them becomes read, so the entry is removed with the change that applies it.
PENDING = {
}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!vault", lambda loader, node: "<vaulted>")


def _is_map(schema: dict) -> bool:
    """A mapping whose keys are names chosen by the site (profiles, groups, templates), not keys of the model."""
    return isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties")


def _child(schema: dict, key: str) -> dict:
    return (schema.get("properties") or {}).get(key) or (schema.get("additionalProperties") if _is_map(schema) else None) or {}


def declared_keys(inventory: str) -> dict[str, str]:
    """{key name: first file:key path that declares it} over group_vars and host_vars."""
    out: dict[str, str] = {}

    def walk(value, schema, path, where):
        if isinstance(value, dict):
            for k, v in value.items():
                key = str(k)
                if not _is_map(schema):
                    out.setdefault(key, f"{where}: {path + '.' if path else ''}{key}")
                sub = (SITE.get(key) or HOST.get(key) or {}) if not path else _child(schema, key)
                walk(v, sub, f"{path}.{key}" if path else key, where)
        elif isinstance(value, list):
            for item in value:
                walk(item, schema.get("items") or {}, f"{path}[]", where)

    root = REPO / "inventories" / inventory
    for path in sorted(root.glob("*_vars/**/*.yml")):
        walk(yaml.load(path.read_text(), Loader=_Loader) or {}, {}, "", str(path.relative_to(REPO)))
    return {k: v for k, v in out.items() if not ANSIBLE_KEYS.match(k)}


def reader_text() -> str:
    chunks = []
    for root in READERS:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in SUFFIXES and path not in NOT_READERS and "__pycache__" not in path.parts:
                chunks.append(path.read_text(errors="replace"))
    return "\n".join(chunks)


WORD = re.compile(r"[\w-]+")


def unread(inventory: str, text: str) -> dict[str, str]:
    """Keys the text never names as a whole word (not inside a longer name). A key made of word characters is
    named exactly when it is one of the text's words: one pass over the text instead of one search per key."""
    words = set(WORD.findall(text))

    def named(key: str) -> bool:
        if WORD.fullmatch(key):
            return key in words
        return re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", text) is not None

    return {key: where for key, where in declared_keys(inventory).items() if not named(key)}


@pytest.mark.parametrize("inventory", ["rcr", "lab"])
def test_every_declared_key_is_read(inventory):
    dead = unread(inventory, reader_text())
    unexpected = sorted(where for key, where in dead.items() if key not in PENDING)
    assert not unexpected, "declared but read by no view, rule, role, playbook or template:\n" + "\n".join(unexpected)
    applied = sorted(set(PENDING) - set(dead) & set(declared_keys(inventory)))
    assert not applied, f"now read: remove them from PENDING: {applied}"


def test_a_key_nobody_reads_is_found():
    text = reader_text()
    assert "site_backup" in unread("rcr", text.replace("site_backup", "s_b"))
    assert "site_backup" not in unread("rcr", text)
    assert "site_backup" in unread("rcr", text.replace("site_backup", "site_backup_x"))  # inside a longer name
    assert "site_backup" not in unread("rcr", text.replace("site_backup", "x.site_backup"))

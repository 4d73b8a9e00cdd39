"""No plaintext secret in any inventory, role, playbook, template or molecule file."""

from __future__ import annotations

import re

import pytest
from sitekit_paths import REPO

SCANNED = ("inventories", "roles", "playbooks", "templates", "molecule", "tests/golden")
SUFFIXES = {".yml", ".yaml", ".j2", ".ini", ".cfg", ".conf", ".txt", ".json"}
SECRET_ASSIGNMENT = re.compile(
    r"^[ \t]*[\"']?[a-z_]*(password|passwd|secret|token|api_key)[a-z_]*[\"']?[ \t]*[:=][ \t]*[\"']?([^\s\"'#]{4,})", re.I | re.M)
ALLOWED_VALUE = re.compile(r"\{\{|!vault|lookup\(|CHANGE_?ME|changeme|placeholder|example|\$ANSIBLE_VAULT|^vault_|<[a-z_-]+>|"
                           r"^\*+$|^(true|false|null|none|omit)$|_file$|_path$|^\{type:|^(on_create|when_changed|always)$", re.I)
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def scan(text: str) -> list[str]:
    hits = [m.group(0).strip() for m in SECRET_ASSIGNMENT.finditer(text) if not ALLOWED_VALUE.search(m.group(2))]
    hits += [m.group(0) for m in PRIVATE_KEY.finditer(text)]
    return hits


def files():
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and ".cache" not in path.parts:
                yield path


@pytest.mark.parametrize("text", [
    "vault_glpi_db_password: glpi\n",
    "  admin_password: 'S3cret!'\n",
    "api_token = abcd1234efgh\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\n",
])
def test_scanner_catches_plaintext(text):
    assert scan(text), f"the scanner missed {text!r}"


@pytest.mark.parametrize("text", [
    "ansible_password: \"{{ vault_windows_admin_password }}\"\n",
    "vault_x: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n",
    "glpi_db_password: \"{{ lookup('ansible.builtin.password', '.cache/x') }}\"\n",
    "password: CHANGE_ME\n",
])
def test_scanner_accepts_references(text):
    assert scan(text) == []


def test_repository_has_no_plaintext_secret():
    found = {str(path.relative_to(REPO)): hits for path in files() if (hits := scan(path.read_text(errors="replace")))}
    assert found == {}, f"plaintext secrets: {found}"

"""Apply one case of broken_inventories.yml to a copy of an inventory.

A case edits the copy the way an operator would, in this order:
  remove:       [path]              files or directories deleted
  rename:       {old: new}          files moved (a host renamed, a file given another extension)
  write:        {path: text}        files created or overwritten (UTF-8)
  write_latin1: {path: text}        the same, saved as Latin-1 (an editor with the wrong encoding)
  replace_text: {file: [old, new]}  raw text replaced (faults only text can make: tabs, unquoted values)
  append_text:  {file: text}        raw text appended
  set / delete  on `file`, also:    YAML edits (round-trip: comments and !vault tags kept)
  vault_encrypt: {file: password}   the file encrypted as a whole (ansible-vault encrypt)
  symlink:      {path: target}      a link made (ln -s target path; target relative to the link's directory)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

_yaml = YAML()  # round-trip: keeps comments, quotes, the document start and !vault tags
_yaml.width = 4096
_yaml.preserve_quotes = True
_yaml.explicit_start = True


def parse_path(path: str) -> list:
    parts: list = []
    for token in path.split("."):
        name, *indexes = re.split(r"\[", token)
        if name:
            parts.append(name)
        parts.extend(int(i.rstrip("]")) for i in indexes)
    return parts


def _edit(data, path: str, value=None, delete=False):
    parts = parse_path(path)
    node = data
    for part in parts[:-1]:
        if node[part] is None:
            node[part] = {}
        node = node[part]
    if delete:
        del node[parts[-1]]
    else:  # quoted, so that YAML 1.1 readers keep "12:00" a string
        node[parts[-1]] = DoubleQuotedScalarString(value) if isinstance(value, str) else value


def _encrypt(path: Path, password: str) -> None:
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([("default", VaultSecret(password.encode()))])
    path.write_bytes(vault.encrypt(path.read_text()))


def apply_case(src: Path, dst: Path, case: dict) -> Path:
    shutil.copytree(src, dst)
    for rel in case.get("remove") or []:
        target = dst / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for old, new in (case.get("rename") or {}).items():
        (dst / new).parent.mkdir(parents=True, exist_ok=True)
        (dst / old).rename(dst / new)
    for rel, text in (case.get("write") or {}).items():
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        (dst / rel).write_text(text)
    for rel, text in (case.get("write_latin1") or {}).items():
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        (dst / rel).write_bytes(text.encode("latin-1"))
    for file, (old, new) in (case.get("replace_text") or {}).items():
        target = dst / file
        assert old in target.read_text(), f"{old!r} not in {file}"
        target.write_text(target.read_text().replace(old, new, 1))
    for file, text in (case.get("append_text") or {}).items():
        target = dst / file
        target.write_text(target.read_text() + text)
    edits = {case["file"]: {"set": case.get("set", {}), "delete": case.get("delete", [])}}
    for file, values in (case.get("also") or {}).items():
        edits[file] = {"set": values, "delete": []}
    for file, change in edits.items():
        if not change["set"] and not change["delete"]:
            continue
        target = dst / file
        data = _yaml.load(target.read_text())
        for path, value in change["set"].items():
            _edit(data, path, value)
        for path in change["delete"]:
            _edit(data, path, delete=True)
        with target.open("w") as handle:
            _yaml.dump(data, handle)
    for file, password in (case.get("vault_encrypt") or {}).items():
        _encrypt(dst / file, password)
    for rel, target in (case.get("symlink") or {}).items():
        (dst / rel).symlink_to(target)
    return dst

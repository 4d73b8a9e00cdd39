"""Apply one case of broken_inventories.yml to a copy of an inventory."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

_yaml = YAML()  # round-trip: keeps comments and !vault tags
_yaml.preserve_quotes = True  # and quotes: a YAML 1.1 reader takes an unquoted 21:30 for a number
_yaml.width = 4096
_yaml.preserve_quotes = True  # "12:00" stays quoted (a YAML 1.1 reader would see the number 720)


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


def apply_case(src: Path, dst: Path, case: dict) -> Path:
    shutil.copytree(src, dst)
    edits = {case["file"]: {"set": case.get("set", {}), "delete": case.get("delete", [])}}
    for file, values in (case.get("also") or {}).items():
        edits[file] = {"set": values, "delete": []}
    for file, (old, new) in (case.get("replace_text") or {}).items():
        target = dst / file
        assert old in target.read_text(), f"{old!r} not in {file}"
        target.write_text(target.read_text().replace(old, new))
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
    return dst

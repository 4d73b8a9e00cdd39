"""What a diff says differs, in words an auditor reads: ``<file>: -old line / +new line`` or ``<key>: before → after``.

Modules return diffs in three shapes (Ansible's ``diff`` convention): ``before``/``after`` texts
with headers (files), ``before``/``after`` mappings (API objects: storage, backup jobs, VMs) and
``prepared`` text (a module's own rendering, e.g. the lines an IOS push would send).
"""

from __future__ import annotations

import difflib
import json

MAX_LINES = 40  # lines of a text diff kept in a drift item (the report is read, not archived)


def _flat(value, prefix: str = "") -> dict[str, object]:
    """{dotted.key: leaf} of nested mappings; lists of mappings keyed by their id/name when they have one."""
    if isinstance(value, dict):
        out = {}
        for key, sub in value.items():
            out.update(_flat(sub, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) and ("id" in v or "name" in v) for v in value):
        out = {}
        for item in value:
            out.update(_flat(item, f"{prefix}[{item.get('id', item.get('name'))}]"))
        return out
    return {prefix: value}


def _show(value) -> str:
    return "(absent)" if value is None else value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def mapping_changes(before: dict | None, after: dict | None) -> list[dict]:
    """[{key, before, after}] for every leaf that differs."""
    old, new = _flat(before or {}), _flat(after or {})
    return [{"key": k, "before": old.get(k), "after": new.get(k)} for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)]


def _with_parents(text: str) -> list[str]:
    """Lines of an IOS-style text (children indented by one space) with their parent: ``vlan 40 › name X``."""
    out, parent = [], None
    for line in text.splitlines():
        if line.startswith(" ") and not line.startswith("  ") and parent is not None:
            out.append(f"{parent} › {line.strip()}")
        else:
            parent = line if not line.startswith(" ") else parent
            out.append(line)
    return out


def text_changes(before: str | None, after: str | None) -> list[str]:
    """The changed lines, ``-`` before and ``+`` after (no context), at most MAX_LINES.

    A line only moved (removed and added unchanged) is no change of content: it is left out, and
    said once when the order is all that differs."""
    lines = [x for x in difflib.unified_diff(_with_parents(before or ""), _with_parents(after or ""), lineterm="", n=0)
             if x[:1] in "+-" and not x.startswith(("+++", "---"))]
    removed, added = {x[1:] for x in lines if x[0] == "-"}, {x[1:] for x in lines if x[0] == "+"}
    moved = removed & added
    changed = [x for x in lines if x[1:] not in moved]
    if not changed and moved:
        return [f"(the same lines in another order: {len(moved)} moved)"]
    return changed[:MAX_LINES] + ([f"… {len(changed) - MAX_LINES} more lines"] if len(changed) > MAX_LINES else [])


def describe(diff: dict) -> dict:
    """One diff → {object, changes: [{key, before, after}] | lines: [...]}; object is the file or header."""
    # before_header names the object on the host (a template's after_header is its temporary source).
    obj = str(diff.get("before_header") or diff.get("after_header") or "")
    if "prepared" in diff:
        return {"object": obj, "lines": str(diff["prepared"]).splitlines()[:MAX_LINES]}
    before, after = diff.get("before"), diff.get("after")
    if isinstance(before, (dict, type(None))) and isinstance(after, (dict, type(None))) and (before or after):
        return {"object": obj, "changes": mapping_changes(before, after)}
    if isinstance(before, list) or isinstance(after, list):
        return {"object": obj, "changes": mapping_changes({"items": before}, {"items": after})}
    return {"object": obj, "lines": text_changes(None if before is None else str(before), None if after is None else str(after))}


def summary(described: dict) -> str:
    """One line: ``/etc/x: -old; +new`` (two lines or fewer), ``/etc/x: +2 -1``, or
    ``storage[nas].prune-backups: keep-last=3 → keep-last=7`` (the first change)."""
    head = f"{described['object']}: " if described["object"] else ""
    if "changes" in described:
        changes = described["changes"]
        if not changes:
            return f"{head}(no field differs)"
        first = changes[0]
        more = f" (+{len(changes) - 1} more)" if len(changes) > 1 else ""
        return f"{head}{first['key']}: {_show(first['before'])} → {_show(first['after'])}{more}"
    lines = described["lines"]
    if 0 < len(lines) <= 2:
        return f"{head}{'; '.join(lines)}"
    added, removed = sum(x.startswith("+") for x in lines), sum(x.startswith("-") for x in lines)
    return f"{head}+{added} -{removed}" if (added or removed) else f"{head}{'; '.join(lines[:3])}"

"""The official PVE API schema (pve-docs apidata.js as JSON) as a request validator.

``Schema.match`` turns a concrete path into its template and path parameters;
``Schema.validate`` checks a request's parameters the way PVE's JSONSchema code
does and returns PVE's ``errors`` mapping (parameter -> message), empty when valid.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from . import formats

# The official schemas, kept in the repository (schemas/README.md says where they come from).
SCHEMAS = Path(__file__).resolve().parent / "schemas"
FILES = {8: "pve-api-8.4.2.json.gz", 9: "pve-api-9.1.3.json.gz"}
RELEASES = {8: "8.4.2", 9: "9.1.3"}

_BOOL = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def schema_path(version: int) -> Path:
    return SCHEMAS / FILES[version]


class Schema:
    def __init__(self, version: int, path: Path | None = None):
        self.version = version
        with gzip.open(path or schema_path(version), "rt") as fh:
            tree = json.load(fh)
        self.paths: dict[str, dict] = {}
        self._walk(tree)
        # Most specific first: literal segments beat placeholders ({pci-id-or-mapping} has dashes,
        # so groups are positional and the names kept aside).
        self._routes = sorted(
            ((t, re.findall(r"\{([^}]+)\}", t), re.compile("^" + re.sub(r"\\\{[^}]+?\\\}", "([^/]+)", re.escape(t)) + "$"))
             for t in self.paths),
            key=lambda tr: (tr[0].count("{"), -len(tr[0])),
        )

    def _walk(self, nodes):
        for node in nodes or []:
            self.paths[node["path"]] = node.get("info") or {}
            self._walk(node.get("children"))

    def match(self, path: str) -> tuple[str, dict] | None:
        for template, names, rx in self._routes:
            m = rx.match(path)
            if m:
                return template, dict(zip(names, m.groups(), strict=True))
        return None

    def methods(self, template: str) -> dict:
        return self.paths.get(template, {})

    def properties(self, template: str, method: str) -> dict:
        return ((self.paths[template].get(method) or {}).get("parameters") or {}).get("properties") or {}

    def validate(self, template: str, method: str, params: dict) -> dict[str, str]:
        """PVE's parameter verification: unknown, type, enum, range, pattern, format, required."""
        props = self.properties(template, method)
        errors: dict[str, str] = {}
        for key, value in params.items():
            spec = props.get(key) or props.get(re.sub(r"\d+$", "[n]", key))
            if spec is None or (key not in props and not re.search(r"\d+$", key)):
                errors[key] = "property is not defined in schema and the schema does not allow additional properties"
                continue
            msg = check_value(spec, value)
            if msg:
                errors[key] = msg
                continue
            types = spec.get("instance-types")
            if types and params.get(spec.get("type-property", "type")) not in types:
                errors[key] = f"property is not defined for type {params.get(spec.get('type-property', 'type'))!r}"
            req = spec.get("requires")
            if req and req not in params:
                errors[key] = f"parameter requires '{req}'"
        for key, spec in props.items():
            if "[n]" in key or spec.get("optional") or key in params:
                continue
            errors[key] = "property is missing and it is not optional"
        return errors


def check_value(spec: dict, value) -> str | None:
    """Message for a value that does not fit its schema entry, else None (values arrive as strings)."""
    kind = spec.get("type", "string")
    if isinstance(value, list):
        if kind != "array":
            return f"type check ('{kind}') failed - got array"
        for item in value:
            msg = check_value(spec.get("items") or {}, item)
            if msg:
                return msg
        return None
    text = str(value)
    if kind == "boolean":
        if text.lower() not in _BOOL:
            return f"type check ('boolean') failed - got '{text}'"
        return None
    if kind in ("integer", "number"):
        if not (_INT if kind == "integer" else _NUM).match(text):
            return f"type check ('{kind}') failed - got '{text}'"
        number = float(text)
        if "minimum" in spec and number < float(spec["minimum"]):
            return f"value must have a minimum value of {spec['minimum']}"
        if "maximum" in spec and number > float(spec["maximum"]):
            return f"value must have a maximum value of {spec['maximum']}"
        if "enum" in spec and text not in [str(e) for e in spec["enum"]]:
            return f"value '{text}' does not have a value in the enumeration '{', '.join(map(str, spec['enum']))}'"
        return None
    if kind == "array":
        return None
    if "enum" in spec and text not in [str(e) for e in spec["enum"]]:
        return f"value '{text}' does not have a value in the enumeration '{', '.join(map(str, spec['enum']))}'"
    if "maxLength" in spec and len(text) > int(spec["maxLength"]):
        return f"value may only be {spec['maxLength']} characters long"
    if "minLength" in spec and len(text) < int(spec["minLength"]):
        return f"value must be at least {spec['minLength']} characters long"
    if "pattern" in spec and not re.fullmatch(spec["pattern"], text):
        return "value does not match the regex pattern"
    fmt = spec.get("format")
    if isinstance(fmt, dict):
        return check_property_string(fmt, text)
    if isinstance(fmt, str):
        return formats.check(fmt, text)
    return None


def check_property_string(fmt: dict, text: str) -> str | None:
    """``key=value,...`` strings (net0, scsi0, prune-backups objects given as dict formats)."""
    default_key = next((k for k, v in fmt.items() if isinstance(v, dict) and v.get("default_key")), None)
    seen = set()
    for part in filter(None, text.split(",")):
        if "=" in part:
            key, val = part.split("=", 1)
        elif default_key:
            key, val = default_key, part
        else:
            return f"value without key, but schema does not define a default key: '{part}'"
        sub = fmt.get(key)
        if sub is None:
            return f"invalid format - property '{key}' is not defined"
        if "keyAlias" in sub:  # net0: virtio=MAC means model=virtio,macaddr=MAC
            seen.add(sub["keyAlias"])
            key, sub = sub["alias"], fmt[sub["alias"]]
        elif "alias" in sub:
            key, sub = sub["alias"], fmt[sub["alias"]]
        if key in seen:
            return f"invalid format - duplicate key in comma-separated list property: {key}"
        seen.add(key)
        msg = check_value(sub, val)
        if msg:
            return f"invalid format - {key}: {msg}"
    for key, sub in fmt.items():
        if isinstance(sub, dict) and "alias" not in sub and not sub.get("optional") and key not in seen:
            return f"invalid format - property '{key}' is missing"
    return None

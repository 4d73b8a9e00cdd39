"""The official PVE API schema (pve-docs apidata.js as JSON) as a request validator.

``Schema.match`` turns a concrete path into its template and path parameters;
``Schema.validate`` checks a request's parameters the way PVE's RESTHandler handle() does
(pve-common src/PVE/RESTHandler.pm: $normalize_legacy_param_formats, then JSONSchema validate)
and returns PVE's ``errors`` mapping (parameter -> message), empty when valid.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from .formats import INLINE, VERSION
from .jsonschema import check_object

# The official schemas, kept in the repository (schemas/README.md says where they come from).
SCHEMAS = Path(__file__).resolve().parent / "schemas"
FILES = {8: "pve-api-8.4.2.json.gz", 9: "pve-api-9.1.3.json.gz"}
RELEASES = {8: "8.4.2", 9: "9.1.3"}


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
        # Named property-string formats whose hash the schema only shows inline on another key.
        qemu = self.properties("/nodes/{node}/qemu", "POST")
        self.inline = {"ide[n]": qemu.get("ide[n]", {}).get("format")} if qemu else {}

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
        return ((self.paths.get(template, {}).get(method) or {}).get("parameters") or {}).get("properties") or {}

    def returns(self, template: str, method: str) -> dict:
        return (self.paths.get(template, {}).get(method) or {}).get("returns") or {}

    def normalize(self, template: str, method: str, params: dict) -> dict:
        """RESTHandler.pm $normalize_legacy_param_formats: repeated keys of a ``-list`` string are
        joined with ','; a single value of an array parameter becomes a one-item array."""
        props = self.properties(template, method)
        out = {}
        for key, value in params.items():
            spec = props.get(key) or {}
            fmt = spec.get("format") if isinstance(spec.get("format"), str) else ""
            if isinstance(value, list) and spec.get("type") == "string" and fmt.endswith("-list"):
                value = ",".join(map(str, value))
            elif not isinstance(value, list) and spec.get("type") == "array" and value not in (None, ""):
                value = [value]
            out[key] = value
        return out

    def validate(self, template: str, method: str, params: dict) -> dict[str, str]:
        """JSONSchema.pm validate of the method's parameters: unknown, type, format, pattern,
        length, range, enum, requires, required."""
        props = self.properties(template, method)
        schema = {k: v for k, v in props.items() if "[n]" not in k}
        for key in params:
            numbered = re.sub(r"\d+$", "[n]", key)
            if key not in schema and numbered != key and numbered in props:
                schema[key] = props[numbered]
        errors: dict[str, str] = {}
        version, inline = VERSION.set(self.version), INLINE.set(self.inline)
        try:
            check_object("", schema, params, False, errors)
        finally:
            VERSION.reset(version)
            INLINE.reset(inline)
        return errors

"""The schema rule: every site variable and host fact against its JSON Schema (schema.py)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, is_vaulted, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, key_path, rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.schema import (
    HOST,
    HOST_FACTS_BY_GROUP,
    REQUIRED_SITE_VARS,
    SITE,
)


def _plain(value):
    """Tagged ansible values as plain JSON types, so jsonschema checks types strictly."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, (int, str)) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_vaulted(value):
        return "{{ vaulted }}"
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value

def _schema_problems(schema: dict, value, key: str, host: str | None, fallback) -> Iterable[Problem]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(_plain(value)), key=lambda e: list(e.absolute_path)):
        parts = list(error.absolute_path)
        at = dig(value, parts)
        yield problem("schema", key_path(key, parts), _schema_message(error), value=at if at is not None else None,
                 host=host, fallback=dig(value, parts[:-1]) or fallback)


def _schema_message(error) -> str:
    v = error.validator
    if v == "required":
        return error.message.replace("is a required property", "is required")
    if v == "additionalProperties":
        return "unknown key: " + error.message.split("(")[-1].rstrip(")").replace(" were unexpected", "").replace(" was unexpected", "")
    if v in ("enum", "const"):
        return f"{error.instance!r} is not one of {error.validator_value!r}"
    if v == "type":
        hint = ""
        if isinstance(error.instance, int) and ":" in str(error.schema.get("pattern", "")):
            hint = " (quote times: YAML reads an unquoted 12:00 as the number 720)"
        return f"{error.instance!r} is not of type {error.validator_value}{hint}"
    if v == "pattern":
        return f"{error.instance!r} does not match the expected form {error.validator_value}"
    return error.message


# req: SPEC-5-sql-version
@rule("schema", "every site variable and host fact has the declared type, keys and ranges (JSON Schema)")
def check_schema(site: Site):
    for key in REQUIRED_SITE_VARS:
        if key not in site.vars:
            yield problem("schema", key, "required site variable is missing (declare it in group_vars/all/)")
    for key in sorted(site.vars):
        if key.startswith("site_") and key not in SITE:
            close = difflib.get_close_matches(key, list(SITE), n=1)
            yield problem("schema", key, "unknown site variable" + (f" (did you mean {close[0]}?)" if close else ""),
                     value=site.vars[key])
    for key, schema in SITE.items():
        if key in site.vars:
            yield from _schema_problems(schema, site.vars[key], key, None, site.vars[key])
    for name, host in site.hosts.items():
        for key in ("site_vlan", "site_ip"):
            if key not in host.vars:
                yield problem("schema", key, "every host needs a site address (site_vlan and site_ip in host_vars)", host=name)
            else:
                yield from _schema_problems(HOST[key], host.vars[key], key, name, host.vars[key])
        for group, key in HOST_FACTS_BY_GROUP.items():
            if site.in_group(name, group):
                if key not in host.vars:
                    yield problem("schema", key, f"hosts of group {group} need '{key}' in host_vars", host=name,
                             fallback=host.vars.get("site_ip"))
                else:
                    yield from _schema_problems(HOST[key], host.vars[key], key, name, host.vars[key])

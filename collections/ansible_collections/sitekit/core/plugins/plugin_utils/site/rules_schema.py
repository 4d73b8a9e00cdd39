"""The schema rule: every site variable and host fact against its JSON Schema (schema.py).

Messages speak YAML (a mapping, a list, an integer), suggest the near-miss name for an unknown
key or value, and say once what one typo explains: a misspelt key is reported as unknown with
"did you mean", not also as a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, key_path, rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.schema import (
    HHMM,
    HOST,
    HOST_FACTS_BY_GROUP,
    IPV4,
    NAME,
    REQUIRED_SITE_VARS,
    SECRET_REF,
    SITE,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.secrets_rules import is_secret_key
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import (
    TYPE_WORDS,
    did_you_mean,
    is_vaulted,
    kind_of,
    show,
    suggest,
)

MAX_DEPTH = 48
TOO_DEEP = "<nested too deeply>"
# The forms an operator should read instead of a regular expression.
PATTERN_WORDS = {
    HHMM["pattern"]: "a time of day HH:MM in quotes (00:00-23:59, 24:00 only to end a window)",
    NAME["pattern"]: "a name of letters, digits, '.', '_' and '-'",
    r"^vault_[a-z0-9_]+$": "the name of a vault variable, vault_<lowercase name>",
    r"\{\{.*\}\}": "a reference to a vault variable, \"{{ vault_x }}\"",
    r"^([a-z0-9-]+\.)+[a-z]{2,}$": "a DNS domain in lowercase (example.org)",
    r"^[A-Z0-9-]{1,15}$": "a NetBIOS name: 1 to 15 capitals, digits or '-'",
    IPV4["pattern"]: "an IPv4 address (four numbers 0-255, such as 192.0.2.10)",
}


def _plain(value, depth: int = 0):
    """Tagged ansible values as plain JSON types, so jsonschema checks types strictly (depth-limited)."""
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, (int, str)) else k: _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if is_vaulted(value):
        return "{{ vaulted }}"
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _validator(schema: dict):
    import jsonschema

    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = jsonschema.Draft202012Validator(schema)
    return _VALIDATORS[key]


_VALIDATORS: dict = {}  # one validator per schema of schema.py (module-level dicts, never rebuilt)


def _schema_problems(schema: dict, value, key: str, host: str | None, fallback) -> Iterable[Problem]:
    vaulted = set()
    for parts, leaf in _vaulted_leaves(value, [], 0):
        if not is_secret_key(parts[-1] if parts else key):
            vaulted.add(tuple(parts))
            yield Problem("schema", key_path(key, parts), "is a vault value, but only a secret (a password, key or "
                          "token) is encrypted: the site model and the roles read this one; write it in clear",
                          host=host, where=origin_of(leaf) or origin_of(fallback))  # problem() would decrypt it
    errors = sorted(_validator(schema).iter_errors(_plain(value)), key=lambda e: [str(p) for p in e.absolute_path])
    explained = _explained_by_typos(errors)
    for error in errors:
        parts = list(error.absolute_path)
        if tuple(parts) in vaulted:
            continue  # said above: its value is no value the schema can read
        if error.validator == "required" and (tuple(parts), _missing_name(error)) in explained:
            continue  # the misspelt key next to it is reported with "did you mean"
        if error.validator == "pattern" and error.validator_value == SECRET_REF["pattern"]:
            continue  # a secret that is no reference: the secrets rule says so, without showing it
        at = dig(value, parts)
        if error.validator == "additionalProperties" and isinstance(at, dict):  # at the first unknown key itself
            known = set(error.schema.get("properties") or {})
            at = next((k for k in at if k not in known), at)
        yield problem("schema", key_path(key, parts), _schema_message(error), value=at, host=host,
                      fallback=dig(value, parts[:-1]) or fallback)


def _vaulted_leaves(value, parts: list, depth: int):
    """(path, value) of each inline vault value in ``value`` (depth-limited, never decrypted)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _vaulted_leaves(v, [*parts, k], depth + 1)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _vaulted_leaves(v, [*parts, i], depth + 1)
    elif is_vaulted(value):
        yield parts, value


def _missing_name(error) -> str:
    return str(error.message).split("'")[1] if "'" in str(error.message) else ""


def _explained_by_typos(errors) -> set:
    """(object path, required key) pairs that an unknown key of the same object near-misses."""
    out = set()
    for error in errors:
        if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
            continue
        known = list(error.schema.get("properties") or {})
        for extra in set(error.instance) - set(known):
            near = did_you_mean(str(extra), known)
            if near:
                out.add((tuple(error.absolute_path), near))
    return out


def _schema_message(error) -> str:
    v, instance = error.validator, error.instance
    if instance == TOO_DEEP:
        return "is nested too deeply to be a value of this inventory"
    if v == "required":
        return f"{_missing_name(error)!r} is required"
    if v == "additionalProperties":
        known = list(error.schema.get("properties") or {})
        extras = sorted(str(k) for k in set(instance) - set(known)) if isinstance(instance, dict) else []
        return "; ".join(f"unknown key: {k!r}{suggest(k, known)}" for k in extras) or "unknown key"
    if v in ("enum", "const"):
        allowed = error.validator_value if v == "enum" else [error.validator_value]
        words = ", ".join(show(a) for a in allowed)
        return f"{show(instance)} is not one of {words}{suggest(instance, [a for a in allowed if isinstance(a, str)])}"
    if v == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
        if instance is None:
            return f"is empty: {expected} is expected here"
        it_is = "" if isinstance(instance, (int, float)) and not isinstance(instance, bool) else f" (it is {kind_of(instance)})"
        return f"{show(instance)} is not {expected}{it_is}"
    if v == "pattern":
        form = PATTERN_WORDS.get(error.validator_value, f"the expected form {error.validator_value}")
        return f"{show(instance)} does not match the expected form: {form}" if form in PATTERN_WORDS.values() \
            else f"{show(instance)} does not match {form}"
    if v in ("oneOf", "anyOf"):
        return f"{show(instance)} matches none of the accepted forms"
    if v == "minItems" and instance == []:
        return "is an empty list: at least one item is expected"
    if v == "minProperties" and instance == {}:
        return "is an empty mapping: at least one entry is expected"
    return str(error.message)


# req: SPEC-5-sql-version
@rule("schema", "every site variable and host fact has the declared type, keys and ranges (JSON Schema)")
def check_schema(site: Site):
    """Every schema problem; what it refuses is kept on the site for ``invalid_parts`` (no second pass)."""
    bad_site: set = set()
    bad_hosts: dict = {}
    for p in _check_schema(site):
        root = str(p.key).split(".", 1)[0].split("[", 1)[0]
        if p.host is None and root in SITE:
            bad_site.add(root)
        elif p.host is not None and root in HOST and root in site.hosts[p.host].vars:
            bad_hosts.setdefault(p.host, set()).add(root)
        yield p
    site.__dict__["_schema_invalid"] = (bad_site, bad_hosts)


def _check_schema(site: Site):
    defined = set(site.vars) | _group_all_keys(site)
    unread = _unread_group_all_keys(site)
    for key in REQUIRED_SITE_VARS:
        if key not in site.vars:
            near = did_you_mean(key, defined - set(SITE))
            if near or key in unread or _group_all_unreadable(site):
                continue  # the misspelt name, the unread or unreadable file is reported where it is
            yield problem("schema", key, "required site variable is missing (declare it in group_vars/all/)")
    for key in sorted(site.vars):
        if key.startswith("site_") and key not in SITE:
            tagged = next((k for k in site.vars if k == key), None)
            yield problem("schema", key, "unknown site variable" + suggest(key, list(SITE)), value=tagged,
                          fallback=site.vars[key])
    for key, schema in SITE.items():
        if key in site.vars:
            yield from _schema_problems(schema, site.vars[key], key, None, site.vars[key])
    for name, host in site.hosts.items():
        facts = [key for group, key in HOST_FACTS_BY_GROUP.items() if site.in_group(name, group)]
        empty = _empty_host_file(site, name)
        if empty is not None:
            yield Problem("schema", "-", f"this file declares nothing (it is empty or holds only comments), but the host "
                          f"needs {', '.join(['site_vlan', 'site_ip', *facts])}", host=name, where=f"{empty}:1")
            continue
        written = _host_keys(site, name)
        unreadable = site.sources is not None and site.sources.unreadable_files("host", name)
        for key in ("site_vlan", "site_ip", *facts):
            if key not in host.vars and unreadable:
                continue  # its host_vars file could not be read: the loader reported why
            if key in host.vars:
                yield from _schema_problems(HOST[key], host.vars[key], key, name, host.vars[key])
            elif did_you_mean(key, written - set(HOST), 0.75):
                continue  # the misspelt key is reported where it is written, with "did you mean"
            elif key in ("site_vlan", "site_ip"):
                yield _missing_address(site, name, key)
            else:
                group = next(g for g, k in HOST_FACTS_BY_GROUP.items() if k == key and site.in_group(name, g))
                yield problem("schema", key, f"hosts of group {group} need '{key}' in host_vars", host=name,
                              fallback=host.vars.get("site_ip") or _host_line(site, name))


def _group_all_keys(site: Site) -> set:
    if site.sources is None:
        return set()
    return set(site.sources.definitions("group", "all"))


def _host_line(site: Site, name: str):
    return site.sources.host_lines.get(name) if site.sources is not None else None


def _unread_group_all_keys(site: Site) -> set:
    if site.sources is None:
        return set()
    return {str(k) for f in site.sources.vars_files if f.kind == "group" and f.entity == "all" and not f.read_by_ansible
            for k in f.keys}


def _group_all_unreadable(site: Site) -> bool:
    return site.sources is not None and bool(site.sources.unreadable_files("group", "all"))


def _host_keys(site: Site, name: str) -> set:
    if site.sources is not None:
        return set(site.sources.definitions("host", name))
    return set(site.hosts[name].vars)


def _empty_host_file(site: Site, name: str) -> str | None:
    """The host's host_vars file when every file it has is empty (or only comments)."""
    if site.sources is None:
        return None
    files = [f for f in site.sources.files_of("host", name) if not f.inline]
    if files and all(f.data is None for f in files) and not site.sources.definitions("host", name):
        return files[0].path
    return None


def _missing_address(site: Site, name: str, key: str) -> Problem:
    message = "every host needs a site address (site_vlan and site_ip in host_vars)"
    if site.sources is not None and not site.sources.files_of("host", name):
        message += f"; there is no host_vars/{name}.yml"
    return problem("schema", key, message, host=name, fallback=_host_line(site, name))


def invalid_parts(site: Site) -> tuple[set, dict]:
    """The site variables and host facts the schema refuses: ({site key}, {host: {fact}})."""
    known = site.__dict__.get("_schema_invalid")
    if known is not None:
        return known
    bad_site = {key for key, schema in SITE.items() if key in site.vars
                and not _validator(schema).is_valid(_plain(site.vars[key]))}
    bad_hosts: dict = {}
    for name, host in site.hosts.items():
        for key, schema in HOST.items():
            if key in host.vars and not _validator(schema).is_valid(_plain(host.vars[key])):
                bad_hosts.setdefault(name, set()).add(key)
    return bad_site, bad_hosts

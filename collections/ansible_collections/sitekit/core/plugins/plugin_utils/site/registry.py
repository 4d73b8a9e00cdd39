"""``validate(site)``: every rule of every tier, in order; ``describe_rules()`` for ``make validate``.

What the loader could not read comes first (``site.load_problems``); when an inventory file
itself was unreadable (``site.broken``) nothing else is reported, since every other finding
would be a consequence of the hosts that were not read. A rule that raises never ends
validation and never hides what it found before: it reports "could not be checked" and the
others still run. Each problem is reported once, whichever rule found it first.
"""

from __future__ import annotations

import traceback

# Importing a rule module registers its rules (rulebook.RULES).
from ansible_collections.sitekit.core.plugins.plugin_utils.site import (
    debian_rules,
    network_rules,
    proxmox_pve_rules,  # noqa: F401 - registers the rest of the Proxmox tier (tier=proxmox_rules)
    proxmox_rules,
    rules_addressing,
    rules_inventory,
    rules_schema,
    rules_site,
    secrets_rules,
    services_rules,
    windows_rules,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Host, Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import RULES, dig, tier_of

# The order problems are listed in: how the inventory is written, the schema, addressing, each tier.
ORDER = [m.__name__ for m in (rules_inventory, rules_schema, rules_addressing, network_rules, proxmox_rules,
                              windows_rules, services_rules, debian_rules, rules_site, secrets_rules)]
# Rules that read the inventory as written, misshapen values included; the others read what the schema accepts.
RAW_READERS = {rules_inventory.__name__, rules_schema.__name__, secrets_rules.__name__}
# A view rule waits while these (and its own module) report errors: the views read what they check.
PREREQUISITES = {rules_inventory.__name__, rules_schema.__name__, rules_addressing.__name__, "loader"}


def _rules():
    return sorted(RULES, key=lambda r: ORDER.index(tier_of(r[2])) if tier_of(r[2]) in ORDER else len(ORDER))


def validate(site: Site, strict: bool = False, warnings: bool = True) -> list[Problem]:
    """Every problem of the site, errors and warnings; a failing rule never hides the others.

    ``strict``: the warnings that production refuses (the public example secrets still in place)
    are errors. ``warnings=False`` (a caller that shows errors alone: the gate without -v): the checks
    whose finding can only be a warning may be left out (the example vault password tried on every vault
    value, a key derivation each); never with ``strict``, which makes that finding an error.
    """
    site.errors_only = not warnings and not strict
    for cached in ("_secrets_scan", "_schema_invalid"):  # computed once per validation, by the first rule that needs it
        site.__dict__.pop(cached, None)
    problems: list[Problem] = list(getattr(site, "load_problems", None) or [])
    module_of = {rule_id: tier_of(func) for rule_id, _, func in RULES}
    module_of["inventory"] = "loader"
    if not getattr(site, "broken", False):
        clean = None
        for rule_id, description, func in _rules():
            prerequisites = PREREQUISITES | {tier_of(func)}
            if func.runs_views and any(p.severity == "error" and module_of.get(p.rule, "loader") in prerequisites
                                       for p in problems):
                continue
            if tier_of(func) not in RAW_READERS and clean is None:
                clean = _schema_clean(site)
            problems.extend(_run(rule_id, description, func, site if tier_of(func) in RAW_READERS else clean))
    unique: dict[tuple, Problem] = {}  # one message per problem, whichever rule found it first
    for p in problems:
        if _set_by_extra_vars(site, p):
            p.where = EXTRA_VARS
        elif p.where is None or _at_root_only(site, p):
            p.where = _place(site, p) or p.where
        if strict and p.strict and p.severity == "warning":
            p.severity = "error"
        unique.setdefault((p.where, p.host, p.key, p.message), p)
    return list(unique.values())


def _schema_clean(site: Site) -> Site:
    """The site without the values the schema refuses: a rule reads only what the schema accepts.

    The schema reports a misshapen value once, precisely; the other rules then see it as absent
    (as if not declared) instead of failing on it or repeating it in their own words.
    """
    try:
        bad_site, bad_hosts = rules_schema.invalid_parts(site)
    except Exception:  # noqa: BLE001 - the schema rule reports what it cannot check; the rules see the raw site
        return site
    if not bad_site and not bad_hosts:
        return site
    hosts = {name: Host(h.name, {k: v for k, v in h.vars.items() if k not in bad_hosts.get(name, ())}, h.groups,
                        h.ansible) for name, h in site.hosts.items()}
    clean = Site({k: v for k, v in site.vars.items() if k not in bad_site}, hosts, site.groups, source=site.source)
    clean.sources, clean.load_problems, clean.broken = site.sources, site.load_problems, site.broken
    clean.errors_only = site.errors_only
    return clean


def _run(rule_id: str, description: str, func, site: Site) -> list[Problem]:
    """The problems a rule yields; those found before it failed are kept, and the failure is a problem."""
    found: list[Problem] = []
    try:
        for p in func(site) or ():
            found.append(p)
    except SiteError as exc:
        found.append(exc.problem(rule_id))
    except Exception as exc:  # noqa: BLE001 - malformed data must not end validation
        found.append(Problem(rule_id, "-", f"could not be checked ({description}): a value it reads has an unexpected "
                             "shape; fix the problems above first", detail=_detail(exc)))
    return found


def _detail(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    return f"{type(exc).__name__}: {exc}" + (f" at {frame.filename}:{frame.lineno}" if frame else "")


EXTRA_VARS = "extra vars (-e)"


def _set_by_extra_vars(site: Site, p: Problem) -> bool:
    """The problem's key is the run's ``-e key=value`` or ``-e '{json}'``: it overrides every file, yet has no file or
    line, and the key it replaced still carries the inventory file's (which holds another value). ``-e @file``
    values carry their file's lines and are placed as any other."""
    parts = _key_parts(p.key)
    if not parts or parts[0] not in getattr(site, "extra_vars", ()):
        return False
    holder = site.hosts[p.host].vars if p.host and p.host in getattr(site, "hosts", {}) else site.vars
    return isinstance(holder, dict) and origin_of(holder.get(parts[0])) is None


def _place(site: Site, p: Problem) -> str | None:
    """A problem a rule could not place: at the closest value of its key that has a file and line."""
    parts = _key_parts(p.key)
    if not parts:
        return None
    holders = []
    if p.host and p.host in getattr(site, "hosts", {}):
        holders.append(site.hosts[p.host].vars)
    holders.append(site.vars)
    for holder in holders:
        for n in range(len(parts), 0, -1):
            value = dig(holder, parts[:n])
            where = origin_of(value) if value is not None else None
            if where:
                return where
            parent = dig(holder, parts[:n - 1]) if n > 1 else holder
            if isinstance(parent, dict):  # a null value has no origin, but its key (tagged too) has one
                key = next((k for k in parent if k == parts[n - 1]), None)
                where = origin_of(key) if key is not None else None
                if where:
                    return where
    return None


def _at_root_only(site: Site, p: Problem) -> bool:
    """True when a problem about ``site_x.a.b`` is placed only at the start of ``site_x`` (a rule's fallback)."""
    parts = _key_parts(p.key)
    if len(parts) < 2 or p.host is not None or not isinstance(site.vars, dict):
        return False
    root = site.vars.get(parts[0])
    return root is not None and origin_of(root) == p.where


def _key_parts(key: str) -> list:
    import re

    if not key or key == "-":
        return []
    parts: list = []
    for token in key.split("."):
        name, *indexes = re.split(r"\[", token)
        if name:
            parts.append(name)
        for i in indexes:
            i = i.rstrip("]")
            parts.append(int(i) if i.isdigit() else i)
    return parts


def describe_rules() -> list[tuple[str, str]]:
    return [(rule_id, description) for rule_id, description, _ in _rules()]

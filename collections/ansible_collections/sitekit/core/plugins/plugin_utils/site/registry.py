"""``validate(site)``: every rule of every tier, in order; ``describe_rules()`` for ``make validate``.

A rule that raises never ends validation: it reports "could not be checked" and the others
still run. Each problem is reported once, whichever rule found it first.
"""

from __future__ import annotations

# Importing a rule module registers its rules (rulebook.RULES).
from ansible_collections.sitekit.core.plugins.plugin_utils.site import (
    debian_rules,
    network_rules,
    proxmox_rules,
    rules_addressing,
    rules_schema,
    secrets_rules,
    services_rules,
    windows_rules,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import RULES

# The order problems are listed in: the schema first, then addressing, then each tier.
ORDER = [m.__name__ for m in (rules_schema, rules_addressing, network_rules, proxmox_rules, windows_rules,
                              services_rules, debian_rules, secrets_rules)]


def _rules():
    return sorted(RULES, key=lambda r: ORDER.index(r[2].__module__))


def validate(site: Site) -> list[Problem]:
    """Every problem of the site, errors and warnings; a failing rule never hides the others."""
    problems: list[Problem] = []
    module_of = {rule_id: func.__module__ for rule_id, _, func in RULES}
    for rule_id, _, func in _rules():
        prerequisites = {rules_schema.__name__, rules_addressing.__name__, func.__module__}
        if func.runs_views and any(p.severity == "error" and module_of.get(p.rule) in prerequisites for p in problems):
            continue
        try:
            problems.extend(func(site))
        except SiteError as exc:
            problems.append(exc.problem(rule_id))
        except Exception as exc:  # noqa: BLE001 - malformed data must not end validation
            problems.append(Problem(rule_id, "-", f"could not be checked ({exc}); fix the problems above first"))
    unique: dict[tuple, Problem] = {}  # one message per problem, whichever rule found it first
    for p in problems:
        unique.setdefault((p.where, p.host, p.key, p.message), p)
    return list(unique.values())


def describe_rules() -> list[tuple[str, str]]:
    return [(rule_id, description) for rule_id, description, _ in _rules()]

"""Where rules register: ``@rule(id, description)`` on a function ``Site -> Iterable[Problem]``.

Rules live beside the view they guard (``<tier>_rules.py``); ``registry.validate`` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, SiteError

Rule = Callable[[Site], Iterable[Problem]]
RULES: list[tuple[str, str, Rule]] = []


def rule(rule_id: str, description: str, views: bool = False, tier: str | None = None):
    """Register a rule. ``views=True``: it runs the tier's views, which read what the schema, the
    addressing rules and the tier's own rules check; it is skipped while those report errors
    (they are fixed first, and a view on data they refuse would only repeat them). ``tier``: the
    rule module this one is validated with when a tier's rules span several files (default: its own)."""
    def register(func: Rule) -> Rule:
        RULES.append((rule_id, description, func))
        func.rule_id, func.runs_views = rule_id, views
        if tier:
            func.tier = tier
        return func

    return register


def tier_of(func: Rule) -> str:
    """The rule module a rule is ordered and gated with (registry.ORDER, PREREQUISITES)."""
    return getattr(func, "tier", None) or func.__module__


def view_problems(rule_id: str, compute: Callable[[], Any]) -> list[Problem]:
    """Run one view; the SiteError it raises becomes this rule's problem."""
    try:
        compute()
    except SiteError as exc:
        return [exc.problem(rule_id)]
    return []


def dig(value, parts):
    """``value[p0][p1]…`` or None when any step is missing or of the wrong kind."""
    for part in parts:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def key_path(base: str, parts) -> str:
    out = base
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out

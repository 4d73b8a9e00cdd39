"""What every page reads: the site as loaded by the model, its validation, and the views' inputs.

The pack never decides anything about the site: figures come from the inventory through the
site model's loader and views (plugins/plugin_utils/site/), verdicts from ``registry.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ansible_collections.sitekit.core.plugins.filter.network import site_with_secrets
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate

TIERS = ("proxmox_nodes", "windows", "debian", "network")
# Views that print secrets (network: SNMP keys, FTP password) are called on a copy whose vault_*
# references hold this text; the pack never shows what the views derive from it.
PLACEHOLDER = "documentation-placeholder-not-a-secret"


def attempt(func, *args, default=None):
    """A view's output, or ``default`` when the inventory cannot give it: a broken inventory still gets its
    pack, whose overview lists validation's problems (the reason), and each page says what is missing."""
    try:
        return func(*args)
    except Exception:  # noqa: BLE001 - views may fail on malformed data in any way; validation reports it
        return default


@dataclass
class Context:
    inventory: str
    site: Site
    problems: list[Problem]
    journal_dir: Path | None = None
    repo: Path = field(default_factory=lambda: Path(__file__).resolve().parents[2])
    # What a page computed that another page (or a second part of it) reads again, by kind and key.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, inventory: str, journal_dir: Path | None = None) -> Context:
        site = load_site(inventory)
        return cls(inventory=inventory, site=site, problems=validate(site), journal_dir=journal_dir)

    @property
    def name(self) -> str:
        return str(self.site.vars.get("site_name") or Path(self.inventory).name)

    @cached_property
    def rules(self) -> dict[str, str]:
        return dict(describe_rules())

    @cached_property
    def rendering_site(self) -> Site:
        """A copy whose secret references hold a placeholder, for views that need them resolved."""
        names = {k for k in self.site.vars if k.startswith("vault_")} | set(self.site.vars.get("site_required_secrets") or [])
        secrets = {name: PLACEHOLDER for name in names}
        # site_with_secrets makes a new Site (its own vars, no cache) on the same hosts, as the filters do: the views
        # read the site and never change it (a deep copy cost most of a broken inventory's pack).
        return site_with_secrets(self.site, secrets)

    def where(self, problem: Problem) -> str:
        """A problem's file:line, relative to the repository when inside it (the pack is the same on any clone)."""
        where = problem.where or "inventory"
        root = f"{self.repo}/"
        return where[len(root):] if where.startswith(root) else where

    def tier(self, host: str) -> str:
        groups = self.site.hosts[host].groups
        return next((t for t in TIERS if t in groups), "-")

    def problems_of(self, rules: set[str], host: str | None = None, key_prefix: str | None = None) -> list[Problem]:
        """Problems reported by these rules, for a host (or the site) and a key (prefix) when given."""
        return [p for p in self.problems if p.rule in rules
                and (host is None or p.host == host)
                and (key_prefix is None or p.key.startswith(key_prefix))]

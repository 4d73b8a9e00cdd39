"""Validation of inventory sources and its wording, shared by every entry point.

``make validate`` (the ``site_validate`` action) and the gate that runs inside every
``ansible``/``ansible-playbook`` process (the ``site_gate`` vars plugin) call ``validate_sources``
and print ``Outcome.message()``: one implementation, one wording of each problem.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem

# The rules (registry: every tier's views, jsonschema) are imported only when a source declares a site: an
# ansible run on an inventory that is no site (a test's or a scratch one) does not pay for them.


@dataclass
class Outcome:
    """What validating some inventory sources found."""

    sources: list[str]
    hosts: int = 0
    problems: list[Problem] = field(default_factory=list)
    site_declared: bool = True  # False when every source was left out (skip_undeclared)
    outside: list[str] = field(default_factory=list)  # files the rules read besides the sources' own
    rules: list[tuple[str, str]] | None = None  # (id, text) of the rules checked; None: the registry's, when asked

    def kept(self) -> dict:
        """This outcome as JSON data (outcome_cache.py), with the rules that were checked."""
        return {**asdict(self), "rules": [list(r) for r in self.checked_rules()]}

    @classmethod
    def from_kept(cls, data: dict) -> Outcome:
        """The outcome ``kept()`` returned; TypeError, KeyError or ValueError when the data is not one."""
        problems = [Problem(**p) for p in data["problems"]]
        if not all(isinstance(p.message, str) and p.severity in ("error", "warning") for p in problems):
            raise ValueError("not a kept outcome")
        return cls(sources=[str(s) for s in data["sources"]], hosts=int(data["hosts"]), problems=problems,
                   site_declared=bool(data["site_declared"]), outside=[str(p) for p in data["outside"]],
                   rules=[(str(i), str(t)) for i, t in data["rules"]])

    def checked_rules(self) -> list[tuple[str, str]]:
        if self.rules is None:
            from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules

            return describe_rules()
        return self.rules

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def refused(self, fail_on_warnings: bool = False) -> list[Problem]:
        """The problems that refuse the inventory: errors, and warnings when they are fatal."""
        return self.errors + (self.warnings if fail_on_warnings else [])

    def message(self, fail_on_warnings: bool = False) -> str:
        """One line per refusing problem, else a one-line summary of what was checked."""
        where = ", ".join(self.sources)
        shown = self.refused(fail_on_warnings)
        if shown:
            return f"{len(shown)} problem(s) in {where}:\n" + "\n".join(f"- {p}" for p in shown)
        return (f"{where}: {self.hosts} hosts, {len(self.checked_rules())} rules checked, "
                f"0 errors, {len(self.warnings)} warning(s)")


def validate_sources(sources: list[str], skip_undeclared: bool = False, strict: bool = False,
                     vault_secrets=None, warnings: bool = True) -> Outcome:
    """Load each inventory source and run every rule of the site model on it (``strict``: the example
    placeholder secrets are errors). ``vault_secrets`` (the play's) open a whole-file vault; without
    them it stays unopened and the rest is still checked. ``warnings=False``: only the errors are wanted
    (``registry.validate``); ``Outcome.warnings`` may then miss some.

    With ``skip_undeclared``, a source that declares nothing of the site model (a file that only adds
    connection settings beside the site's inventory, ``-i localhost,``) is left out, unless a host or group
    of it is named like a path or a vars directory has no end (``site.unsafe_to_read``): Ansible's own reading
    would then not end.
    """
    outcome = Outcome([])
    for source in sources:
        site = load_site(str(source), vault_secrets=vault_secrets)
        if skip_undeclared and not declares_a_site(site) and not site.unsafe_to_read:
            continue
        from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate

        outcome.sources.append(str(source))
        outcome.hosts += len(site.hosts)
        outcome.problems.extend(validate(site, strict=strict, warnings=warnings))
        outcome.outside.extend(site.sources.outside if site.sources is not None else ())
    outcome.site_declared = bool(outcome.sources)
    if skip_undeclared and outcome.site_declared and len(sources) > 1 and not outcome.errors:
        # One run's sources: Ansible merges them, so what the others change of the site is refused (overlay.py)
        from ansible_collections.sitekit.core.plugins.plugin_utils.site.overlay import overlay_problems

        outcome.problems.extend(overlay_problems(outcome.sources, [str(s) for s in sources], vault_secrets))
    return outcome


def declares_a_site(site) -> bool:
    """True when the inventory says anything of the site model (a ``site_*`` variable or a host fact).

    An inventory that declares nothing of it (``-i localhost,``, a scratch inventory) is not a site:
    there is nothing to validate and no role of this collection could run on it.
    """
    return any(k.startswith("site_") for k in site.vars) or any(
        k in HOST_KEYS or k.startswith("site_") for host in site.hosts.values() for k in host.vars)

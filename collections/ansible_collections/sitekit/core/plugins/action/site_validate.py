"""Validate the whole site before any host is touched (first play of site.yml).

Runs the site model's schema and rules on the inventory the play was started with, loaded again
from disk so that every problem names its file and line. A whole-file vault is opened with the
play's own vault secrets (``--vault-password-file``, ``--ask-vault-pass``, ``--vault-id``) when
given, and left unopened otherwise (the rest is still checked). Each problem is printed once:
the list is displayed, and the task fails with a one-line summary.
"""

from __future__ import annotations

from ansible import constants as C
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("inventory", "fail_on_warnings", "strict"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        sources = self._task.args.get("inventory") or task_vars.get("ansible_inventory_sources") or []
        if isinstance(sources, str):
            sources = [sources]
        strict = boolean(self._task.args.get("strict", task_vars.get("sitekit_strict", False)), strict=True)
        fail_on_warnings = boolean(self._task.args.get("fail_on_warnings", False), strict=True)
        secrets = getattr(getattr(self._loader, "_vault", None), "secrets", None) or None
        problems, hosts = [], 0
        for source in sources:
            site = load_site(source, vault_secrets=secrets)
            hosts += len(site.hosts)
            problems.extend(validate(site, strict=strict))
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        rules = describe_rules()
        where = ", ".join(map(str, sources))
        refused = errors + (warnings if fail_on_warnings else [])
        result.update(changed=False, hosts=hosts, error_count=len(errors), warning_count=len(warnings))
        if refused:
            # Printed once, here; the failure itself carries only the summary.
            lines = [f"{len(errors)} error(s), {len(warnings)} warning(s) in {where}:"]
            lines += [f"- {p}" for p in errors] + [f"- warning: {p}" for p in warnings]
            display.display("\n".join(lines), color=C.COLOR_ERROR)
            result["failed"] = True
            result["msg"] = (f"the inventory is refused: {len(refused)} problem(s) listed above "
                             f"({len(errors)} error(s), {len(warnings)} warning(s)); fix them and run again")
            return result
        for warning in warnings:
            display.warning(str(warning))
        result.update(rules=[f"{rule_id}: {text}" for rule_id, text in rules], errors=[],
                      warnings_found=[str(p) for p in warnings],
                      msg=f"{where}: {hosts} hosts, {len(rules)} rules checked, 0 errors, {len(warnings)} warning(s)")
        return result

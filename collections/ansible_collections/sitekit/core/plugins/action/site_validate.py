"""Validate the whole site before any host is touched (first play of site.yml).

Runs the site model's schema and rules on the inventory the play was started with,
loaded again from disk so that no vault secret is needed and every problem names
its file and line. Fails with one line per problem; warnings are shown, not fatal.
"""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("inventory", "fail_on_warnings"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        sources = self._task.args.get("inventory") or task_vars.get("ansible_inventory_sources") or []
        if isinstance(sources, str):
            sources = [sources]
        # A source that declares nothing of the site (a connection overlay) is left out, as the site_gate does.
        outcome = validate_sources(sources, skip_undeclared=True)
        if not outcome.site_declared:
            result.update(failed=True, msg=f"no site model in {', '.join(map(str, sources))}: no site_* variable, no host fact")
            return result
        for warning in outcome.warnings:
            display.warning(str(warning))
        rules = describe_rules()
        result.update(
            changed=False,
            hosts=outcome.hosts,
            rules=[f"{rule_id}: {text}" for rule_id, text in rules],
            errors=[str(p) for p in outcome.errors],
            warnings_found=[str(p) for p in outcome.warnings],
        )
        fail_on_warnings = boolean(self._task.args.get("fail_on_warnings", False), strict=True)
        result["msg"] = outcome.message(fail_on_warnings)
        if outcome.refused(fail_on_warnings):
            result["failed"] = True
        return result

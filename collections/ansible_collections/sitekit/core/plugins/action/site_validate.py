"""Validate the whole site before any host is touched (first play of site.yml).

Runs the site model's schema and rules on the inventory the play was started with,
loaded again from disk so that no vault secret is needed and every problem names
its file and line. Fails with one line per problem; warnings are shown, not fatal.
"""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate

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
        problems = []
        hosts = 0
        for source in sources:
            site = load_site(source)
            hosts += len(site.hosts)
            problems.extend(validate(site))
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        for warning in warnings:
            display.warning(str(warning))
        rules = describe_rules()
        result.update(
            changed=False,
            hosts=hosts,
            rules=[f"{rule_id}: {text}" for rule_id, text in rules],
            errors=[str(p) for p in errors],
            warnings_found=[str(p) for p in warnings],
        )
        fail_on_warnings = boolean(self._task.args.get("fail_on_warnings", False), strict=True)
        if errors or (fail_on_warnings and warnings):
            result["failed"] = True
            shown = errors + (warnings if fail_on_warnings else [])
            result["msg"] = f"{len(shown)} problem(s) in {', '.join(map(str, sources))}:\n" + "\n".join(f"- {p}" for p in shown)
        else:
            result["msg"] = (f"{', '.join(map(str, sources))}: {hosts} hosts, {len(rules)} rules checked, "
                             f"0 errors, {len(warnings)} warning(s)")
        return result

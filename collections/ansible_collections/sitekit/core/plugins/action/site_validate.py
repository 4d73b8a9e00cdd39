"""Validate the whole site before any host is touched (first play of site.yml).

Runs the site model's schema and rules on the inventory the play was started with, loaded again
from disk so that every problem names its file and line. A whole-file vault is opened with the
play's own vault secrets (``--vault-password-file``, ``--ask-vault-pass``, ``--vault-id``) when
given, and left unopened otherwise (the rest is still checked). Each problem is printed once:
the list is displayed, and the task fails with a one-line summary. Without a vault password the
outcome is kept by content beside the gate's verdicts (plugin_utils/site/outcome_cache.py): an
unchanged inventory is not validated twice.
"""

from __future__ import annotations

from ansible import constants as C
from ansible import context
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.sitekit.core.plugins.plugin_utils.site.outcome_cache import validate_sources_kept

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
        try:
            strict = boolean(self._task.args.get("strict", task_vars.get("sitekit_strict", False)), strict=True)
            fail_on_warnings = boolean(self._task.args.get("fail_on_warnings", False), strict=True)
        except TypeError as refused:  # "maybe": said as such, never read as true
            result.update(failed=True, msg=f"strict and fail_on_warnings take a boolean: {refused}")
            return result
        secrets = getattr(getattr(self._loader, "_vault", None), "secrets", None) or None
        # A source that declares nothing of the site (a connection overlay) is left out, as the site_gate does.
        # Kept by content with the gate's verdicts (outcome_cache.py): the gate has just read the same bytes
        outcome = validate_sources_kept(sources, strict, secrets, context.CLIARGS.get("extra_vars"), C.CONFIG_FILE,
                                        C.VARIABLE_PLUGINS_ENABLED)
        if not outcome.site_declared:
            result.update(failed=True, msg=f"no site model in {', '.join(map(str, sources))}: no site_* variable, no host fact")
            return result
        errors, warnings = outcome.errors, outcome.warnings
        refused = outcome.refused(fail_on_warnings)
        result.update(changed=False, hosts=outcome.hosts, error_count=len(errors), warning_count=len(warnings))
        if refused:
            # Printed once, here; the failure itself carries only the summary.
            lines = [f"{len(errors)} error(s), {len(warnings)} warning(s) in {', '.join(outcome.sources)}:"]
            lines += [f"- {p}" for p in errors] + [f"- warning: {p}" for p in warnings]
            display.display("\n".join(lines), color=C.COLOR_ERROR)
            result["failed"] = True
            result["msg"] = (f"the inventory is refused: {len(refused)} problem(s) listed above "
                             f"({len(errors)} error(s), {len(warnings)} warning(s)); fix them and run again")
            return result
        for warning in warnings:
            display.warning(str(warning))
        result.update(rules=[f"{rule_id}: {text}" for rule_id, text in outcome.checked_rules()], errors=[],
                      warnings_found=[str(p) for p in warnings], msg=outcome.message(fail_on_warnings))
        return result

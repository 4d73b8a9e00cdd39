"""Run summary for operators and auditors: what changed, where, in which run.

Writes one JSON record per playbook run to ``.cache/runs/`` (or $SITEKIT_RUN_LOG_DIR) and
prints the changed tasks per host at the end. Check-mode runs are marked as such, so the
record tells a dry run from a change.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: run_summary
type: aggregate
short_description: JSON record and readable summary of what each run changed
description:
  - Records the playbook (file name), the inventory sources, whether the run was in check mode (C(--check), or
    C(check_mode) on the last play started), every changed task and every failed task per host (failures whose
    errors are ignored are left out; messages cut to 500 characters), the duration and the end time (UTC).
  - At the end of the run, writes that record as JSON to C(<directory>/<end time>-<playbook>.json) (e.g.
    C(2025-01-01T213000Z-site.yml.json)) and prints a
    C(SITEKIT RUN SUMMARY) banner with the count of changes and failures and one line per changed or failed task.
  - The directory is E(SITEKIT_RUN_LOG_DIR) when set, else C(.cache/runs) relative to the directory
    C(ansible-playbook) runs in; it is created when missing, and a write error is a warning, not a failure.
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
requirements:
  - enabled in C(callbacks_enabled) (sitekit's C(ansible.cfg) does)
notes:
  - E(SITEKIT_RUN_LOG_DIR) is read from the environment directly; the callback has no configuration option.
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = sitekit.core.run_summary

# then, e.g.:  SITEKIT_RUN_LOG_DIR=/var/log/sitekit ansible-playbook -i inventories/<site> playbooks/site.yml
"""

# ruff: noqa: E402  (Ansible plugin layout: the documentation comes before the imports)
import json
import os
import time
from pathlib import Path

from ansible import context
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "sitekit.core.run_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.started = time.time()
        self.record = {"playbook": None, "inventory": [], "check_mode": False, "changed": [], "failed": []}

    def v2_playbook_on_start(self, playbook):
        self.record["playbook"] = os.path.basename(playbook._file_name)

    def v2_playbook_on_play_start(self, play):
        manager = play.get_variable_manager()
        inventory = getattr(manager, "_inventory", None)
        if inventory is not None:
            self.record["inventory"] = [str(s) for s in inventory._sources]
        self.record["check_mode"] = bool(context.CLIARGS.get("check")) or bool(play.check_mode)

    def _entry(self, result):
        return {"host": result._host.get_name(), "task": result._task.get_name()}

    def v2_runner_on_ok(self, result):
        if result._result.get("changed"):
            self.record["changed"].append(self._entry(result))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not ignore_errors:
            self.record["failed"].append(self._entry(result) | {"msg": str(result._result.get("msg", ""))[:500]})

    def v2_playbook_on_stats(self, stats):
        self.record["duration_s"] = round(time.time() - self.started, 1)
        self.record["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        folder = Path(os.environ.get("SITEKIT_RUN_LOG_DIR", ".cache/runs"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{self.record['finished'].replace(':', '')}-{self.record['playbook']}.json"
            (folder / name).write_text(json.dumps(self.record, indent=2))
        except OSError as exc:
            self._display.warning(f"run_summary: could not write the run record: {exc}")
        changed = self.record["changed"]
        self._display.banner("SITEKIT RUN SUMMARY")
        mode = "check mode (nothing applied)" if self.record["check_mode"] else "applied"
        self._display.display(f"{self.record['playbook']}: {len(changed)} change(s), {len(self.record['failed'])} failure(s), {mode}")
        for item in changed:
            self._display.display(f"  changed  {item['host']}: {item['task']}")
        for item in self.record["failed"]:
            self._display.display(f"  FAILED   {item['host']}: {item['task']}: {item['msg']}")

"""Callback of ``make drift``: every result of a check-mode run that would change something, with its diff.

The run journal (sitekit.core.run_summary) keeps a diff *summary* per task; a drift report needs
the diff itself, the tier of the play and whether the result came from a handler. This callback
writes them as one JSON document to $SITEKIT_DRIFT_FILE at the end of the run (tools/drift reads
it; nothing else does). It only observes: it changes no result and prints nothing.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: sitekit_drift
type: aggregate
short_description: Results of a check-mode run that would change something, for tools/drift
description:
  - Writes to E(SITEKIT_DRIFT_FILE), at the end of the run, the plays (name, tier) and every changed, failed or
    unreachable result (tier, host, task, role, action, handler or not, diff, message, and the name, dest, path, state and
    enabled the module returned), the hosts and groups of the
    inventory and the hosts the run reached. Does nothing when E(SITEKIT_DRIFT_FILE) is unset.
"""

# ruff: noqa: E402  (Ansible plugin layout: the documentation comes before the imports)
import json
import os
from pathlib import Path

from ansible.plugins.callback import CallbackBase

_MSG_MAX = 500
_DETAIL = ("name", "dest", "path", "state", "enabled")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "sitekit_drift"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.out = os.environ.get("SITEKIT_DRIFT_FILE")
        self.tier = None
        self.plays: list[dict] = []
        self.results: list[dict] = []
        self.inventory_hosts: list[str] = []
        self.groups: dict[str, list[str]] = {}

    def v2_playbook_on_play_start(self, play):
        tiers = [str(t).split("::", 1)[1] for t in play.tags or [] if str(t).startswith("tier::")]
        self.tier = tiers[0] if tiers else None
        self.plays.append({"name": play.get_name(), "tier": self.tier})
        inventory = getattr(play.get_variable_manager(), "_inventory", None)
        if inventory is not None and not self.inventory_hosts:
            self.inventory_hosts = sorted(inventory.hosts)  # every host, --limit or not
            self.groups = {g: sorted(hs) for g, hs in inventory.get_groups_dict().items()}

    def v2_runner_on_ok(self, result):
        if result._result.get("changed"):
            self._keep(result, "changed")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not ignore_errors:
            self._keep(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._keep(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        if not self.out:
            return
        hosts = {}
        for host in sorted(stats.processed):
            s = stats.summarize(host)
            hosts[host] = {"ok": s["ok"], "changed": s["changed"], "failed": s["failures"], "unreachable": s["unreachable"]}
        document = {"plays": self.plays, "groups": self.groups, "results": self.results, "inventory_hosts": self.inventory_hosts, "hosts": hosts}
        Path(self.out).write_text(json.dumps(document, indent=1, sort_keys=True, default=str), encoding="utf-8")

    def _keep(self, result, status):
        res = result._result
        task = result._task
        role = task._role.get_name() if getattr(task, "_role", None) else None
        name = task.get_name()
        name = name[len(role) + 3:] if role and name.startswith(f"{role} : ") else name
        censored = bool(res.get("censored")) or bool(getattr(task, "no_log", False))
        diffs = res.get("diff") or [r.get("diff") for r in res.get("results", []) if isinstance(r, dict) and r.get("diff")]
        self.results.append({
            "tier": self.tier, "host": result._host.get_name(), "task": name, "role": role,
            "action": task.action, "handler": type(task).__name__ == "Handler", "status": status,
            "no_log": censored, "diff": None if censored else (diffs if isinstance(diffs, list) else [diffs]) if diffs else [],
            "msg": str(res.get("msg", ""))[:_MSG_MAX] if status != "changed" and not censored else "",
            # What a module without a diff says it would change (a service's name and wanted state…).
            "detail": {} if censored else {k: res[k] for k in _DETAIL if isinstance(res.get(k), (str, int, bool))},
        })

"""Bench-only callback: every play and task of a run, and each host's result, as one JSON line (bench/noop_floor.py).

Enabled through the environment by the bench (ANSIBLE_CALLBACK_PLUGINS, ANSIBLE_CALLBACKS_ENABLED); writes to
$TASK_TRACE_FILE. Per play (per batch of a serial play): its uuid, hosts pattern, serial and strategy after templating; per task: the action, the
raw delegate_to, run_once, its seconds (until the next task starts), and per host the status and the number of loop items. Never enabled by ansible.cfg.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_trace
type: aggregate
short_description: plays, tasks and per-host results of a run, for bench/noop_floor.py
description: Writes one JSON line per run to $TASK_TRACE_FILE.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_trace"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.run = {"playbook": None, "started": time.time(), "plays": []}
        self._open = None  # (task entry, when it started): a task lasts until the next task, play or the end

    def _close_task(self):
        if self._open:
            entry, started = self._open
            entry["seconds"] = round(entry.get("seconds", 0) + time.time() - started, 3)
            self._open = None

    def v2_playbook_on_start(self, playbook):
        self.run["playbook"] = os.path.basename(playbook._file_name)

    def v2_playbook_on_play_start(self, play):
        self._close_task()
        # A serial play starts once per batch: one entry per batch, the same uuid (the bench adds their seconds).
        self.run["plays"].append({"uuid": play._uuid, "name": play.get_name(), "hosts": play.hosts, "serial": play.serial,
                                  "strategy": play.strategy, "started": time.time(), "tasks": {}})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_task()
        tasks = self.run["plays"][-1]["tasks"]
        entry = tasks.setdefault(task._uuid, {"name": task.get_name(), "action": task.action, "delegate_to": task.delegate_to,
                                      "run_once": bool(task.run_once), "hosts": {}})
        self._open = (entry, time.time())

    def _record(self, result, status):
        play = self.run["plays"][-1] if self.run["plays"] else None
        task = play["tasks"].get(result._task._uuid) if play else None
        if task is None:
            return
        items = result._result.get("results")
        task["hosts"][result._host.name] = {"status": status, "items": len(items) if isinstance(items, list) else None}

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._close_task()
        self.run["ended"] = time.time()
        path = os.environ.get("TASK_TRACE_FILE")
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(self.run, default=str) + "\n")

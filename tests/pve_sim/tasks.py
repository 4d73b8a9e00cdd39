"""Worker tasks with a lifecycle, as PVE's fork_worker runs them, and the test-side control.

A task gets a UPID in PVE's format (pve-common src/PVE/UPID.pm encode: ``UPID:node:PID:PSTART:
STARTTIME:type:id:user:``, hex fields of 8 digits), runs for ``duration`` seconds (default a few
tens of milliseconds), then ends as RESTEnvironment.pm fork_worker ends a worker: its log's last
line is ``TASK OK``, ``TASK WARNINGS: n`` or ``TASK ERROR: message``, which UPID.pm read_status
turns into the ``exitstatus`` of the status API (pve-manager PVE/API2/Tasks.pm read_task_status).
The state change a task makes (new VM, migration, start...) happens when it ends OK or with
warnings; a failed task changes nothing (clone and restore clean up after themselves upstream).

Tests steer outcomes with ``TaskControl``: ``fail``, ``warn``, ``stall`` (never ends until
``release``), matched by task type, guest id, node and the nth matching task.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_DURATION = 0.02  # seconds a task runs unless told otherwise


def upid_encode(node: str, pid: int, pstart: int, starttime: int, kind: str, ident: str, user: str) -> str:
    """pve-common src/PVE/UPID.pm encode."""
    return f"UPID:{node}:{pid:08X}:{pstart:08X}:{starttime:08X}:{kind}:{ident}:{user}:"


UPID_RE = (r"UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
           r"([^:\s/]+):([^:\s/]*):([^:\s/]+):")  # UPID.pm decode


@dataclass
class Rule:
    """What to do with the tasks that match: outcome 'error', 'warnings' or 'stall'."""
    outcome: str
    type: str | None = None
    id: str | None = None
    node: str | None = None
    nth: int | None = None
    message: str = "simulated failure"
    count: int = 1
    seen: int = 0

    def matches(self, task: Task) -> bool:
        if self.type and task.type != self.type:
            return False
        if self.id is not None and task.id != str(self.id):
            return False
        if self.node and task.node != self.node:
            return False
        self.seen += 1
        return self.nth is None or self.seen == self.nth


@dataclass
class Task:
    upid: str
    node: str
    pid: int
    pstart: int
    starttime: int
    type: str
    id: str
    user: str
    ends_at: float | None            # monotonic time; None = stalled
    outcome: str = "ok"              # ok | warnings | error
    message: str = ""
    warnings: int = 0
    log: list[str] = field(default_factory=list)
    on_ok: Callable[[], None] | None = None
    on_fail: Callable[[], None] | None = None
    exitstatus: str | None = None    # set once stopped
    endtime: int | None = None


class TaskControl:
    """Test-side control: task duration and the rules that make given tasks fail, warn or stall."""

    def __init__(self, duration: float = DEFAULT_DURATION):
        self.duration = duration
        self.rules: list[Rule] = []

    def fail(self, type=None, id=None, node=None, nth=None, message="simulated failure") -> Rule:
        return self._add(Rule("error", type, _id(id), node, nth, message))

    def warn(self, type=None, id=None, node=None, nth=None, count=1, message="simulated warning") -> Rule:
        return self._add(Rule("warnings", type, _id(id), node, nth, message, count))

    def stall(self, type=None, id=None, node=None, nth=None) -> Rule:
        return self._add(Rule("stall", type, _id(id), node, nth))

    def clear(self):
        self.rules.clear()

    def _add(self, rule: Rule) -> Rule:
        self.rules.append(rule)
        return rule

    def decide(self, task: Task) -> Rule | None:
        for rule in self.rules:
            if rule.matches(task):
                return rule
        return None


def _id(value):
    return None if value is None else str(value)


class TaskManager:
    """The cluster's tasks: start, finish the ones whose time has come, stop, read."""

    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.control = TaskControl()
        self.tasks: dict[str, Task] = {}
        self._next_pid = 4000
        self._boot = int(time.time()) - 86400

    def start(self, node: str, kind: str, ident: str, user: str, on_ok: Callable[[], None] | None = None,
              log: list[str] | None = None, on_fail: Callable[[], None] | None = None) -> str:
        pid = self.next_pid()
        self._next_pid += 1
        now = time.time()
        pstart = int((now - self._boot) * 100) + pid  # clock ticks since boot, unique per task
        upid = upid_encode(node, pid, pstart, int(now), kind, ident, user)
        task = Task(upid, node, pid, pstart, int(now), kind, ident, user, time.monotonic() + self.control.duration,
                    log=list(log or []), on_ok=on_ok, on_fail=on_fail)
        rule = self.control.decide(task)
        if rule and rule.outcome == "stall":
            task.ends_at = None
        elif rule:
            task.outcome, task.message, task.warnings = rule.outcome, rule.message, rule.count
        self.tasks[upid] = task
        if self.control.duration <= 0 and task.ends_at is not None:
            self._finish(task)
        return upid

    def next_pid(self) -> int:
        """The PID the next task's worker gets (a worker that names its own PID, like qmrestore's
        /var/tmp/vzdumptmp<pid>, reads it before it starts)."""
        return self._next_pid

    def tick(self):
        """Finish every task whose time has passed, oldest first (called on each API request)."""
        now = time.monotonic()
        for task in list(self.tasks.values()):
            if task.exitstatus is None and task.ends_at is not None and task.ends_at <= now:
                self._finish(task)

    def release(self, upid: str, outcome: str = "ok", message: str = ""):
        """End a stalled (or running) task now."""
        task = self.tasks[upid]
        if outcome != "ok":
            task.outcome, task.message = outcome, message or task.message
        self._finish(task)

    def stop(self, upid: str):
        """DELETE /nodes/{node}/tasks/{upid}: the worker gets SIGTERM and dies."""
        task = self.tasks[upid]
        if task.exitstatus is None:
            task.outcome, task.message = "error", "received interrupt"
            self._finish(task)

    def _finish(self, task: Task):
        if task.outcome == "error":
            if task.on_fail:
                task.on_fail()
            task.log.append(f"TASK ERROR: {task.message}")
            task.exitstatus = task.message
        else:
            if task.on_ok:
                try:
                    task.on_ok()
                except TaskFailed as exc:  # the work itself failed (e.g. a storage error)
                    task.log.extend(exc.log)
                    task.outcome, task.message, task.on_fail = "error", str(exc), None
                    return self._finish(task)
            if task.outcome == "warnings":
                task.log.extend(f"WARN: {task.message}" for _ in range(task.warnings))
                task.log.append(f"TASK WARNINGS: {task.warnings}")
                task.exitstatus = f"WARNINGS: {task.warnings}"
            else:
                task.log.append("TASK OK")
                task.exitstatus = "OK"
        task.endtime = int(time.time())


class TaskFailed(Exception):
    """Raised by a task's work: the task ends with this error (what the work changed before stays), ``log`` printed
    before it."""

    def __init__(self, message: str, log: list[str] | None = None):
        super().__init__(message)
        self.log = list(log or [])

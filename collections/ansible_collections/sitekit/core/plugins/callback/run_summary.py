"""Run summary for operators and auditors: what each run changed, failed or could not reach.

Appends one record per playbook run to the run journal (plugin_utils/journal.py describes the
format), prints a summary in which an unreachable host is a failure, and writes an HTML report
of the run when $SITEKIT_REPORT_HTML names a file.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: run_summary
type: aggregate
short_description: Run journal (JSON lines), readable summary and optional HTML report of each run
description:
  - At the end of each C(ansible-playbook) run, appends one JSON line to C(runs.jsonl) in the journal directory with
    C(when) (ISO 8601 UTC), C(who) (user@host), C(inventory), C(playbook), C(mode) (C(check) or C(apply)), C(limit),
    C(tags) (run and skip), C(exit) (0, 2 when a host failed, 4 when a host was unreachable), C(hosts) (per host
    C(ok), C(changed), C(failed), C(unreachable), C(skipped)), C(tasks) (every task that changed or failed, per host,
    with its role and a diff summary - file, lines added and removed), C(plays) (name, tier and seconds) and C(duration_s).
  - The journal directory is E(SITEKIT_JOURNAL_DIR), else E(SITEKIT_RUN_LOG_DIR), else C(journal/) beside the
    C(ansible.cfg) in use (else in the current directory). A write error is a warning, not a failure.
  - Prints a C(SITEKIT RUN SUMMARY) banner - hosts changed, failures (an unreachable host counts as a failure), the
    mode, one line per changed, failed or unreachable task, and the journal file.
  - When E(SITEKIT_REPORT_HTML) is set, writes there an HTML page of the run - per host its counts, per changed or
    failed task its message and diff (tasks with C(no_log) show neither).
  - When E(SITEKIT_RUN_LOG_DIR) is set, also writes the former per-run file C(<end time>-<playbook>.json)
    (C(playbook), C(inventory), C(check_mode), C(changed), C(failed), C(duration_s), C(finished)) for the readers
    that still expect it (molecule check-mode assertions); deprecated, read the journal instead.
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
requirements:
  - enabled in C(callbacks_enabled) (sitekit's C(ansible.cfg) does)
notes:
  - The environment variables are read directly; the callback has no configuration option.
  - Diffs appear in the HTML report only for runs with C(--diff) (or tasks with C(diff) set).
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = sitekit.core.run_summary

# then, e.g.:  SITEKIT_JOURNAL_DIR=/var/log/sitekit SITEKIT_REPORT_HTML=/tmp/run.html \
#   ansible-playbook -i inventories/<site> playbooks/site.yml --diff
"""

# ruff: noqa: E402  (Ansible plugin layout: the documentation comes before the imports)
import atexit
import getpass
import json
import os
import re
import socket
import time
import uuid
from pathlib import Path

from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible_collections.sitekit.core.plugins.plugin_utils import journal, run_report

_MSG_MAX = 500
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours _get_diff adds on a terminal: plain text in the report


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "sitekit.core.run_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.started = time.time()
        self.playbook = None
        self.playbooks: list[str] = []  # every playbook of the run (ansible-playbook a.yml b.yml), in order
        self.play_hosts: list[str] = []
        self.dropped: dict[str, str] = {}  # host -> why: failed with a rescued run_once task, as ansible-core does
        self.inventory: list[str] = []
        self.cli_check = bool(context.CLIARGS.get("check"))
        self.run_id = os.environ.get("SITEKIT_RUN_ID") or uuid.uuid4().hex
        self.details: list[dict] = []  # one per changed, failed or unreachable task, in run order
        self.plays: list[dict] = []
        self.tally: dict[str, dict] = {}  # per host, as the stats count: for a run that never reaches them
        self.ran_in_check = self.ran_applied = self.applied_a_change = False
        self.journal_path = None
        self.started_record = None
        self.ended = False
        self.pid = os.getpid()
        atexit.register(self._interrupted)

    # ---- events ----------------------------------------------------------------------------------
    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(playbook._file_name)
        self.playbooks.append(self.playbook)
        self.ended = False  # ansible-core sends the stats after each playbook: the run goes on

    def v2_playbook_on_play_start(self, play):
        self._close_play()
        tiers = [str(t).split("::", 1)[1] for t in play.tags or [] if str(t).startswith("tier::")]
        self.plays.append({"name": play.get_name(), "tier": tiers[0] if tiers else None, "started": time.time()})
        inventory = getattr(play.get_variable_manager(), "_inventory", None)
        if inventory is not None:
            self.inventory = [str(s) for s in inventory._sources]
            try:
                self.play_hosts = [h.get_name() for h in inventory.get_hosts(play.hosts)]
            except Exception:  # noqa: BLE001 - only for the run_once case below; the strategy reports a bad pattern
                self.play_hosts = []
        if self.started_record is None:  # before the first task: a run killed later still shows it ran
            self.started_record = {**self._header(), "event": "start", "status": "started"}
            self._append(self.started_record)

    def v2_runner_on_ok(self, result):
        changed = bool(result._result.get("changed"))
        self._count(result, "changed" if changed else "ok")
        if changed:
            self._detail(result, "changed")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        rescued = not ignore_errors and _rescued(result._task)
        self._count(result, "ok" if ignore_errors or rescued else "failed")
        if not ignore_errors:
            self._detail(result, "rescued" if rescued else "failed")
        if rescued and getattr(result._task, "run_once", False):
            # ansible-core marks every host of the play failed and sends only this one through the rescue: the others
            # run nothing more and make ansible-playbook exit 2, yet the stats do not count them
            # (plugins/strategy/__init__.py, "if original_task.run_once")
            here = result._host.get_name()
            for host in self.play_hosts:
                if host != here and self.tally.get(host, {}).get("unreachable", 0) == 0:
                    self.dropped.setdefault(host, f"failed with the run_once task {result._task.get_name()!r} of {here} "
                                                  "(only that host ran its rescue)")

    def v2_runner_on_skipped(self, result):
        self._count(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        if not getattr(result._task, "ignore_unreachable", False):  # ignored, as ignore_errors: the stats do not count it
            self._count(result, "unreachable")
            self._detail(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._close_play()
        record = self._record(self._stats_hosts(stats), "complete")
        self.ended = True
        self._write(record)
        self._show(record)

    def _interrupted(self):
        """At exit without the stats (Ctrl-C, an error that stopped ansible-playbook): the end record of what ran."""
        if self.ended or self.started_record is None or os.getpid() != self.pid:
            return
        self.ended = True
        self._close_play()
        record = self._record(self.tally, "interrupted")
        self._write(record)
        self._show(record)

    # ---- building the record -----------------------------------------------------------------------
    def _close_play(self):
        if self.plays and "seconds" not in self.plays[-1]:
            self.plays[-1]["seconds"] = round(time.time() - self.plays[-1].pop("started"), 1)

    def _count(self, result, status):
        in_check = _in_check_mode(result._task, self.cli_check)
        self.ran_in_check |= in_check
        self.ran_applied |= not in_check
        self.applied_a_change |= status == "changed" and not in_check
        counts = self.tally.setdefault(result._host.get_name(), dict.fromkeys(_COUNTS, 0))
        counts["ok" if status == "changed" else status] += 1
        counts["changed"] += status == "changed"

    def _detail(self, result, status):
        res = result._result
        diffs = res.get("diff") or [r.get("diff") for r in res.get("results", []) if isinstance(r, dict) and r.get("diff")]
        diff_text = "".join(self._get_diff(d) for d in (diffs if isinstance(diffs, list) else [diffs]) if d) if diffs else ""
        role = result._task._role.get_name() if getattr(result._task, "_role", None) else None
        self.details.append({
            "host": result._host.get_name(), "task": result._task.get_name(), "role": role, "status": status,
            "msg": str(res.get("msg", ""))[:_MSG_MAX] if status != "changed" else "",
            "diff_summary": journal.diff_summary(diffs), "diff": _ANSI.sub("", diff_text),
            "check": _in_check_mode(result._task, self.cli_check),
        })

    @staticmethod
    def _stats_hosts(stats) -> dict:
        hosts = {}
        for host in sorted(stats.processed):
            s = stats.summarize(host)
            hosts[host] = {"ok": s["ok"], "changed": s["changed"], "failed": s["failures"],
                           "unreachable": s["unreachable"], "skipped": s["skipped"]}
        return hosts

    def _mode(self) -> str:
        """"apply" when a task outside check mode changed something, or the run applies (no --check) and not every task
        ran in check mode; else "check" - so "nothing applied" is never said of a run that applied a change."""
        if self.applied_a_change:
            return "apply"
        if self.cli_check or (self.ran_in_check and not self.ran_applied):
            return "check"
        return "apply"

    def _header(self) -> dict:
        return {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "who": f"{getpass.getuser()}@{socket.gethostname()}",
            "inventory": self.inventory,
            "playbook": self.playbook,
            "mode": self._mode(),
            "limit": context.CLIARGS.get("subset") or None,
            "tags": {"run": list(context.CLIARGS.get("tags") or ["all"]), "skip": list(context.CLIARGS.get("skip_tags") or [])},
            "run_id": self.run_id,
        }

    def _record(self, hosts: dict, status: str) -> dict:
        hosts = {h: dict(c) for h, c in hosts.items()}
        for host in self.dropped:
            counts = hosts.setdefault(host, dict.fromkeys(_COUNTS, 0))
            counts["failed"] = max(counts["failed"], 1)
        hosts = {h: hosts[h] for h in sorted(hosts)}
        exit_code = 4 if any(h["unreachable"] for h in hosts.values()) else 2 if any(h["failed"] for h in hosts.values()) else 0
        return {
            **self._header(),
            "event": "end",
            "status": status,
            "exit": exit_code if status == "complete" else None,
            "hosts": hosts,
            "tasks": [{"host": d["host"], "task": d["task"], "role": d["role"], "changed": d["status"] == "changed",
                       "failed": d["status"] in ("failed", "unreachable"), "rescued": d["status"] == "rescued",
                       "check": d["check"], "diff_summary": d["diff_summary"]} for d in self.details],
            "plays": self.plays,
            "playbooks": list(self.playbooks),
            "dropped": dict(self.dropped),
            "duration_s": round(time.time() - self.started, 1),
        }

    # ---- output -------------------------------------------------------------------------------------
    def _append(self, record):
        try:
            self.journal_path = journal.append(record, C.CONFIG_FILE)
        except OSError as exc:
            self.journal_path = None
            self._display.warning(f"run_summary: could not append to the run journal: {exc}")

    def _write(self, record):
        self._append(record)
        if os.environ.get("SITEKIT_REPORT_HTML"):
            try:
                Path(os.environ["SITEKIT_REPORT_HTML"]).write_text(run_report.render(record, self.details), encoding="utf-8")
            except OSError as exc:
                self._display.warning(f"run_summary: could not write the HTML report: {exc}")
        if os.environ.get("SITEKIT_RUN_LOG_DIR"):
            self._write_legacy(record, Path(os.environ["SITEKIT_RUN_LOG_DIR"]))

    def _write_legacy(self, record, folder: Path):
        legacy = {"playbook": record["playbook"], "inventory": record["inventory"], "check_mode": record["mode"] == "check",
                  "changed": [{"host": d["host"], "task": d["task"]} for d in self.details if d["status"] == "changed"],
                  "failed": [{"host": d["host"], "task": d["task"], "msg": d["msg"]} for d in self.details if d["status"] in _FAILURES],
                  "duration_s": record["duration_s"], "finished": record["when"]}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{record['when'].replace(':', '')}-{record['playbook']}.json").write_text(json.dumps(legacy, indent=2))
        except OSError as exc:
            self._display.warning(f"run_summary: could not write the run record: {exc}")

    def _show(self, record):
        dropped = [{"status": "failed", "host": host, "task": "(no task of its own)", "msg": why, "diff_summary": ""}
                   for host, why in self.dropped.items()]
        failed = [d for d in self.details if d["status"] in _FAILURES] + dropped
        bad_hosts = sorted(h for h, c in record["hosts"].items() if c["failed"] or c["unreachable"])
        changed_hosts = sorted(h for h, c in record["hosts"].items() if c["changed"])
        changes = [d for d in self.details if d["status"] == "changed"]
        mode = "check mode (nothing applied)" if record["mode"] == "check" else "applied"
        end = f"exit {record['exit']}" if record["status"] == "complete" else "INTERRUPTED before its end: what ran so far"
        self._display.banner("SITEKIT RUN SUMMARY")
        self._display.display(
            f"{record['playbook']}: {len(record['hosts'])} host(s), {len(changes)} change(s) on "
            f"{len(changed_hosts)} host(s), {len(failed)} failure(s) on {len(bad_hosts)} host(s), {mode}, {end}")
        for d in self.details + dropped:
            label = {"changed": "changed    ", "failed": "FAILED     ", "unreachable": "UNREACHABLE", "rescued": "rescued    "}[d["status"]]
            extra = f": {d['msg']}" if d["msg"] else (f" ({d['diff_summary']})" if d["diff_summary"] else "")
            self._display.display(f"  {label} {d['host']}: {d['task']}{extra}")
        if self.journal_path:
            self._display.display(f"journal: {self.journal_path}")


_FAILURES = ("failed", "unreachable")
_COUNTS = ("ok", "changed", "failed", "unreachable", "skipped")


def _in_check_mode(task, cli_check: bool) -> bool:
    """The check mode the task ran in: its own, its block's or its play's ``check_mode``, else ``--check``."""
    value = getattr(task, "check_mode", None)
    return value if isinstance(value, bool) else cli_check


def _rescued(task) -> bool:
    """True when the task sits in the ``block`` part of a block (or of an enclosing one) that has a ``rescue``:
    ansible-core counts its failure as rescued, not as a failure (plugins/strategy/__init__.py, is_any_block_rescuing).

    Every node walked so far counts: an ``import_tasks``/``import_role`` puts the imported blocks themselves in the
    enclosing ``block`` list while their parent is the import task, which is not in it."""
    chain, parent = [task], getattr(task, "_parent", None)
    while parent is not None:
        if getattr(parent, "rescue", None):
            ids = {id(n) for n in chain} | {getattr(n, "_uuid", None) for n in chain} - {None}
            if any(id(child) in ids or getattr(child, "_uuid", None) in ids for child in getattr(parent, "block", None) or []):
                return True
        chain.append(parent)
        parent = getattr(parent, "_parent", None)
    return False

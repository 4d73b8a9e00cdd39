"""Run history: what was applied when, by whom, with what result, from the run journal."""

from __future__ import annotations

from sitedoc import journal
from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status

SHOWN_TASKS = 200  # changed, failed or rescued tasks listed per run at most (the journal keeps them all)


def _result(record: dict) -> str:
    t = journal.totals(record)
    if journal.succeeded(record):
        return status("ok", "succeeded")
    if record.get("status") == "interrupted":
        return status("fail", f"interrupted before its end, {t['failed']} failed, {t['unreachable']} unreachable so far")
    if not journal.ended(record):  # only the start record: killed, or still running
        return status("warn", "no end recorded (killed, or still running)")
    return status("fail", f"exit {record.get('exit')}, {t['failed']} failed, {t['unreachable']} unreachable")


def _task_result(task: dict, record: dict) -> str:
    if task.get("failed"):
        return status("fail", "failed")
    if task.get("rescued"):  # its failure was handled by the block's rescue: no failure of the run
        return status("warn", "failed, rescued")
    in_check = task.get("check", record.get("mode") == "check")  # older records have no per-task check
    return status("warn", "would change" if in_check else "changed")


def page(ctx: Context) -> Page:
    j = journal.read(ctx.journal_dir, ctx.inventory)
    p = Page("history", "Run history")
    where = f"`{ctx.journal_dir}`" if ctx.journal_dir else "no journal directory (set SITEKIT_JOURNAL_DIR)"
    p.add(Para(f"Every `ansible-playbook` run against this inventory, newest first, one row per run, from the run journal "
               f"({where}). Check-mode runs change nothing; their counts say what an apply would change. An interrupted "
               "run counts what it did before it stopped; a run with no end recorded was killed or is still running."))
    runs = list(reversed(j.records))
    rows = []
    for r in runs:
        t = journal.totals(r)
        # A run with no end recorded has only its start record: no counts (not zeros).
        counts = [len(r["hosts"]), t["ok"], t["changed"], t["failed"], t["unreachable"]] if "hosts" in r else [""] * 5
        rows.append([r.get("when", ""), r.get("who", ""), r.get("playbook", ""), r.get("mode", ""), r.get("limit") or "all",
                     journal.tag_text(r.get("tags")), *counts, _result(r)])
    p.add(Table(["when (UTC)", "who", "playbook", "mode", "limit", "tags", "hosts", "ok", "changed", "failed",
                 "unreachable", "result"], rows, empty="no run recorded"))
    if j.unreadable:
        p.add(Para(status("warn", f"{len(j.unreadable)} journal line(s) are not run records: {', '.join(j.unreadable)}")))
    for r in runs:
        tasks = [t for t in r.get("tasks") or [] if t.get("changed") or t.get("failed") or t.get("rescued")]
        if not tasks:
            continue
        p.add(Heading(f"{r.get('when', '')} {r.get('playbook', '')} ({r.get('mode', '')})", 3),
              Table(["host", "role", "task", "result", "what changed"],
                    [[t.get("host", ""), t.get("role") or "", t.get("task", ""), _task_result(t, r), t.get("diff_summary") or ""]
                     for t in tasks[:SHOWN_TASKS]]))
        if len(tasks) > SHOWN_TASKS:
            p.add(Para(f"… and {len(tasks) - SHOWN_TASKS} more changed, failed or rescued tasks in the journal."))
    return p

"""Run history: what was applied when, by whom, with what result, from the run journal."""

from __future__ import annotations

from sitedoc import journal
from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status

SHOWN_TASKS = 200  # changed or failed tasks listed per run at most (the journal keeps them all)


def _result(record: dict) -> str:
    t = journal.totals(record)
    if journal.succeeded(record):
        return status("ok", "succeeded")
    return status("fail", f"exit {record.get('exit')}, {t['failed']} failed, {t['unreachable']} unreachable")


def page(ctx: Context) -> Page:
    j = journal.read(ctx.journal_dir, ctx.inventory)
    p = Page("history", "Run history")
    where = f"`{ctx.journal_dir}`" if ctx.journal_dir else "no journal directory (set SITEKIT_JOURNAL_DIR)"
    p.add(Para(f"Every `ansible-playbook` run against this inventory, newest first, from the run journal ({where}). "
               "Check-mode runs change nothing; their counts say what an apply would change."))
    runs = list(reversed(j.records))
    rows = []
    for r in runs:
        t = journal.totals(r)
        rows.append([r["when"], r.get("who", ""), r.get("playbook", ""), r.get("mode", ""), r.get("limit") or "all",
                     ", ".join(r.get("tags") or []) or "all", len(r.get("hosts") or {}), t["ok"], t["changed"],
                     t["failed"], t["unreachable"], _result(r)])
    p.add(Table(["when (UTC)", "who", "playbook", "mode", "limit", "tags", "hosts", "ok", "changed", "failed",
                 "unreachable", "result"], rows, empty="no run recorded"))
    if j.unreadable:
        p.add(Para(status("warn", f"{len(j.unreadable)} journal line(s) are not run records: {', '.join(j.unreadable)}")))
    for r in runs:
        tasks = [t for t in r.get("tasks") or [] if t.get("changed") or t.get("failed")]
        if not tasks:
            continue
        p.add(Heading(f"{r['when']} {r.get('playbook', '')} ({r.get('mode', '')})", 3),
              Table(["host", "role", "task", "result", "what changed"],
                    [[t.get("host", ""), t.get("role") or "", t.get("task", ""),
                      status("fail", "failed") if t.get("failed") else
                      status("warn", "would change" if r.get("mode") == "check" else "changed"),
                      t.get("diff_summary") or ""] for t in tasks[:SHOWN_TASKS]]))
        if len(tasks) > SHOWN_TASKS:
            p.add(Para(f"… and {len(tasks) - SHOWN_TASKS} more changed or failed tasks in the journal."))
    return p

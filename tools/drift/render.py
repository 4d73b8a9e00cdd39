"""The drift report as pages (the auditor's pack's blocks and writers) and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from sitedoc.html import write_site
from sitedoc.report import Bullets, Heading, Page, Para, Table, status

_STATUS = {0: ("ok", "no drift"), 1: ("fail", "drift"), 2: ("warn", "not fully checked")}


def _changes_table(diff: dict) -> Table:
    if "changes" in diff:
        return Table(["what", "inventory says", "site has"],
                     [[c["key"], c["after"], c["before"]] for c in diff["changes"]], empty="no field differs")
    return Table(["line (- on the site, + as the inventory wants)"], [[f"`{x}`"] for x in diff["lines"]], empty="no line")


def pages(report: dict) -> list[Page]:
    kind, word = _STATUS[report["exit"]]
    index = Page("index", f"Drift of {report['inventory']}")
    index.add(
        Para(f"Checked {report['when']} by {report['who']}: `{' '.join(report['command'])}` "
             f"(check mode: nothing was changed)."),
        Table(["result", "drift items", "hosts checked", "hosts not checked", "failed tasks", "exit"],
              [[status(kind, word), len(report["items"]), len(report["checked"]), len(report["not_checked"]),
                len(report["failures"]), report["exit"]]]),
        Heading("What differs from the inventory"),
        Table(["tier", "host", "role", "task", "what differs"],
              [[i["tier"], i["host"], i["role"], i["task"], i["what"]] for i in report["items"]],
              empty="nothing: the site is as the inventory describes it"),
        Heading("Hosts not checked"),
        Table(["host", "why"], [[status("warn", n["host"]), n["reason"]] for n in report["not_checked"]], empty="none"),
        Heading("Tasks that failed (the run could not tell)"),
        Table(["tier", "host", "task", "status", "message"],
              [[f["tier"], f["host"], f["task"], status("fail", f["status"]), f["msg"]] for f in report["failures"]],
              empty="none"),
    )
    if report["consequences"]:
        index.add(Heading("Handlers the corrections would trigger"),
                  Table(["host", "handlers"], [[h, v] for h, v in sorted(report["consequences"].items())]))
    if report["ignored"]:
        index.add(Heading("Changes that are not drift"),
                  Table(["host", "task", "why"], [[x["host"], x["task"], x["why"]] for x in report["ignored"]]))
    details = Page("details", "Details per tier and host")
    if not report["items"]:
        details.add(Para("No drift item."))
    for tier, hosts in report["tiers"].items():
        details.add(Heading(f"Tier {tier}"))
        for host in hosts:
            details.add(Heading(host, 3))
            for entry in (i for i in report["items"] if (i["tier"] or "site") == tier and i["host"] == host):
                details.add(Para(f"**{entry['role'] or '-'} : {entry['task']}** ({entry['action']}): {entry['what']}"))
                for diff in entry["diffs"]:
                    details.add(*([Bullets([f"`{diff['object']}`"])] if diff["object"] else []), _changes_table(diff))
    return [index, details]


def write(report: dict, out: Path) -> list[Path]:
    """drift.json, index/details .md and .html in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "drift.json").write_text(json.dumps(report, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    footer = f"make drift INV={report['inventory_path']}: check mode, nothing changed; exit {report['exit']}"
    return [out / "drift.json", *write_site(pages(report), out, f"Drift report: {report['inventory']}", footer)]

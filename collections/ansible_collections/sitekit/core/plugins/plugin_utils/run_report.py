"""An HTML page of one run: per host its counts, per task what changed or failed, with the diffs.

Written by the ``sitekit.core.run_summary`` callback when $SITEKIT_REPORT_HTML names a file
(``make lab`` does). Self-contained (inline CSS, no script), everything escaped.
"""

from __future__ import annotations

import html

_CSS = """body{font:14px sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;
padding:2px 8px;text-align:left}.changed{background:#fff4c2}.failed,.unreachable{background:#ffd0d0}
pre{background:#f6f6f6;padding:6px;overflow-x:auto;max-height:30em}details{margin:2px 0}"""


def render(record: dict, details: list[dict]) -> str:
    """``record`` is a journal record; ``details`` [{host, task, role, status, msg, diff}] in run order."""
    e = html.escape
    end = f"exit {record['exit']}" if record.get("status", "complete") == "complete" else "INTERRUPTED before its end"
    title = f"{record['playbook']} on {', '.join(record['inventory'])}: {record['mode']}, {end}"
    rows = "".join(
        f"<tr class='{_host_class(c)}'><td>{e(h)}</td>" + "".join(f"<td>{c[k]}</td>" for k in _COUNTS) + "</tr>"
        for h, c in sorted(record["hosts"].items()))
    tasks = []
    for d in details:
        label = f"{d['status'].upper()} {d['host']}: {d['task']}" + (f" (role {d['role']})" if d.get("role") else "")
        body = ""
        if d.get("msg"):
            body += f"<pre>{e(d['msg'])}</pre>"
        if d.get("diff"):
            body += f"<pre>{e(d['diff'])}</pre>"
        tasks.append(f"<details class='{d['status']}'><summary>{e(label)}</summary>{body or '<p>no diff</p>'}</details>")
    plays = "".join(f"<tr><td>{e(p['name'])}</td><td>{p['seconds']}</td></tr>" for p in record.get("plays", []))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title><style>{_CSS}</style></head>"
            f"<body><h1>{e(title)}</h1><p>{e(record['when'])} by {e(record['who'])}, limit {e(str(record['limit']))}, "
            f"tags {e(str(record['tags']))}, {record.get('duration_s', '?')} s</p>"
            f"<h2>Hosts</h2><table><tr><th>host</th>{''.join(f'<th>{k}</th>' for k in _COUNTS)}</tr>{rows}</table>"
            f"<h2>Tasks that changed or failed ({len(details)})</h2>{''.join(tasks) or '<p>none</p>'}"
            f"<h2>Plays</h2><table><tr><th>play</th><th>seconds</th></tr>{plays}</table></body></html>\n")


_COUNTS = ("ok", "changed", "failed", "unreachable", "skipped")


def _host_class(counts: dict) -> str:
    if counts["unreachable"]:
        return "unreachable"
    if counts["failed"]:
        return "failed"
    return "changed" if counts["changed"] else ""

"""From the results of a check-mode run to the drift report: per tier, per host, what differs.

A *drift item* is one task that would change something on one host (a handler it would trigger
is a consequence, listed with the host, not a drift of its own). A failed task or an unreachable
host means the run could not tell: the report says which hosts were not checked and why, and the
exit code is 2, never "no drift".
"""

from __future__ import annotations

from drift.differ import describe, summary

NO_DRIFT, DRIFT, NOT_CHECKED = 0, 1, 2
HIDDEN = "(hidden: the task has no_log)"


def _not_drift(result: dict, review: dict) -> str | None:
    for entry in review.get("not_drift", []):
        if entry["role"] == result.get("role") and entry["task"] == result["task"]:
            return entry["why"]
    return None


def item(result: dict) -> dict:
    """One changed result as a drift item."""
    out = {k: result.get(k) for k in ("tier", "host", "role", "task", "action")}
    if result.get("no_log"):
        return {**out, "what": HIDDEN, "diffs": []}
    diffs = [describe(d) for d in result.get("diff") or [] if isinstance(d, dict)]
    detail = ", ".join(f"{k}={v}" for k, v in sorted((result.get("detail") or {}).items()))
    what = "; ".join(summary(d) for d in diffs) or (f"{result.get('action')}: {detail}" if detail else "(the module returned no diff)")
    return {**out, "what": what, "diffs": diffs}


def build(run: dict, *, not_checked_reasons: dict[str, str], review: dict, ansible_rc: int) -> dict:
    """The report (without the run's metadata) from the sitekit_drift callback's document."""
    items, failures, ignored, consequences = [], [], [], {}
    for result in run.get("results", []):
        if result["status"] != "changed":
            failures.append({k: result.get(k) for k in ("tier", "host", "role", "task", "status", "msg")})
        elif result.get("handler"):
            consequences.setdefault(result["host"], []).append(result["task"])
        elif why := _not_drift(result, review):
            ignored.append({"host": result["host"], "task": result["task"], "why": why})
        else:
            items.append(item(result))
    unreachable = {f["host"] for f in failures if f["status"] == "unreachable"}
    reached = {h for h, c in run.get("hosts", {}).items() if not c.get("unreachable")}
    not_checked = []
    for host in run.get("inventory_hosts", []):
        if host in unreachable:
            not_checked.append({"host": host, "reason": "unreachable"})
        elif host not in reached:
            not_checked.append({"host": host, "reason": not_checked_reasons.get(host, "not in this run (--limit or --tags)")})
    exit_code = NOT_CHECKED if (ansible_rc != 0 or failures) else DRIFT if items else NO_DRIFT
    tiers: dict[str, dict[str, list]] = {}
    for entry in items:
        tiers.setdefault(entry["tier"] or "site", {}).setdefault(entry["host"], []).append(entry)
    return {
        "exit": exit_code,
        "status": {NO_DRIFT: "no drift", DRIFT: "drift", NOT_CHECKED: "not fully checked"}[exit_code],
        "ansible_rc": ansible_rc,
        "items": items,
        "tiers": {t: {h: len(v) for h, v in sorted(hosts.items())} for t, hosts in sorted(tiers.items())},
        "failures": failures,
        "not_checked": not_checked,
        "checked": sorted(reached),
        "consequences": consequences,
        "ignored": ignored,
    }

"""The summary of a `make lab` run, read in ten seconds: per tier what exists, what changed on each
pass, failures and unreachable hosts, timings, and where the reports are.

Built from the journal records of the run (check pass, first converge, second converge: each pass's own, by run id), the
verification's JUnit file, the containers and the API simulator; written to build/lab/summary.txt
and build/lab/index.html (which links the HTML reports of every pass and the Windows plan).
"""

from __future__ import annotations

import html
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import containers
import readback
import windows_plan
from context import BUILD, site, tier_of_host

TIERS = ("proxmox", "network", "linux", "windows")
VERIFY_TIER = {"test_nodes": "proxmox", "test_api": "proxmox", "test_devices": "network", "test_debian": "linux"}
ROLE_TIER = {"cisco_ios": "network"}


def junit_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        bad = case.find("failure") if case.find("failure") is not None else case.find("error")
        skipped = case.find("skipped")
        out.append({"file": case.get("classname", "").split(".")[-1], "name": case.get("name"),
                    "ok": bad is None and skipped is None, "skipped": bad is None and skipped is not None,
                    "msg": (bad.get("message") or "")[:300] if bad is not None
                    else f"skipped: {skipped.get('message') or ''}"[:300] if skipped is not None else ""})
    return out


def task_tier(task: dict) -> str:
    if task["host"] != "localhost":
        return tier_of_host(task["host"])
    role = task.get("role") or ""
    return "proxmox" if role.startswith("proxmox_") else ROLE_TIER.get(role, "controller")


def per_tier(record: dict) -> dict:
    out = {t: {"changed": 0, "failed": [], "seconds": 0.0, "plays": 0} for t in (*TIERS, "controller")}
    for task in record.get("tasks", []):
        tier = out[task_tier(task)]
        if task["changed"]:
            tier["changed"] += 1
        elif task.get("failed", True):  # a rescued failure (run_summary: rescued) is not one; old records: all failed
            tier["failed"].append(f"{task['host']}: {task['task']}")
    for play in record.get("plays", []):
        out[play.get("tier") or "controller"]["seconds"] += play.get("seconds", 0)
        out[play.get("tier") or "controller"]["plays"] += 1
    return out


def pass_problem(name: str, record: dict) -> str | None:
    """Why one pass failed: refused before any play (no record), killed (a start record only), interrupted, or its exit."""
    rc = record.get("rc")
    if record.get("refused"):
        return f"{name} exit {rc}: refused before its first play (no run record)"
    if record.get("status") == "no end recorded":
        return f"{name} exit {rc}: no end recorded (killed or crashed after its first play started)"
    if record.get("status") == "interrupted":
        return f"{name} exit {rc}: interrupted by an error or a signal before its end"
    return f"{name} exit {rc}" if rc else None


def _exists() -> dict:
    s = site()
    running = containers.running()
    out = {}
    nodes = s.groups.get("proxmox_nodes", [])
    try:
        api = readback.pve_objects()
        api_text = f"API simulator: {len(api['vms'])} VMs, {len(api['storage'])} storages, {len(api['ha'])} HA resources, " \
                   f"{api['backup_jobs']} backup job(s)"
    except Exception as exc:  # noqa: BLE001 - the summary reports what it cannot read
        api_text = f"API simulator unreadable: {exc}"
    out["proxmox"] = f"{sum(running.get(n, False) for n in nodes)}/{len(nodes)} node stand-ins up; {api_text}"
    devices = s.groups.get("cisco_switches", []) + s.groups.get("cisco_routers", [])
    out["network"] = f"{len(devices)} simulated IOS devices ({', '.join(sorted(devices))})"
    debian = s.groups.get("debian", [])
    out["linux"] = f"{sum(running.get(h, False) for h in debian)}/{len(debian)} containers up ({', '.join(sorted(debian))})"
    return out


def _changed_tasks(record: dict) -> list[str]:
    """The tasks a pass changed, "host: task"."""
    return [f"{t['host']}: {t['task']}" for t in record.get("tasks", []) if t.get("changed")]


def _changed_count(record: dict) -> int:
    return sum(c.get("changed", 0) for c in record.get("hosts", {}).values())


def build(states: dict, first: dict, second: dict | None, checked: dict, phases: dict, warm: bool = False,
          check: dict | None = None) -> dict:
    """``warm``: the lab ran, converged by this code, before the first pass (lab.py): that pass must change nothing too.
    ``second``: None when that warm first pass changed nothing (it was the re-run; lab.py ran no other).
    ``check``: the check-mode pass before the first converge (None on a warm lab): it must go through."""
    second_ran = second is not None
    second = second if second_ran else {}
    plan = windows_plan.plan()
    (BUILD / "windows-plan.html").write_text(windows_plan.render_html(plan), encoding="utf-8")
    counts = windows_plan.counts(plan)
    exists = _exists()
    exists["windows"] = (f"{counts['hosts']} hosts, plan only ({windows_plan.NOT_RUN}): {counts['firewall_rules']} "
                         f"firewall rules, {counts['tsql_batches']} T-SQL batches, {counts['rds_steps']} RDS deployment steps "
                         f"({counts['rds_servers']} RDS servers), "
                         f"{counts['file_shares']} file share{'' if counts['file_shares'] == 1 else 's'}")
    verify = {t: [0, 0] for t in TIERS}
    for result in checked["results"]:
        tier = VERIFY_TIER.get(result["file"])
        if tier:
            verify[tier][0 if result["ok"] else 1] += 1
    passes = {"first": per_tier(first), "second": per_tier(second)}
    unreachable = sorted({h for r in (check or {}, first, second) for h, c in r.get("hosts", {}).items() if c.get("unreachable")})
    second_changed = _changed_count(second)
    problems = [p for p in (pass_problem("check pass", check) if check is not None else None,
                            pass_problem("first converge", first),
                            pass_problem("second converge", second) if second_ran else None) if p]
    check_outcome = None
    if check is not None:
        check_failed = [f for tier in per_tier(check).values() for f in tier["failed"]]
        check_outcome = {"changed": _changed_count(check),
                         "hosts": sum(1 for c in check.get("hosts", {}).values() if c.get("changed")),
                         "failed": check_failed, "mode": check.get("mode")}
        if check_failed and not check.get("rc"):
            problems.append(f"check pass: {len(check_failed)} failed task(s)")
        if check.get("mode") == "apply":
            problems.append("check pass applied changes (run_summary recorded mode apply)")
    first_changed = _changed_count(first)
    if warm and first_changed:
        problems.append(f"first converge on the running, converged lab changed {first_changed} task(s): not a no-op")
    if second_changed:
        problems.append(f"second converge changed {second_changed} task(s): not idempotent")
    # The changes of a pass that must change nothing, named.
    unexpected = {"first": _changed_tasks(first) if warm else [], "second": _changed_tasks(second)}
    not_reached = [t for t in TIERS if t != "windows" and not passes["first"][t]["plays"]]
    if not_reached:
        problems.append(f"not reached: {', '.join(not_reached)} (the run stopped where every host of a play failed)")
    if unreachable:
        problems.append(f"unreachable: {', '.join(unreachable)}")
    if checked["rc"]:
        problems.append(f"verification failed ({sum(1 for r in checked['results'] if not r['ok'])} test(s))")
    elif skipped := sum(1 for r in checked["results"] if r.get("skipped")):
        problems.append(f"verification skipped {skipped} test(s)")
    # Every tier but Windows (plan only) is proved by a verification test that passed, or the lab is not OK.
    unverified = [t for t in TIERS if t != "windows" and not verify[t][0]]
    if unverified:
        problems.append(f"not verified: {', '.join(unverified)} (no verification test of the tier passed)")
    outcome = {"ok": not problems, "problems": problems, "not_reached": not_reached, "extra_args": os.environ.get("LAB_ARGS", ""), "exists": exists, "passes": passes, "verify": verify,
               "unreachable": unreachable, "second_changed": second_changed, "phases": phases, "containers": states,
               "warm": warm, "second_ran": second_ran, "first_changed": first_changed, "unexpected_changes": unexpected, "check": check_outcome,
               "reports": {**({"check": check.get("report")} if check else {}), "converge": first.get("report"), "reconverge": second.get("report"),
                           "windows plan": str(BUILD / "windows-plan.html"), "index": str(BUILD / "index.html")},
               "logs": {**({"check": check.get("log")} if check else {}), "converge": first.get("log"), "reconverge": second.get("log"), "verify": checked.get("log")},
               "failed_tests": [f"{r['file']}::{r['name']}: {r['msg']}" for r in checked["results"] if not r["ok"]]}
    (BUILD / "index.html").write_text(_index(outcome), encoding="utf-8")
    return outcome


def render(o: dict) -> str:
    lines = ["", "=" * 100, f"SITEKIT LAB — {'OK' if o['ok'] else 'FAILED: ' + '; '.join(o['problems'])}", "=" * 100,
             f"{'tier':9}{'changed 1st/2nd':>16}{'failed 1st/2nd':>16}{'verify ok/bad':>15}{'time 1st/2nd':>16}  exists"]
    for tier in TIERS:
        a, b = o["passes"]["first"][tier], o["passes"]["second"][tier]
        verify = "plan only" if tier == "windows" else f"{o['verify'][tier][0]}/{o['verify'][tier][1]}"
        exists = ("NOT REACHED; " if tier in o["not_reached"] else "") + o["exists"][tier]
        if o.get("second_ran", True):
            b_changed, b_failed, b_seconds = b["changed"], len(b["failed"]), f"{b['seconds']:.0f}"
        else:
            b_changed = b_failed = b_seconds = "-"
        lines.append(f"{tier:9}{a['changed']:>8}/{b_changed:<7}{len(a['failed']):>8}/{b_failed:<7}"
                     f"{verify:>15}{a['seconds']:>9.0f}/{b_seconds} s  {exists}")
    if o["extra_args"]:
        lines.append(f"NOT THE WHOLE SITE: every pass ran with LAB_ARGS={o['extra_args']}")
    c = o.get("check")
    if c is not None:
        lines.append(f"check pass (--check, before the first converge): would change {c['changed']} task(s) on {c['hosts']} "
                     f"host(s), {len(c['failed'])} failed" + ("" if c["failed"] else "  (goes through)"))
        for item in c["failed"][:12]:
            lines.append(f"  FAILED (check) {item}")
    if o["warm"]:
        lines.append(f"first pass on the running, converged lab: changed={o['first_changed']}"
                     + ("  (no-op)" if not o["first_changed"] else "  NOT A NO-OP"))
    if o.get("second_ran", True):
        lines.append(f"second pass: changed={o['second_changed']}" + ("  (idempotent)" if not o["second_changed"] else "  NOT IDEMPOTENT"))
    else:
        lines.append("second pass: not run (the first pass re-ran this code's converged lab and changed nothing: idempotent)")
    lines.append(f"unreachable hosts: {', '.join(o['unreachable']) or 'none'}")
    for label, key in (("1st", "first"), ("2nd", "second")):
        for item in [f for tier in o["passes"][key].values() for f in tier["failed"]][:12]:
            lines.append(f"  FAILED ({label}) {item}")
    for label, key in (("1st", "first"), ("2nd", "second")):
        for item in o["unexpected_changes"][key][:12]:
            lines.append(f"  CHANGED ({label}) {item}")
    for item in o["failed_tests"][:12]:
        lines.append(f"  VERIFY {item}")
    lines.append("phases: " + ", ".join(f"{name.split(':')[0]} {sec:.0f} s" for name, sec in o["phases"].items()))
    lines.append(f"report: {o['reports']['index']} (each pass per host and task with diffs, the Windows plan)")
    lines.append(f"logs: {', '.join(f'{k} {v}' for k, v in o['logs'].items() if v)}")
    return "\n".join(lines)


def _index(o: dict) -> str:
    e = html.escape
    links = "".join(f"<li><a href='{e(Path(p).name)}'>{e(name)}</a></li>" for name, p in o["reports"].items()
                    if p and name != "index")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>make lab</title></head><body>"
            f"<pre>{e(render(o))}</pre><ul>{links}</ul></body></html>\n")

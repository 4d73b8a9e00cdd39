"""Backups: every backup job the Proxmox view asks the cluster for, its scope, schedule, retention,
restore targets, and the last PRA drill recorded in the run journal."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, days_outside, maintenance_windows

from sitedoc import journal
from sitedoc.context import Context
from sitedoc.report import Bullets, Heading, Page, Para, Table, status

PRA_PLAYBOOK = "pra_drill.yml"
# What each retention key of site_backup.retention keeps (PVE prune-backups; seeds 001 art. 9, 002 art. 6).
RETENTION = {"keep_last": "the most recent copies", "keep_hourly": "one copy per hour", "keep_daily": "one copy per day (J-1…J-n)",
             "keep_weekly": "one copy per week (the weekend's)", "keep_monthly": "one copy per month (M-1…M-n)",
             "keep_yearly": "one copy per year"}


def _names(ctx: Context) -> dict[int, str]:
    return {int(vm["vmid"]): name for name, vm in ctx.site.vms.items() if isinstance(vm, dict) and "vmid" in vm}


def _window(ctx: Context, job: dict, days: list[str]) -> str:
    at = str(job.get("schedule", "")).split()[-1]
    try:
        outside = days_outside(maintenance_windows(ctx.site.vars), days, at)
    except Exception as exc:  # noqa: BLE001 - shown on the page; validation names the cause
        return status("fail", str(exc))
    return status("fail", f"outside every window on {', '.join(outside)}") if outside else status("ok", "inside a maintenance window")


def job_rows(ctx: Context, state: dict) -> list[Heading | Table]:
    """One table per backup item of the view (jobs, and any other backup copy it models)."""
    names = _names(ctx)
    out = []
    for key in sorted(k for k in state if "backup" in k):
        for item in state[key]:
            vmids = [int(v) for v in str(item.get("vmid", "")).split(",") if v.strip().isdigit()]
            days = (ctx.site.vars.get("site_backup") or {}).get("days") or list(DAYS)
            rows = [[k, v] for k, v in sorted(item.items()) if k != "vmid"]
            if vmids:
                rows.append(["scope", f"{len(vmids)} VMs: " + ", ".join(names.get(v, str(v)) for v in vmids)])
            if "schedule" in item:
                rows.append(["maintenance window", _window(ctx, item, days)])
            out += [Heading(f"{key}: {item.get('id', item.get('storage', ''))}", 3), Table(["setting", "value"], rows)]
    return out


def scope_rows(ctx: Context, state: dict) -> list[list]:
    covered = {int(v) for key in state if "backup" in key for item in state[key]
               for v in str(item.get("vmid", "")).split(",") if v.strip().isdigit()}
    return [[spec["name"], spec["vmid"], spec["node"],
             status("ok", "backed up") if spec["vmid"] in covered else status("fail", "in no backup job")]
            for spec in state["vms"]]


def pra_rows(ctx: Context) -> list[list]:
    run = journal.last_run(journal.read(ctx.journal_dir, ctx.inventory), PRA_PLAYBOOK)
    if run is None:
        return []
    if journal.succeeded(run):
        verdict = status("ok", "within target")
    elif not journal.ended(run):  # interrupted, or no end recorded (killed, or still running): the drill gave no verdict
        verdict = status("fail" if run.get("status") == "interrupted" else "warn", f"no verdict: {run.get('status')}")
    else:
        verdict = status("fail", f"failed (exit {run.get('exit')})")
    notes = "; ".join(t.get("diff_summary") or "" for t in run.get("tasks") or [] if t.get("diff_summary"))
    return [[run.get("when", ""), run.get("who", ""), run.get("limit") or "", verdict, notes]]


def page(ctx: Context) -> Page:
    p = Page("backup", "Backups and restores")
    backup = ctx.site.vars.get("site_backup") or {}
    try:
        state = proxmox.desired_state(ctx.site)
    except Exception as exc:  # noqa: BLE001 - a broken inventory still gets its pack; validation says why
        return p.add(Para(status("fail", f"the Proxmox view cannot compute the backups: {exc} (see validation)")))
    p.add(Para("The backup jobs below are the Proxmox view's (`proxmox.desired_state`): what the proxmox_backup role "
               "applies on the cluster. Retention is PVE's prune-backups; the schedule is checked against the "
               "maintenance windows by the same code validation uses."))
    p.add(*job_rows(ctx, state))
    retention = backup.get("retention") or {}
    p.add(Heading("Retention"),
          Table(["setting", "copies kept", "meaning"],
                [[key, value, RETENTION.get(key, "")] for key, value in sorted(retention.items(), key=lambda kv: (
                    list(RETENTION).index(kv[0]) if kv[0] in RETENTION else len(RETENTION), kv[0]))],
                empty="no retention declared"))
    p.add(Heading("Scope: every VM"), Table(["VM", "VM id", "node", "backup"], scope_rows(ctx, state)))
    targets = backup.get("restore_target_minutes") or {}
    rows = [[group, minutes, ", ".join(ctx.site.group(group)) if group != "site" else "every other VM"]
            for group, minutes in sorted(targets.items(), key=lambda kv: kv[0] == "site")]
    p.add(Heading("Restore targets"),
          Para("`site_backup.restore_target_minutes`: `playbooks/pra_drill.yml` restores a VM from its latest "
               "backup and fails when it takes longer than its group's target (else the site's)."),
          Table(["group", "target (minutes)", "hosts"], rows, empty="no restore target declared"))
    p.add(Heading("Last PRA drill"),
          Table(["when", "who", "VM (limit)", "result", "notes"], pra_rows(ctx),
                empty="no PRA drill recorded in the run journal"
                      + ("" if ctx.journal_dir else " (no journal directory given: SITEKIT_JOURNAL_DIR)")))
    p.add(Bullets([f"Backup storage: `{backup.get('storage', '')}`; mode {backup.get('mode', '')}, "
                   f"compression {backup.get('compress', '')}."]))
    return p

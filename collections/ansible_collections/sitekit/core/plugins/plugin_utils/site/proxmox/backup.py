"""The vzdump jobs: the nightly backup of every inventory VM and its second copy, inside maintenance windows."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import (
    BACKUP_JOB_ID,
    SECOND_COPY_JOB_ID,
    BackupJob,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, days_outside, maintenance_windows


def _schedule(site, days: list[str], at, key: str) -> str:
    """A vzdump schedule (calendar event) for ``at`` on ``days``, refused outside every maintenance window."""
    outside = days_outside(maintenance_windows(site.vars), days, at, key)
    if outside:
        raise SiteError(f"{at} on {', '.join(outside)} is outside every maintenance window", key=key, value=at)
    return at if sorted(days, key=DAYS.index) == list(DAYS) else f"{','.join(days)} {at}"


def _prune(retention: dict) -> str:
    keep = {k.replace("_", "-"): int(v) for k, v in (retention or {}).items()}
    return ",".join(f"{k}={keep[k]}" for k in sorted(keep))


def _mail(backup: dict) -> dict:
    return {"mailto": ",".join(backup["mailto"]), "mailnotification": "always"} if backup.get("mailto") else {}


def backup_job(site, vmids: list[int]) -> BackupJob:
    """The nightly vzdump job (POST /cluster/backup parameters); it runs inside a maintenance window."""
    backup = site.vars.get("site_backup") or {}
    return BackupJob(
        id=BACKUP_JOB_ID,
        schedule=_schedule(site, list(backup.get("days") or DAYS), backup.get("schedule"), "site_backup.schedule"),
        storage=backup["storage"],
        mode=backup.get("mode", "snapshot"),
        compress=str(backup.get("compress", "zstd")),
        prune_backups=_prune(backup.get("retention")),
        vmid=",".join(str(v) for v in sorted(vmids)),
        enabled=1,
        comment="sitekit: nightly vzdump of every inventory VM (SITE-SPEC 3)",
        **_mail(backup),
    )


def _storages(site) -> dict:
    prox = site.vars.get("site_proxmox") or {}
    return {s.get("id"): s for s in prox.get("storage") or [] if isinstance(s, dict)}


def _second_place(site, backup: dict, key: str) -> str:
    """Where the second copy is kept: a storage for backups, other than the nightly one, in another location."""
    second = backup["second_copy"]
    stores = _storages(site)
    sid, first_sid = second.get("storage"), backup.get("storage")
    target = stores.get(sid)
    if target is None or "backup" not in (target.get("content") or []):
        raise SiteError(f"{sid!r} must be a storage of site_proxmox with content 'backup'", key=f"{key}.storage", value=sid)
    if sid == first_sid:
        raise SiteError(f"{sid!r} already holds the nightly copy: the second copy needs another storage",
                        key=f"{key}.storage", value=sid)
    first = stores.get(first_sid) or {}
    places = (first.get("location"), target.get("location"))
    if not all(places):
        raise SiteError(f"declare the location of storages {first_sid!r} and {sid!r} (site_proxmox.storage[].location): "
                        "two copies must be kept in two places", key=f"{key}.storage", value=sid)
    if places[0] == places[1]:
        raise SiteError(f"{first_sid!r} and {sid!r} are both in {places[0]!r}: two copies must be kept in two places",
                        key=f"{key}.storage", value=sid)
    return places[1]


def second_copy_job(site, vmids: list[int]) -> BackupJob | None:
    """The second copy of the backups (seeds 001 art. 9 and 002 art. 6: "deux exemplaires conservés dans
    deux lieux différents"; seed 003: a second, off-site copy): another vzdump job of every VM to
    ``site_backup.second_copy.storage``, a storage that holds backups in another ``location`` than the
    nightly job's, on its own days, time (inside a maintenance window) and retention. None when the
    inventory declares no second copy."""
    backup = site.vars.get("site_backup") or {}
    second = backup.get("second_copy")
    if not second:
        return None
    key = "site_backup.second_copy"
    place = _second_place(site, backup, key)
    return BackupJob(
        id=SECOND_COPY_JOB_ID,
        schedule=_schedule(site, list(second.get("days") or DAYS), second.get("schedule"), f"{key}.schedule"),
        storage=second.get("storage"),
        mode=second.get("mode", backup.get("mode", "snapshot")),
        compress=str(second.get("compress", backup.get("compress", "zstd"))),
        prune_backups=_prune(second.get("retention")),
        vmid=",".join(str(v) for v in sorted(vmids)),
        enabled=1,
        comment=f"sitekit: second copy of every inventory VM, kept {place} (seeds 001 art. 9, 002 art. 6)",
        **_mail(backup),
    )


def backup_jobs(site, vmids: list[int]) -> tuple[BackupJob, ...]:
    """Every vzdump job of the site: the nightly one, then the second copy when declared."""
    return tuple(job for job in (backup_job(site, vmids), second_copy_job(site, vmids)) if job)

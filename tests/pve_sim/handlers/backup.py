"""vzdump runs and scheduled backup jobs (pve-manager PVE/API2/VZDump.pm, PVE/API2/Backup.pm).

Jobs live in jobs.cfg; values come back as PVE::VZDump::JobBase parses them: booleans, integers
and numbers as numbers (SectionConfig check_value), ``prune-backups`` as a hash of strings
(JobBase decode_value -> parse_property_string; keep-all as the number 1), the rest as strings;
an empty form value is undefined and refused ("got undefined value for option"); the index adds
``next-run`` from the schedule (compute_next_event).
Errors raised inside ``cfs_lock_file`` come back stringified (``die "$@"``): HTTP 500 whose
message is "400 Parameter verification failed.\\n<key>: <message>\\n".
"""

from __future__ import annotations

import re
import time
import uuid

from .. import calendar_event, storage_plugins
from ..formats import split_list
from ..jsonschema import parse_property_string
from ..state import ApiError, Cluster, die, param_error
from .registry import api

JOB_ONLY = {"id", "schedule", "starttime", "dow", "enabled", "repeat-missed", "comment", "delete", "digest"}
DELETABLE_EXTRA = {"comment", "repeat-missed"}  # Backup.pm update_job $deletable


def make_archive(c: Cluster, storage: str, vmid: int, compress: str) -> str:
    """What vzdump leaves on the backup storage for one guest."""
    vm = c.vms[vmid]
    ext = {"zstd": ".zst", "gzip": ".gz", "lzo": ".lzo", "1": ".lzo"}.get(str(compress or "0"), "")
    seq = len(c.content.get(storage, []))
    stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.gmtime(time.time() + seq))
    volid = f"{storage}:backup/vzdump-qemu-{vmid}-{stamp}.vma{ext}"
    c.content.setdefault(storage, []).append({
        "volid": volid, "content": "backup", "format": f"vma{ext[1:] and '.' + ext[1:]}", "vmid": vmid,
        "ctime": int(time.time()) + seq, "size": 2**30, "notes": vm["config"].get("name", ""), "subtype": "qemu",
        "_config": dict(vm["config"])})
    return volid


def _verify_vzdump_parameters(params: dict, check_missing: bool):
    """pve-manager PVE/VZDump.pm verify_vzdump_parameters."""
    for key in ("all", "exclude", "pool"):
        if str(params.get(key) or "") not in ("", "0") and params.get("vmid"):  # Perl truth: undef is false
            raise param_error({key: "option conflicts with option 'vmid'"})
    if check_missing and not (str(params.get("all", "0")) == "1" or params.get("stop") or params.get("pool")) \
            and not params.get("vmid"):
        raise param_error({"vmid": "property is missing"})


@api("POST", "/nodes/{node}/vzdump")
def vzdump(c: Cluster, p, user):
    c.check_node(p["node"])
    _verify_vzdump_parameters(p, True)
    storage = p.get("storage") or "local"
    cfg = c.storage.get(storage)
    if cfg is None:
        raise die(f"storage '{storage}' does not exist")
    if "backup" not in storage_plugins.content_of(cfg):
        raise die(f"storage '{storage}' does not support backups")
    wanted = [int(v) for v in split_list(p.get("vmid"))] if p.get("vmid") else list(c.vms)
    local = [v for v in wanted if v in c.vms and c.vms[v]["node"] == p["node"]]
    if not local:
        return "OK"

    def run():
        for vmid in local:
            make_archive(c, storage, vmid, p.get("compress", "0"))
    ident = str(local[0]) if p.get("vmid") and len(wanted) == 1 else ""
    return c.task(p["node"], "vzdump", ident, user, run, [f"INFO: starting new backup job: vzdump {' '.join(map(str, local))}"])


# ---- jobs ------------------------------------------------------------------------------------
def _job_out(job: dict) -> dict:
    out = {}
    for key, value in job.items():
        if key == "prune-backups":
            # read back through parse_property_string: keep-* as the strings of jobs.cfg, keep-all as
            # the number parse_boolean / validate_prune_backups (pve-storage Plugin.pm) make of it
            out[key] = {k: (int(v) if k == "keep-all" else str(v)) for k, v in value.items()}
        else:
            out[key] = value
    return out


def _types(c: Cluster) -> dict:
    from ..server import get_schema  # the jobs' property types are the API schema's
    return {k: v.get("type") for k, v in get_schema(c.version).properties("/cluster/backup", "POST").items()}


def _number(value):
    text = str(value)
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)


def _job_values(c: Cluster, params: dict) -> dict:
    """pve-common SectionConfig.pm check_config of PVE::VZDump::JobBase: an undefined value (an empty
    form value) dies; check_value makes booleans, integers and numbers numbers ("$value + 0");
    prune-backups is the hash PVE/VZDump.pm verify_vzdump_parameters -> $parse_prune_backups made
    (parse_property_string with pve-storage Plugin.pm validate_prune_backups: keep-all=0 dropped,
    no positive keep-* means keep-all=1)."""
    types = _types(c)
    out = {}
    for key, value in params.items():
        if key in ("delete", "digest", "id", "starttime", "dow"):
            continue
        if value is None:
            raise die(f"got undefined value for option '{key}'")
        if key == "prune-backups":
            out[key] = {k: int(v) for k, v in parse_property_string("prune-backups", value).items()}
        elif types.get(key) in ("boolean", "integer", "number"):
            out[key] = _number(value)
        else:
            out[key] = value if isinstance(value, list) else str(value)
    return out


def _schedule_param_check(params: dict, required: bool):
    """Backup.pm $schedule_param_check: schedule or starttime (+dow, converted to a schedule)."""
    if params.get("schedule") is not None:
        if params.get("starttime") is not None:
            raise param_error({"starttime": "'starttime' and 'schedule' cannot both be set"})
    elif params.get("starttime") is None:
        if required:
            raise param_error({"schedule": "neither 'starttime' nor 'schedule' were set"})
    else:
        dow = ",".join(split_list(params.get("dow"))) if params.get("dow") else ""
        all_days = "mon,tue,wed,thu,fri,sat,sun"
        params["schedule"] = params["starttime"] if not dow or dow == all_days else f"{dow} {params['starttime']}"


def _in_lock(fn):
    """cfs_lock_file(...) + ``die "$@"``: exceptions are stringified into a plain 500."""
    try:
        return fn()
    except ApiError as exc:
        if exc.status == 400 and exc.errors:
            raise die("400 " + exc.message + "".join(f"{k}: {v}\n" for k, v in exc.errors.items())) from None
        raise


@api("GET", "/cluster/backup")
def backup_index(c: Cluster, p, user):
    out = []
    for job_id, job in c.backup_jobs.items():
        entry = _job_out(job)
        if job.get("schedule"):
            nxt = calendar_event.next_event(job["schedule"], int(time.time()))
            if nxt is not None:
                entry["next-run"] = nxt
        entry["id"] = job_id
        out.append(entry)
    return out


@api("GET", "/cluster/backup/{id}")
def backup_get(c: Cluster, p, user):
    job = c.backup_jobs.get(p["id"])
    if job is None:
        raise param_error({"id": f"No such job '{p['id']}'"})
    return {**_job_out(job), "id": p["id"]}


@api("POST", "/cluster/backup")
def backup_create(c: Cluster, p, user):
    params = dict(p)
    _schedule_param_check(params, True)
    if params.get("enabled") is None:  # Backup.pm create_job: enabled = 1 if !defined
        params["enabled"] = 1
    job_id = params.get("id") or str(uuid.uuid4())

    def create():
        if job_id in c.backup_jobs:
            raise die(f"Job '{job_id}' already exists")
        _verify_vzdump_parameters(params, True)
        job = {"type": "vzdump", **_job_values(c, params)}
        c.backup_jobs[job_id] = job
        c.touch("jobs.cfg")
    _in_lock(create)


@api("PUT", "/cluster/backup/{id}")
def backup_update(c: Cluster, p, user):
    params = {k: v for k, v in p.items() if k not in ("id", "delete")}
    delete = set(split_list(p.get("delete"))) if p.get("delete") else set()
    _schedule_param_check(params, False)
    params.pop("starttime", None)
    params.pop("dow", None)

    def update():
        if not params and not delete:
            raise die("no options specified")
        _verify_vzdump_parameters(params, False)
        values = _job_values(c, params)  # JobBase->check_config, before the job is looked up
        job = c.backup_jobs.get(p["id"])
        if job is None:
            raise die("no such vzdump job")
        vzdump_options = set(_vzdump_options(c)) | DELETABLE_EXTRA
        for key in sorted(delete):
            if key not in vzdump_options:
                raise param_error({"delete": f"unknown option '{key}'"})
        new = {k: v for k, v in job.items() if k not in delete}
        new.update(values)
        if new.get("exclude") and not new.get("pool"):
            new["all"] = 1
        if params.get("vmid") is not None:
            for key in ("all", "exclude", "pool"):
                new.pop(key, None)
        elif str(params.get("all", "0")) == "1":
            new.pop("vmid", None)
            new.pop("pool", None)
        elif new.get("pool"):
            for key in ("vmid", "all", "exclude"):
                new.pop(key, None)
        _verify_vzdump_parameters(new, True)
        c.backup_jobs[p["id"]] = new
        c.touch("jobs.cfg")
    _in_lock(update)


def _vzdump_options(c: Cluster):
    from ..server import get_schema  # the job's vzdump options are the schema's, minus the job's own
    return [k for k in get_schema(c.version).properties("/cluster/backup", "POST") if k not in JOB_ONLY]


@api("DELETE", "/cluster/backup/{id}")
def backup_delete(c: Cluster, p, user):
    def delete():
        if p["id"] not in c.backup_jobs:
            raise param_error({"id": f"No such job '{p['id']}'"})
        del c.backup_jobs[p["id"]]
        c.touch("jobs.cfg")
    _in_lock(delete)

"""Node task API (pve-manager PVE/API2/Tasks.pm): status, log, list, stop."""

from __future__ import annotations

import re

from ..state import Cluster, param_error
from ..tasks import UPID_RE, Task
from .registry import Total, api


def _task(c: Cluster, p) -> Task:
    """read_task_status: an unparsable UPID or one without a log file is a parameter error."""
    if not re.fullmatch(UPID_RE, p["upid"]):
        raise param_error({"upid": "unable to parse worker upid"})
    task = c.tasks.tasks.get(p["upid"])
    if task is None or task.node != p["node"]:
        raise param_error({"upid": "no such task"})
    return task


def _user_fields(task: Task) -> dict:
    """$convert_token_task: a token's task reports user and tokenid apart."""
    user, _, token = task.user.partition("!")
    return {"user": user, **({"tokenid": token} if token else {})}


@api("GET", "/nodes/{node}/tasks/{upid}/status")
def task_status(c: Cluster, p, user):
    task = _task(c, p)
    out = {"upid": task.upid, "node": task.node, "pid": task.pid, "pstart": task.pstart, "starttime": task.starttime,
           "type": task.type, "id": task.id, **_user_fields(task),
           "status": "running" if task.exitstatus is None else "stopped"}
    if task.exitstatus is not None:
        out["exitstatus"] = task.exitstatus
    return out


@api("GET", "/nodes/{node}/tasks/{upid}/log")
def task_log(c: Cluster, p, user):
    """read_task_log / pve-common Tools.pm dump_logfile: lines {n, t} from ``start``, ``limit`` of
    them (50 by default); "no content" for an empty log. The line count goes into ``total``."""
    task = _task(c, p)
    start, limit = int(p.get("start") or 0), int(p.get("limit") if p.get("limit") is not None else 50)
    lines = [{"n": i + 1, "t": t} for i, t in enumerate(task.log)][start:]
    if limit:
        lines = lines[:limit]
    if not task.log:
        return Total([{"n": 1, "t": "no content"}], 1)
    return Total(lines, len(task.log))


@api("GET", "/nodes/{node}/tasks")
def tasks(c: Cluster, p, user):
    out = []
    for task in c.tasks.tasks.values():
        if task.node != p["node"] or (task.exitstatus is None and p.get("source", "archive") == "archive"):
            continue
        entry = {"upid": task.upid, "node": task.node, "pid": task.pid, "pstart": task.pstart,
                 "starttime": task.starttime, "type": task.type, "id": task.id, **_user_fields(task)}
        if task.exitstatus is not None:
            entry.update(status=task.exitstatus, endtime=task.endtime)
        out.append(entry)
    return sorted(out, key=lambda t: -t["starttime"])


@api("DELETE", "/nodes/{node}/tasks/{upid}")
def stop_task(c: Cluster, p, user):
    c.tasks.stop(_task(c, p).upid)

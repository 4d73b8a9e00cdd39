"""The run journal: one JSON line per ansible-playbook run, kept for operators and auditors.

Written by the ``sitekit.core.run_summary`` callback; read by whoever reports on runs (the lab
summary, the auditor pack). Record fields (all present in every record)::

    when       ISO 8601 UTC end of the run, e.g. 2025-01-01T21:30:00Z
    who        user@host that ran it
    inventory  [inventory sources]
    playbook   playbook file name
    mode       "check" or "apply"
    limit      the --limit pattern or null
    tags       {"run": [...], "skip": [...]}
    exit       0, 2 (a host failed) or 4 (a host was unreachable): what ansible-playbook returns for these results;
               null when the run was interrupted
    hosts      {host: {ok, changed, failed, unreachable, skipped}}
    tasks      [{host, task, role, changed, failed, rescued, check, diff_summary}] for every task that changed, failed
               or was rescued (ok and skipped tasks are only counted in ``hosts``); rescued: its failure was handled by
               a block's rescue (no failure of the run); check: it ran in check mode; diff_summary e.g. "/etc/x: +3 -1"
    plays      [{name, tier, seconds}] in the order they ran; tier from the play's tier::<tier> tag (extra field)
    duration_s seconds from start to end (extra field)
    playbooks  every playbook of the run in order (``ansible-playbook a.yml b.yml``); ``playbook`` is the last one
    dropped    {host: why} hosts ansible-core failed without a result of their own (a rescued ``run_once`` failure
               fails the play's other hosts): counted as failed in ``hosts`` and ``exit``
    run_id     the run's id, shared by its two records: $SITEKIT_RUN_ID when set (make lab names its passes), else random
    event      "start" or "end" (records written before runs had a start record have none: read them as "end")
    status     "complete" (the run reached its end), "interrupted" (it stopped on an error or a signal, e.g. Ctrl-C, with
               what it had done so far) or, from ``runs()``, "no end recorded" (killed, or still running)

Each run appends a start record when its first play starts (when, who, inventory, playbook, mode, limit, tags,
run_id, event, status "started"): a run killed before its end still shows that it ran. ``runs()`` gives one record
per run, the end record, or the start record when no end was written.

The directory is $SITEKIT_JOURNAL_DIR, else $SITEKIT_RUN_LOG_DIR (tests, molecule), else ``journal/``
beside the ansible.cfg in use (the project's root), else in the current directory; the file is
``runs.jsonl`` in it. ``make clean`` leaves it; ``.gitignore`` keeps it out of the repository.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

FILE_NAME = "runs.jsonl"


def journal_dir(config_file: str | None = None) -> Path:
    """Where the journal lives (see the module docstring for the order)."""
    for variable in ("SITEKIT_JOURNAL_DIR", "SITEKIT_RUN_LOG_DIR"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    base = Path(config_file).resolve().parent if config_file else Path.cwd()
    return base / "journal"


def journal_file(config_file: str | None = None) -> Path:
    return journal_dir(config_file) / FILE_NAME


def append(record: dict, config_file: str | None = None) -> Path:
    """Append one record as one line, under an exclusive lock (runs may end at the same time).

    One write of the whole line; a line a killed writer left unfinished is closed first, so it costs that line only.
    """
    path = journal_file(config_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return path


def read_lines(path: str | Path) -> tuple[list[dict], list[int]]:
    """Every record of a journal file, oldest first, and the numbers of the lines that are no record (skipped)."""
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
    if not path.exists():
        return [], []
    records, bad = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            bad.append(number)
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            bad.append(number)
    return records, bad


def read(path: str | Path) -> list[dict]:
    """Every record of a journal file, oldest first (lines that are no record are skipped: ``read_lines``)."""
    return read_lines(path)[0]


def runs(records: list[dict]) -> list[dict]:
    """One record per run, in the order the runs started: its end record, else its start record, marked
    ``status: "no end recorded"``. Records without ``event`` (older journals) are end records of their own."""
    out: dict = {}
    for index, record in enumerate(records):
        run_id = record.get("run_id") or f"#{index}"
        if record.get("event", "end") == "end":
            out[run_id] = record
        elif run_id not in out:
            out[run_id] = {**record, "status": "no end recorded"}
    return list(out.values())


def run(records: list[dict], run_id: str) -> dict | None:
    """The record of one run (``runs``), or None when the journal holds none of it."""
    found = [r for r in runs(records) if r.get("run_id") == run_id]
    return found[-1] if found else None


def diff_summary(diffs) -> str:
    """``"<file>: +a -r"`` for each diff of a task result (a dict, a list of dicts, or prepared text)."""
    if not diffs:
        return ""
    out = []
    for diff in diffs if isinstance(diffs, list) else [diffs]:
        if not isinstance(diff, dict):
            continue
        if "prepared" in diff:
            lines = str(diff["prepared"]).splitlines()
            added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
            removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
            out.append(f"+{added} -{removed}")
            continue
        if "before" not in diff and "after" not in diff:
            continue
        before, after = _lines(diff.get("before")), _lines(diff.get("after"))
        name = diff.get("after_header") or diff.get("before_header") or ""
        added, removed = len([x for x in after if x not in set(before)]), len([x for x in before if x not in set(after)])
        out.append(f"{name}: +{added} -{removed}" if name else f"+{added} -{removed}")
    return "; ".join(out)


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (dict, list)):
        value = json.dumps(value, indent=1, sort_keys=True, default=str)
    return str(value).splitlines()

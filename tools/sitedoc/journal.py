"""The run journal: one JSON record per ``ansible-playbook`` run, in JSON-lines files of a directory.

The directory is ``SITEKIT_JOURNAL_DIR`` (written by the run_summary callback). A record holds
``when`` (ISO 8601 UTC), ``who``, ``inventory``, ``playbook``, ``mode`` (check|apply), ``limit``,
``tags``, ``exit``, ``hosts`` ({host: {ok, changed, failed, unreachable, skipped}}) and ``tasks``
([{host, task, role, changed, failed, diff_summary}]). Lines that do not parse are counted, not
hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

COUNTS = ("ok", "changed", "failed", "unreachable", "skipped")


@dataclass
class Journal:
    records: list[dict] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "file:line" of lines that are not a record
    source: Path | None = None


def _same_inventory(recorded: str, inventory: str) -> bool:
    """Same inventory directory name: records come from operators' machines, each with its own paths."""
    return Path(str(recorded).rstrip("/")).name == Path(inventory.rstrip("/")).name


def read(directory: Path | None, inventory: str) -> Journal:
    """Records of runs against ``inventory``, oldest first (by ``when``, then file order)."""
    journal = Journal(source=directory)
    if directory is None or not directory.is_dir():
        return journal
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                ok = isinstance(record, dict) and {"when", "playbook", "exit"} <= record.keys()
            except json.JSONDecodeError:
                ok = False
            if not ok:
                journal.unreadable.append(f"{path.name}:{number}")
            elif _same_inventory(record.get("inventory", ""), inventory):
                journal.records.append(record)
    journal.records.sort(key=lambda r: str(r["when"]))
    return journal


def totals(record: dict) -> dict[str, int]:
    out = dict.fromkeys(COUNTS, 0)
    for counts in (record.get("hosts") or {}).values():
        for key in COUNTS:
            out[key] += int((counts or {}).get(key) or 0)
    return out


def succeeded(record: dict) -> bool:
    t = totals(record)
    return record.get("exit") == 0 and t["failed"] == 0 and t["unreachable"] == 0


def last_run(journal: Journal, playbook_name: str) -> dict | None:
    runs = [r for r in journal.records if Path(str(r.get("playbook", ""))).name == playbook_name]
    return runs[-1] if runs else None

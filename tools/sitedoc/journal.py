"""The run journal as the pack reads it: one record per run against the site's inventory.

The journal is written by the run_summary callback; its format is the docstring of sitekit.core's
``plugin_utils/journal.py`` (the contract), whose ``read_lines`` and ``runs`` are used here: a run's
end record, else its start record marked ``status: "no end recorded"``. The directory is
``SITEKIT_JOURNAL_DIR``; every ``*.jsonl`` file in it is read (``runs.jsonl``, and any rotated file).
Lines that do not parse are counted, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils import journal as run_journal

COUNTS = ("ok", "changed", "failed", "unreachable", "skipped")


@dataclass
class Journal:
    records: list[dict] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "file:line" of lines that are not a record
    source: Path | None = None


def is_site_inventory(source: str, inventory: str | Path) -> bool:
    """A recorded inventory source is the site's inventory directory, or a file in it.

    Compared by the last two components, e.g. ``inventories/rcr``, whichever checkout or machine recorded it (the same
    answer wherever the pack is built), the link's target as well when the source is a link here. A host list
    (``a,b``) is no directory.
    """
    if "," in source:
        return False
    site = Path(inventory).resolve().parts[-2:]
    path = Path(source)
    candidates = [path] + ([path.resolve()] if path.is_absolute() and path.exists() else [])
    return any(site in (p.parts[-2:], p.parts[-3:-1]) for p in candidates)


def read(directory: Path | None, inventory: str) -> Journal:
    """The runs against ``inventory`` (one record each: ``runs``), oldest first (by ``when``, then file order)."""
    journal = Journal(source=directory)
    if directory is None or not directory.is_dir():
        return journal
    records = []
    for path in sorted(directory.glob("*.jsonl")):
        found, bad = run_journal.read_lines(path)
        records += found
        journal.unreadable += [f"{path.name}:{number}" for number in bad]
    journal.records = sorted((r for r in run_journal.runs(records)
                              if any(is_site_inventory(str(s), inventory) for s in r.get("inventory") or [])),
                             key=lambda r: str(r.get("when", "")))
    return journal


def totals(record: dict) -> dict[str, int]:
    out = dict.fromkeys(COUNTS, 0)
    for counts in (record.get("hosts") or {}).values():
        for key in COUNTS:
            out[key] += int((counts or {}).get(key) or 0)
    return out


def ended(record: dict) -> bool:
    """The run reached its end (records older than run statuses are end records of complete runs)."""
    return record.get("status", "complete") == "complete"


def succeeded(record: dict) -> bool:
    t = totals(record)
    return ended(record) and record.get("exit") == 0 and t["failed"] == 0 and t["unreachable"] == 0


def tag_text(tags: dict | None) -> str:
    """``{"run": [...], "skip": [...]}`` as ``"tier::x; skip y"`` (``"all"`` when every task ran)."""
    tags = tags or {}
    text = ", ".join(map(str, tags.get("run") or [])) or "all"
    skip = ", ".join(map(str, tags.get("skip") or []))
    return f"{text}; skip {skip}" if skip else text


def last_run(journal: Journal, playbook_name: str) -> dict | None:
    runs = [r for r in journal.records if Path(str(r.get("playbook", ""))).name == playbook_name]
    return runs[-1] if runs else None

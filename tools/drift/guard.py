"""Check mode that cannot be bypassed: every task that runs even under --check must be a reviewed read.

A task with ``check_mode: false`` runs for real under ``--check``. ``make drift`` promises to be
read-only, so it refuses to run while a task of the roles or of the playbooks ``site.yml`` imports
has ``check_mode: false`` (or a templated value) and is not listed in ``review.yml`` as a reviewed
read-only task (file, task name, what it reads). A listed task that no longer exists is reported
too, so the list never grows stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

REVIEW = Path(__file__).resolve().parent / "review.yml"
BLOCK_KEYS = ("block", "rescue", "always", "tasks", "pre_tasks", "post_tasks", "handlers")


@dataclass(frozen=True)
class RealTask:
    file: str  # relative to the repository
    task: str


def review(path: Path = REVIEW) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _walk(node):
    """Every task mapping of a task file or playbook, blocks included."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        if any(k in node for k in BLOCK_KEYS):
            for key in BLOCK_KEYS:
                yield from _walk(node.get(key) or [])
            if "block" in node:
                yield node
        else:
            yield node


def _runs_for_real(task: dict) -> bool:
    value = task.get("check_mode")
    return value is not None and value is not True and str(value).lower() not in ("true", "yes")


def task_files(repo: Path) -> list[Path]:
    files = sorted(p for d in ("tasks", "handlers") for p in (repo / "roles").glob(f"*/{d}/**/*.yml"))
    site = yaml.safe_load((repo / "playbooks" / "site.yml").read_text(encoding="utf-8"))
    files += [repo / "playbooks" / Path(entry["ansible.builtin.import_playbook"]).name for entry in site
              if "ansible.builtin.import_playbook" in entry]
    return files


def real_tasks(repo: Path) -> list[RealTask]:
    """Tasks that run even in check mode, in file order."""
    out = []
    for path in task_files(repo):
        for task in _walk(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if _runs_for_real(task):
                out.append(RealTask(str(path.relative_to(repo)), str(task.get("name", "(unnamed)"))))
    return out


def problems(repo: Path, reviewed: dict | None = None) -> list[str]:
    """Why drift cannot guarantee check mode: unreviewed real tasks and stale review entries; [] when it can."""
    reviewed = review() if reviewed is None else reviewed
    listed = {RealTask(e["file"], e["task"]) for e in reviewed.get("read_only", [])}
    found = real_tasks(repo)
    out = [f"{t.file}: task {t.task!r} has check_mode: false and is not a reviewed read-only task "
           f"(tools/drift/review.yml)" for t in found if t not in listed]
    out += [f"tools/drift/review.yml: {t.file}: task {t.task!r} is listed but has no check_mode: false any more"
            for t in sorted(listed - set(found), key=lambda t: (t.file, t.task))]
    return out

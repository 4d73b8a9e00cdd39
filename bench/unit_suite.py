#!/usr/bin/env python3
"""How long `make unit` takes (issue 9: at most 2 minutes on 2 cores): now and at a reference commit, back to back.

    .venv/bin/python bench/unit_suite.py [BEFORE_COMMIT]      → bench/results/unit_suite.json

Runs `make unit`'s command (`pytest -m unit -n auto --dist loadfile`, tests/conftest.py's scheduler) on this
tree, then on BEFORE_COMMIT (default d84b847, before the gate's errors-only pass and the in-process CLI tests)
exported into a temporary directory (`git archive`, committed there as one commit: no worktree is added to this
repository) that uses this tree's .venv and sees ../shared, then this tree again. Wall times in
seconds, CPU seconds (user + system of pytest and every process it started: less sensitive to other load
than wall time), each from an empty gate cache as in a clean clone, test counts from pytest's summary line, the load average before and after each run: on a
shared machine compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTEST = [str(REPO / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider"]
MAKE_UNIT = ["-m", "unit", "-n", "auto", "--dist", "loadfile", "tests"]
BEFORE = "d84b847"


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run(argv: list[str], tree: Path = REPO) -> dict:
    # As a clean clone (CI) runs it: no verdict of the site gate kept from an earlier run (.cache/site_gate beside
    # ansible.cfg); a warm cache saves ~10 s and once favoured the tree measured second.
    shutil.rmtree(tree / ".cache" / "site_gate", ignore_errors=True)
    before, t0, cpu0 = load(), time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=tree, capture_output=True, text=True, timeout=7200)
    wall = round(time.monotonic() - t0, 1)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = round(cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime, 1)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|deselected|xfailed|xpassed|errors?)", summary)}
    return {"argv": " ".join(["pytest", *argv[1:]]), "wall_s": wall, "cpu_s": cpu, "exit": done.returncode, "counts": counts,
            "summary": summary, "load_before": before, "load_after": load()}


def export(commit: str, tree: Path) -> None:
    """The files of ``commit`` in ``tree``, a one-commit git repository of their own, with this tree's .venv."""
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to(REPO / ".venv")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", f"{commit} (exported by bench/unit_suite.py)"]):
        subprocess.run([*git, *args], cwd=tree, check=True, capture_output=True)


def main(before_commit: str = BEFORE) -> int:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    runs = {f"make_unit_{commit}": run([*PYTEST, *MAKE_UNIT])}
    with tempfile.TemporaryDirectory(prefix="unit-bench-") as scratch:
        tree = Path(scratch) / "before"
        export(before_commit, tree)
        (Path(scratch) / "shared").symlink_to(REPO.parent / "shared")  # tests read ../shared (sitekit_paths.SHARED)
        runs[f"make_unit_{before_commit}"] = run([str(tree / ".venv/bin/pytest"), *PYTEST[1:], *MAKE_UNIT], tree)
    runs[f"make_unit_{commit}_again"] = run([*PYTEST, *MAKE_UNIT])
    now = [runs[f"make_unit_{commit}"], runs[f"make_unit_{commit}_again"]]
    ref = runs[f"make_unit_{before_commit}"]
    out = {"cores": os.cpu_count(), "target_s": 120, "runs": runs,
           "wall_after_over_before": round(sum(r["wall_s"] for r in now) / 2 / ref["wall_s"], 3),
           "cpu_after_over_before": round(sum(r["cpu_s"] for r in now) / 2 / ref["cpu_s"], 3)}
    dest = REPO / "bench" / "results" / "unit_suite.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0 if all(r["exit"] == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))

#!/usr/bin/env python3
"""How long `make unit` takes (issue 9: at most 2 minutes on 2 cores), measured three ways in one run.

    .venv/bin/python bench/unit_suite.py      → bench/results/unit_suite.json

1. `make unit` as it is: `pytest -m unit -n auto --dist loadfile` (pytest-xdist, one worker per core, a file's
   tests on one worker);
2. the same tests in one process (`-n 0`), as `make unit` ran them before;
3. the GLPI stand-in tests that start mariadbd, now `integration` (before, `make unit` ran them too).

Before = 2 + 3 (one process, GLPI included); after = 1. Wall times in seconds, CPU seconds (user + system of
pytest and every process it started: less sensitive to other load than wall time), test counts from pytest's
summary line, the machine's load average before and after each run and its core count: on a shared
machine compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTEST = [str(REPO / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider"]
RUNS = {
    "make_unit_parallel": [*PYTEST, "-m", "unit", "-n", "auto", "--dist", "loadfile", "tests"],
    "unit_one_process": [*PYTEST, "-m", "unit", "-n", "0", "tests"],
    "glpi_server_tests_one_process": [*PYTEST, "-m", "integration", "-n", "0", "tests/glpi"],
}


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run(argv: list[str]) -> dict:
    before, t0, cpu0 = load(), time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=7200)
    wall = round(time.monotonic() - t0, 1)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = round(cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime, 1)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|deselected|xfailed|xpassed|errors?)", summary)}
    return {"argv": " ".join(["pytest", *argv[1:]]), "wall_s": wall, "cpu_s": cpu, "exit": done.returncode, "counts": counts,
            "summary": summary, "load_before": before, "load_after": load()}


def main() -> int:
    out = {"cores": os.cpu_count(), "target_s": 120, "runs": {name: run(argv) for name, argv in RUNS.items()}}
    runs = out["runs"]
    before = runs["unit_one_process"]["wall_s"] + runs["glpi_server_tests_one_process"]["wall_s"]
    out["before_s"], out["after_s"] = round(before, 1), runs["make_unit_parallel"]["wall_s"]
    out["after_over_before"] = round(out["after_s"] / before, 3)
    out["parallel_over_one_process"] = round(out["after_s"] / runs["unit_one_process"]["wall_s"], 3)
    dest = REPO / "bench" / "results" / "unit_suite.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0 if all(r["exit"] == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

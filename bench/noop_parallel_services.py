#!/usr/bin/env python3
"""Would running the Debian services side by side lower the no-op's floor? The floor against itself, merged.

    .venv/bin/python bench/noop_parallel_services.py   → bench/results/noop_parallel_services.json

Needs the lab running and build/bench/floor_site.yml, both left by bench/noop_floor.py (run it first; make bench
runs the scripts in name order, so it does). site.yml runs the services one play after another (FTP archive, Squid,
GLPI), each on its own hosts. This merges the service plays that follow the host firewall play into rounds: the
first batch of every service play in one play under mitogen's ``free`` strategy (each host goes through its own
tasks without waiting for the others), the second batches (the FTP archive's second server) in the next. Each
service play's tasks (the floor's) go to a task file that the round includes on that play's hosts only, as a
merged site.yml would include each role on its group: a host never evaluates another service's tasks.
The two playbooks are run alternately, REPEATS times each, and the medians compared: ratio < 1 means the merged
layout is faster. Not a timed test; run it on a quiet machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "lab"))
BUILD = REPO / "build" / "bench"
FLOOR = BUILD / "floor_site.yml"
RESULT = REPO / "bench" / "results" / "noop_parallel_services.json"
FIREWALL_PLAY = "Host firewalls and SSH access"
REPEATS = 3


def merged_services(plays: list[dict], task_dir: Path, after: str = FIREWALL_PLAY, strategy: str = "mitogen_free") -> list[dict]:
    """``plays`` with the plays after the one named ``after…`` merged into rounds (the n-th batch of each play, by
    name, in round n): one play per round over the union of its hosts, which includes each of its plays' tasks
    (written under ``task_dir``) on that play's hosts, in order."""
    start = next(i for i, p in enumerate(plays) if p["name"].startswith(after)) + 1
    rounds: list[list[dict]] = []
    seen: dict[str, int] = {}
    for play in plays[start:]:
        n = seen.get(play["name"], 0)
        seen[play["name"]] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(play)
    merged = [{"name": f"Debian services, round {n + 1} ({', '.join(p['name'].split(' (')[0] for p in batch)})",
               "hosts": sorted({h for p in batch for h in _hosts(p)}), "gather_facts": False, "strategy": strategy,
               "tasks": [_include(p, task_dir / f"round{n + 1}-{i}.yml") for i, p in enumerate(batch)]}
              for n, batch in enumerate(rounds)]
    return plays[:start] + merged


def _include(play: dict, path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(play["tasks"], sort_keys=False, width=200))
    return {"name": f"include: {play['name']}", "ansible.builtin.include_tasks": str(path),
            "when": f"inventory_hostname in {_hosts(play)}"}


def _hosts(play: dict) -> list[str]:
    hosts = play["hosts"]
    if not isinstance(hosts, list):
        raise ValueError(f"play {play['name']!r}: hosts {hosts!r} is a pattern, not the batch's host list")
    return hosts


def run_s(playbook: Path) -> tuple[float, int]:
    import lab

    cmd = lab.playbook_cmd(str(playbook.relative_to(REPO)), "--limit", lab.LIMIT)
    t0 = time.monotonic()
    done = subprocess.run(cmd, cwd=REPO, env=lab.env(), capture_output=True, text=True)
    return round(time.monotonic() - t0, 2), done.returncode


def main() -> None:
    if not FLOOR.exists():
        raise SystemExit(f"{FLOOR.relative_to(REPO)} is missing: run bench/noop_floor.py first (it leaves the lab up)")
    merged = BUILD / "floor_services_merged.yml"
    merged.write_text(yaml.safe_dump(merged_services(yaml.safe_load(FLOOR.read_text()), BUILD / "merged_tasks"), sort_keys=False, width=200))
    load = [os.getloadavg()]
    times: dict[str, list[float]] = {"sequential": [], "merged": []}
    for _ in range(REPEATS):
        for label, book in (("sequential", FLOOR), ("merged", merged)):
            seconds, rc = run_s(book)
            if rc:
                raise SystemExit(f"{book.relative_to(REPO)} failed (rc {rc})")
            times[label].append(seconds)
    load.append(os.getloadavg())
    medians = {k: statistics.median(v) for k, v in times.items()}
    report = {
        "what": "the no-op floor (bench/noop_floor.py) with the Debian service plays one after another, and merged "
                "into rounds under mitogen's free strategy; wall seconds of ansible-playbook, alternate runs",
        "runs_s": times, "median_s": medians, "merged_over_sequential": round(medians["merged"] / medians["sequential"], 3),
        "loadavg_before_after": [[round(x, 2) for x in a] for a in load], "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report))


if __name__ == "__main__":
    main()

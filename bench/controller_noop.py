#!/usr/bin/env python3
"""The controller's share of a no-op site.yml, without containers: the network play on the lab's simulated IOS
devices and the Proxmox API play on the PVE simulator, from a reference commit and from this tree, alternately
(issue 10).

    .venv/bin/python bench/controller_noop.py [--base COMMIT] [--rounds N]   → bench/results/controller_noop.json

Starts (or reuses) the lab's two daemons of tools/lab (daemons.py: the IOS peers and the simulator on free ports
of 127.0.0.1; `make lab-down` stops them) and writes build/lab/run/endpoints.yml, converges once, then runs each
tree's no-op ``rounds`` times, base and branch in turn, so both see the same load. The base tree is
``git archive COMMIT`` in a temporary directory sharing this repository's .venv, build/ and .cache/ (same lab
secrets and endpoints). Recorded per run: wall and CPU seconds (the playbook and its children), the tasks'
profile (profile_tasks), changed count, the load average before and after. Each no-op must change nothing. Not
a timed test; the machine's load is in the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "lab"))

import daemons  # noqa: E402
import endpoints  # noqa: E402
import transport  # noqa: E402

PLAYS = {
    "network": ["playbooks/network.yml", "--diff"],
    # The API play alone: localhost, plus one device so that the limit leaves a host in the inventory's groups.
    "proxmox_api": ["playbooks/proxmox.yml", "--diff", "--limit", "localhost:sw-core"],
}
TASK_LINE = re.compile(r"^(?P<name>.+?) -+ (?P<s>\d+\.\d+)s$")


def tree_of(commit: str, into: Path) -> Path:
    subprocess.run(f"git -C {REPO} archive {commit} | tar -x -C {into}", shell=True, check=True)
    for name in (".venv", "build", ".cache"):
        (into / name).symlink_to(REPO / name)
    return into


def run(tree: Path, play: str, journal: Path) -> dict:
    env = {**os.environ, "ANSIBLE_CONFIG": str(tree / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "PATH": f"{tree / '.venv/bin'}:{os.environ['PATH']}", **transport.strategy_env(),
           "SITEKIT_JOURNAL_DIR": str(journal)}
    cmd = [str(tree / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i", str(REPO / "build/lab/run/endpoints.yml"),
           *PLAYS[play]]
    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    recap = proc.stdout[proc.stdout.rfind("PLAY RECAP"):]
    tasks = {m["name"].strip(): float(m["s"]) for line in proc.stdout.splitlines() if (m := TASK_LINE.match(line))}
    return {"rc": proc.returncode, "wall_s": round(wall, 2),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "changed": sum(int(x) for x in re.findall(r"changed=(\d+)", recap)), "tasks_s": tasks,
            "load_before_after": [round(load[0], 2), round(os.getloadavg()[0], 2)],
            "tail": proc.stdout[-1500:] if proc.returncode else ""}


def median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if len(values) % 2 else round((values[len(values) // 2 - 1] + values[len(values) // 2]) / 2, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="d84b847", help="reference commit (default: main before issue 10's network cuts)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(REPO / "bench/results/controller_noop.json"))
    args = parser.parse_args()
    daemons.start_pve_sim()
    daemons.start_peers()
    endpoints.write(daemons.info("pve-sim"), daemons.info("ios-peers"))
    with tempfile.TemporaryDirectory(prefix="bench-controller-noop-") as tmp:
        (Path(tmp) / "base").mkdir()
        journal = Path(tmp) / "journal"
        trees = {"base": tree_of(args.base, Path(tmp) / "base"), "branch": REPO}
        for play in PLAYS:  # converge first: the rounds below are no-ops
            first = run(REPO, play, journal)
            if first["rc"]:
                raise SystemExit(f"{play}: the converge failed:\n{first['tail']}")
        runs: dict = {label: {play: [] for play in PLAYS} for label in trees}
        for _ in range(args.rounds):
            for play in PLAYS:
                for label, tree in trees.items():
                    result = run(tree, play, journal)
                    if result["rc"] or result["changed"]:
                        raise SystemExit(f"{label} {play}: not a clean no-op (rc {result['rc']}, changed {result['changed']})"
                                         f":\n{result['tail']}")
                    runs[label][play].append(result)
    summary = {play: {label: {k: median([r[k] for r in runs[label][play]]) for k in ("wall_s", "cpu_s")}
                      for label in trees} for play in PLAYS}
    for by in summary.values():
        by["branch_over_base"] = {k: round(by["branch"][k] / by["base"][k], 3) for k in ("wall_s", "cpu_s")}
    result = {"what": __doc__.splitlines()[0], "command": "make bench (or .venv/bin/python bench/controller_noop.py)",
              "base": args.base, "branch": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                                           capture_output=True, text=True).stdout.strip(),
              "cpus": os.cpu_count(), "rounds": args.rounds, "median": summary, "runs": runs}
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""First converge vs no-op re-run of each Debian role, on its molecule scenario.

    .venv/bin/python bench/debian_roles.py [scenario ...]   → bench/results/debian_roles.json

Per scenario (ftp_archive, squid, glpi when molecule/glpi exists): molecule destroy, create,
prepare (untimed set-up), then converge twice, each timed as a whole `molecule converge` and
as the ansible-playbook run alone (from the sitekit.core.run_summary record), then destroy.
The second converge is the no-op run: its changed count is recorded and must be 0.
The Docker engine and the base image are set up first (tools/ensure-docker.sh,
tools/debian-image.sh). The machine's load average is recorded with the figures, since
other work on the machine weighs on container timings. Not a timed test (make bench).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "bench" / "results" / "debian_roles.json"
DEFAULT = ["ftp_archive", "squid", "glpi"]


def molecule(action: str, scenario: str, env: dict) -> float:
    t0 = time.monotonic()
    out = subprocess.run(["molecule", action, "-s", scenario], cwd=REPO, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"molecule {action} -s {scenario} failed:\n{(out.stdout + out.stderr)[-4000:]}")
    return round(time.monotonic() - t0, 1)


def run_log_dir(scenario: str) -> Path:
    """The scenario's run records: SITEKIT_RUN_LOG_DIR of its molecule.yml, in molecule's ephemeral dir."""
    dirs = sorted(Path.home().glob(f".ansible/tmp/molecule.*.{scenario}"), key=lambda d: d.stat().st_mtime)
    return dirs[-1] / "runs" if dirs else Path("/nonexistent")


def converge_record(log_dir: Path, seen: set) -> dict:
    new = [p for p in sorted(log_dir.glob("*-converge.yml.json")) if p not in seen]
    if not new:
        return {}
    seen.update(new)
    return json.loads(new[-1].read_text())


def bench(scenario: str) -> dict:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "PY_COLORS": "0",
        "ANSIBLE_NOCOLOR": "1",
    }
    seen: set = set()
    molecule("destroy", scenario, env)
    setup = molecule("create", scenario, env) + molecule("prepare", scenario, env)
    runs = []
    for label in ("first converge", "no-op re-run"):
        wall = molecule("converge", scenario, env)
        rec = converge_record(run_log_dir(scenario), seen)
        runs.append(
            {
                "run": label,
                "molecule_converge_s": wall,
                "playbook_s": rec.get("duration_s"),
                "changed_tasks": len(rec.get("changed", [])) if rec else None,
            }
        )
    molecule("destroy", scenario, env)
    first, noop = runs
    return {
        "scenario": scenario,
        "setup_create_prepare_s": round(setup, 1),
        "runs": runs,
        "noop_changed_tasks": noop["changed_tasks"],
        "first_over_noop": round(first["molecule_converge_s"] / noop["molecule_converge_s"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenarios", nargs="*", default=[s for s in DEFAULT if (REPO / "molecule" / s / "molecule.yml").exists()]
    )
    args = parser.parse_args()
    subprocess.run(["bash", "-c", "tools/ensure-docker.sh && tools/debian-image.sh"], cwd=REPO, check=True)
    results = []
    for scenario in args.scenarios:
        load_before = os.getloadavg()[0]
        result = bench(scenario) | {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_avg_1m_before": round(load_before, 2),
            "load_avg_1m_after": round(os.getloadavg()[0], 2),
        }
        print(json.dumps(result))
        results.append(result)
    # Scenarios not run this time keep their previous figures.
    if RESULT.exists():
        ran = {r["scenario"] for r in results}
        results += [r for r in json.loads(RESULT.read_text()).get("results", []) if r["scenario"] not in ran]
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "benchmark": "first converge vs no-op re-run per Debian role (molecule, local systemd containers)",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {RESULT.relative_to(REPO)}")


if __name__ == "__main__":
    main()

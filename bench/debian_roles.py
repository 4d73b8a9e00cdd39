#!/usr/bin/env python3
"""First converge vs no-op re-run of each Debian role, on its molecule scenario; GLPI against raw apt.

    .venv/bin/python bench/debian_roles.py [scenario ...]   → bench/results/debian_roles.json
    (make bench runs it with the other benchmarks)

Per scenario (ftp_archive, squid, glpi when molecule/glpi exists): molecule destroy, create,
prepare (untimed set-up), then converge twice, each timed as a whole `molecule converge` and
as the ansible-playbook run alone (from the sitekit.core.run_summary record), then destroy.
The second converge is the no-op run: its changed count is recorded and must be 0.
For glpi, the baseline is a raw `apt-get install` of the role's own package list
(roles/glpi/tasks/0020-packages.yml) in a fresh container of the same image after the same
`apt-get update`: the first converge is reported as a ratio of it (target ≤ 1.5), and each
no-op re-run as a share of its first converge (target ≤ 15 %).
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
IMAGE = "sitekit/debian12-systemd:latest"


def glpi_packages() -> list[str]:
    """The glpi role's package list, read from its task file (GLPI 10: no bcmath)."""
    import yaml

    tasks = yaml.safe_load((REPO / "roles/glpi/tasks/0020-packages.yml").read_text())
    return list(tasks[0]["vars"]["_glpi_packages"])


def apt_baseline(packages: list[str]) -> float:
    """Seconds of a raw `apt-get install` of ``packages`` in a fresh container of the image (after an untimed update)."""
    name = f"sitekit-bench-apt-{os.getpid()}"
    subprocess.run(["docker", "run", "-d", "--rm", "--name", name, IMAGE, "sleep", "infinity"], check=True,
                   capture_output=True)
    try:
        subprocess.run(["docker", "exec", name, "apt-get", "update", "-qq"], check=True, capture_output=True)
        t0 = time.monotonic()
        subprocess.run(["docker", "exec", "-e", "DEBIAN_FRONTEND=noninteractive", name, "apt-get", "install", "-y",
                        "-qq", *packages], check=True, capture_output=True)
        return round(time.monotonic() - t0, 1)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


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
    out = {
        "scenario": scenario,
        "setup_create_prepare_s": round(setup, 1),
        "runs": runs,
        "noop_changed_tasks": noop["changed_tasks"],
        "first_over_noop": round(first["molecule_converge_s"] / noop["molecule_converge_s"], 2),
        "noop_share_of_first": round(noop["playbook_s"] / first["playbook_s"], 3) if first["playbook_s"] else None,
    }
    if scenario == "glpi":
        apt_s = apt_baseline(glpi_packages())
        out["raw_apt_install_s"] = apt_s
        out["first_converge_over_raw_apt"] = round(first["playbook_s"] / apt_s, 2) if first["playbook_s"] else None
    return out


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

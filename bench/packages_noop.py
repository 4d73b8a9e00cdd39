#!/usr/bin/env python3
"""No-op cost of a package install task: ansible.builtin.apt against sitekit.core.packages, on a lab host.

    .venv/bin/python bench/packages_noop.py [--host glpi01] [--tasks 6] [--rounds 3]
    → bench/results/packages_noop.json

On the running lab (started, and removed at the end, when none runs; its inventory and endpoints, the lab's transport: SSH + mitogen as tools/lab runs it), the
same play of N identical no-op tasks and of 1 task, per variant: GLPI's package list through apt and through
sitekit.core.packages (every package already installed: the lab has converged), and nftables' boot setting
through systemd_service against a `systemctl is-enabled` read (evidence that systemd_service's no-op is cheap:
the 1.3 s profile_tasks gave "Load the policy at boot" was the new connection after an unconditional
`meta: reset_connection`, see docs/design.md). Per-task cost =
(N-task run - 1-task run) / (N - 1), best of R rounds, so ansible-playbook's start-up cancels out; variants
alternate within a round (same load). A run that reports a change fails the bench. The load average is recorded.
Reads only: nothing is installed or enabled (the lab has it all). Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "bench" / "results" / "packages_noop.json"
GLPI_PACKAGES = ["apache2", "libapache2-mod-php8.2", "php8.2-cli", "php8.2-xml", "php8.2-curl", "php8.2-gd",
                 "php8.2-intl", "php8.2-mysql", "php8.2-mbstring", "php8.2-bz2", "php8.2-zip", "php8.2-ldap",
                 "php8.2-opcache", "mariadb-server", "mariadb-client", "tzdata", "cron", "logrotate", "openssl",
                 "gzip", "python3-pymysql", "python3-bcrypt", "python3-cryptography"]
INSTALL = {"name": GLPI_PACKAGES, "state": "present", "update_cache": True, "cache_valid_time": 3600}
VARIANTS = {
    "apt": {"ansible.builtin.apt": INSTALL},
    "packages": {"sitekit.core.packages": INSTALL},
    "systemd_service_enabled": {"ansible.builtin.systemd_service": {"name": "nftables", "enabled": True}},
    "systemctl_is_enabled": {"ansible.builtin.command": "systemctl is-enabled nftables", "changed_when": False,
                             "check_mode": False},
}


def lab_env() -> dict:
    sys.path.insert(0, str(REPO / "tools" / "lab"))
    import transport  # the lab's own strategy settings (mitogen)
    return {**os.environ, **transport.strategy_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.timer", "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}"}


def play(host: str, task: dict, count: int, workdir: Path) -> Path:
    path = workdir / f"play-{count}.yml"
    tasks = [{"name": f"no-op {i}", **task} for i in range(count)]
    path.write_text(json.dumps([{"hosts": host, "gather_facts": False, "tasks": tasks}]))
    return path


def run(path: Path, env: dict) -> float:
    t0 = time.monotonic()
    done = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i",
                           "build/lab/run/endpoints.yml", str(path)], cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    if done.returncode != 0 or " changed=0 " not in done.stdout:
        sys.exit(f"{path.name}: rc {done.returncode}, a change or a failure:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="glpi01")
    parser.add_argument("--tasks", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = not (REPO / "build/lab/run/endpoints.yml").exists()
    if started:  # no running lab: start one (make lab), and take it down at the end
        subprocess.run([str(REPO / "tools/lab.sh")], cwd=REPO, check=True)
    try:
        measure(args)
    finally:
        if started:
            subprocess.run([str(REPO / "tools/lab.sh"), "down"], cwd=REPO, check=False)


def measure(args) -> None:
    env, load_before = lab_env(), os.getloadavg()
    best: dict[str, dict[int, float]] = {v: {} for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for name, task in VARIANTS.items():
                for count in (1, args.tasks):
                    seconds = run(play(args.host, task, count, Path(tmp)), env)
                    best[name][count] = min(best[name].get(count, seconds), seconds)
    per_task_ms = {name: round((runs[args.tasks] - runs[1]) / (args.tasks - 1) * 1000) for name, runs in best.items()}
    result = {
        "what": "no-op cost of one task on a converged lab host (best of rounds, start-up cancelled)",
        "host": args.host, "tasks": args.tasks, "rounds": args.rounds, "per_task_ms": per_task_ms,
        "apt_over_packages": round(per_task_ms["apt"] / max(per_task_ms["packages"], 1), 1),
        "systemd_service_over_is_enabled": round(per_task_ms["systemd_service_enabled"]
                                                 / max(per_task_ms["systemctl_is_enabled"], 1), 1),
        "best_runs_s": {name: {str(k): round(v, 2) for k, v in runs.items()} for name, runs in best.items()},
        "loadavg_before_after": [list(load_before), list(os.getloadavg())],
        "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("per_task_ms", "apt_over_packages", "systemd_service_over_is_enabled",
                                             "uptime_after")}, indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""First converge vs no-op re-run of each Debian role, on its molecule scenario; GLPI against raw apt.

    .venv/bin/python bench/debian_roles.py [scenario ...]   → bench/results/debian_roles.json
    (make bench runs it with the other benchmarks)

Per scenario (ftp_archive, squid, glpi when molecule/glpi exists): molecule destroy, create,
prepare (untimed set-up), then converge twice, each timed as a whole `molecule converge` and
as the ansible-playbook run alone (from the sitekit.core.run_summary record), then destroy.
The second converge is the no-op run: its changed count is recorded and must be 0.
For glpi, the baseline is a raw `apt-get install` of the packages the converge installs (the glpi
role's list, roles/glpi/tasks/0020-packages.yml, and the host firewall's nftables) in a fresh
container of the same image booted with systemd as molecule's are, after the same `apt-get update`
(cold .deb cache on both sides), timed right after the first converge so both see the same load:
the first converge is reported as a ratio of it (target ≤ 1.5), with its slowest tasks and the
role's own apt transaction (converge_apt_task_s); each
no-op re-run as a share of its first converge (target ≤ 15 %).
Each run also records the seconds of each play (the run's journal line). The scenario's own role is its last
play (the host firewall, and SSH access, converge before it in their own play): role_play gives that play's no-op
share of its first converge, and for glpi the GLPI play is also set against a raw install of the GLPI role's
packages alone (a second baseline container, without nftables): glpi_play_over_raw_apt_of_its_packages.
The floor of a no-op on this transport is measured on the scenario's own containers, through
molecule's own config and inventory, before destroy: a 1-task and an N-task play (`command: true`)
give the run's fixed cost and the per-task cost, both as the run record times them (duration_s: from the
callbacks' load, after Python's imports and the inventory, as the converges' playbook_s are timed) so the
floor and the no-op are in the same units; the process's wall (start-up included) is kept beside them;
floor = fixed cost + (task results of the no-op run on its busiest host, PLAY RECAP) x per-task cost, and
floor_share_of_first = floor / first converge: the share no cut of waste can go below.
--roles DIR converges the roles of another checkout (ANSIBLE_ROLES_PATH, over molecule.yml's roles_path),
e.g. main's, for a before/after on the same machine; the result names the roles it ran.
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


def glpi_packages(with_firewall: bool = True) -> list[str]:
    """Every package the glpi scenario's converge installs: the glpi role's list (GLPI 10: no bcmath,
    roles/glpi/tasks/0020-packages.yml) and, unless ``with_firewall`` is false, the host firewall's
    (roles/nftables/tasks/0010-install.yml)."""
    import yaml

    tasks = yaml.safe_load((REPO / "roles/glpi/tasks/0020-packages.yml").read_text())
    firewall = yaml.safe_load((REPO / "roles/nftables/tasks/0010-install.yml").read_text())
    # the roles install through sitekit.core.packages (ansible.builtin.apt before it)
    apt = next(t.get("sitekit.core.packages") or t["ansible.builtin.apt"] for t in firewall
               if "sitekit.core.packages" in t or "ansible.builtin.apt" in t)
    own = list(tasks[0]["vars"]["_glpi_packages"])
    if not with_firewall:
        return own
    return own + ([apt["name"]] if isinstance(apt["name"], str) else list(apt["name"]))


def apt_baseline(packages: list[str]) -> float:
    """Seconds of a raw `apt-get install` of ``packages`` in a fresh container started as molecule starts
    glpi01 (systemd as PID 1, so postinst starts MariaDB and Apache under systemd as in the converge),
    after the same untimed `apt-get update` as the scenario's prepare: same image, same cold .deb cache."""
    name = f"sitekit-bench-apt-{os.getpid()}"
    subprocess.run(["docker", "run", "-d", "--rm", "--name", name, "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN",
                    "--tmpfs", "/run", "--tmpfs", "/run/lock", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                    "--cgroupns=host", IMAGE, "/sbin/init"], check=True, capture_output=True)
    try:
        subprocess.run(["docker", "exec", name, "systemctl", "is-system-running", "--wait"], capture_output=True)
        for _attempt in range(3):  # a fresh container's first request to the mirror may fail
            if subprocess.run(["docker", "exec", name, "apt-get", "update", "-qq"], capture_output=True).returncode == 0:
                break
            time.sleep(5)
        else:
            sys.exit("apt-get update failed three times in the baseline container")
        t0 = time.monotonic()
        subprocess.run(["docker", "exec", "-e", "DEBIAN_FRONTEND=noninteractive", name, "apt-get", "install", "-y",
                        "-qq", *packages], check=True, capture_output=True)
        return round(time.monotonic() - t0, 1)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


def task_profile(output: str, top: int = 25) -> list[dict]:
    """The slowest tasks of a run: each task's duration as ansible.posix.profile_tasks prints it in the
    banner line after the task ("(0:01:25.678)"), so none is left out of its closing summary."""
    import re

    names = re.findall(r"^(?:TASK|RUNNING HANDLER) \[(.+?)\] \*+$", output, re.M)
    times = [int(h) * 3600 + int(m) * 60 + float(s)
             for h, m, s in re.findall(r"^\w+ \d+ \w+ \d+ +[\d:]+ \+0000 \((\d+):(\d+):([\d.]+)\)", output, re.M)]
    # banner i+1 carries task i's duration; the closing banner carries the last task's.
    tasks = [{"task": name, "s": round(times[i + 1], 2)} for i, name in enumerate(names) if i + 1 < len(times)]
    return sorted(tasks, key=lambda t: -t["s"])[:top]


def molecule(action: str, scenario: str, env: dict, outputs: list | None = None) -> float:
    t0 = time.monotonic()
    out = subprocess.run(["molecule", action, "-s", scenario], cwd=REPO, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"molecule {action} -s {scenario} failed:\n{(out.stdout + out.stderr)[-4000:]}")
    if outputs is not None:
        outputs.append(out.stdout + out.stderr)
    return round(time.monotonic() - t0, 1)


def run_log_dir(scenario: str) -> Path:
    """The scenario's run records: SITEKIT_RUN_LOG_DIR of its molecule.yml, in molecule's ephemeral dir."""
    dirs = sorted(Path.home().glob(f".ansible/tmp/molecule.*.{scenario}"), key=lambda d: d.stat().st_mtime)
    return dirs[-1] / "runs" if dirs else Path("/nonexistent")


def converge_record(log_dir: Path, seen: set) -> dict:
    """The run's record (SITEKIT_RUN_LOG_DIR's per-run file), with the seconds of each play from the same run's
    journal line (the journal is in the same directory when only SITEKIT_RUN_LOG_DIR is set)."""
    new = [p for p in sorted(log_dir.glob("*-converge.yml.json")) if p not in seen]
    if not new:
        return {}
    seen.update(new)
    record = json.loads(new[-1].read_text())
    journal = log_dir / "runs.jsonl"
    lines = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()] if journal.exists() else []
    last = next((r for r in reversed(lines) if r.get("playbook") == "converge.yml"), {})
    record["plays"] = [{"play": p["name"], "s": p.get("seconds")} for p in last.get("plays", [])]
    return record


def recap_results(output: str) -> int:
    """Task results that ran on the busiest host (ok + failed, skips excluded), from PLAY RECAP: hosts run in parallel."""
    import re

    return max((int(ok) + int(failed) for ok, failed in
               re.findall(r"^\S+\s+:\s+ok=(\d+)\s+changed=\d+\s+unreachable=\d+\s+failed=(\d+)", output, re.M)), default=0)


def floor(scenario: str, env: dict, tasks: int = 15) -> dict:
    """Start-up and per-task cost of ansible-playbook on the scenario's running containers (molecule's config)."""
    ephemeral = run_log_dir(scenario).parent
    group = {"squid": "squid", "ftp_archive": "ftp_archive", "glpi": "glpi"}[scenario]
    runs: dict[int, float] = {}  # the process's wall
    recorded: dict[int, float] = {}  # the run record's duration_s, the unit of the converges' playbook_s
    records = ephemeral / "floor-runs"
    # the strategy the scenario's converge names (its transport), for the floor too
    strategy = ("  strategy: mitogen_linear_unpinned\n"
                if "mitogen_linear_unpinned" in (REPO / "molecule" / scenario / "converge.yml").read_text() else "")
    for n in (1, tasks, 1, tasks):
        play = ephemeral / f"floor-{n}.yml"
        play.write_text(f"- hosts: {group}\n  gather_facts: false\n{strategy}  tasks:\n"
                        + "    - ansible.builtin.command: 'true'\n      changed_when: false\n" * n)
        t0 = time.monotonic()
        subprocess.run(["ansible-playbook", "-i", str(ephemeral / "inventory"), "-i", str(REPO / "inventories/lab"),
                        str(play)], cwd=REPO, env={**env, "ANSIBLE_CONFIG": str(ephemeral / "ansible.cfg"),
                                                   "SITEKIT_RUN_LOG_DIR": str(records)},
                       check=True, capture_output=True)
        runs[n] = min(runs.get(n, 1e9), time.monotonic() - t0)
        newest = max(records.glob(f"*-floor-{n}.yml.json"), key=lambda p: p.stat().st_mtime)
        recorded[n] = min(recorded.get(n, 1e9), json.loads(newest.read_text())["duration_s"])
    per_task = (recorded[tasks] - recorded[1]) / (tasks - 1)
    return {"fixed_s": round(recorded[1] - per_task, 2), "per_task_ms": round(per_task * 1000),
            "best_of_two_recorded_s": {str(k): round(v, 2) for k, v in recorded.items()},
            "best_of_two_process_wall_s": {str(k): round(v, 2) for k, v in runs.items()}}


def bench(scenario: str, roles: Path | None = None) -> dict:
    env = {
        **os.environ,
        **({"ANSIBLE_ROLES_PATH": str(roles)} if roles else {}),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "PY_COLORS": "0",
        "ANSIBLE_NOCOLOR": "1",
        "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "all",
    }
    seen: set = set()
    molecule("destroy", scenario, env)
    setup = molecule("create", scenario, env) + molecule("prepare", scenario, env)
    runs = []
    for label in ("first converge", "no-op re-run"):
        outputs: list = []
        wall = molecule("converge", scenario, env, outputs)
        rec = converge_record(run_log_dir(scenario), seen)
        log = REPO / ".cache" / "bench" / f"{scenario}-{label.replace(' ', '-')}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(outputs[0])
        runs.append(
            {
                "run": label,
                "molecule_converge_s": wall,
                "playbook_s": rec.get("duration_s"),
                "plays": rec.get("plays", []),
                "changed_tasks": len(rec.get("changed", [])) if rec else None,
                "task_results": recap_results(outputs[0]),
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                "slowest_tasks": task_profile(outputs[0]),
            }
        )
        if label == "first converge":
            outputs_first = outputs[0]
        if scenario == "glpi" and label == "first converge":
            # back to back with the first converge, so both see the same load
            apt_s = apt_baseline(glpi_packages())
            apt_role_s = apt_baseline(glpi_packages(with_firewall=False))
    cost = floor(scenario, env)
    molecule("destroy", scenario, env)
    first, noop = runs
    out = {
        "scenario": scenario,
        "roles": str(roles) if roles else "roles/",
        "setup_create_prepare_s": round(setup, 1),
        "runs": runs,
        "noop_changed_tasks": noop["changed_tasks"],
        "first_over_noop": round(first["molecule_converge_s"] / noop["molecule_converge_s"], 2),
        "noop_share_of_first": round(noop["playbook_s"] / first["playbook_s"], 3) if first["playbook_s"] else None,
        "target_noop_share_of_first": 0.15,
        "transport": cost,
        "noop_floor_s": round(cost["fixed_s"] + noop["task_results"] * cost["per_task_ms"] / 1000, 1),
    }
    out["noop_floor_share_of_first"] = round(out["noop_floor_s"] / first["playbook_s"], 3) if first["playbook_s"] else None
    # The scenario's own role is its last play (the host firewall and SSH access converge before it, in their own).
    role_first, role_noop = (run["plays"][-1]["s"] if run["plays"] else None for run in runs)
    out["role_play"] = {"play": first["plays"][-1]["play"] if first["plays"] else None, "first_s": role_first,
                        "noop_s": role_noop,
                        "noop_share_of_first": round(role_noop / role_first, 3) if role_first and role_noop else None}
    if scenario == "glpi":
        out["raw_apt_install_s"] = apt_s
        # the role's one apt transaction inside the first converge, against the same install done raw
        out["converge_apt_task_s"] = sum(t["s"] for t in task_profile(outputs_first, 1000) if "Install Apache" in t["task"])
        out["first_converge_over_raw_apt"] = round(first["playbook_s"] / apt_s, 2) if first["playbook_s"] else None
        # the GLPI role's play alone against a raw install of the GLPI role's packages alone (no nftables)
        out["raw_apt_install_glpi_packages_s"] = apt_role_s
        out["glpi_play_over_raw_apt_of_its_packages"] = (round(role_first / apt_role_s, 2) if role_first else None)
    return out


def write(results: list[dict]) -> None:
    """The results file: this run's scenarios, and the previous figures of the scenarios not run this time."""
    kept = json.loads(RESULT.read_text()).get("results", []) if RESULT.exists() else []
    ran = {r["scenario"] for r in results}
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "benchmark": "first converge vs no-op re-run per Debian role (molecule, local systemd containers)",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "results": results + [r for r in kept if r["scenario"] not in ran],
            },
            indent=2,
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenarios", nargs="*", default=[s for s in DEFAULT if (REPO / "molecule" / s / "molecule.yml").exists()]
    )
    parser.add_argument("--roles", type=Path, help="roles directory to converge (default: this checkout's roles/)")
    args = parser.parse_args()
    subprocess.run(["bash", "-c", "tools/ensure-docker.sh && tools/debian-image.sh"], cwd=REPO, check=True)
    results = []
    for scenario in args.scenarios:
        load_before = os.getloadavg()[0]
        result = bench(scenario, args.roles and args.roles.resolve()) | {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_avg_1m_before": round(load_before, 2),
            "load_avg_1m_after": round(os.getloadavg()[0], 2),
            "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        }
        print(json.dumps(result))
        results.append(result)
        write(results)  # after each scenario: a later failure keeps the figures already measured
    print(f"written {RESULT.relative_to(REPO)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Per-task cost of each way Ansible can reach the lab's containers, in one run.

    .venv/bin/python bench/lab_connection.py [--tasks N] [--rounds R]   → bench/results/lab_connection.json

Starts one systemd container of the lab's image (``sitekit-bench-conn``) with an SSH server and a
key of this run, then runs the same playbook — N ``command: true`` tasks, then a copy and its check
(correctness: a transport that cannot transfer a file or run a module is refused) — over:

* ``community.docker.docker``      one ``docker exec`` process per task;
* ``community.docker.docker_api``  the Docker API over its socket;
* ``ssh``                          OpenSSH with ControlPersist and pipelining (ansible.cfg's settings);
* ``mitogen`` (docker and ssh)     when the ``mitogen`` package installs and loads under this
                                   ansible-core (installed into a temporary directory, never the venv).

Per-task cost = (time of the N-task run - time of the 1-task run) / (N - 1), best of R rounds, so
the start-up of ansible-playbook cancels out. The load average is recorded with the figures.
The container is removed at the end. Not a timed test (make bench).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "lab"))
from containers import SYSTEMD_FLAGS  # noqa: E402
from context import IMAGE  # noqa: E402

RESULT = REPO / "bench" / "results" / "lab_connection.json"
NAME = "sitekit-bench-conn"
BIN = Path(sys.executable).parent


def sh(*cmd: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=check, **kw)


def start_container(tmp: Path) -> str:
    sh("docker", "rm", "-f", NAME, check=False)
    sh("docker", "run", "-d", "--name", NAME, "--label", "org.sitekit.bench=connection", *SYSTEMD_FLAGS, IMAGE, "/sbin/init")
    sh("docker", "exec", NAME, "systemctl", "is-system-running", "--wait", check=False)
    for _attempt in range(3):  # the mirror may be slow to answer a fresh container
        done = sh("docker", "exec", NAME, "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                  "apt-get install -y -qq openssh-server", check=False)
        if done.returncode == 0:
            break
        time.sleep(5)
    else:
        sys.exit(f"openssh-server did not install in the bench container:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / "key"))
    sh("docker", "exec", NAME, "sh", "-c", f"mkdir -p /root/.ssh && echo '{(tmp / 'key.pub').read_text().strip()}' "
       "> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys && systemctl restart ssh")
    ip = sh("docker", "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", NAME).stdout.strip()
    time.sleep(1)
    keys = sh("ssh-keyscan", "-t", "ed25519", ip).stdout
    (tmp / "known_hosts").write_text(keys)
    return ip


def mitogen_path(tmp: Path) -> Path | None:
    """mitogen installed into tmp (PyPI), or None when it does not install."""
    target = tmp / "mitogen"
    done = sh(str(BIN / "pip"), "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", str(target),
              "mitogen", check=False)
    return target if done.returncode == 0 and (target / "ansible_mitogen").is_dir() else None


def playbook(tmp: Path, tasks: int) -> Path:
    lines = ["- name: Connection bench", "  hosts: bench", "  gather_facts: false", "  tasks:"]
    lines += [f"    - name: No-op {i}\n      ansible.builtin.command: 'true'\n      changed_when: false" for i in range(tasks)]
    lines += ["    - name: Transfer a file\n      ansible.builtin.copy: {content: \"{{ inventory_hostname }}\\n\", dest: /tmp/bench-copy, mode: '0600'}",
              "    - name: Read it back\n      ansible.builtin.command: cat /tmp/bench-copy\n      register: bench_read\n      changed_when: false",
              "    - name: Check it\n      ansible.builtin.assert: {that: bench_read.stdout == inventory_hostname}"]
    path = tmp / f"play-{tasks}.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def variants(tmp: Path, ip: str, mitogen: Path | None) -> dict[str, dict]:
    ssh = {"ansible_connection": "ssh", "ansible_host": ip, "ansible_user": "root",
           "ansible_ssh_private_key_file": str(tmp / "key"),
           "ansible_ssh_common_args": f"-o UserKnownHostsFile={tmp / 'known_hosts'}"}
    out = {"docker exec (community.docker.docker)": ({"ansible_connection": "community.docker.docker", "ansible_host": NAME}, {}),
           "docker API (community.docker.docker_api)": ({"ansible_connection": "community.docker.docker_api", "ansible_host": NAME}, {}),
           "ssh + ControlPersist + pipelining": (ssh, {})}
    if mitogen:
        env = {"PYTHONPATH": str(mitogen), "ANSIBLE_STRATEGY_PLUGINS": str(mitogen / "ansible_mitogen/plugins/strategy"),
               "ANSIBLE_STRATEGY": "mitogen_linear"}
        out["mitogen (docker)"] = ({"ansible_connection": "docker", "ansible_host": NAME}, env)
        out["mitogen (ssh)"] = (ssh, env)
    return {k: {"vars": v, "env": e} for k, (v, e) in out.items()}


def timed(tmp: Path, spec: dict, tasks: int) -> tuple[float, str]:
    inventory = tmp / "inventory.json"
    inventory.write_text(json.dumps({"all": {"hosts": {"bench": spec["vars"]}}}))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
           "SITEKIT_JOURNAL_DIR": str(tmp / "journal"), **spec["env"]}
    t0 = time.monotonic()
    done = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(inventory), str(playbook(tmp, tasks))], cwd=REPO, env=env,
                          capture_output=True, text=True)
    return round(time.monotonic() - t0, 2), ("" if done.returncode == 0 else (done.stdout + done.stderr)[-600:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sitekit-bench-conn-") as name:
        tmp = Path(name)
        try:
            ip = start_container(tmp)
            specs = variants(tmp, ip, mitogen_path(tmp))
            results = {}
            for label, spec in specs.items():
                runs, error = {1: [], args.tasks: []}, ""
                for _ in range(args.rounds):
                    for n in (1, args.tasks):
                        seconds, failure = timed(tmp, spec, n)
                        error = error or failure
                        runs[n].append(seconds)
                per_task = (min(runs[args.tasks]) - min(runs[1])) / (args.tasks - 1)
                results[label] = {"correct": not error, "per_task_ms": round(per_task * 1000), "runs_s": runs,
                                  **({"error": error} if error else {})}
                print(f"{label}: {'ok' if not error else 'FAILED'}, {per_task * 1000:.0f} ms/task", flush=True)
        finally:
            sh("docker", "rm", "-f", NAME, check=False)
    correct = {k: v for k, v in results.items() if v["correct"]}
    fastest = min(correct, key=lambda k: correct[k]["per_task_ms"]) if correct else None
    base = results.get("docker exec (community.docker.docker)", {}).get("per_task_ms") or 1
    report = {"what": "per-task cost of each transport to a lab container (best of rounds; N-task minus 1-task run)",
              "tasks": args.tasks, "rounds": args.rounds, "results": results, "fastest_correct": fastest,
              "ratio_to_docker_exec": {k: round(v["per_task_ms"] / base, 2) for k, v in correct.items()},
              "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in os.getloadavg()],
              "cpus": os.cpu_count(), "python": platform.python_version(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    RESULT.write_text(json.dumps(report, indent=1) + "\n")
    print(f"fastest correct: {fastest}; written {RESULT}")


if __name__ == "__main__":
    main()

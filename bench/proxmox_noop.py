"""The Proxmox API play's no-op cost (issue 10): where its seconds go, before and after a change, in one run.

For each tree (this checkout, and with ``--before REF`` a detached worktree of REF, runs interleaved so both see
the same load): a fresh PVE 9 simulator shaped like rcr, playbooks/proxmox.yml with the API roles' tags run
first from empty then again (the no-op), each task's seconds (ansible.posix.profile_tasks), then every pve_*
module payload (AnsiballZ, kept from a third, untimed run with ANSIBLE_KEEP_REMOTE_FILES) run again alone: wall and CPU
ms of the module process and the import ms of what it imports (python -X importtime). The load average is
recorded with the figures. Writes bench/results/proxmox_noop.json.

Usage: .venv/bin/python bench/proxmox_noop.py [--before REF] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "proxmox"), str(REPO / "collections"), str(REPO)]
from pve_harness import loader, sim_for  # noqa: E402, I001

API_TAGS = "role::proxmox_storage,role::proxmox_backup,role::proxmox_vms,role::proxmox_ha"
IMPORTS = ("ansible.module_utils.basic", "requests", "proxmoxer")  # top-level imports worth naming
TASK_LINE = re.compile(r"^(.+?) -+ (\d+\.\d+)s$", re.M)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def play(tree: Path, sim, keep: Path | None = None) -> dict:
    extra = {"proxmox_api_override": {"api_host": "127.0.0.1", "api_port": sim.port, "validate_certs": True,
                                      "ca_path": sim.certfile}, "proxmox_api_secret": sim.token_secret}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROXMOX_")}
    env.update(ANSIBLE_CONFIG=str(tree / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    if keep:
        env.update(ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=str(keep))
    cmd = [str(REPO / ".venv/bin/ansible-playbook"), "-i", str(tree / "inventories/rcr"),
           str(tree / "playbooks/proxmox.yml"), "-e", json.dumps(extra), "--tags", API_TAGS]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - t0
    recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)", proc.stdout)
    tasks = {name.strip(): float(s) for name, s in TASK_LINE.findall(proc.stdout.split("TASKS RECAP")[-1])}
    return {"wall_s": round(wall, 2), "rc": proc.returncode, "changed": int(recap.group(2)) if recap else None,
            "tasks": len(tasks), "task_s": tasks}


def module_runs(payloads: list[Path], repeat: int = 3) -> dict:
    """Each kept payload run again alone: median wall and CPU ms of the process, import ms by name."""
    out = {}
    for path in payloads:
        name = path.name.removeprefix("AnsiballZ_").removesuffix(".py")
        walls, cpus = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            subprocess.run([str(REPO / ".venv/bin/python"), str(path)], capture_output=True, check=False)
            walls.append((time.monotonic() - t0) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        trace = subprocess.run([str(REPO / ".venv/bin/python"), "-X", "importtime", str(path)],
                               capture_output=True, text=True, check=False).stderr
        cumulative = {}
        for line in trace.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[1].isdigit():
                cumulative.setdefault(parts[2], int(parts[1]))
        imports = {n: round(cumulative.get(n, 0) / 1000) for n in IMPORTS}
        imports["sitekit.core module_utils"] = round(sum(
            v for k, v in cumulative.items() if k.startswith("ansible_collections.sitekit.core.plugins.module_utils.")
            and k.count(".") == 5) / 1000)
        imports["sitekit.core plugin_utils (site model)"] = round(sum(
            v for k, v in cumulative.items() if k.startswith("ansible_collections.sitekit.core.plugins.plugin_utils")) / 1000)
        out[name] = {"wall_ms": round(statistics.median(walls)), "cpu_ms": round(statistics.median(cpus)),
                     "import_ms": imports}
    return out


def measure(tree: Path, site) -> dict:
    figures = {"load_average": _load()}
    with sim_for(site, 9) as sim, tempfile.TemporaryDirectory(prefix="sitekit-pve-noop-") as keep:
        figures["first"] = play(tree, sim)
        figures["noop"] = play(tree, sim)
        figures["noop_over_first"] = round(figures["noop"]["wall_s"] / max(figures["first"]["wall_s"], 0.01), 2)
        play(tree, sim, keep=Path(keep))  # untimed: keeping the payloads turns pipelining off
        figures["modules"] = module_runs(sorted(Path(keep).rglob("AnsiballZ_pve_*.py")))
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="a git ref to measure too (a detached worktree of it), interleaved")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    site = loader.load_site(str(REPO / "inventories" / "rcr"))
    trees = {"after": REPO}
    tmp = None
    if args.before:
        tmp = Path(tempfile.mkdtemp(prefix="sitekit-before-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp / "tree"), args.before], cwd=REPO, check=True,
                       capture_output=True)
        trees = {"before": tmp / "tree", "after": REPO}
    out = {"command": ".venv/bin/python bench/proxmox_noop.py" + (f" --before {args.before}" if args.before else ""),
           "load_average_start": _load(), "rounds": {}}
    try:
        for n in range(args.rounds):
            for label, tree in trees.items():
                figures = measure(tree, site)
                out["rounds"].setdefault(label, []).append(figures)
                print(f"round {n + 1} {label}: first {figures['first']['wall_s']} s, no-op {figures['noop']['wall_s']} s "
                      f"({figures['noop']['tasks']} tasks, ratio {figures['noop_over_first']}), load {figures['load_average']}",
                      flush=True)
    finally:
        if tmp:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "tree")], cwd=REPO, check=False)
    out["load_average_end"] = _load()
    dest = REPO / "bench" / "results" / "proxmox_noop.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {dest.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""First converge (empty cluster) and no-op converge of the rcr cluster on the PVE API simulator:
API requests, writes and wall time, our roles (playbooks/proxmox.yml, the API roles' tags) vs
community.proxmox modules alone (bench/proxmox_community.yml), in the same run, for PVE 8 and
PVE 9, each on its own fresh simulator. The load average is recorded with the figures.

Writes bench/results/proxmox_requests.json. Usage: .venv/bin/python bench/proxmox_requests.py
(or `make bench`, which runs every bench).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "proxmox"), str(REPO / "collections"), str(REPO)]

# pve_harness first: it imports the plugins before load_site installs Ansible's collection finder
from pve_harness import converge, loader, proxmox, sim_for  # noqa: E402, I001

load_site, desired_state = loader.load_site, proxmox.desired_state

# The API plays of playbooks/proxmox.yml: the four roles that work through the API.
API_TAGS = "role::proxmox_storage,role::proxmox_backup,role::proxmox_vms,role::proxmox_ha"

NOT_EXPRESSIBLE = [
    "iSCSI storage san-iscsi with content none (proxmox_storage content choices lack 'none' and content is required)",
    "shared LVM storage san-lvm (proxmox_storage has no lvm type)",
    "backup job creation/update: schedule, storage, mode, compress, prune-backups, mailto "
    "(proxmox_backup_schedule only adds/removes VMs in an existing job)",
    "disk sizes and extra disks (proxmox_kvm update does not resize; proxmox_disk would add one call per disk)",
]


def playbook(sim, path: str, *args: str, extra: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    extra_vars = {"proxmox_api_override": {"api_host": "127.0.0.1", "api_port": sim.port, "validate_certs": False},
                  "proxmox_api_secret": sim.token_secret, **(extra or {})}
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    cmd = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(REPO / "inventories" / "rcr"), path,
           "-e", json.dumps(extra_vars), *args]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    return proc, round(time.monotonic() - t0, 2)


def figures(sim, proc, wall: float) -> dict:
    m = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)\s+skipped=\d+\s+"
                  r"rescued=\d+\s+ignored=(\d+)", proc.stdout)
    failures = re.findall(r'^failed: \[localhost\] \(item=([^)]*)\) => .*?"msg": "([^"]{0,160})', proc.stdout, re.M)
    writes = sim.writes()
    return {"requests": sum(sim.counts.values()), "reads": sum(sim.reads().values()), "writes": sum(writes.values()),
            "tickets": sim.counts.get("POST /access/ticket", 0),
            "by_endpoint": dict(sorted(sim.counts.items())), "wall_s": wall,
            "tasks_changed": int(m.group(2)) if m else None, "tasks_failed": int(m.group(3)) if m else None,
            "tasks_with_failed_items": int(m.group(4)) if m else None,
            "failed_items": [f"{item}: {msg}" for item, msg in failures][:40], "rc": proc.returncode}


def _measure(sim, path: str, *args: str, extra: dict | None = None) -> dict:
    sim.reset_counts()
    proc, wall = playbook(sim, path, *args, extra=extra)
    out = figures(sim, proc, wall)
    if proc.returncode:
        out["error"] = proc.stdout[-1500:]
    return out


def _load() -> str:
    """1, 5 and 15 minute load averages (what `uptime` prints): the machine may be shared."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    site = load_site(str(REPO / "inventories" / "rcr"))
    desired = desired_state(site)
    out = {"site": "inventories/rcr", "vms": len(desired["vms"]), "nodes": len(site.proxmox_nodes),
           "storages": len(desired["storages"]), "backup_jobs": len(desired["backup_jobs"]),
           "community_cannot_express": NOT_EXPRESSIBLE, "load_average_start": _load(),
           "command": ".venv/bin/python bench/proxmox_requests.py", "versions": {}}
    ours_pb, community_pb = str(REPO / "playbooks" / "proxmox.yml"), str(REPO / "bench" / "proxmox_community.yml")
    for version in (8, 9):
        figures_v = {"load_average": _load()}
        with sim_for(site, version) as sim:  # in-process module runs: the modules' own cost
            t0 = time.monotonic()
            converge(sim, desired)
            figures_v["first_converge_in_process"] = {"requests": sum(sim.counts.values()), "writes": sum(sim.writes().values()),
                                                      "wall_s": round(time.monotonic() - t0, 2)}
            sim.reset_counts()
            t0 = time.monotonic()
            converge(sim, desired)
            figures_v["noop_in_process"] = {"requests": sum(sim.counts.values()), "writes": sum(sim.writes().values()),
                                            "wall_s": round(time.monotonic() - t0, 2)}
        with sim_for(site, version) as sim:  # ours through ansible-playbook, from empty then again
            figures_v["ours_first_playbook"] = _measure(sim, ours_pb, "--tags", API_TAGS)
            figures_v["ours_noop_playbook"] = _measure(sim, ours_pb, "--tags", API_TAGS)
        with sim_for(site, version) as sim:  # community.proxmox alone, from empty then again
            figures_v["community_first_playbook"] = _measure(sim, community_pb, extra={"bench_major": version})
            figures_v["community_noop_playbook"] = _measure(sim, community_pb, extra={"bench_major": version})
        for kind in ("first", "noop"):
            ours, community = figures_v[f"ours_{kind}_playbook"], figures_v[f"community_{kind}_playbook"]
            figures_v[f"{kind}_ratio_community_over_ours"] = {
                "requests": round(community["requests"] / max(ours["requests"], 1), 1),
                "wall": round(community["wall_s"] / max(ours["wall_s"], 0.01), 1)}
            print(f"PVE {version} {kind}: ours {ours['requests']} requests ({ours['writes']} writes, rc {ours['rc']}) in "
                  f"{ours['wall_s']} s; community.proxmox {community['requests']} requests ({community['writes']} writes, "
                  f"{community['tasks_with_failed_items']} tasks with failed items) in {community['wall_s']} s")
        out["versions"][f"pve{version}"] = figures_v
    out["load_average_end"] = _load()
    dest = REPO / "bench" / "results" / "proxmox_requests.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {dest.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

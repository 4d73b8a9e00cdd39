"""No-op converge of the rcr cluster on the PVE API simulator: API requests and wall time,
our roles (playbooks/proxmox.yml, the API roles' tags) vs community.proxmox modules alone
(bench/proxmox_community.yml), in the same run, for PVE 8 and PVE 9 schemas.

Writes bench/results/proxmox_requests.json. Usage: .venv/bin/python bench/proxmox_requests.py
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
sys.path[:0] = [str(REPO / "tests" / "proxmox"), str(REPO)]

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import desired_state  # noqa: E402
from pve_harness import converge, sim_for  # noqa: E402  (before load_site: see pve_harness)

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


def main() -> int:
    site = load_site(str(REPO / "inventories" / "rcr"))
    desired = desired_state(site)
    out = {"site": "inventories/rcr", "vms": len(desired["vms"]), "nodes": len(site.proxmox_nodes),
           "storages": len(desired["storages"]), "community_cannot_express": NOT_EXPRESSIBLE, "versions": {}}
    for version in (8, 9):
        with sim_for(site, version) as sim:
            t0 = time.monotonic()
            converge(sim, desired)  # from empty, in-process
            first = round(time.monotonic() - t0, 2)
            sim.reset_counts()
            t0 = time.monotonic()
            converge(sim, desired)
            inproc = {"requests": sum(sim.counts.values()), "writes": sum(sim.writes().values()),
                      "wall_s": round(time.monotonic() - t0, 2)}
            sim.reset_counts()
            proc, wall = playbook(sim, str(REPO / "playbooks" / "proxmox.yml"), "--tags", API_TAGS)
            ours = figures(sim, proc, wall)
            sim.reset_counts()
            proc, wall = playbook(sim, str(REPO / "bench" / "proxmox_community.yml"), extra={"bench_major": version})
            community = figures(sim, proc, wall)
            if proc.returncode:
                community["error"] = proc.stdout[-1500:]
        out["versions"][f"pve{version}"] = {"first_converge_in_process_s": first, "noop_in_process": inproc,
                                            "ours_noop_playbook": ours, "community_noop_playbook": community}
        print(f"PVE {version}: ours {ours['requests']} requests ({ours['writes']} writes) in {ours['wall_s']} s; "
              f"community.proxmox {community['requests']} requests ({community['writes']} writes, "
              f"{community['tasks_changed']} changed) in {community['wall_s']} s")
    dest = REPO / "bench" / "results" / "proxmox_requests.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {dest.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

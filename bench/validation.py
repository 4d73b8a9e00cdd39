#!/usr/bin/env python3
"""How long validation takes: the rcr inventory, and a synthetic site with 200 and 480 more VMs (513 hosts).

    .venv/bin/python bench/validation.py      → bench/results/validation.json

Times load (Ansible's inventory loader plus where each variable is written) and validate (every
rule) separately, best of 5 runs in this process, and the whole `make validate` command (a fresh
Python process: imports, load, validate, print) best of 3. Targets (issue 15): rcr under 5 s,
the 513-host site under 2 s. The machine's load average is recorded before and after: on a
shared machine, compare the ratios of one run rather than seconds across runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "collections"))

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate  # noqa: E402

TARGETS = {"rcr": 5.0, "rcr+480vms": 2.0}


def best_of(func, runs=5):
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def scaled_copy(factor: int, root: Path) -> Path:
    """rcr with `factor` times 20 more Debian VMs (distinct names, ids and addresses)."""
    inv = root / f"x{factor}"
    shutil.copytree(REPO / "inventories/rcr", inv)
    hosts = inv / "hosts.yml"
    extra = "".join(f"            bulk{i:04d}:\n" for i in range(factor * 20))
    hosts.write_text(hosts.read_text().replace("            proxy01:\n", "            proxy01:\n" + extra))
    # Two more server VLANs hold them (200 addresses each), so that the big site is as clean as rcr.
    network = inv / "group_vars/all/network.yml"
    network.write_text(network.read_text().replace(
        "  - {id: 40, name: UTILISATEURS, subnet: 10.0.40.0/24, role: clients}\n",
        "  - {id: 40, name: UTILISATEURS, subnet: 10.0.40.0/24, role: clients}\n"
        "  - {id: 50, name: BENCH-A, subnet: 10.0.50.0/24, role: servers}\n"
        "  - {id: 60, name: BENCH-B, subnet: 10.0.60.0/24, role: servers}\n"
        "  - {id: 70, name: BENCH-C, subnet: 10.0.70.0/24, role: servers}\n"))
    for i in range(factor * 20):
        vlan = 50 + 10 * (i // 200)
        (inv / f"host_vars/bulk{i:04d}.yml").write_text(
            f"---\nsite_vlan: {vlan}\nsite_ip: 10.0.{vlan}.{i % 200 + 10}\n"
            f"vm: {{vmid: {1000 + i}, tier: proxy, os: debian12, vcpu: 1, memory_mb: 512, disks: [{{size_gb: 8}}], "
            f"node: pve{i % 3 + 1}, ha: false}}\n")
    return inv


def command_seconds(inventory: Path, runs=3) -> float:
    """`make validate` as an operator runs it: a new process each time."""
    cmd = [sys.executable, "-m", "ansible_collections.sitekit.core.plugins.plugin_utils.site.cli", str(inventory)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "collections"), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - t0)
    return best


def measure(inventory: Path) -> dict:
    load_s, site = best_of(lambda: load_site(str(inventory)))
    validate_s, problems = best_of(lambda: validate(site))
    return {"hosts": len(site.hosts), "load_s": round(load_s, 4), "validate_s": round(validate_s, 4),
            "load_and_validate_s": round(load_s + validate_s, 4), "command_s": round(command_seconds(inventory), 3),
            "errors": len([p for p in problems if p.severity == "error"])}


def main() -> None:
    before = os.getloadavg()
    results = {"rcr": measure(REPO / "inventories/rcr")}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (10, 24):
            results[f"rcr+{factor * 20}vms"] = measure(scaled_copy(factor, Path(tmp)))
    after = os.getloadavg()
    rcr, big = results["rcr"], results["rcr+480vms"]
    results["ratios"] = {
        "513_hosts_over_rcr_load_and_validate": round(big["load_and_validate_s"] / rcr["load_and_validate_s"], 2),
        "513_hosts_over_rcr_command": round(big["command_s"] / rcr["command_s"], 2),
        "hosts_ratio": round(big["hosts"] / rcr["hosts"], 2),
    }
    results["targets_s"] = {"rcr load+validate": TARGETS["rcr"], "513 hosts load+validate": TARGETS["rcr+480vms"]}
    results["within_targets"] = {"rcr": rcr["load_and_validate_s"] < TARGETS["rcr"],
                                 "rcr+480vms": big["load_and_validate_s"] < TARGETS["rcr+480vms"]}
    results["load_average"] = {"before": [round(x, 2) for x in before], "after": [round(x, 2) for x in after],
                               "cpus": os.cpu_count()}
    out = REPO / "bench/results/validation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

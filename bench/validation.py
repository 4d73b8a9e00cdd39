#!/usr/bin/env python3
"""How long validation takes: the rcr inventory, and a synthetic site with 200 and 480 more VMs.

    .venv/bin/python bench/validation.py      → bench/results/validation.json

Times load (Ansible's inventory loader) and validate (schema + rules) separately,
best of 5 runs, so that a slow rule shows up before users feel it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "collections"))

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate  # noqa: E402


def best_of(func, runs=5):
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def scaled_copy(factor: int, root: Path) -> Path:
    """rcr with `factor` times as many Debian VMs (distinct names, ids and addresses)."""
    inv = root / f"x{factor}"
    shutil.copytree(REPO / "inventories/rcr", inv)
    hosts = inv / "hosts.yml"
    extra = "".join(f"            bulk{i:04d}:\n" for i in range(factor * 20))
    hosts.write_text(hosts.read_text().replace("            proxy01:\n", "            proxy01:\n" + extra))
    for i in range(factor * 20):
        (inv / f"host_vars/bulk{i:04d}.yml").write_text(
            f"---\nsite_vlan: {30 + 10 * (i % 2)}\nsite_ip: 10.0.{30 + 10 * (i % 2)}.{i // 2 + 4}\nvm: {{vmid: {1000 + i}, tier: proxy, os: debian12, "
            f"vcpu: 1, memory_mb: 512, disks: [{{size_gb: 8}}], node: pve{i % 3 + 1}, ha: false}}\n")
    return inv


def measure(inventory: Path) -> dict:
    load_s, site = best_of(lambda: load_site(inventory))
    validate_s, problems = best_of(lambda: validate(site))
    return {"hosts": len(site.hosts), "load_s": round(load_s, 4), "validate_s": round(validate_s, 4),
            "problems": len(problems)}


def main() -> None:
    results = {"rcr": measure(REPO / "inventories/rcr")}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (10, 24):
            results[f"rcr+{factor * 20}vms"] = measure(scaled_copy(factor, Path(tmp)))
    out = REPO / "bench/results/validation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

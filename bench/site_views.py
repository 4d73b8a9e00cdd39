#!/usr/bin/env python3
"""What the typed views cost the filters (issue 9): this tree against the views before they were typed.

    .venv/bin/python bench/site_views.py [--base 0594f83]   → bench/results/site_views.json

For each tree (this one, and ``collections/`` of the base commit extracted with ``git archive`` into a
temporary directory) a fresh Python process loads inventories/rcr and inventories/lab with that tree's
loader, builds a play's hostvars (the network tests' dummy secrets resolved) and times, best of 7, the
filters a converge calls: network_intent for every switch and router, pve_desired, and the Debian
filters for every Debian host; it also checks both trees give the same JSON. The two trees' processes
alternate (4 rounds, best of 5 converges each). The figure is the ratio typed/base measured in one run (the machine is shared: compare ratios, not seconds); the load average
is recorded before and after.
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
DUMMY_SECRETS = {  # the network tests' placeholders (tests/network/netlab.py): not secrets
    "vault_network_admin_secret_hash": "$9$DUMMYsaltDUMMY$dummyhashdummyhashdummyhashdummyhashdummyha",
    "vault_network_enable_secret_hash": "$9$DUMMYenableDUM$dummyenabledummyenabledummyenabledummyenabl",
    "vault_snmp_auth_password": "dummy-snmp-auth",
    "vault_snmp_priv_password": "dummy-snmp-priv",
    "vault_ftp_archive_password": "dummy-ftp",
}


def _converge(net, pve, deb, hv: dict, groups: dict, debian_hosts: list[str]) -> dict:
    """The filters' calls of a converge, as a play makes them."""
    deb._MODELS.clear()  # one model per play, as in a play
    return {"network": {h: net.network_intent(hv, groups, h) for h in net.network_devices(hv, groups)},
            "proxmox": pve.pve_desired(hv, groups),
            "debian": {h: deb.debian_firewall(hv, groups, h) for h in debian_hosts}
            | {"proxy": deb.debian_proxy(hv, groups), "glpi": deb.debian_glpi(hv, groups),
               "targets": deb.debian_archive_targets(hv, groups)}}


def worker(collections: str, runs: int) -> dict:
    """Runs in a fresh process whose sitekit.core is ``collections``' (never both trees in one process)."""
    sys.path.insert(0, collections)
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader([collections])
    from ansible_collections.sitekit.core.plugins.filter import debian as deb
    from ansible_collections.sitekit.core.plugins.filter import network as net
    from ansible_collections.sitekit.core.plugins.filter import proxmox as pve
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import site_with_secrets

    out = {}
    for name in ("rcr", "lab"):
        site = site_with_secrets(load_site(str(REPO / "inventories" / name)), dict(DUMMY_SECRETS))
        hv = {h: {**site.vars, **host.vars} for h, host in site.hosts.items()}
        groups = {**{g: list(m) for g, m in site.groups.items()}, "all": list(site.hosts)}
        debian_hosts = sorted({h for g in ("glpi", "ftp_archive", "squid") for h in groups.get(g, [])})

        best, result = float("inf"), None
        for _ in range(runs):
            t0 = time.perf_counter()
            result = _converge(net, pve, deb, hv, groups, debian_hosts)
            best = min(best, time.perf_counter() - t0)
        out[name] = {"seconds": round(best, 4), "output": json.dumps(result, sort_keys=False)}
    return out


def run_tree(collections: Path, runs: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", str(collections), "--runs", str(runs)],
                          capture_output=True, text=True, check=True, env={**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")})
    return json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="0594f83", help="the commit before the views were typed")
    parser.add_argument("--runs", type=int, default=5, help="timed converges per process")
    parser.add_argument("--rounds", type=int, default=4, help="processes per tree, alternated")
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs)))
        return 0
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="site-views-base-") as tmp:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.base, "collections"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        trees = {"base": Path(tmp) / "collections", "typed": REPO / "collections"}
        best: dict = {}
        for i in range(args.rounds):  # alternated, in both orders: a change of the machine's load hits both trees
            for tree, path in (list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]):
                for name, got in run_tree(path, args.runs).items():
                    if name not in best.setdefault(tree, {}) or got["seconds"] < best[tree][name]["seconds"]:
                        best[tree][name] = got
    base, typed = best["base"], best["typed"]
    result = {"base": args.base, "runs": args.runs, "rounds": args.rounds, "load_average_before": [round(x, 2) for x in load_before]}
    for name in ("rcr", "lab"):
        result[name] = {"base_s": base[name]["seconds"], "typed_s": typed[name]["seconds"],
                        "typed_over_base": round(typed[name]["seconds"] / base[name]["seconds"], 2),
                        "same_output": base[name]["output"] == typed[name]["output"]}
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out = REPO / "bench" / "results" / "site_views.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if all(result[n]["same_output"] for n in ("rcr", "lab")) else 1


if __name__ == "__main__":
    sys.exit(main())

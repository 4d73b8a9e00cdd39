#!/usr/bin/env python3
"""The 0-line push to 7 and to 50 correct devices on the IOS peer: time, and t(50)/t(7).

    .venv/bin/python bench/network_push.py [--sizes 7 50]   → bench/results/network_push.json

Devices are iospeer devices (tests/network/iospeer: IOS 15.x 2960-X/2960-S stacks and 1941
routers over real SSH on 127.0.0.1, in this process), the lab's switches and routers cycled to
the size, each booted from its own intended configuration as a first push leaves it (VTP
transparent, SNMPv3 fingerprints, saved): the run must send nothing. Measured for each size:
  - playbook: ansible-playbook, forks = devices, sitekit.core.ios_remediate with the scope the
    site model gives the device (the role's task): read running-config, VLAN and SNMP state,
    plan, find nothing to send, compare startup-config;
  - threads: the same push (module_utils/ios_push.py) from Python threads, one per device,
    without Ansible: what the push itself costs.
Both must report 0 lines for every device. The peers share this process (and its GIL) with
the thread runs, so absolute times include the simulated devices' own work. Not a timed test
(make bench); the load average is recorded with the figures.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "network"))

import netlab  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils import ios_push, ios_remediation  # noqa: E402

PLAYBOOK = """---
- name: Bench push (0 lines expected)
  hosts: bench
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Push the remediation
      sitekit.core.ios_remediate:
        name: "{{ inventory_hostname }}"
        host: 127.0.0.1
        port: "{{ bench_port }}"
        username: "{{ bench_user }}"
        password: "{{ bench_password }}"
        enable_secret: "{{ bench_password }}"
        host_key_checking: false
        src: "{{ bench_dir }}/{{ bench_base }}.cfg"
        include: "{{ bench_policy[bench_base].include }}"
        exclude: "{{ bench_policy[bench_base].exclude }}"
        management: "{{ bench_policy[bench_base].management }}"
        session_address: "{{ bench_address }}"
      delegate_to: localhost
      register: bench_push
      failed_when: bench_push.failed or bench_push.changed
"""


def correct_peer(base: str, intent: dict, config: str):
    """A lab device already in its intended state, started (as tests/network/test_network_push.py correct())."""
    from iospeer import IosPeer, catalyst, isr1941

    vlan = intent["mgmt"]["vlan"]
    platform_ = catalyst([m["model"] for m in intent["stack"]]) if intent["kind"] == "switch" else isr1941()
    peer = IosPeer(base, platform_, config=config, user=intent["admins"][0]["name"], password=netlab.lab_password(),
                   mgmt_address=intent["mgmt"]["address"], client_address=netlab.operator_address(intent, vlan)).boot()
    for line in ios_remediation.write_only_lines(config):
        name = ios_remediation.WRITE_ONLY.match(line).group(1)
        peer.configure(f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}",
                       f"remark snmp-user {name} {ios_remediation.fingerprint(line)}")
    peer.show("write memory")
    return peer.start()


def playbook_run(devices: dict, workdir: Path, policies: dict) -> float:
    hosts = {name: {"bench_port": d.port, "bench_user": d.user, "bench_password": d.password, "bench_base": d.hostname,
                    "bench_address": d.mgmt_address} for name, d in devices.items()}
    (workdir / "inventory.json").write_text(json.dumps({"all": {"children": {"bench": {"hosts": hosts}}}}))
    (workdir / "bench.yml").write_text(PLAYBOOK)
    (workdir / "extra.json").write_text(json.dumps({"bench_dir": str(workdir), "bench_policy": policies}))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_FORKS": str(len(devices))}
    t0 = time.perf_counter()
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", str(workdir / "inventory.json"),
                           str(workdir / "bench.yml"), "-e", f"@{workdir / 'extra.json'}"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-3000:] + proc.stderr[-2000:])
    return elapsed


def thread_run(devices: dict, configs: dict, policies: dict) -> tuple[float, int]:
    def one(dev):
        with netlab.session(dev, timeout=120) as s:
            return len(ios_push.push(s, configs[dev.hostname], policies[dev.hostname],
                                     session_address=dev.mgmt_address)["commands"])
    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(devices)) as pool:
        lines = sum(pool.map(one, devices.values()))
    return time.perf_counter() - t0, lines


def measure(count: int, intents: dict, configs: dict, policies: dict) -> dict:
    bases = sorted(intents)
    with tempfile.TemporaryDirectory() as tmp:
        for base in bases:
            (Path(tmp) / f"{base}.cfg").write_text(configs[base])
        devices = {}
        try:
            for i in range(count):
                base = bases[i % len(bases)]
                devices[f"{base}-{i:02d}"] = correct_peer(base, intents[base], configs[base])
            playbook = playbook_run(devices, Path(tmp), policies)
            print(f"{count:3d} devices  playbook {playbook:7.1f} s", flush=True)
            threads, lines = thread_run(devices, configs, policies)
            print(f"{count:3d} devices  threads  {threads:7.1f} s, {lines} lines", flush=True)
        finally:
            for dev in devices.values():
                dev.stop()
    return {"devices": count, "playbook_s": round(playbook, 2), "threads_s": round(threads, 2),
            "playbook_per_device_s": round(playbook / count, 3), "lines_sent": lines,
            "config_lines": sum(len(configs[d.hostname].splitlines()) for d in devices.values())}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[7, 50])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/network_push.json")
    args = parser.parse_args()
    site = netlab.load("inventories/lab")
    intents = netlab.intents(site, netlab.lab_secrets())
    configs = netlab.render_lab(site=site)
    policies = {h: i["push"] for h, i in intents.items()}
    load_start = os.getloadavg()
    runs = {str(n): measure(n, intents, configs, policies) for n in args.sizes}
    report = {"what": __doc__.split("\n")[0], "command": "make bench (or .venv/bin/python bench/network_push.py)",
              "host": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_at_start": load_start,
                       "load_avg_at_end": os.getloadavg()}, "runs": runs}
    if "7" in runs and "50" in runs:
        for method in ("playbook_s", "threads_s"):
            report[f"ratio_t50_t7_{method[:-2]}"] = round(runs["50"][method] / runs["7"][method], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if all(r["lines_sent"] == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

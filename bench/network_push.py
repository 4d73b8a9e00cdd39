#!/usr/bin/env python3
"""Push + verify to 7 and to 50 simulated switches: sitekit vs a plain netmiko loop.

    .venv/bin/python bench/network_push.py [--sizes 7 50]   → bench/results/network_push.json

Devices are fake-switches processes on 127.0.0.1 (tests/network/fakeswitch.py) holding the
rcr switches' rendered configurations (cycled to reach 50), fake-switches subset only.
For each size, on fresh (blank) devices each time:
  - sitekit: ansible-playbook, forks = devices, sitekit.core.ios_remediate pushes the
    remediation then a second task re-reads in check mode (verify: nothing left to send);
    then the same playbook again (the idempotent run: nothing sent);
  - plain netmiko: the simplest loop a user would write, one device after the other:
    send_config_set(whole subset), write memory, then read `show running-config` back
    (verify); then the same loop again (it resends everything but the SVI addresses, which
    crash fake-switches when sent twice).
Wall times, time per device and t(50)/t(7) are recorded. Not a timed test (make bench).
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
sys.path.insert(0, str(REPO / "tests" / "network"))

import netlab  # noqa: E402
from fakeswitch import FakeDevice, start_all  # noqa: E402
from netmiko import ConnectHandler  # noqa: E402

SWITCHES = ["sw-core", "sw-stock", "sw-bp-1", "sw-bp-2", "sw-baie-e1", "sw-baie-e2", "sw-baie-s1"]

PLAYBOOK = """---
- name: Bench push
  hosts: bench
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Push the remediation
      sitekit.core.ios_remediate: &args
        name: "{{ inventory_hostname }}"
        host: 127.0.0.1
        port: "{{ bench_port }}"
        username: "{{ bench_user }}"
        password: "{{ bench_password }}"
        enable_secret: "{{ bench_password }}"
        host_key_checking: false
        src: "{{ bench_dir }}/{{ inventory_hostname }}.cfg"
        include: "{{ bench_include }}"
        exclude: "{{ bench_exclude }}"
      delegate_to: localhost
    - name: Verify (re-read; nothing is left to send)
      sitekit.core.ios_remediate: *args
      delegate_to: localhost
      check_mode: true
      register: bench_verify
      failed_when: bench_verify.changed
"""


def devices_for(count: int, intents: dict, configs: dict, workdir: Path) -> list[tuple[FakeDevice, str]]:
    out = []
    for i in range(count):
        base = SWITCHES[i % len(SWITCHES)]
        name = base if count <= len(SWITCHES) else f"{base}-{i:02d}"
        text = configs[base]
        (workdir / f"{name}.cfg").write_text(text)
        out.append((FakeDevice(name, netlab.fake_model(intents[base]), netlab.fake_ports(intents[base])), text))
    return out


def sitekit_run(devs, workdir: Path) -> float:
    inventory = {"all": {"children": {"bench": {"hosts": {
        d.hostname: {"bench_port": d.port, "bench_user": d.user, "bench_password": d.password} for d, _ in devs}}}}}
    (workdir / "inventory.json").write_text(json.dumps(inventory))
    (workdir / "bench.yml").write_text(PLAYBOOK)
    extra = {"bench_dir": str(workdir), "bench_include": netlab.FAKE_INCLUDE, "bench_exclude": netlab.FAKE_EXCLUDE}
    (workdir / "extra.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_FORKS": str(len(devs)),
           "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.timer"}
    t0 = time.perf_counter()
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", str(workdir / "inventory.json"),
                           str(workdir / "bench.yml"), "-e", f"@{workdir / 'extra.json'}"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-3000:] + proc.stderr[-2000:])
    return elapsed


def plain_lines(text: str, again: bool = False) -> list[str]:
    """The whole fake-supported subset, sections closed with `exit` (what the simulator needs).

    ``again``: without the SVI/sub-interface `ip address` lines, which fake-switches cannot
    take twice (it crashes); a real device would simply accept them again.
    """
    scoped = netlab.ios_remediation.scope(text, netlab.FAKE_INCLUDE, netlab.ios_remediation.DEFAULT_EXCLUDE + netlab.FAKE_EXCLUDE)
    out: list[str] = []
    inside = False
    for line in scoped.splitlines():
        if again and line.startswith(" ip address "):
            continue
        if not line.startswith(" ") and inside:
            out.append("exit")
        inside = line.startswith(" ")
        out.append(line.strip())
    return out + (["exit"] if inside else [])


def plain_run(devs, again: bool = False) -> float:
    t0 = time.perf_counter()
    for dev, text in devs:
        conn = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port, username=dev.user,
                              password=dev.password, secret=dev.password)
        conn.enable()
        conn.send_config_set(plain_lines(text, again), exit_config_mode=False, read_timeout=300)
        conn.send_command("exit", expect_string=r"#")
        conn.send_command("write memory")
        conn.send_command("show running-config")  # verify: read back
        conn.disconnect()
    return time.perf_counter() - t0


def measure(count: int, intents: dict, configs: dict) -> dict:
    result = {"devices": count}
    for method in ("sitekit", "plain_netmiko"):
        with tempfile.TemporaryDirectory() as tmp:
            pairs = devices_for(count, intents, configs, Path(tmp))
            start_all([d for d, _ in pairs])
            try:
                def runner(again: bool, pairs=pairs, tmp=tmp, method=method) -> float:
                    return sitekit_run(pairs, Path(tmp)) if method == "sitekit" else plain_run(pairs, again)
                first = runner(False)
                print(f"{count:3d} devices  {method:14s} first {first:7.1f} s", flush=True)
                second = runner(True)
                if method == "sitekit":
                    left = [d.hostname for d, text in pairs if netlab.push(d, text, check=True)["commands"]]
                else:
                    left = []
            finally:
                for d, _ in pairs:
                    d.stop()
        lines = sum(len(plain_lines(t)) for _, t in pairs)
        result[method] = {"first_push_s": round(first, 2), "second_push_s": round(second, 2),
                          "per_device_first_s": round(first / count, 3), "lines_in_subset": lines,
                          "devices_not_converged": left}
        print(f"{count:3d} devices  {method:14s} second {second:7.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[7, 50])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/network_push.json")
    args = parser.parse_args()
    site = netlab.load("inventories/rcr")
    intents = netlab.intents(site)
    configs = netlab.render("inventories/rcr")
    runs = {str(n): measure(n, intents, configs) for n in args.sizes}
    report = {"what": __doc__.split("\n")[0], "host": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                       "load_avg_at_start": os.getloadavg()}, "runs": runs}
    if "7" in runs and "50" in runs:
        for method in ("sitekit", "plain_netmiko"):
            report[f"ratio_t50_t7_{method}"] = round(runs["50"][method]["first_push_s"] / runs["7"][method]["first_push_s"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The cost of a configuration line: the day-0 push of each lab device, one at a time, to the IOS peer.

    .venv/bin/python bench/ios_day0_push.py   → bench/results/ios_day0_push.json

Each lab switch and router starts from its day-0 state (tests/network/netlab.py lab_peers) and receives its whole
rendered configuration through the collection's push (module_utils/ios_push.py, as the role's task runs it, without
Ansible): seconds, lines applied, milliseconds per line, and the process's CPU seconds (the peer shares the process,
so CPU covers both ends). A push costs its lines times the device's answer time plus the client's reading; the wall
above the CPU is waiting (polling, the network). Not a timed test (make bench); the load average is recorded.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "network"), str(REPO / "tests")]

import conftest  # noqa: E402,F401  (the tests' YAML loader, as the tests read the lab)
import netlab  # noqa: E402


def main() -> int:
    site = netlab.load("inventories/lab")
    configs = netlab.render_lab(site=site)
    load_before = os.getloadavg()
    runs = {}
    for host in sorted(configs):
        device = netlab.lab_peers(site, [host])[host]
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            applied = len(netlab.push(device, configs[host])["applied"])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            device.stop()
        runs[host] = {"lines": applied, "s": round(wall, 2), "cpu_s": round(cpu, 2),
                      "ms_per_line": round(1000 * wall / applied, 1) if applied else None}
        print(f"{host:10s} {applied:4d} lines {wall:6.2f} s  cpu {cpu:5.2f} s", flush=True)
    out = {"what": __doc__.splitlines()[0], "command": ".venv/bin/python bench/ios_day0_push.py",
           "host": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_at_start": [round(x, 2) for x in load_before],
                    "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
           "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": runs}
    result = REPO / "bench/results/ios_day0_push.json"
    result.write_text(json.dumps(out, indent=2) + "\n")
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

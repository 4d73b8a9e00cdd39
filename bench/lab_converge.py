#!/usr/bin/env python3
"""The whole lab site: first converge from no container vs the no-op re-run, in one run.

    .venv/bin/python bench/lab_converge.py   → bench/results/lab_converge.json

Removes the lab (tools/lab/lab.py down), then runs `make lab`'s job (tools/lab/lab.py all): start,
converge, converge again, verify. Records each phase's wall time, both site.yml runs' durations
and changed counts from the run journal, the ratio no-op / first converge (target <= 0.15), the
per-tier seconds of both passes, and a warm `make lab` on the running lab (start + one no-op pass,
the only one when it changes nothing). The lab is left running. The load average is recorded with the figures. Not a timed
test (make bench); on a shared machine run it when quiet.

    .venv/bin/python bench/lab_converge.py --no-warm   → the cold run only (first converge and no-op, ~6 min)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "bench" / "results" / "lab_converge.json"
LAB = [sys.executable, str(REPO / "tools" / "lab" / "lab.py")]


def run(action: str) -> tuple[float, dict]:
    t0 = time.monotonic()
    subprocess.run([*LAB, action], cwd=REPO, check=False)
    seconds = round(time.monotonic() - t0, 1)
    summary = REPO / "build" / "lab" / "summary.json"
    return seconds, (json.loads(summary.read_text()) if action == "all" and summary.exists() else {})


def passes(summary: dict) -> dict:
    return {k: {t: {"changed": v["changed"], "failed": len(v["failed"]), "seconds": round(v["seconds"], 1)}
                for t, v in summary["passes"][k].items()} for k in ("first", "second")}


def main() -> None:
    load = [os.getloadavg()]
    run("down")
    cold_s, cold = run("all")
    load.append(os.getloadavg())
    warm_s, warm = run("all") if "--no-warm" not in sys.argv[1:] else (None, {})
    load.append(os.getloadavg())
    phases = cold.get("phases", {})
    first = next((v for k, v in phases.items() if k.startswith("converge (converge)")), None)
    second = next((v for k, v in phases.items() if k.startswith("converge (reconverge)")), None)
    report = {
        "what": "make lab on no container (cold) then on the running lab (warm); site.yml first converge vs no-op re-run",
        "cold_make_lab_s": cold_s, "warm_make_lab_s": warm_s, "phases_cold_s": phases, "phases_warm_s": warm.get("phases", {}),
        "first_converge_s": first, "noop_rerun_s": second,
        "noop_over_first": round(second / first, 3) if first and second else None, "target_noop_over_first": 0.15,
        "second_pass_changed": cold.get("second_changed"), "ok": cold.get("ok"), "problems": cold.get("problems"),
        "per_tier": passes(cold) if cold else {}, "extra_args": cold.get("extra_args"),
        "loadavg_before_cold_warm_after": [[round(x, 2) for x in a] for a in load], "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: report[k] for k in ("cold_make_lab_s", "warm_make_lab_s", "first_converge_s", "noop_rerun_s",
                                              "noop_over_first")}))


if __name__ == "__main__":
    main()

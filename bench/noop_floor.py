#!/usr/bin/env python3
"""How low can the whole lab's no-op go? site.yml's no-op against the same run made of trivial tasks.

    .venv/bin/python bench/noop_floor.py   → bench/results/noop_floor.json

Removes the lab, then runs `make lab`'s job (tools/lab/lab.py all: start, first converge, no-op, verify) with a
bench-only callback (bench/callbacks/task_trace.py) recording every play and task and each host's result. From
the no-op's trace it writes a *floor* playbook (build/bench/floor_site.yml): the same plays in the same order
(hosts, serial, strategy), each task replaced, for the same hosts and as many loop items (the fewest of those hosts'), by the
cheapest task of its kind: ``ansible.builtin.ping`` where the real task ran a module on the host (or on
localhost when it was delegated there), ``ansible.builtin.assert`` (no connection) where it ran only on the
controller or on a network device, and a skipped task where it was skipped. The floor run is what the no-op
would cost if every check of every role took no time: ansible-playbook's start-up, the gate, and each task's
round trip through the strategy and the connection. Then:

- noop / first: the ratio issue 10 sets at <= 0.15;
- floor / first: the smallest ratio any implementation with this many tasks (module runs) could reach;
- the same per play (the Debian roles' plays: ftp_archive, squid, glpi).

The lab is left running. Not a timed test; run it on a quiet machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "lab"))
RESULT = REPO / "bench" / "results" / "noop_floor.json"
BUILD = REPO / "build" / "bench"
CONTROLLER_ACTIONS = {"site_validate", "set_fact", "debug", "assert", "fail", "meta", "include_vars", "add_host", "group_by",
                      "validate_argument_spec", "set_stats", "include_tasks", "import_tasks", "include_role",
                      "import_role", "pause", "wait_for_connection"}
NETWORK_CONNECTIONS = {"ansible.netcommon.network_cli", "network_cli", "ansible.netcommon.httpapi"}


def callbacks_env(trace: Path) -> dict:
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(REPO / "ansible.cfg")
    enabled = cfg.get("defaults", "callbacks_enabled", fallback="")
    return {"ANSIBLE_CALLBACK_PLUGINS": str(REPO / "bench" / "callbacks"),
            "ANSIBLE_CALLBACKS_ENABLED": ",".join(x for x in (enabled, "task_trace") if x), "TASK_TRACE_FILE": str(trace)}


def site_runs(trace: Path) -> list[dict]:
    return [json.loads(line) for line in trace.read_text().splitlines() if '"site.yml"' in line]


def short_action(action: str) -> str:
    return action.rsplit(".", 1)[-1]


def floor_playbook(run: dict, connections: dict[str, str]) -> list[dict]:
    """The no-op run's plays, every task replaced by the cheapest task of its kind (see the module docstring).

    A serial play is traced batch by batch (its roles may be included again in each batch, as new tasks): the
    floor runs each batch as a play of the batch's hosts with the tasks that batch ran.
    """
    plays = []
    for play in run["plays"]:
        tasks = []
        for task in play["tasks"].values():
            ran = {h: r for h, r in task["hosts"].items() if r["status"] != "skipped"}
            skipped = [h for h, r in task["hosts"].items() if r["status"] == "skipped"]
            delegated = task["delegate_to"] == "localhost"
            for kind in ("module", "controller"):
                hosts = sorted(h for h in ran if (short_action(task["action"]) in CONTROLLER_ACTIONS
                               or (connections.get(h) in NETWORK_CONNECTIONS and not delegated)) == (kind == "controller"))
                if not hosts:
                    continue
                items = min((ran[h]["items"] or 0) for h in hosts)  # the fewest: the floor stays a lower bound
                body = {"name": f"{kind}: {task['name']}", "when": f"inventory_hostname in {hosts}"}
                if kind == "module":
                    body["ansible.builtin.ping"] = {}
                    if delegated:
                        body["delegate_to"] = "localhost"
                else:
                    body["ansible.builtin.assert"] = {"that": [True], "quiet": True}
                if items:
                    body["loop"] = list(range(items))
                if task["run_once"]:
                    body["run_once"] = True
                tasks.append(body)
            if skipped and not ran:
                tasks.append({"name": f"skipped: {task['name']}", "ansible.builtin.assert": {"that": [True]},
                              "when": False})
        batch = sorted({h for task in play["tasks"].values() for h in task["hosts"]})
        hosts = batch if play["serial"] and batch else play["hosts"]
        plays.append({"name": play["name"], "hosts": hosts, "gather_facts": False,
                      **({"strategy": play["strategy"]} if play["strategy"] else {}), "tasks": tasks})
    return plays


def play_seconds(run: dict) -> list[tuple[str, float]]:
    """Seconds of each play, its serial batches added (consecutive entries of one uuid; the floor's batch plays
    are matched by name)."""
    starts = [p["started"] for p in run["plays"]] + [run["ended"]]
    out: list[tuple[str, float]] = []
    for i, play in enumerate(run["plays"]):
        seconds = starts[i + 1] - starts[i]
        if out and i and (play.get("uuid") == run["plays"][i - 1].get("uuid") or play["name"] == out[-1][0]):
            out[-1] = (out[-1][0], round(out[-1][1] + seconds, 2))
        else:
            out.append((play["name"], round(seconds, 2)))
    return out


def host_connections() -> dict[str, str]:
    out = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-inventory"), "-i", "inventories/lab", "--list"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    hostvars = json.loads(out)["_meta"]["hostvars"]
    return {h: v.get("ansible_connection", "ssh") for h, v in hostvars.items()}


def python_loop_s() -> float:
    started, total = time.process_time(), 0
    for i in range(20_000_000):
        total += i
    return round(time.process_time() - started, 2)


def main() -> None:
    import lab

    BUILD.mkdir(parents=True, exist_ok=True)
    trace = BUILD / "trace.jsonl"
    trace.unlink(missing_ok=True)
    load = [os.getloadavg()]
    loop_s = python_loop_s()
    subprocess.run([sys.executable, str(REPO / "tools" / "lab" / "lab.py"), "down"], cwd=REPO, check=False)
    t0 = time.monotonic()
    subprocess.run([sys.executable, str(REPO / "tools" / "lab" / "lab.py"), "all"], cwd=REPO, check=False,
                   env={**os.environ, **callbacks_env(trace)})
    cold_s = round(time.monotonic() - t0, 1)
    load.append(os.getloadavg())
    first, noop = site_runs(trace)[-2:]
    floor = BUILD / "floor_site.yml"
    floor.write_text(yaml.safe_dump(floor_playbook(noop, host_connections()), sort_keys=False, width=200))
    env = {**lab.env(), **callbacks_env(trace)}
    cmd = lab.playbook_cmd(str(floor.relative_to(REPO)), "--limit", lab.LIMIT)
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    (BUILD / "floor_site.log").write_text(done.stdout + done.stderr)
    load.append(os.getloadavg())
    floor_run = [json.loads(x) for x in trace.read_text().splitlines() if '"floor_site.yml"' in x][-1]

    def wall(run):
        return round(run["ended"] - run["started"], 1)

    first_s, noop_s, floor_s = wall(first), wall(noop), wall(floor_run)
    plays = []
    for (name, f), (_, n), (_, fl) in zip(play_seconds(first), play_seconds(noop), play_seconds(floor_run), strict=True):
        plays.append({"play": name, "first_s": f, "noop_s": n, "floor_s": fl,
                      "noop_over_first": round(n / f, 3) if f else None, "floor_over_first": round(fl / f, 3) if f else None})
    results = sum(len(r) for p in noop["plays"] for t in p["tasks"].values() for r in [t["hosts"]])
    report = {
        "what": "site.yml on the lab: first converge, no-op, and the no-op made of trivial tasks (floor), one run",
        "cold_make_lab_s": cold_s, "floor_rc": done.returncode,
        "first_converge_s": first_s, "noop_s": noop_s, "floor_s": floor_s,
        "noop_over_first": round(noop_s / first_s, 3), "floor_over_first": round(floor_s / first_s, 3),
        "target_noop_over_first": 0.15, "noop_task_results": results, "plays": plays,
        "python_loop_20M_s": loop_s,  # the host's speed at the start (it has varied by ~40 % within a day)
        "loadavg_before_after_lab_after_floor": [[round(x, 2) for x in a] for a in load], "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULT.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: report[k] for k in ("first_converge_s", "noop_s", "floor_s", "noop_over_first",
                                              "floor_over_first", "floor_rc")}))
    for p in plays:
        print(f"{p['first_s']:7.1f} {p['noop_s']:6.1f} {p['floor_s']:6.1f}  {p['play'][:80]}")


if __name__ == "__main__":
    main()

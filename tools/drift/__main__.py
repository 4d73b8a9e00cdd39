"""make drift INV=<dir>: how the live site differs from its inventory, read-only.

    PYTHONPATH=tools python -m drift INV [--limit PATTERN] [--tags TAGS] [--out DIR]

Runs playbooks/site.yml with --check --diff (on the lab: with the endpoints overlay of the running
lab, Windows hosts left out), writes build/drift/<inventory name>/drift.json, index.html,
details.html (+ Markdown) and exits 0 (no drift), 1 (drift) or 2 (not fully checked: a task failed,
a host was unreachable, or drift could not run).
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
import time
from pathlib import Path

from drift import collect, guard, render
from drift.run import LAB_NOT_CHECKED, REPO, NotRunnable, command, is_lab, run


def not_checked_reasons(document: dict, inventory: Path) -> dict[str, str]:
    if not is_lab(inventory):
        return {}
    return {h: LAB_NOT_CHECKED for h in document.get("groups", {}).get("windows", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make drift", description=__doc__.split("\n\n")[0])
    parser.add_argument("inventory", type=Path)
    parser.add_argument("--limit")
    parser.add_argument("--tags")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    inventory = args.inventory if args.inventory.is_absolute() else (Path.cwd() / args.inventory)
    name = inventory.resolve().name
    out = args.out or REPO / "build" / "drift" / name
    out.mkdir(parents=True, exist_ok=True)
    refused = guard.problems(REPO)
    try:
        if refused:
            raise NotRunnable("check mode cannot be guaranteed:\n  " + "\n  ".join(refused))
        cmd = command(inventory, args.limit, args.tags)
    except NotRunnable as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return collect.NOT_CHECKED
    started = time.time()
    rc = run(cmd, out / "run.json", out / "ansible.log")
    document = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
    report = collect.build(document, not_checked_reasons=not_checked_reasons(document, inventory), review=guard.review(),
                           ansible_rc=rc)
    if not document:
        report["failures"].append({"tier": None, "host": "localhost", "role": None, "task": "(the run)", "status": "failed",
                                   "msg": f"ansible-playbook exited {rc} before any play: see {out / 'ansible.log'}"})
        report["exit"], report["status"] = collect.NOT_CHECKED, "not fully checked"
    report.update(inventory=name, inventory_path=str(args.inventory), command=["ansible-playbook", *cmd[1:]],
                  when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), who=f"{getpass.getuser()}@{socket.gethostname()}",
                  duration_s=round(time.time() - started, 1), log=str(out / "ansible.log"))
    render.write(report, out)
    print(f"drift of {name}: {report['status']} — {len(report['items'])} item(s), {len(report['not_checked'])} host(s) "
          f"not checked, {len(report['failures'])} failure(s); {out / 'index.html'} (exit {report['exit']})")
    for entry in report["items"]:
        print(f"  DRIFT {entry['tier']} {entry['host']}: {entry['role']} : {entry['task']}: {entry['what']}")
    for entry in report["failures"]:
        print(f"  NOT CHECKED {entry['host']}: {entry['task']}: {entry['status']} {entry['msg']}")
    return report["exit"]


if __name__ == "__main__":
    sys.exit(main())

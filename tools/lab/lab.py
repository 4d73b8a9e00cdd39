"""make lab / make lab-down: the whole lab site through playbooks/site.yml (issue 10).

    python tools/lab/lab.py [all|up|check|down]

``all`` (make lab): start what the lab needs (containers, the PVE API simulator, the simulated
IOS devices), run site.yml in check mode (what an operator runs first on a site: it must go through and
apply nothing), converge the whole site with site.yml, converge again and require changed=0, verify
every tier, print the summary; exit 0 only when all of that holds. On a running lab it starts
nothing; when this checkout's code is the code that last converged it (``CONVERGED``) the first pass must change
nothing, and, when it does change nothing, it is the only pass (the re-run that proves changed=0). ``up`` only starts the lab; ``check`` starts it and runs
the check pass alone (exit 1 on any failed task); ``down``
(make lab-down) removes everything ``up`` started in this checkout (containers.py: ownership).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import containers  # noqa: E402
import daemons  # noqa: E402
import endpoints  # noqa: E402
import progress  # noqa: E402
import transport  # noqa: E402
from context import BUILD, ENDPOINTS, INVENTORY, LOGS, REPO, RUN, VENV_BIN  # noqa: E402
from progress import Phases, say  # noqa: E402

# Windows hosts have no machine here: the run leaves them out (their plan is in the summary);
# localhost is named so that the validation and API plays still run under the limit.
LIMIT = "localhost:all:!windows"
# Extra ansible-playbook arguments for every pass (check, converge, reconverge) (a debugging aid, e.g. --skip-tags role::proxmox_vms);
# the summary prints them, so a run with them is never taken for the whole site.
EXTRA = os.environ.get("LAB_ARGS", "").split()
# Which code last left the running lab converged (a whole-site second pass that completed with changed=0).
CONVERGED = RUN / "converged"
# Which code on which containers prepare.yml last went through: on the same running containers with the same code, a
# warm start does not prepare them again (15 s of a warm make lab); a container created or started again, another code
# or `down` (which removes it) prepares them again.
PREPARED = RUN / "prepared"


def env() -> dict:
    return {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "PY_COLORS": "0", **transport.strategy_env()}


def playbook_cmd(playbook: str, *extra: str) -> list[str]:
    return [str(VENV_BIN / "ansible-playbook"), "-i", str(INVENTORY.relative_to(REPO)), "-i",
            str(ENDPOINTS.relative_to(REPO)), playbook, *extra]


def code_id() -> str:
    """This checkout's code as site.yml runs it: HEAD, the uncommitted changes, the untracked files (names and contents)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout

    untracked = git("ls-files", "-o", "--exclude-standard", "-z").split("\0")
    files = [name for name in untracked if name and (REPO / name).is_file()]
    contents = git("hash-object", "--", *files) if files else ""
    parts = [git("rev-parse", "HEAD"), git("diff", "HEAD", "--binary"), "\0".join(files), contents]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def up(phases: Phases) -> tuple[dict, bool]:
    """Start what is missing; the containers' states, and whether everything was already running."""
    with phases("start the lab"):
        for tool, label in (("tools/ensure-docker.sh", "docker engine"), ("tools/debian-image.sh", "Debian 12 systemd image")):
            if progress.run(["bash", tool], label, LOGS / f"{Path(tool).stem}.log", cwd=REPO) != 0:
                progress.fail(f"{label} failed: see {LOGS / (Path(tool).stem + '.log')}")
            if tool == "tools/ensure-docker.sh":
                containers.refuse_others()  # another checkout's lab: before anything is built or started
        made = containers.ensure_networks()
        states = containers.ensure_containers(report=lambda line: say(f"  container {line}"))
        say(f"  containers: {', '.join(f'{h} {s}' for h, s in states.items())}" + (f"; networks created: {made}" if made else ""))
        sim = daemons.start_pve_sim()
        peers = daemons.start_peers()
        say(f"  PVE API simulator {sim} (port {daemons.info('pve-sim')['port']}), "
            f"IOS devices {peers} ({len(daemons.info('ios-peers')['devices'])})")
        endpoints.write(daemons.info("pve-sim"), daemons.info("ios-peers"))
        containers_ran = not made and set(states.values()) == {"running"}  # nothing created, started or connected
        prepared = prepared_id()
        if containers_ran and PREPARED.exists() and PREPARED.read_text() == prepared and transport.KNOWN_HOSTS.exists():
            say("  containers already prepared by this code (prepare.yml not run again)")
        else:
            PREPARED.unlink(missing_ok=True)
            prepare()
            PREPARED.write_text(prepared)
        say(f"  SSH on the administration network {containers.admin_network()['subnet']}; strategy {transport.STRATEGY}")
    running = containers_ran and sim == peers == "running"
    if not running:
        CONVERGED.unlink(missing_ok=True)  # something was (re)started: not the lab a pass left converged
    return states, running


def prepared_id() -> str:
    """This code on these containers (their docker ids): what PREPARED records after prepare.yml went through."""
    return hashlib.sha256(f"{code_id()}\0{containers.ids()}".encode()).hexdigest()


def prepare(hosts: list[str] | None = None) -> None:
    """tools/lab/prepare.yml on the containers (or ``hosts``), then their SSH host keys recorded."""
    transport.ensure_key()
    plan = {h: spec for h, spec in containers.plan().items() if hosts is None or h in hosts}
    extra = ["--limit", ",".join(plan)] if hosts is not None else []
    rc = progress.run(playbook_cmd("tools/lab/prepare.yml", *extra), "prepare the containers", LOGS / "prepare.log",
                      show=progress.ansible_lines, env=env(), cwd=REPO)
    if rc != 0:
        progress.fail(f"preparing the containers failed (exit {rc}): see {LOGS / 'prepare.log'}")
    transport.scan_host_keys([spec["admin_ip"] for spec in plan.values()])


def converge(phases: Phases, label: str, *mode: str) -> dict:
    """One run of site.yml on the lab (``mode``: ``--check`` for the check pass); its journal record, found by the run
    id this pass gave it (the journal is shared: another run may end while this one runs). No record: refused before
    its first play."""
    from journal_read import run_record

    run_id = f"lab-{label}-{uuid.uuid4().hex}"
    args = ["--limit", LIMIT, *mode, "--diff", *EXTRA]
    command = f"ansible-playbook {' '.join(playbook_cmd('playbooks/site.yml')[1:])} {' '.join(args)}".replace(LIMIT, f"'{LIMIT}'")
    with phases(f"{'check' if mode else 'converge'} ({label}): {command.strip()}"):
        report = BUILD / f"report-{label}.html"
        rc = progress.run(playbook_cmd("playbooks/site.yml", *args), label,
                          LOGS / f"site-{label}.log", show=progress.ansible_lines,
                          env={**env(), "SITEKIT_REPORT_HTML": str(report), "SITEKIT_RUN_ID": run_id}, cwd=REPO)
        found = run_record(run_id)
        record = dict(found) if found else {"exit": rc, "hosts": {}, "tasks": [], "plays": [], "refused": True}
        record["rc"], record["report"], record["log"], record["run_id"] = rc, str(report), str(LOGS / f"site-{label}.log"), run_id
    return record


def no_op(record: dict) -> bool:
    """A pass that ran to its end, exit 0, with no host changed."""
    return record.get("status") == "complete" and not record.get("rc") and not any(
        h.get("changed") for h in record.get("hosts", {}).values())


def check_only(phases: Phases) -> int:
    """site.yml --check on the lab as it is; exit 0 only when the pass ran to its end with no task failed."""
    import summary

    record = converge(phases, "check", "--check")
    failed = [f for tier in summary.per_tier(record).values() for f in tier["failed"]]
    for line in failed:
        say(f"  FAILED (check) {line}")
    problem = summary.pass_problem("check pass", record)
    ok = not problem and not failed
    say(f"check pass: {'went through' if ok else problem or f'{len(failed)} failed task(s)'}; log {record['log']}")
    return 0 if ok else 1


def verify(phases: Phases) -> dict:
    with phases("verify every tier (testinfra on the containers, API read-back, show commands)"):
        junit = BUILD / "verify.xml"
        cmd = [str(VENV_BIN / "pytest"), "-p", "no:cacheprovider", "-q", "-o", "addopts=", "--junitxml", str(junit),
               "tools/lab/verify"]
        rc = progress.run(cmd, "verify", LOGS / "verify.log", env=env(), cwd=REPO,
                          show=lambda x: f"  {x}" if x.startswith(("FAILED", "ERROR")) or " passed" in x or " failed" in x else None)
    from summary import junit_results

    return {"rc": rc, "results": junit_results(junit), "log": str(LOGS / "verify.log")}


def down() -> None:
    stopped = daemons.stop_all()
    try:
        gone = containers.remove_all()
    finally:  # whatever docker kept, these name a lab that is no longer whole; the next up writes them again
        ENDPOINTS.unlink(missing_ok=True)
        transport.KNOWN_HOSTS.unlink(missing_ok=True)
        CONVERGED.unlink(missing_ok=True)
        PREPARED.unlink(missing_ok=True)
    say(f"lab down: stopped {', '.join(stopped) or 'no process'}; removed {', '.join(gone) or 'no container'}")
    for line in containers.others(containers.lab_objects()):
        say(f"  left {line}")


def main(action: str = "all") -> int:
    BUILD.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    if action not in ("all", "up", "check", "down"):
        progress.fail(f"unknown action {action!r}: all, up, check or down", 2)
    if action == "down":
        down()
        return 0
    import summary

    phases = Phases()
    states, running = up(phases)
    if action == "up":
        return 0
    if action == "check":  # the check pass alone (what an operator's first --check does), each failure named
        return check_only(phases)
    code = code_id()
    warm = running and CONVERGED.exists() and CONVERGED.read_text() == code
    if warm:
        say("the lab runs, converged by this code: the first pass must change nothing")
    CONVERGED.unlink(missing_ok=True)  # until a second pass shows the lab converged again (an interrupted run leaves none)
    # Check mode where the first pass may change something (fresh containers, or code that did not converge this lab):
    # it must go through on hosts not yet converged and report what the first pass then does.
    check = None if warm else converge(phases, "check", "--check")
    first = converge(phases, "converge")
    # On this code's converged lab, a first pass that completes with changed=0 is itself the re-run that proves the
    # site idempotent: a second one would repeat it. Otherwise the second pass must show changed=0.
    second = None if warm and no_op(first) else converge(phases, "reconverge")
    if not EXTRA and no_op(second or first):
        CONVERGED.write_text(code)
    checked = verify(phases)
    outcome = summary.build(states, first, second, checked, phases.seconds, warm=warm, check=check)
    (BUILD / "summary.json").write_text(json.dumps(outcome, indent=1, default=str))
    text = summary.render(outcome)
    (BUILD / "summary.txt").write_text(text)
    say(text)
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

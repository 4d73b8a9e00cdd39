"""Shared by the auditor's pack tests (a module of its own: ``conftest`` names clash between directories)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools"))  # the generator is tools/sitedoc

PAGES = ["index", "topology", "vlans", "hosts", "firewall", "backup", "cegid", "traceability", "history"]
RCR = REPO / "inventories/rcr"

# Local plays: localhost only, no host of the inventory is reached.
SITE_PLAY = """---
- name: Windows tier, on the controller
  hosts: localhost
  gather_facts: false
  tags: [tier::windows]
  tasks:
    - name: Write the policy file
      ansible.builtin.copy: {content: "DeferQualityUpdatesPeriodInDays 7\\n", dest: "{{ out }}/policy", mode: "0600"}
    - name: Try the fast path
      block:
        - name: Fail on purpose
          ansible.builtin.fail: {msg: first attempt}
      rescue:
        - name: Recover
          ansible.builtin.debug: {msg: recovered}
    - name: Only look
      ansible.builtin.copy: {content: "x\\n", dest: "{{ out }}/looked", mode: "0600"}
      check_mode: true
"""
DRILL_PLAY = """---
- name: Restore the latest backup
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Record the restore
      ansible.builtin.copy: {content: "dc01 restored\\n", dest: "{{ out }}/restore-{{ attempt }}", mode: "0600"}
"""
# A play whose hosts cannot be templated stops ansible-playbook with an error: the run ends "interrupted".
STOPS = """
- name: Measure the restore
  hosts: "{{ undefined_on_purpose }}"
  gather_facts: false
  tasks:
    - name: Never reached
      ansible.builtin.debug: {msg: unreachable}
"""
KILLED_RUN = "killed-run"
TRUNCATED = '{"when": "2026-11-07T23:00:00Z", "truncated record'


def _run(workdir: Path, journal_dir: Path, inventory: Path, play_name: str, play: str, *extra: str,
         run_id: str, stops: bool = False) -> None:
    (workdir / play_name).write_text(play)
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "SITEKIT_JOURNAL_DIR": str(journal_dir),
           "SITEKIT_RUN_ID": run_id, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "ANSIBLE_NOCOLOR": "1"}
    for variable in ("SITEKIT_RUN_LOG_DIR", "SITEKIT_REPORT_HTML"):
        env.pop(variable, None)
    args = ["ansible-playbook", "-i", str(inventory), "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"out={workdir}", *extra, str(workdir / play_name)]
    out = subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert (out.returncode != 0) is stops, out.stdout + out.stderr


def write_journal(workdir: Path) -> Path:
    """A run journal written by the run_summary callback itself (real ansible-playbook runs, oldest first):

    - ``tags-run``: site.yml on inventories/rcr with --tags/--skip-tags: a change (with --diff), a rescued failure,
      a task in check mode; complete, exit 0;
    - ``drill-ok``: pra_drill.yml on inventories/rcr/hosts.yml (a file of the inventory); complete, exit 0;
    - ``elsewhere``: site.yml on another inventory (inventories/other of another checkout);
    - ``drill-interrupted``: pra_drill.yml on inventories/rcr, stopped by an error after its first play;
    - ``killed-run``: site.yml on inventories/rcr whose end record is removed (what a kill leaves: its start record);

    then a line a killed writer left unfinished. Returns the journal directory."""
    journal_dir = workdir / "journal"
    elsewhere = workdir / "elsewhere/inventories/other"
    elsewhere.mkdir(parents=True)
    (elsewhere / "hosts").write_text("localhost ansible_connection=local\n")
    _run(workdir, journal_dir, RCR, "site.yml", SITE_PLAY, "--diff", "--tags", "tier::windows", "--skip-tags", "reboot",
         run_id="tags-run")
    _run(workdir, journal_dir, RCR / "hosts.yml", "pra_drill.yml", DRILL_PLAY, "--diff", "-e", "attempt=1", run_id="drill-ok")
    _run(workdir, journal_dir, elsewhere, "site.yml", SITE_PLAY, run_id="elsewhere")
    _run(workdir, journal_dir, RCR, "pra_drill.yml", DRILL_PLAY + STOPS, "-e", "attempt=2", run_id="drill-interrupted",
         stops=True)
    _run(workdir, journal_dir, RCR, "site.yml", SITE_PLAY, run_id=KILLED_RUN)
    path = journal_dir / "runs.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    killed_end = [line for line in lines if json.loads(line)["run_id"] == KILLED_RUN and json.loads(line)["event"] == "end"]
    assert len(killed_end) == 1 and len(lines) == 10, lines  # a start and an end record per run
    path.write_text("".join(line for line in lines if line not in killed_end) + TRUNCATED)
    return journal_dir

"""Facts last one run: what a run learned of a host never reaches the next run (ansible.cfg ``fact_caching``).

The lab names its stand-ins as the site names its hosts (pve1, ftp01...). With facts cached on disk by host name, a
run on the site after `make lab` read the lab containers' facts for its own nodes (pve1: bookworm, from a Debian 12
container), and proxmox_node's Debian-release guard compared the declared PVE major with them instead of the node.
Both runs here use the project's ansible.cfg and two inventories that declare nothing of the site (the gate leaves
them alone) and the same host name; no task connects to it, and the runs have no network (``unshare --net``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sitekit_paths import REPO

BIN = REPO / ".venv" / "bin"

LEARN = """- name: A run that learns a fact of pve1 (cacheable, as gathered facts are)
  hosts: pve1
  gather_facts: false
  tasks:
    - name: Learn the release
      ansible.builtin.set_fact:
        distribution_release: bookworm
        cacheable: true
"""

READ = """- name: The next run, on another inventory naming the same host
  hosts: pve1
  gather_facts: false
  tasks:
    - name: Say what the run knows before any connection
      ansible.builtin.debug:
        msg: "release={{ ansible_facts.distribution_release | default('none') }}"
"""


def run(tmp_path: Path, inventory: str, play: str) -> str:
    (tmp_path / f"{inventory}.ini").write_text("[nodes]\npve1 ansible_connection=local\n")
    (tmp_path / f"{inventory}.yml").write_text(play)
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "SITEKIT_JOURNAL_DIR": str(tmp_path / "journal"),
           # where a cache on disk would go: this test's own directory, never the project's
           "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts")}
    done = subprocess.run(["unshare", "--net", str(BIN / "ansible-playbook"), "-i", str(tmp_path / f"{inventory}.ini"),
                           str(tmp_path / f"{inventory}.yml")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_fact_learned_in_one_run_is_unknown_to_the_next(tmp_path):
    run(tmp_path, "lab_like", LEARN)
    out = run(tmp_path, "site_like", READ)
    assert "release=none" in out, out


def test_within_one_run_a_fact_is_kept_from_play_to_play(tmp_path):
    out = run(tmp_path, "one_run", LEARN + READ)
    assert "release=bookworm" in out, out

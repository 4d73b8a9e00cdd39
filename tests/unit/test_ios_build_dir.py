"""Each inventory renders its devices' configurations and day-0 bootstraps into its own directory.

The lab names its devices as the site does (sw-bp-1, sw-core, rt-01...): with one build/configs for every
inventory, a `make lab` after a run on the site replaced the site's `build/configs/sw-bp-1.day0.txt` (the bootstrap
an operator types on the switch's console, README of cisco_ios) with the lab's, lab addresses and lab secrets
included. cisco_ios_build_dir (the role's default, read as the role reads it) is evaluated here for one device of
each inventory; the play runs `debug` only (no connection) in a namespace with no network.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sitekit_paths import REPO

BIN = REPO / ".venv" / "bin"

PLAY = """- name: Where the role writes a device's files
  hosts: sw-core
  gather_facts: false
  tasks:
    - name: Read the role's defaults as the role has them
      ansible.builtin.include_vars: {file: "REPO/roles/cisco_ios/defaults/main.yml", name: defaults}
    - name: Say the directory
      ansible.builtin.debug:
        msg: "build_dir={{ defaults.cisco_ios_build_dir | realpath }}"
""".replace("REPO", str(REPO))


def build_dir(tmp_path: Path, inventory: str) -> Path:
    play = tmp_path / "playbooks" / "where.yml"  # the role's default is relative to playbook_dir
    play.parent.mkdir(exist_ok=True)
    play.write_text(PLAY)
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "SITEKIT_JOURNAL_DIR": str(tmp_path / "journal")}
    done = subprocess.run(["unshare", "--net", str(BIN / "ansible-playbook"), "-i", f"inventories/{inventory}",
                           str(play)], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return Path(next(line.split("build_dir=", 1)[1].strip().strip('"') for line in done.stdout.splitlines()
                     if "build_dir=" in line))


def test_the_site_and_the_lab_write_their_device_files_apart(tmp_path):
    site, lab = build_dir(tmp_path, "rcr"), build_dir(tmp_path, "lab")
    assert site == tmp_path.resolve() / "build" / "configs" / "rcr"
    assert lab == tmp_path.resolve() / "build" / "configs" / "lab"

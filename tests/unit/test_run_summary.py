"""The run_summary callback records what a run changed, and tells a check run from a real one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit_paths import REPO

PLAY = """---
- name: Change one file
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Write the marker
      ansible.builtin.copy:
        content: "x\\n"
        dest: "{{ marker }}"
        mode: "0600"
"""


@pytest.mark.parametrize("check", [False, True])
def test_record_lists_changes(tmp_path, check):
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY)
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "SITEKIT_RUN_LOG_DIR": str(tmp_path / "runs"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    args = ["ansible-playbook", "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"marker={tmp_path / 'marker'}", str(playbook)]
    out = subprocess.run(args + (["--check"] if check else []), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    [record_file] = (tmp_path / "runs").glob("*.json")
    record = json.loads(record_file.read_text())
    assert record["changed"] == [{"host": "localhost", "task": "Write the marker"}]
    assert record["check_mode"] is check
    assert (tmp_path / "marker").exists() is not check
    assert "play.yml: 1 change(s), 0 failure(s)" in out.stdout

"""The lab's mitogen strategy leaves the CPUs to the kernel (issue 10).

mitogen_linear pins the ansible-playbook process, its workers and their children to one CPU on a machine
of 2 or 3 CPUs (ansible_mitogen/affinity.py, FixedPolicy), and a linear play that follows inherits the
pin: the lab's network tier ran on one of the 2 cores. The lab's ``mitogen_linear_unpinned``
(tools/lab/strategy_plugins) is mitogen's strategy without the pin. A two-play playbook on localhost
(read-only: a task reads its own CPU list) under each strategy: the unpinned one keeps this process's
CPUs in both plays, mitogen's own narrows them to one CPU (what the lab's strategy exists to avoid).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ansible_mitogen")

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "lab"))

PLAYBOOK = """
- name: Under the strategy the run selects
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Read the CPUs this task may run on
      ansible.builtin.command: grep Cpus_allowed_list /proc/self/status
      changed_when: false
      register: first
- name: Under ansible-core's linear, after it (as the lab's network devices' play)
  hosts: localhost
  connection: local
  gather_facts: false
  strategy: linear
  tasks:
    - name: Read the CPUs this task may run on
      ansible.builtin.command: grep Cpus_allowed_list /proc/self/status
      changed_when: false
      register: second
    - name: Print both
      ansible.builtin.debug:
        msg: "CPUS {{ {'first': first.stdout.split()[-1], 'second': second.stdout.split()[-1]} | to_json }}"
"""


def _cpus(listed: str) -> set[int]:
    out: set[int] = set()
    for part in listed.split(","):
        low, _, high = part.partition("-")
        out.update(range(int(low), int(high or low) + 1))
    return out


def _task_cpus(tmp_path: Path, strategy: str, monkeypatch) -> dict[str, set[int]]:
    import transport

    monkeypatch.setattr(transport, "STRATEGY", strategy)
    book = tmp_path / "cpus.yml"
    book.write_text(PLAYBOOK)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_STRATEGY")}
    env.update(transport.strategy_env(), ANSIBLE_CONFIG=str(tmp_path / "none.cfg"), ANSIBLE_NOCOLOR="1")
    run = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(book),
                          "-e", f"ansible_python_interpreter={sys.executable}"],
                         env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(x for x in run.stdout.splitlines() if "CPUS " in x)
    seen = json.loads(line.split("CPUS ", 1)[1].rstrip('"').replace('\\"', '"'))
    return {play: _cpus(listed) for play, listed in seen.items()}


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="pinning cannot be seen on one CPU")
def test_the_lab_strategy_keeps_every_cpu_in_its_plays_and_the_linear_ones_after(tmp_path, monkeypatch):
    mine = os.sched_getaffinity(0)
    assert _task_cpus(tmp_path, "mitogen_linear_unpinned", monkeypatch) == {"first": mine, "second": mine}


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="pinning cannot be seen on one CPU")
def test_mitogens_own_strategy_pins_the_tasks_to_one_cpu(tmp_path, monkeypatch):
    pinned = _task_cpus(tmp_path, "mitogen_linear", monkeypatch)
    assert len(pinned["first"]) == 1 and pinned["second"] == pinned["first"]

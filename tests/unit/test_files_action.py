"""sitekit.core.files runs its code inside Ansible's worker on ansible-core's local connection without become
(plugins/action/files.py; mitogen's local connection in its place is one too: ``transport = 'local'``), and as a
module everywhere else: the same arguments get the same answers either way
(the scenarios run through both: tests/debian/test_files_scenarios.py)."""

from __future__ import annotations

import json
import os
import subprocess
from types import SimpleNamespace

import pytest
from ansible_collections.sitekit.core.plugins.action import files as action
from module_runner import load, run_module
from sitekit_paths import REPO

FILE = {"path": "/tmp/sitekit-never-written", "content": "x", "mode": "0600"}
BAD = {
    "an unknown option": {"files": [FILE], "dirs": []},
    "no files": {"directories": []},
    "a file without a mode": {"files": [{k: v for k, v in FILE.items() if k != "mode"}]},
    "an unknown file option": {"files": [{**FILE, "backup": True}]},
    "directories given a string": {"files": [FILE], "directories": "/tmp"},
}


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments_are_refused_in_the_modules_words(case, capsys):
    refused = action.module_result(BAD[case], check_mode=False, diff=False)
    as_module = run_module(capsys, load("files"), {**BAD[case], "_ansible_module_name": "sitekit.core.files"})
    assert refused["failed"] and refused == as_module  # the module's message, and its invocation with it
    assert not os.path.exists(FILE["path"])


def _action(transport: str, become: bool, environment=None):
    """The action as a task on that connection would get it; _execute_module recorded instead of run."""
    plugin = action.ActionModule.__new__(action.ActionModule)
    plugin._connection = SimpleNamespace(transport=transport, _shell=SimpleNamespace(tmpdir=None))
    plugin._play_context = SimpleNamespace(become=become)
    plugin._task = SimpleNamespace(args={"files": [FILE]}, check_mode=True, diff=False, async_val=0,
                                   environment=environment)
    plugin.executed = []
    plugin._execute_module = lambda **kw: plugin.executed.append(kw) or {"changed": False, "from": "module"}
    plugin._remove_tmp_path = lambda path: None
    return plugin


@pytest.mark.parametrize(("transport", "become", "environment", "in_worker"), [
    ("local", False, None, True),
    ("local", False, [{}, {}], True),     # the play's and the task's environment, both empty
    ("ssh", False, None, False),          # a host
    ("local", True, None, False),         # root (or another user) through become: the module, as that user
    ("local", False, [{}, {"PROXMOX_HOST": "{{ api }}"}], False),  # environment: a module process gets it
    ("ansible.netcommon.network_cli", False, None, False),
])
def test_only_the_controllers_own_local_connection_without_become_runs_in_the_worker(monkeypatch, transport, become,
                                                                                      environment, in_worker):
    monkeypatch.setattr(action.in_process.ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    plugin = _action(transport, become, environment)
    result = plugin.run(task_vars={})
    if in_worker:
        assert plugin.executed == [] and result["changed"] is True and result["changed_paths"] == [FILE["path"]]
    else:
        assert plugin.executed == [{"module_name": "sitekit.core.files", "task_vars": {}}] and result["from"] == "module"
    assert not os.path.exists(FILE["path"])  # check mode either way


def test_a_play_on_localhost_writes_without_a_module_process(tmp_path):
    """A module process cannot start (the interpreter does not exist): the task still writes, makes the directory,
    changes nothing on the second run and nothing in check mode."""
    target = tmp_path / "build" / "configs"
    play = [{"hosts": "localhost", "gather_facts": False,
             "vars": {"ansible_connection": "local", "ansible_python_interpreter": str(tmp_path / "no-python")},
             "tasks": [{"name": "write", "sitekit.core.files": {
                 "directories": [{"path": str(target), "mode": "0700"}],
                 "files": [{"path": str(target / "sw.cfg"), "content": "hostname sw\n", "mode": "0600"}]}}]}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}

    def playbook(*args):
        proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "localhost,", str(tmp_path / "play.yml"),
                               *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        report = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]  # the run summary follows
        return report["plays"][0]["tasks"][0]["hosts"]["localhost"]

    checked = playbook("--check")
    assert checked["changed"] and checked["changed_paths"] == [str(target), str(target / "sw.cfg")]
    assert not target.parent.exists()
    first = playbook()
    assert first["changed"] and (target / "sw.cfg").read_text() == "hostname sw\n"
    assert oct(target.stat().st_mode & 0o777) == "0o700" and oct((target / "sw.cfg").stat().st_mode & 0o777) == "0o600"
    assert not playbook()["changed"]


def test_a_failure_in_the_worker_reads_as_the_modules(tmp_path):
    """ansible-core prints a module's failure as "Module failed: ..." and an action's as "Action failed: ...": the
    worker's run is the module's, and reads so (the second task runs the module: environment: starts a process)."""
    def bad(name):  # each its own checker: ansible-core prints an error identical to the last one once
        return {"files": [{"path": str(tmp_path / "x"), "content": "a", "mode": "0600",
                           "validate": f"{tmp_path / name}-checker %s"}]}

    tasks = [{"name": name, "sitekit.core.files": bad(name), "ignore_errors": True, **extra}
             for name, extra in (("worker", {}), ("module", {"environment": {"SITEKIT_TEST": "1"}}))]
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": tasks,
             "vars": {"ansible_connection": "local", "ansible_python_interpreter": str(REPO / ".venv/bin/python")}}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
           "ANSIBLE_NOCOLOR": "1"}
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "localhost,", str(tmp_path / "play.yml")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    errors = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("[ERROR]: Task failed")]
    assert len(errors) == 2 and errors[0] == errors[1].replace("module-checker", "worker-checker"), errors
    assert errors[0].startswith("[ERROR]: Task failed: Module failed: Error executing command: [Errno 2] No such file")
    assert not (tmp_path / "x").exists()

"""sitekit.core.packages, scenario by scenario: the real dpkg-query reads a dpkg database written by the test
(DPKG_ADMINDIR), and the apt run the action asks for is recorded instead of run.

Each row: the packages dpkg knows (name -> Status field), the task's arguments, check mode, and what must come
out: whether apt runs (with exactly the task's arguments), changed, or the refusal message."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible_collections.sitekit.core.plugins.action.packages import ActionModule
from sitekit_paths import REPO
from task_files import tasks_of

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg-query (Debian controller)")

OK = "install ok installed"
CONF = "deinstall ok config-files"
HALF = "install ok half-installed"
REINST = "install reinstreq half-installed"
FLAGGED = "install reinstreq installed"  # installed, but dpkg asks for a reinstall
APT_CHANGED = {"changed": True, "stdout": "Setting up ...", "cache_updated": True,
               "diff": {"prepared": "The following NEW packages will be installed:\n  vsftpd"}}


@dataclass(frozen=True)
class Row:
    id: str
    dpkg: dict                         # package -> dpkg Status field
    args: dict
    check: bool = False
    apt: bool = False                  # apt must run, with the task's arguments
    changed: bool | None = False       # None: the task fails
    failed: str | None = None
    apt_result: dict = field(default_factory=lambda: dict(APT_CHANGED))

    def param(self):
        return pytest.param(self, id=self.id)


ROWS = [
    Row("noop", {"vsftpd": OK, "python3-cryptography": OK},
        {"name": ["vsftpd", "python3-cryptography"], "update_cache": True, "cache_valid_time": 3600}),
    Row("noop-check", {"vsftpd": OK}, {"name": ["vsftpd"]}, check=True),
    Row("noop-comma-string", {"vsftpd": OK, "chrony": OK}, {"name": "vsftpd,chrony"}),
    Row("one-missing", {"vsftpd": OK}, {"name": ["vsftpd", "python3-cryptography"], "update_cache": True,
                                         "cache_valid_time": 3600}, apt=True, changed=True),
    Row("missing-check", {}, {"name": ["vsftpd"]}, check=True, apt=True, changed=True),
    Row("config-files-only-is-missing", {"vsftpd": CONF}, {"name": ["vsftpd"]}, apt=True, changed=True),
    Row("half-installed-left-to-apt", {"vsftpd": HALF}, {"name": ["vsftpd"]}, apt=True, changed=True),
    Row("reinstall-required-left-to-apt", {"vsftpd": REINST}, {"name": ["vsftpd"]}, apt=True, changed=True),
    Row("error-flag-left-to-apt", {"vsftpd": FLAGGED}, {"name": ["vsftpd"]}, apt=True, changed=True),
    Row("apt-says-nothing-to-do", {"vsftpd": HALF}, {"name": ["vsftpd"]}, apt=True, changed=False,
        apt_result={"changed": False, "cache_updated": False}),
    Row("version-spec-left-to-apt", {"vsftpd": OK}, {"name": ["vsftpd=3.0.3-13"]}, apt=True, changed=True),
    Row("wildcard-left-to-apt", {"vsftpd": OK}, {"name": ["vsftp*"]}, apt=True, changed=True),
    Row("absent-noop", {"vsftpd": CONF}, {"name": ["vsftpd", "never-installed"], "state": "absent"}),
    Row("absent-removes", {"vsftpd": OK}, {"name": ["vsftpd"], "state": "absent"}, apt=True, changed=True),
    Row("apt-failure-passed-on", {}, {"name": ["nosuch"]}, apt=True, changed=None, failed="No package matching",
        apt_result={"failed": True, "msg": "No package matching 'nosuch' is available"}),
    Row("refused-state-latest", {"vsftpd": OK}, {"name": ["vsftpd"], "state": "latest"}, changed=None,
        failed="state must be one of present, absent, not 'latest'"),
    Row("refused-empty-name", {}, {"name": []}, changed=None, failed="name must be a non-empty list"),
    Row("refused-update-cache-not-boolean", {"vsftpd": OK}, {"name": ["vsftpd"], "update_cache": "maybe"},
        changed=None, failed="update_cache takes a boolean"),
    Row("refused-unknown-option", {"vsftpd": OK}, {"name": ["vsftpd"], "purge": True}, changed=None,
        failed="Invalid options for sitekit.core.packages: purge"),
]


def dpkg_database(root, packages: dict) -> str:
    """A dpkg admin directory whose status file lists ``packages`` (what dpkg-query reads)."""
    admin = root / "dpkg"
    (admin / "info").mkdir(parents=True)
    (admin / "updates").mkdir()
    (admin / "available").write_text("")
    stanzas = [f"Package: {name}\nStatus: {status}\nArchitecture: all\nVersion: 1.0\n"
               + ("" if status.endswith("not-installed") else "Maintainer: t <t@example.org>\nDescription: t\n")
               for name, status in packages.items()]
    (admin / "status").write_text("\n".join(stanzas))
    return str(admin)


def run(tmp_path, row: Row):
    admin = dpkg_database(tmp_path, row.dpkg)
    task = Task.load({"action": "sitekit.core.packages", "args": row.args})
    task.check_mode = row.check
    connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir=None))
    action = ActionModule(task, connection=connection, play_context=PlayContext(), loader=DataLoader(), templar=None,
                          shared_loader_obj=None)
    commands, apt_calls = [], []

    def low_level(cmd, sudoable=True, **_):
        commands.append((cmd, sudoable))
        done = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True,
                              env={**os.environ, "DPKG_ADMINDIR": admin}, check=False)
        return {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

    def execute_module(module_name=None, module_args=None, task_vars=None, **_):
        apt_calls.append((module_name, module_args))
        return dict(row.apt_result)

    action._low_level_execute_command = low_level
    action._execute_module = execute_module
    try:
        return action.run(task_vars={}), commands, apt_calls
    except AnsibleActionFail as refused:  # what the task executor turns into a failed result
        return {"failed": True, "msg": str(refused)}, commands, apt_calls


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_packages(tmp_path, row: Row):
    result, commands, apt_calls = run(tmp_path, row)
    if row.failed:
        assert result.get("failed") and row.failed in result["msg"], result
    else:
        assert not result.get("failed"), result
        assert result["changed"] is row.changed, result
    if row.apt:
        names = row.args["name"].split(",") if isinstance(row.args["name"], str) else row.args["name"]
        assert apt_calls == [("ansible.builtin.apt", {**row.args, "name": names})]
        assert result["apt_run"] is True
        assert result.get("diff") == row.apt_result.get("diff"), "apt's diff is returned as it is"
    else:
        assert apt_calls == [], "apt must not run when dpkg already has every package in the wanted state"
        assert result.get("apt_run") in (False, None) and "diff" not in result
    # Only a read of the dpkg database, never with privilege.
    assert all(cmd.startswith("LC_ALL=C dpkg-query --show") and not sudoable for cmd, sudoable in commands)


def test_the_roles_install_through_the_action_not_apt_directly():
    """Every package a role installs or removes goes through sitekit.core.packages (apt runs only when something
    is to do); ansible.builtin.apt stays only for what the action does not do (a refresh of the lists)."""
    offenders = []
    for path in sorted((REPO / "roles").glob("*/*/*.yml")):
        if path.parent.name not in ("tasks", "handlers"):
            continue
        for task in tasks_of(yaml.safe_load(path.read_text())):
            for module in ("ansible.builtin.apt", "ansible.builtin.package", "apt", "package"):
                if isinstance(task.get(module), dict) and "name" in task[module]:
                    offenders.append(f"{path.relative_to(REPO)}: {task.get('name')}")
    assert offenders == []

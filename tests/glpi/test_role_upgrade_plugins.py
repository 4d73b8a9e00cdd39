"""The glpi role's upgrade (roles/glpi/tasks/0055-upgrade.yml) leaves the plugins that were active running.

10.0's db:update deactivates every plugin and plugin:activate brings them back. 11.0 deactivates none: the first
console run of the new code on the older database suspends their execution (glpi_configs core
plugins_execution_mode = 'suspended_by_update', src/Plugin.php checkStates()), db:update resumes it only within
11.0.x (src/Update.php doUpdates()), and after 10.0 -> 11.0 only plugin:resume_execution does; plugin:activate is
refused there (standin/inc/standin/Plugins.php, Command/PluginExecution.php; test_plugin_commands.py).

These tests run the role's own schema step, 0050-schema.yml and the 0055-upgrade.yml it includes, task by task in
their order against the stand-in, with each task's `when`, `failed_when`, `check_mode`, registers and assertions
evaluated by Ansible's templating (0045-database.yml's `_glpi_db` read from the stand-in's database); glpi-console
commands run the stand-in's bin/console (`--release`: the new release; otherwise the web root, which serves the old
release until the role switches it), SQL reads run on its database (as GLPI's account when the task says so); other
files and settings are left out. In a check run, commands and queries are skipped unless `check_mode: false`. glpi-backup copies the database's tables, glpi-restore
copies them back and puts the old release back in place (the web root never left it), out of maintenance.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import subprocess

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from glpi_env import php_extensions
from sitekit_paths import REPO

ROLE = REPO / "roles/glpi"
SCHEMA = yaml.safe_load((ROLE / "tasks/0050-schema.yml").read_text())
ROLE_VARS = yaml.safe_load((ROLE / "vars/main.yml").read_text())
CONSOLE = "/usr/local/sbin/glpi-console"
BACKUP = "/usr/local/sbin/glpi-backup"
RESTORE = "/usr/local/sbin/glpi-restore"
ACTIVATED, NOTACTIVATED = "1", "4"


class Stopped(Exception):
    """A task failed or an assertion did not hold: the role's run stops there."""


def setup_php(key: str, requirements: str = "") -> str:
    return (f"<?php\nfunction plugin_version_{key}() {{ return ['name' => '{key}', 'version' => '1.0.0'{requirements}]; }}\n"
            f"function plugin_init_{key}() {{ global $PLUGIN_HOOKS; $PLUGIN_HOOKS['csrf_compliant']['{key}'] = true; }}\n")


class RoleRun:
    """0050's active-plugins query and 0055-upgrade.yml, run against one stand-in the way ansible-playbook would."""

    def __init__(self, glpi, version: str, source: str, check_mode: bool = False, backup_fails: bool = False):
        self.glpi, self.source, self.check_mode, self.backup_fails = glpi, source, check_mode, backup_fails
        self.old = dataclasses.replace(glpi, root=glpi.base / "old-release")  # site(): the source's code
        self.web_root_switched = False
        self.commands: list[list[str]] = []
        tables = glpi.sql(f"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{glpi.database}'")
        self.vars = {
            "ansible_check_mode": check_mode,
            "_glpi_db": {"ready": True, "release_present": True, "version": glpi.config("version"), "up_to_date": False,
                         "tables": int(tables[0][0])},  # 0045-database.yml, the pinned release extracted
            "glpi_version": version, "glpi_console": CONSOLE, "_glpi_release": f"/srv/glpi/releases/{version}/glpi",
            "glpi_db_name": glpi.database, "glpi_db_user": glpi.user, "glpi_db_password": glpi.password,
            "glpi_mariadb_socket": str(glpi.db.socket), "glpi_system_cron": False, "glpi_web_root": "/var/www/glpi",
            "glpi_config_dir": "/etc/glpi", "glpi_log_dir": "/var/log/glpi", "glpi_marketplace_dir": "/var/lib/glpi/marketplace",
            "_glpi_eleven": trust_as_template(ROLE_VARS["_glpi_eleven"]),  # the role derives it from glpi_version
        }

    def render(self, value, extra: dict | None = None):
        templar = Templar(loader=DataLoader(), variables={**self.vars, **(extra or {})})
        if isinstance(value, str):
            return templar.template(trust_as_template(value))
        if isinstance(value, list):
            return [self.render(v, extra) for v in value]
        if isinstance(value, dict):
            return {k: self.render(v, extra) for k, v in value.items()}
        return value

    def holds(self, condition, extra: dict | None = None) -> bool:
        if isinstance(condition, bool):
            return condition
        return self.render("{{ (" + str(condition) + ") | bool }}", extra) is True

    def run_tasks(self, tasks: list[dict]) -> None:
        for task in tasks:
            self.run_task(task)

    def run_task(self, task: dict) -> None:
        # task vars stay templates, resolved when used (a skipped task's register has no query_result)
        local = {k: trust_as_template(v) if isinstance(v, str) else v for k, v in task.get("vars", {}).items()}
        whens = task.get("when", [])
        if not all(self.holds(w, local) for w in (whens if isinstance(whens, list) else [whens])):
            if "register" in task:
                self.vars[task["register"]] = {"skipped": True, "changed": False}
            return
        if "block" in task:
            try:
                try:
                    self.run_tasks(task["block"])
                except Stopped:
                    if "rescue" not in task:
                        raise
                    self.run_tasks(task["rescue"])
            finally:
                self.run_tasks(task.get("always", []))
            return
        try:
            result = self.execute(task, local)
        except Exception as error:
            if not isinstance(error, Stopped):
                error.add_note(f"in task {task.get('name')!r}")
            else:  # what a rescue reads
                self.vars["ansible_failed_task"] = {"name": task.get("name")}
                self.vars["ansible_failed_result"] = {"msg": str(error)}
            raise
        if "register" in task:
            self.vars[task["register"]] = result

    def execute(self, task: dict, local: dict) -> dict:
        runs = "ansible.builtin.command" in task or "community.mysql.mysql_query" in task
        if self.check_mode and runs and task.get("check_mode") is not False:
            return {"skipped": True, "changed": False}  # command: would have run; mysql_query: no check mode
        if "ansible.builtin.include_tasks" in task:
            self.run_tasks(yaml.safe_load((ROLE / "tasks" / task["ansible.builtin.include_tasks"]).read_text()))
            return {"changed": False}
        if "ansible.builtin.command" in task:
            return self.command(task, local)
        if "community.mysql.mysql_query" in task:
            result = self.query(self.render(task["community.mysql.mysql_query"], local))
            if result.get("failed") and task.get("failed_when") is not False:
                raise Stopped(result["msg"])
            return result
        if "ansible.builtin.assert" in task:
            module = task["ansible.builtin.assert"]
            that = module["that"] if isinstance(module["that"], list) else [module["that"]]
            if not all(self.holds(t, local) for t in that):
                raise Stopped(self.render(module.get("fail_msg", "assertion failed"), local))
            return {"changed": False}
        if "ansible.builtin.file" in task:
            module = task["ansible.builtin.file"]
            if module.get("dest") == "{{ glpi_web_root }}" and module.get("state") == "link" and not self.check_mode:
                self.web_root_switched = True
            return {"changed": True}
        if "ansible.builtin.fail" in task:
            raise Stopped(self.render(task["ansible.builtin.fail"]["msg"], local))
        return {"changed": True}  # files and links: not what these tests look at

    def command(self, task: dict, local: dict) -> dict:
        module = task["ansible.builtin.command"]
        argv = self.render(module["argv"], local) if isinstance(module, dict) else shlex.split(self.render(module, local))
        self.commands.append(argv)
        if argv[0] == BACKUP and self.backup_fails:
            result = {"rc": 1, "stdout": "", "stderr": "glpi-backup: No space left on device"}
        elif argv[0] == BACKUP:
            self.copy_tables(self.glpi.database, self.glpi.database + "_backup")
            result = {"rc": 0, "stdout": "/var/backups/glpi/pre-upgrade", "stderr": ""}
        elif argv[0] == RESTORE:
            self.copy_tables(self.glpi.database + "_backup", self.glpi.database)
            self.glpi.sql("UPDATE glpi_configs SET value = '0' WHERE context = 'core' AND name = 'maintenance_mode'")
            result = {"rc": 0, "stdout": "", "stderr": ""}
        elif argv[0] == CONSOLE:
            new_release = argv[1:2] == ["--release"] or self.web_root_switched
            done = (self.glpi if new_release else self.old).run(*(argv[3:] if argv[1:2] == ["--release"] else argv[1:]))
            result = {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        else:
            raise AssertionError(f"the upgrade runs an unexpected command: {argv}")
        result |= {"stdout_lines": result["stdout"].splitlines(), "changed": True}
        failed = (self.holds(task["failed_when"], {**local, task.get("register", "_"): result})
                  if "failed_when" in task else result["rc"] != 0)
        if failed:
            if "register" in task:
                self.vars[task["register"]] = result | {"failed": True}
            raise Stopped(f"{argv} failed: {result}")
        return result

    def copy_tables(self, source: str, target: str) -> None:
        db = self.glpi.db
        db.sql(f"DROP DATABASE IF EXISTS {target}; CREATE DATABASE {target}")
        for (table,) in db.sql(f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{source}'"):
            db.sql(f"CREATE TABLE {target}.{table} LIKE {source}.{table}; INSERT INTO {target}.{table} SELECT * FROM {source}.{table}")
        if target == self.glpi.database:
            db.sql(f"GRANT ALL ON {target}.* TO '{self.glpi.user}'@'localhost'")

    def query(self, module: dict) -> dict:
        queries = module["query"] if isinstance(module["query"], list) else [module["query"]]
        argv = ["mariadb", "--no-defaults", "-S", str(self.glpi.db.socket), "-B", self.glpi.database]
        env = dict(os.environ)
        if "login_user" in module:
            argv[4:4] = ["-u", module["login_user"]]
            env["MYSQL_PWD"] = module["login_password"]
        else:
            argv[4:4] = ["-u", "root"]
        results = []
        for sql in queries:
            done = subprocess.run([*argv, "-e", sql], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                return {"failed": True, "msg": done.stderr}
            out = done.stdout
            lines = out.splitlines()
            header = lines[0].split("\t") if lines else []
            results.append([dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]])
        return {"query_result": results, "changed": False}

    def upgrade(self) -> None:
        """The schema step: 0050-schema.yml, which includes 0055-upgrade.yml."""
        self.run_tasks(SCHEMA)


def site(make_standin, source: str, target: str, plugins: dict[str, str], mode: str | None = None,
         failing_update: bool = False):
    """`source` installed with `plugins` (directory -> requirements) active, then the code of `target`, the plugins'
    files in its marketplace/ (GLPI_MARKETPLACE_DIR: the role keeps it out of the release)."""
    glpi = make_standin(source)
    installed = glpi.install()
    assert installed.returncode == 0, installed.stdout + installed.stderr
    for key in plugins:
        glpi.sql(f"INSERT INTO glpi_plugins (directory, name, version, state) VALUES ('{key}', '{key}', '1.0.0', 1)")
    if mode is not None:
        glpi.sql(f"INSERT INTO glpi_configs (context, name, value) VALUES ('core', 'plugins_execution_mode', '{mode}')")
    old = glpi.base / "old-release"  # what the web root serves until the role switches it
    shutil.copytree(glpi.root, old, symlinks=True, ignore=shutil.ignore_patterns("config", "files", "marketplace"))
    glpi.replace_release(target, failing_update=failing_update)
    for shared in ("config", "files", "marketplace"):  # outside the releases on a real site
        (old / shared).symlink_to(glpi.root / shared)
    glpi.give(old)
    for key, requirements in plugins.items():
        folder = glpi.root / "marketplace" / key
        folder.mkdir(parents=True)
        (folder / "setup.php").write_text(setup_php(key, requirements))
        glpi.give(folder)
    return glpi


def state(glpi, key: str) -> str:
    return glpi.sql(f"SELECT state FROM glpi_plugins WHERE directory = '{key}'")[0][0]


UPGRADES = [("10.0.20", "11.0.2"), ("11.0.1", "11.0.2"), ("10.0.20", "10.0.99")]


@pytest.mark.parametrize(("source", "target"), UPGRADES, ids=["10.0-to-11.0", "11.0.x-to-11.0.y", "10.0.x-to-10.0.y"])
def test_the_plugins_that_were_active_run_after_the_upgrade(make_standin, source, target):
    glpi = site(make_standin, source, target, {"formcreator": "", "fields": ""})
    run = RoleRun(glpi, target, source)
    run.upgrade()
    assert state(glpi, "formcreator") == ACTIVATED and state(glpi, "fields") == ACTIVATED
    assert glpi.config("maintenance_mode") == "0"
    resumes = [argv for argv in run.commands if "plugin:resume_execution" in argv]
    if target.startswith("11."):
        assert glpi.config("plugins_execution_mode") == "on"
        assert len(resumes) == (1 if source.startswith("10.") else 0)  # 11.0.x -> 11.0.y: db:update resumed it
        assert not [argv for argv in run.commands if "plugin:activate" in argv]
    else:
        assert not resumes  # 10.0 has no such command (the stand-in refuses it as GLPI 10.0 does)
        assert [argv for argv in run.commands if "plugin:activate" in argv]


def test_an_upgrade_to_11_stops_naming_the_plugin_the_new_release_deactivated(make_standin):
    glpi = site(make_standin, "10.0.20", "11.0.2",
                {"formcreator": "", "legacy": ", 'requirements' => ['glpi' => ['min' => '10.0.0', 'max' => '10.0.99']]"})
    run = RoleRun(glpi, "11.0.2", "10.0.20")
    with pytest.raises(Stopped, match="deactivated plugins that were active: legacy "):
        run.upgrade()
    assert glpi.config("plugins_execution_mode") == "on" and glpi.config("maintenance_mode") == "0"
    assert state(glpi, "legacy") == NOTACTIVATED and state(glpi, "formcreator") == ACTIVATED


def test_a_suspension_the_administrator_made_is_left_alone(make_standin):
    glpi = site(make_standin, "11.0.1", "11.0.2", {"formcreator": ""}, mode="suspended_manually")
    run = RoleRun(glpi, "11.0.2", "11.0.1")
    run.upgrade()
    assert glpi.config("plugins_execution_mode") == "suspended_manually"
    assert not [argv for argv in run.commands if "plugin:resume_execution" in argv]


def test_a_site_without_plugins_upgrades_to_11_without_resuming_anything(make_standin):
    glpi = site(make_standin, "10.0.20", "11.0.2", {})
    run = RoleRun(glpi, "11.0.2", "10.0.20")
    run.upgrade()
    assert glpi.config("plugins_execution_mode") == "on"  # update_10.0.x_to_11.0.0/configs.php
    assert not [argv for argv in run.commands if "plugin:" in " ".join(argv)]


@pytest.mark.parametrize("source", ["11.0.1", "10.0.20"])
def test_a_failed_update_rolled_back_leaves_the_plugins_running_on_the_old_release(make_standin, source):
    glpi = site(make_standin, source, "11.0.2", {"formcreator": ""}, failing_update=True)
    run = RoleRun(glpi, "11.0.2", source)
    with pytest.raises(Stopped, match="db:update to 11.0.2 failed"):
        run.upgrade()
    assert glpi.config("version") == source and glpi.config("maintenance_mode") == "0"
    assert state(glpi, "formcreator") == ACTIVATED
    resumes = [argv for argv in run.commands if "plugin:resume_execution" in argv]
    if source.startswith("11."):
        # the backup holds the suspension the 11.0.2 console wrote; 11.0.1 would never lift it
        assert glpi.config("plugins_execution_mode") == "on" and len(resumes) == 1
    else:
        assert not resumes  # 10.0 ignores the setting and has no such command


def test_a_check_run_leaves_the_plugins_running_and_changes_nothing(make_standin):
    glpi = site(make_standin, "11.0.1", "11.0.2", {"formcreator": ""})
    run = RoleRun(glpi, "11.0.2", "11.0.1", check_mode=True)
    before = glpi.config("plugins_execution_mode")
    run.upgrade()
    # the 11.0.2 console never started on the live database (its start would suspend the plugins): nothing to lift
    assert run.commands == []
    assert glpi.config("plugins_execution_mode") == before != "suspended_by_update"
    assert glpi.config("version") == "11.0.1" and glpi.config("maintenance_mode") == "0"
    assert state(glpi, "formcreator") == ACTIVATED
    assert not [argv for argv in run.commands if "db:update" in argv or "maintenance:enable" in argv]


def test_a_check_run_leaves_an_older_suspension_alone(make_standin):
    glpi = site(make_standin, "11.0.1", "11.0.2", {"formcreator": ""}, mode="suspended_by_update")
    run = RoleRun(glpi, "11.0.2", "11.0.1", check_mode=True)
    run.upgrade()
    assert glpi.config("plugins_execution_mode") == "suspended_by_update"  # not this check run's doing
    assert not [argv for argv in run.commands if "plugin:resume_execution" in argv]


def test_an_upgrade_stopped_by_a_missing_requirement_leaves_the_plugins_running(make_standin):
    glpi = site(make_standin, "11.0.1", "11.0.2", {"formcreator": ""})
    run = RoleRun(glpi, "11.0.2", "11.0.1")
    glpi.extra_php = ["-n", *php_extensions(without=("bcmath",))]  # the new release's PHP only
    with pytest.raises(Stopped, match="system:check_requirements"):
        run.upgrade()
    assert glpi.config("plugins_execution_mode") == "on"  # the check's console suspended them; lifted
    assert glpi.config("version") == "11.0.1" and glpi.config("maintenance_mode") == "0"
    assert not [argv for argv in run.commands if "maintenance:enable" in argv]


# Before db:update nothing of the data has changed (0055's first block): a failed backup leaves the old release
# serving as it was, out of the maintenance mode the upgrade entered and with the plugins running (11.0 data).
@pytest.mark.parametrize(("source", "target"), [("11.0.1", "11.0.2"), ("10.0.20", "10.0.99")], ids=["11.0", "10.0"])
def test_an_upgrade_whose_backup_fails_leaves_the_site_as_it_was(make_standin, source, target):
    glpi = site(make_standin, source, target, {"formcreator": ""})
    run = RoleRun(glpi, target, source, backup_fails=True)
    with pytest.raises(Stopped, match="stopped at \"Back up the database.*No space left on device"):
        run.upgrade()
    assert not [argv for argv in run.commands if "db:update" in argv]
    assert glpi.config("version") == source and glpi.config("maintenance_mode") == "0"
    assert state(glpi, "formcreator") == ACTIVATED
    if target.startswith("11."):
        assert glpi.config("plugins_execution_mode") == "on"


def test_a_failed_upgrade_leaves_the_maintenance_mode_an_administrator_entered(make_standin):
    glpi = site(make_standin, "11.0.1", "11.0.2", {"formcreator": ""})
    glpi.sql("UPDATE glpi_configs SET value = '1' WHERE context = 'core' AND name = 'maintenance_mode'")
    run = RoleRun(glpi, "11.0.2", "11.0.1", backup_fails=True)
    with pytest.raises(Stopped, match="No space left on device"):
        run.upgrade()
    assert glpi.config("maintenance_mode") == "1"
    assert not [argv for argv in run.commands if "maintenance:disable" in argv]

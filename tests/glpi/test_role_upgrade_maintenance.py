"""The glpi role's upgrade (roles/glpi/tasks/0055-upgrade.yml) believes GLPI's maintenance mode only once read back.

GLPI 10.0's maintenance:enable and maintenance:disable exit 0 even when they wrote nothing
(src/Console/Maintenance/EnableMaintenanceModeCommand.php and DisableMaintenanceModeCommand.php go through
Config::setConfigurationValues(), which reports an SQL error line and never fails; the stand-in models it,
test_console_maintenance.py). The role reads glpi_configs core maintenance_mode back after each and stops the
upgrade before its backup and db:update when enable wrote nothing, and reports a site left in maintenance after
disable. These tests run the role's own read query against the stand-in's database as GLPI's account and evaluate
the role's own assertions with Ansible's templating.
"""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from sitekit_paths import REPO
from task_files import tasks_of

TASKS = list(tasks_of(yaml.safe_load((REPO / "roles/glpi/tasks/0055-upgrade.yml").read_text())))


def _index(predicate, what: str, last: bool = False) -> int:
    found = [i for i, task in enumerate(TASKS) if predicate(task)]
    assert found, f"0055-upgrade.yml has no task that {what}"
    return found[-1 if last else 0]


def _runs(command: str):
    return lambda task: command in str(task.get("ansible.builtin.command", ""))


def _reads_back_into(register: str):
    return lambda task: task.get("register") == register and "community.mysql.mysql_query" in task


def _asserts_on(register: str):
    return lambda task: "ansible.builtin.assert" in task and register in str(task["ansible.builtin.assert"]["that"])


ENABLE = _index(_runs("maintenance:enable"), "runs maintenance:enable")
# The last one: the first leaves the maintenance mode of an upgrade stopped before its schema change.
DISABLE = _index(_runs("maintenance:disable"), "runs maintenance:disable", last=True)
ENABLE_READ = _index(_reads_back_into("_glpi_maintenance_enabled"), "reads the mode back after enable")
DISABLE_READ = _index(_reads_back_into("_glpi_maintenance_disabled"), "reads the mode back after disable")
ENABLE_CHECK = _index(_asserts_on("_glpi_maintenance_enabled"), "stops unless the mode is on")
DISABLE_CHECK = _index(_asserts_on("_glpi_maintenance_disabled"), "reports a site left in maintenance")


def test_the_mode_is_checked_after_enable_before_the_backup_and_db_update():
    backup = _index(_runs("glpi-backup"), "takes the pre-upgrade backup")
    update = _index(_runs("db:update"), "runs db:update")
    assert ENABLE < ENABLE_READ < ENABLE_CHECK < min(backup, update)


def test_the_mode_is_checked_after_disable():
    assert DISABLE < DISABLE_READ < DISABLE_CHECK


def test_the_read_back_is_read_only_as_glpis_account_and_logs_nothing():
    for task in (TASKS[ENABLE_READ], TASKS[DISABLE_READ]):
        module = task["community.mysql.mysql_query"]
        assert module["query"].split()[0].upper() == "SELECT"
        assert "glpi_configs" in module["query"] and "maintenance_mode" in module["query"]
        assert "context = 'core'" in module["query"]
        assert module["login_user"] == "{{ glpi_db_user }}" and module["login_password"] == "{{ glpi_db_password }}"
        assert task["no_log"] is True


def read_back(glpi, index: int) -> dict:
    """The role's read-back query, run by GLPI's account, as community.mysql.mysql_query registers it."""
    query = TASKS[index]["community.mysql.mysql_query"]["query"]
    out = subprocess.run(["mariadb", "--no-defaults", "-S", str(glpi.db.socket), "-u", glpi.user, "-N", "-B",
                          "-e", query, glpi.database], capture_output=True, text=True, check=True,
                         env={**os.environ, "MYSQL_PWD": glpi.password}).stdout
    return {"query_result": [[{"value": line} for line in out.splitlines()]]}


def holds(index: int, register: str, result: dict) -> bool:
    that = TASKS[index]["ansible.builtin.assert"]["that"]
    templar = Templar(loader=DataLoader(), variables={register: result})
    return templar.template(trust_as_template("{{ " + that + " }}")) is True


def read_only(glpi) -> None:
    glpi.db.sql(f"REVOKE ALL PRIVILEGES ON {glpi.database}.* FROM '{glpi.user}'@'localhost';"
                f"GRANT SELECT ON {glpi.database}.* TO '{glpi.user}'@'localhost'")


@pytest.fixture
def upgrading(make_standin):
    """10.0.20 installed, then the code of 10.0.99: the role's upgrade runs the new release on the old data."""
    glpi = make_standin("10.0.20")
    installed = glpi.install()
    assert installed.returncode == 0, installed.stdout + installed.stderr
    glpi.replace_release("10.0.99")
    return glpi


def test_an_enable_that_wrote_nothing_stops_the_upgrade(upgrading):
    read_only(upgrading)
    enabled = upgrading.run("maintenance:enable", "--no-interaction")
    assert enabled.returncode == 0 and "Maintenance mode activated." in enabled.stdout  # what the role saw before
    assert not holds(ENABLE_CHECK, "_glpi_maintenance_enabled", read_back(upgrading, ENABLE_READ))


def test_an_enable_that_wrote_the_mode_lets_the_upgrade_go_on(upgrading):
    enabled = upgrading.run("maintenance:enable", "--no-interaction")
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    assert holds(ENABLE_CHECK, "_glpi_maintenance_enabled", read_back(upgrading, ENABLE_READ))


def test_a_disable_that_wrote_nothing_is_reported(upgrading):
    assert upgrading.run("maintenance:enable", "--no-interaction").returncode == 0
    read_only(upgrading)
    disabled = upgrading.run("maintenance:disable", "--no-interaction")
    assert disabled.returncode == 0 and "Maintenance mode disabled." in disabled.stdout
    assert not holds(DISABLE_CHECK, "_glpi_maintenance_disabled", read_back(upgrading, DISABLE_READ))


def test_a_disable_that_wrote_the_mode_passes(upgrading):
    assert upgrading.run("maintenance:enable", "--no-interaction").returncode == 0
    disabled = upgrading.run("maintenance:disable", "--no-interaction")
    assert disabled.returncode == 0, disabled.stdout + disabled.stderr
    assert holds(DISABLE_CHECK, "_glpi_maintenance_disabled", read_back(upgrading, DISABLE_READ))

"""front/cron.php from the system cron runs only CLI-mode tasks (standin/front/cron.php, inc/standin/Cron.php)."""

from __future__ import annotations

import json

import pytest
from glpi_env import IS_ROOT

LINES = ["10.0.20", "11.0.1"]
# install/empty_data.php: in GLPI mode (1) unless GLPI_SYSTEM_CRON; the SLA, mail and closing tasks.
BROWSER_ONLY = {"slaticket", "queuednotification", "closeticket"}


def installed(make_standin, version: str, downstream: str | None = None):
    glpi = make_standin(version)
    if downstream:
        glpi.downstream(downstream)
    assert glpi.install().returncode == 0
    return glpi


def ran(glpi) -> list[str]:
    records = [json.loads(line) for line in (glpi.log_dir / "standin-cron.log").read_text().splitlines()]
    return records[-1]["ran"]


def modes(glpi) -> dict[str, str]:
    return dict(glpi.sql("SELECT name, mode FROM glpi_crontasks WHERE itemtype != 'Document'"))


@pytest.mark.parametrize("version", LINES)
def test_default_install_leaves_sla_and_mail_tasks_to_browsers(make_standin, version):
    glpi = installed(make_standin, version)
    assert {modes(glpi)[t] for t in BROWSER_ONLY} == {"1"}
    assert modes(glpi)["PurgeLogs"] == "2"
    result = glpi.run(script="front/cron.php")
    assert result.returncode == 0, result.stdout
    assert ran(glpi) and not BROWSER_ONLY & set(ran(glpi))
    cli = {name for name, mode in modes(glpi).items() if mode == "2"}
    assert set(ran(glpi)) <= cli
    assert "External #1: Launch " in (glpi.log_dir / "cron.log").read_text()


@pytest.mark.parametrize("version", LINES)
def test_system_cron_at_install_puts_every_task_but_watcher_in_cli_mode(make_standin, version):
    glpi = installed(make_standin, version, "define('GLPI_SYSTEM_CRON', true);")
    assert {m for name, m in modes(glpi).items() if name != "watcher"} == {"2"}
    assert modes(glpi)["watcher"] == "1"
    for _ in range(6):  # cron_limit (5) tasks a run, most urgent first
        assert glpi.run(script="front/cron.php").returncode == 0
    started = {row[0] for row in glpi.sql("SELECT name FROM glpi_crontasks WHERE lastrun IS NOT NULL")}
    assert started >= BROWSER_ONLY and "watcher" not in started


def test_system_cron_defined_false_counts_in_10_not_in_11(make_standin):
    ten = installed(make_standin, "10.0.20", "define('GLPI_SYSTEM_CRON', false);")
    eleven = installed(make_standin, "11.0.1", "define('GLPI_SYSTEM_CRON', false);")
    assert modes(ten)["slaticket"] == "2"  # 10.0.x tests defined('GLPI_SYSTEM_CRON')
    assert modes(eleven)["slaticket"] == "1"  # 11.0.x tests its value


@pytest.mark.parametrize("version", LINES)
def test_named_task_runs_only_in_cli_mode_unless_forced(make_standin, version):
    glpi = installed(make_standin, version)
    assert glpi.run("slaticket", script="front/cron.php").returncode == 0
    assert ran(glpi) == []
    assert glpi.run("--force", "slaticket", script="front/cron.php").returncode == 0
    assert ran(glpi) == ["slaticket"]
    assert glpi.sql("SELECT COUNT(*) FROM glpi_crontasklogs WHERE crontasks_id = 17") == [["2"]]  # start + stop


@pytest.mark.parametrize("version", LINES)
def test_no_configuration_stops_cron(make_standin, version):
    glpi = make_standin(version)
    result = glpi.run(script="front/cron.php")
    assert result.returncode == 1 and "config_db.php" in result.stdout


@pytest.mark.parametrize(("version", "code"), [("10.0.20", 0), ("11.0.1", 1)])
def test_maintenance_and_outdated_database_stop_cron(make_standin, version, code):
    glpi = installed(make_standin, version)
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    stopped = glpi.run(script="front/cron.php")
    assert stopped.returncode == code and "Service is down for maintenance." in stopped.stdout
    assert glpi.run("maintenance:disable", "-n").returncode == 0
    glpi.replace_release("10.0.99" if version == "10.0.20" else "11.0.2")  # web root switched, no db:update yet
    outdated = glpi.run(script="front/cron.php")
    assert outdated.returncode == code and "The update of the GLPI database is necessary." in outdated.stdout
    assert not (glpi.log_dir / "standin-cron.log").exists()


@pytest.mark.parametrize("version", LINES)
def test_lock_directory_must_be_writable(make_standin, version):
    glpi = installed(make_standin, version)
    (glpi.root / "files" / "_lock").chmod(0o555)
    assert glpi.run(script="front/cron.php").returncode == 1
    (glpi.root / "files" / "_lock").chmod(0o755)
    assert glpi.run(script="front/cron.php").returncode == 0


@pytest.mark.skipif(not IS_ROOT, reason="the refusal of root needs the tests to run as root")
def test_11_cron_refuses_root_and_allow_superuser_is_read_as_a_task_name(make_standin):
    glpi = installed(make_standin, "11.0.1")
    refused = glpi.run(script="front/cron.php", as_root=True)
    assert refused.returncode == 1 and "Use --allow-superuser option" in refused.stdout
    allowed = glpi.run("--allow-superuser", script="front/cron.php", as_root=True)
    assert allowed.returncode == 0 and ran(glpi) == []  # GLPI launches a task named "--allow-superuser"

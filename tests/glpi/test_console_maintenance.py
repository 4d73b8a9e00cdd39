"""maintenance:enable / maintenance:disable as GLPI runs them (standin/inc/standin/Command/Maintenance.php, after
src/Console/Maintenance/EnableMaintenanceModeCommand.php and DisableMaintenanceModeCommand.php).

The role puts GLPI in maintenance before an upgrade (from the new release, on the old database) and takes it out at
the end; glpi-restore does the same around a restore.
"""

from __future__ import annotations

import pytest

LINES = ["10.0.20", "11.0.1"]


def installed(make_standin, version: str):
    glpi = make_standin(version)
    result = glpi.install()
    assert result.returncode == 0, result.stdout + result.stderr
    return glpi


@pytest.mark.parametrize("version", LINES)
def test_enable_and_disable_store_the_mode_even_on_an_outdated_database(make_standin, version):
    glpi = installed(make_standin, version)
    glpi.replace_release("10.0.99" if version == "10.0.20" else "11.0.2")  # the role's upgrade: new code, old data
    enabled = glpi.run("maintenance:enable", "--no-interaction", "--text=Back at noon")
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    assert "Maintenance mode activated. Backdoor using: " in enabled.stdout
    assert glpi.config("maintenance_mode") == "1" and glpi.config("maintenance_text") == "Back at noon"
    refused = glpi.run("maintenance:disable", "--no-interaction", "--text=x")  # disable takes no option of its own
    assert refused.returncode == 1 and 'The "--text" option does not exist.' in refused.stderr
    assert glpi.config("maintenance_mode") == "1"
    disabled = glpi.run("maintenance:disable", "--no-interaction")
    assert disabled.returncode == 0 and "Maintenance mode disabled." in disabled.stdout
    assert glpi.config("maintenance_mode") == "0"


def test_an_unreachable_database_is_refused_1_in_10_and_130_in_11(make_standin):
    for version, code in (("10.0.20", 1), ("11.0.1", 130)):
        glpi = installed(make_standin, version)
        glpi.db.sql(f"ALTER USER '{glpi.user}'@'localhost' IDENTIFIED BY 'changed-behind-glpis-back'")
        refused = glpi.run("maintenance:enable", "-n")
        assert refused.returncode == code
        assert "Unable to connect to database." in refused.stdout + refused.stderr


def test_10_a_value_that_cannot_be_written_is_reported_and_still_exits_0(make_standin):
    # Config::setConfigurationValues() never fails: GLPI prints the SQL error and says it did it.
    glpi = installed(make_standin, "10.0.20")
    glpi.db.sql(f"REVOKE ALL PRIVILEGES ON {glpi.database}.* FROM '{glpi.user}'@'localhost';"
                f"GRANT SELECT ON {glpi.database}.* TO '{glpi.user}'@'localhost'")
    enabled = glpi.run("maintenance:enable", "-n")
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    assert 'SQL Error "1142"' in enabled.stdout and "Maintenance mode activated." in enabled.stdout
    assert glpi.config("maintenance_mode") == "0"  # nothing was stored
    disabled = glpi.run("maintenance:disable", "-n")
    assert disabled.returncode == 0 and "Maintenance mode disabled." in disabled.stdout


def test_11_a_value_that_cannot_be_written_is_a_query_error_and_exit_1(make_standin):
    # 11.0's DBmysql::doQuery() throws on a failed query (src/DBmysql.php): the console renders GLPI's message and exits 1
    glpi = installed(make_standin, "11.0.1")
    assert glpi.run("maintenance:enable", "-n").returncode == 0 and glpi.config("maintenance_mode") == "1"
    glpi.db.sql(f"REVOKE ALL PRIVILEGES ON {glpi.database}.* FROM '{glpi.user}'@'localhost';"
                f"GRANT SELECT ON {glpi.database}.* TO '{glpi.user}'@'localhost'")
    disabled = glpi.run("maintenance:disable", "-n")
    assert disabled.returncode == 1, disabled.stdout + disabled.stderr
    assert "MySQL query error: " in disabled.stderr and "(1142) in SQL query \"UPDATE `glpi_configs`" in disabled.stderr
    assert "Maintenance mode disabled." not in disabled.stdout
    assert glpi.config("maintenance_mode") == "1"  # nothing was stored
    enabled = glpi.run("maintenance:enable", "-n")
    assert enabled.returncode == 1 and "MySQL query error: " in enabled.stderr
    assert "Maintenance mode activated." not in enabled.stdout

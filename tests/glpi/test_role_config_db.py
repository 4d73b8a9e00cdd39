"""The glpi role's config_db.php (roles/glpi/templates/config_db.php.j2) read by the stand-in as GLPI reads it.

The role writes GLPI's database settings itself, in the format of DBConnection::createMainConfig() (password
rawurlencode()d), so the password never goes on bin/console's command line; GLPI's `db:install -n` with no
database option then installs into the configured database. These tests render the role's template with
Ansible's own templating and hand it to the stand-in, with passwords PHP would choke on if they were not encoded.
"""

from __future__ import annotations

import subprocess

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from sitekit_paths import REPO

TEMPLATE = (REPO / "roles/glpi/templates/config_db.php.j2").read_text()
PASSWORDS = ["Pw-plain-1234", "quo'te \"dbl\" back\\slash", "per%cent/slash:colon,comma@at", "dollar$ {brace} ~tilde"]


def render(glpi, version: str, password: str) -> str:
    variables = {"ansible_managed": "managed by test", "glpi_db_user": glpi.user, "glpi_db_password": password,
                 "glpi_db_name": glpi.database, "_glpi_eleven": version.startswith("11.")}
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(TEMPLATE))


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
@pytest.mark.parametrize("password", PASSWORDS)
def test_glpi_installs_into_the_database_the_roles_config_names(make_standin, version, password):
    glpi = make_standin(version)
    glpi.db.sql(f"ALTER USER '{glpi.user}'@'localhost' IDENTIFIED BY '{password.replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'")
    config = glpi.config_dir / "config_db.php"
    config.write_text(render(glpi, version, password))
    glpi.give(config)
    installed = glpi.run("db:install", "--no-interaction", "--default-language=fr_FR")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert glpi.config("version") == version
    encoded = subprocess.run(["php", "-r", "echo rawurlencode($argv[1]);", password], capture_output=True, text=True,
                             check=True).stdout
    assert f"public $dbpassword = '{encoded}';" in config.read_text()


def test_the_config_is_byte_for_byte_what_glpi_writes(make_standin):
    """db:configure writes config_db.php itself: the role's file carries the same properties and values."""
    glpi = make_standin("10.0.20")
    written = glpi.run("db:configure", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password, "-n")
    assert written.returncode == 0, written.stdout + written.stderr
    ours = [line for line in render(glpi, "10.0.20", glpi.password).splitlines() if not line.startswith("//")]
    theirs = (glpi.config_dir / "config_db.php").read_text().splitlines()
    assert ours == theirs

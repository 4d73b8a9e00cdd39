"""The user commands GLPI 11.0.x adds (standin/inc/standin/Command/User.php); 10.0.x has none."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture
def eleven(make_standin):
    glpi = make_standin("11.0.1")
    assert glpi.install().returncode == 0
    return glpi


def password_of(glpi, login: str) -> str:
    return glpi.sql(f"SELECT password FROM glpi_users WHERE name = '{login}'")[0][0]


def verifies(password: str, stored: str) -> bool:
    return subprocess.run(["php", "-r", "exit(password_verify($argv[1], $argv[2]) ? 0 : 1);", password,
                           stored]).returncode == 0


def test_10_has_no_user_commands(make_standin):
    glpi = make_standin("10.0.20")
    assert glpi.install().returncode == 0
    refused = glpi.run("user:reset_password", "glpi", "-p", "x", "-n")
    assert refused.returncode == 1
    assert 'There are no commands defined in the "user" namespace.' in refused.stderr


def test_reset_password(eleven):
    unknown = eleven.run("user:reset_password", "nobody-here", "-p", "a-new-password", "-n")
    assert unknown.returncode == 1 and "User not found" in unknown.stdout
    missing_argument = eleven.run("user:reset_password", "-n")
    assert missing_argument.returncode == 1 and 'Not enough arguments (missing: "username").' in missing_argument.stderr
    done = eleven.run("user:reset_password", "glpi", "-p", "a-new-password", "-n")
    assert done.returncode == 0 and "Reset password successful." in done.stdout
    assert verifies("a-new-password", password_of(eleven, "glpi"))
    assert not verifies("glpi", password_of(eleven, "glpi"))


def test_reset_password_from_stdin_must_match(eleven):
    mismatch = eleven.run("user:reset_password", "tech", stdin="one-password\nanother-one\n")
    assert mismatch.returncode == 1 and "Passwords do not match" in mismatch.stdout
    assert verifies("tech", password_of(eleven, "tech"))
    typed = eleven.run("user:reset_password", "tech", stdin="one-password\none-password\n")
    assert typed.returncode == 0 and verifies("one-password", password_of(eleven, "tech"))


def test_reset_password_refuses_external_accounts(eleven):
    eleven.sql("UPDATE glpi_users SET authtype = 3 WHERE name = 'normal'")  # Auth::LDAP
    refused = eleven.run("user:reset_password", "normal", "-p", "x-password", "-n")
    assert refused.returncode == 1 and "doesn't allow you to change your password" in refused.stdout


def test_enable_disable(eleven):
    assert eleven.run("user:disable", "post-only", "-n").returncode == 0
    assert eleven.sql("SELECT is_active FROM glpi_users WHERE name = 'post-only'") == [["0"]]
    assert eleven.run("user:enable", "post-only", "-n").returncode == 0
    assert eleven.sql("SELECT is_active FROM glpi_users WHERE name = 'post-only'") == [["1"]]
    missing = eleven.run("user:disable", "ghost", "-n")
    assert missing.returncode == 1 and "User not found" in missing.stdout

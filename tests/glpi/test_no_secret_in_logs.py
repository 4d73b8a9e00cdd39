"""Neither GLPI's logs nor the stand-in's record of its calls ever hold a password (standin/inc/standin/Log.php)."""

from __future__ import annotations

import json

import pytest

SPELLINGS = [
    lambda pw: [f"--db-password={pw}"],
    lambda pw: ["--db-password", pw],
    lambda pw: ["-p", pw],
    lambda pw: [f"-p{pw}"],
    lambda pw: [f"-rp{pw}"],
]


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
@pytest.mark.parametrize("spelling", range(len(SPELLINGS)))
def test_password_never_reaches_a_log(make_standin, version, spelling):
    glpi = make_standin(version)
    secret = glpi.password
    password_args = SPELLINGS[spelling](secret)
    runs = [
        glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, *password_args, "-n"),  # accepted
        glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, *password_args, "-f", "-n"),  # refused: 3
        glpi.run("db:install", "--bogus", *password_args, "-n"),  # refused while parsing
        glpi.run("db:install", *password_args, "--bogus", "-n"),
        glpi.run("db:configure", "-r", "-d", glpi.database, "-u", "nobody-like-this", *password_args, "-n"),
    ]
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert [r.returncode for r in runs[1:]] == [0 if "-rp" in password_args[0] else 3, 1, 1, 1]
    for result in runs:
        assert secret not in result.stdout + result.stderr
    logs = glpi.logs()
    assert secret not in logs
    records = [json.loads(line) for line in (glpi.log_dir / "standin-console.log").read_text().splitlines()]
    assert len(records) == len(runs)
    assert all("***" in " ".join(r["args"]) for r in records)


def test_user_password_never_reaches_a_log(make_standin):
    glpi = make_standin("11.0.1")
    assert glpi.install().returncode == 0
    secret = "Very-Secret-User-Password"
    for args in (["-p", secret], [f"--password={secret}"], [f"-p{secret}"]):
        assert glpi.run("user:reset_password", "glpi", *args, "-n").returncode == 0
    assert glpi.run("user:reset_password", "glpi", stdin=f"{secret}\n{secret}\n").returncode == 0
    assert secret not in glpi.logs()


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_a_password_that_looks_like_options_is_hidden_whole(make_standin, version):
    glpi = make_standin(version)
    secret = "-rpHidden-Part-42"
    refused = glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, "--db-password", secret, "-n")
    assert refused.returncode == 1  # Symfony does not take "-r..." as the value: it parses it as options
    record = json.loads((glpi.log_dir / "standin-console.log").read_text().splitlines()[-1])
    assert record["args"][record["args"].index("--db-password") + 1] == "***"
    assert "Hidden" not in glpi.logs()

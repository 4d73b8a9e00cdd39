"""sitekit.core.glpi_account against an in-memory glpi_users table (no MariaDB)."""

from __future__ import annotations

import importlib.util
import json

import bcrypt
import pytest
from ansible.module_utils.testing import patch_module_args
from sitekit_paths import COLLECTION

LIBRARY = COLLECTION / "plugins" / "modules" / "glpi_account.py"


def load_module():
    spec = importlib.util.spec_from_file_location("glpi_account", LIBRARY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeDB:
    """Just enough of pymysql for the module: SELECT/UPDATE on glpi_users."""

    class MySQLError(Exception):
        pass

    def __init__(self, users):
        self.users = users  # name -> [hash, is_active]
        self.writes = []

    def connect(self, **_):
        return self

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False

    def execute(self, sql, args):
        self._row = None
        if sql.startswith("SELECT"):
            self._row = self.users.get(args[0])
        elif "is_active = 0" in sql:
            self.writes.append(("disable", args[0]))
            self.users[args[0]][1] = 0
        else:
            self.writes.append(("password", args[1]))
            self.users[args[1]] = [args[0], 1]

    def fetchone(self):
        return self._row

    def commit(self):
        pass

    def close(self):
        pass


def php_hash(password: str) -> str:
    return "$2y$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()[4:]


def run(monkeypatch, capsys, db, accounts, check_mode=False):
    module = load_module()
    monkeypatch.setattr(module, "pymysql", db)
    monkeypatch.setattr(module, "bcrypt", bcrypt)  # the host has python3-bcrypt
    args = {"accounts": accounts, "_ansible_check_mode": check_mode}
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def db():
    return FakeDB({"glpi": [php_hash("glpi"), 1], "tech": [php_hash("tech"), 1], "post-only": [php_hash("postonly"), 1]})


WANTED = [{"name": "glpi", "password": "a-long-vault-password"}, {"name": "post-only", "state": "disabled"},
          {"name": "ghost", "password": "another-long-password"}]


def test_sets_passwords_disables_and_reports_missing(monkeypatch, capsys, db):
    result = run(monkeypatch, capsys, db, WANTED)
    assert result["changed"] is True
    assert result["changed_accounts"] == ["glpi", "post-only"]
    assert result["missing_accounts"] == ["ghost"]
    assert db.users["glpi"][0].startswith("$2y$")
    assert bcrypt.checkpw(b"a-long-vault-password", db.users["glpi"][0].encode())
    assert db.users["post-only"][1] == 0
    assert "a-long-vault-password" not in json.dumps(result)


def test_second_run_changes_nothing(monkeypatch, capsys, db):
    run(monkeypatch, capsys, db, WANTED)
    db.writes.clear()
    result = run(monkeypatch, capsys, db, WANTED)
    assert result["changed"] is False and db.writes == []


def test_check_mode_reports_without_writing(monkeypatch, capsys, db):
    result = run(monkeypatch, capsys, db, WANTED, check_mode=True)
    assert result["changed"] is True and result["changed_accounts"] == ["glpi", "post-only"]
    assert db.writes == []
    assert bcrypt.checkpw(b"glpi", db.users["glpi"][0].encode())


def test_inactive_account_with_right_password_is_reactivated(monkeypatch, capsys, db):
    db.users["tech"] = [php_hash("a-long-tech-password"), 0]
    result = run(monkeypatch, capsys, db, [{"name": "tech", "password": "a-long-tech-password"}])
    assert result["changed_accounts"] == ["tech"] and db.users["tech"][1] == 1

"""sitekit.core.glpi_account, scenario by scenario against an in-memory glpi_users table (no MariaDB).

Each row: the accounts in the table before (bcrypt hash, active), the accounts asked for, check mode,
and what must come out: failed (and the message), changed, the accounts changed and missing, the
UPDATEs the module made (``writes``: none is "no request that writes") and the table after."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import bcrypt
import pytest
from module_runner import load, run_module


class FakeDB:
    """Just enough of pymysql for the module: SELECT/UPDATE on glpi_users."""

    class MySQLError(Exception):
        pass

    def __init__(self, users, broken: bool = False):
        self.users = users  # name -> [hash, is_active]
        self.writes = []
        self.broken = broken  # every statement fails as a lost server would

    def connect(self, **_):
        return self

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False

    def execute(self, sql, args):
        if self.broken:
            raise self.MySQLError(2013, "Lost connection to MySQL server during query")
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
    module = load("glpi_account")
    monkeypatch.setattr(module, "pymysql", db)
    monkeypatch.setattr(module, "bcrypt", bcrypt)  # the host has python3-bcrypt
    return run_module(capsys, module, {"accounts": accounts}, check=check_mode, diff=False)


def table(**users) -> dict:
    """name -> [bcrypt hash of the password, is_active]."""
    return {name.replace("_", "-"): [php_hash(password), active] for name, (password, active) in users.items()}


@dataclass(frozen=True)
class Row:
    id: str
    users: dict                    # name -> (password, is_active), in the table before
    accounts: list
    check: bool = False
    changed: bool | None = None    # None: the row fails
    failed: str | None = None
    changed_accounts: tuple = ()
    missing: tuple = ()
    writes: tuple = ()             # ("password", name) / ("disable", name), in order
    after: dict | None = None      # name -> (password the hash verifies, is_active) after the run
    broken: bool = False

    def param(self):
        return pytest.param(self, id=self.id)


GLPI = {"glpi": ("a-long-vault-password", 1)}
WANTED = {"name": "glpi", "password": "a-long-vault-password"}
OTHER = {"name": "glpi", "password": "another-long-password"}

ROWS = [
    Row("noop", GLPI, [WANTED], changed=False, after=GLPI),
    Row("noop-check", GLPI, [WANTED], check=True, changed=False, after=GLPI),
    Row("password-set", GLPI, [OTHER], changed=True, changed_accounts=("glpi",), writes=(("password", "glpi"),),
        after={"glpi": ("another-long-password", 1)}),
    Row("password-set-check", GLPI, [OTHER], check=True, changed=True, changed_accounts=("glpi",), after=GLPI),
    Row("reactivated", {"glpi": ("a-long-vault-password", 0)}, [WANTED], changed=True, changed_accounts=("glpi",),
        writes=(("password", "glpi"),), after=GLPI),
    Row("disabled", {"post_only": ("postonly", 1)}, [{"name": "post-only", "state": "disabled"}], changed=True,
        changed_accounts=("post-only",), writes=(("disable", "post-only"),), after={"post-only": ("postonly", 0)}),
    Row("disabled-check", {"post_only": ("postonly", 1)}, [{"name": "post-only", "state": "disabled"}], check=True,
        changed=True, changed_accounts=("post-only",), after={"post-only": ("postonly", 1)}),
    Row("disabled-noop", {"post_only": ("postonly", 0)}, [{"name": "post-only", "state": "disabled"}], changed=False,
        after={"post-only": ("postonly", 0)}),
    Row("missing-left-alone", GLPI, [WANTED, {"name": "ghost", "password": "another-long-password"}], changed=False,
        missing=("ghost",), after=GLPI),
    Row("no-password-refused", GLPI, [{"name": "glpi"}], failed=r"state is present but all of the following are missing: password",
        after=GLPI),
    Row("database-error-fails", GLPI, [WANTED], broken=True, failed=r"^glpi_account: database error: .*Lost connection"),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_glpi_account(monkeypatch, capsys, row):
    db = FakeDB(table(**row.users), broken=row.broken)
    result = run(monkeypatch, capsys, db, row.accounts, check_mode=row.check)
    if row.failed:
        assert result.get("failed") and re.search(row.failed, result["msg"]), result.get("msg")
    else:
        assert not result.get("failed"), result.get("msg")
        assert result["changed"] is row.changed
        assert result["changed_accounts"] == list(row.changed_accounts) and result["missing_accounts"] == list(row.missing)
    assert db.writes == list(row.writes)
    for name, (password, active) in (row.after or {}).items():
        stored, is_active = db.users[name]
        assert stored.startswith("$2y$") and bcrypt.checkpw(password.encode(), stored.encode()) and is_active == active
    assert not any(a.get("password", "").encode() in json.dumps(result).encode() for a in row.accounts if a.get("password"))

"""Harness for the GLPI stand-in tests: the real `php` CLI against a private MariaDB server.

The server is started by the test session itself (mariadbd from mariadb-server-core, a data directory
under /tmp, unix socket only: --skip-networking, no TCP port at all) and stopped at the end.
Each test gets an extracted stand-in release and its own database and account. When the tests run as
root (CI), PHP runs as the unprivileged user ``nobody`` like GLPI's console under www-data: GLPI 11.0.x
refuses root, and files must not end up root-owned. Packages: tools/bootstrap-host.sh.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from glpi_env import CONF_D, IS_ROOT, php_extensions  # noqa: F401  (shared with the tests)

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("build_standin", HERE / "build_standin.py")
build_standin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_standin)

RUN_AS = "nobody" if IS_ROOT else None
_counter = itertools.count(1)


def _require(binary: str) -> str:
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None)
    if path is None:
        pytest.fail(f"{binary} is missing: run tools/bootstrap-host.sh (php8.2-* and mariadb-*-core packages)")
    return path


def _world_dir(prefix: str) -> Path:
    """A fresh directory under /tmp that the unprivileged PHP user can traverse."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@dataclass
class MariaDB:
    socket: Path

    def sql(self, query: str, database: str | None = None) -> list[list[str]]:
        argv = ["mariadb", "--no-defaults", "-S", str(self.socket), "-u", "root", "-N", "-B", "-e", query]
        if database:
            argv.append(database)
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines()]


@pytest.fixture(scope="session")
def mariadb():
    _require("php")
    mariadbd, install_db = _require("mariadbd"), _require("mariadb-install-db")
    _require("mariadb")
    base = _world_dir("glpi-standin-db-")
    data, socket = base / "data", base / "mysqld.sock"
    user = pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run([install_db, "--no-defaults", f"--datadir={data}", f"--user={user}", "--skip-test-db",
                    "--auth-root-authentication-method=socket"], check=True, capture_output=True)
    server = subprocess.Popen([mariadbd, "--no-defaults", f"--datadir={data}", f"--socket={socket}",
                               "--skip-networking", f"--user={user}", f"--pid-file={base / 'mysqld.pid'}",
                               f"--log-error={base / 'error.log'}", "--innodb-buffer-pool-size=16M"])
    db = MariaDB(socket)
    for _ in range(100):
        if socket.exists():
            try:
                db.sql("SELECT 1")
                break
            except subprocess.CalledProcessError:
                pass
        time.sleep(0.1)
    else:
        server.terminate()
        pytest.fail(f"mariadbd did not start: {(base / 'error.log').read_text()}")
    # One time zone is enough for GLPI's DbTimezones check (COUNT(*) of mysql.time_zone_name > 0).
    db.sql("INSERT IGNORE INTO mysql.time_zone (Time_zone_id, Use_leap_seconds) VALUES (1, 'N');"
           "INSERT IGNORE INTO mysql.time_zone_name (Name, Time_zone_id) VALUES ('Europe/Paris', 1)")
    yield db
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(base, ignore_errors=True)


@dataclass
class Standin:
    """One extracted stand-in release, with its own database and account."""

    root: Path
    db: MariaDB
    database: str
    user: str
    password: str
    base: Path
    extra_php: list[str] = field(default_factory=list)

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def log_dir(self) -> Path:
        return self.root / "files" / "_log"

    def run(self, *args: str, script: str = "bin/console", stdin: str = "", php_args: list[str] | None = None,
            as_root: bool = False, umask: int = 0o022) -> subprocess.CompletedProcess:
        """Run a stand-in script with the real php CLI, as GLPI's web server user would (not root)."""
        argv = ["php", *(php_args or []), *self.extra_php, "-d", f"mysqli.default_socket={self.db.socket}",
                script, *args]
        if RUN_AS and not as_root:
            argv = ["runuser", "-u", RUN_AS, "--", *argv]
        return subprocess.run(argv, cwd=self.root, input=stdin, capture_output=True, text=True, timeout=60,
                              preexec_fn=lambda: os.umask(umask))

    def install(self, *extra: str, **run_options) -> subprocess.CompletedProcess:
        """db:install the way the role calls it."""
        return self.run("db:install", "--db-host=localhost", f"--db-name={self.database}", f"--db-user={self.user}",
                        f"--db-password={self.password}", "--default-language=fr_FR", "--no-interaction", *extra,
                        **run_options)

    def sql(self, query: str) -> list[list[str]]:
        return self.db.sql(query, self.database)

    def config(self, name: str) -> str | None:
        rows = self.sql(f"SELECT value FROM glpi_configs WHERE context = 'core' AND name = '{name}'")
        return rows[0][0] if rows else None

    def downstream(self, php: str) -> None:
        """GLPI_ROOT/inc/downstream.php, where packagers (and the role) define GLPI_* constants."""
        (self.root / "inc" / "downstream.php").write_text("<?php\n" + php + "\n")

    def give(self, path: Path) -> None:
        """Hand a file the test created to the user PHP runs as."""
        _chown(path)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*")) if p.is_file())

    def replace_release(self, version: str, failing_update: bool = False) -> None:
        """Swap the code for another release, keeping config/ and files/ (an upgrade or a restore of old code)."""
        fresh = _extract(self.base, version, failing_update)
        for keep in ("config", "files"):
            shutil.rmtree(fresh / keep)
            shutil.move(str(self.root / keep), str(fresh / keep))
        shutil.rmtree(self.root)
        fresh.rename(self.root)
        _chown(self.root)


def _chown(path: Path) -> None:
    if RUN_AS:
        subprocess.run(["chown", "-R", f"{RUN_AS}:", str(path)], check=True)


def _extract(base: Path, version: str, failing_update: bool = False) -> Path:
    archive, _ = build_standin.build(version, base / "archives", failing_update=failing_update)
    target = base / f"extract-{next(_counter)}"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="tar")
    return target / "glpi"


@pytest.fixture
def make_standin(mariadb):
    """Factory: make_standin("10.0.20") -> a Standin with an empty database and a GLPI account for it."""
    made: list[Path] = []

    def factory(version: str, failing_update: bool = False, tables_privilege: str = "ALL") -> Standin:
        base = _world_dir("glpi-standin-")
        made.append(base)
        root = _extract(base, version, failing_update)
        _chown(root)
        n = next(_counter)
        database, user, password = f"glpi_t{n}", f"glpi_u{n}", f"Pw-{n}-s3cr3t!"
        mariadb.sql(f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                    f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}';"
                    f"GRANT {tables_privilege} ON {database}.* TO '{user}'@'localhost';"
                    f"GRANT SELECT ON mysql.time_zone_name TO '{user}'@'localhost'")
        return Standin(root, mariadb, database, user, password, base)

    yield factory
    for base in made:
        shutil.rmtree(base, ignore_errors=True)

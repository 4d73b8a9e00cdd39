"""glpi-restore (roles/glpi/templates/glpi-restore.j2) leaves the plugins that were active running.

GLPI 11.0 deactivates no plugin on an update: a console run on a database older than its code suspends their
execution (glpi_configs core plugins_execution_mode = 'suspended_by_update', src/Plugin.php checkStates()), db:update
lifts it only within 11.0.x (src/Update.php), and a pre-upgrade backup holds the suspension its upgrade's first
console run wrote. 10.0's db:update deactivates them and plugin:activate brings them back; 10.0 has no
plugin:resume_execution (the stand-in refuses it as GLPI 10.0 does).

The role's script is rendered with Jinja and run for real, as root, on a stand-in: its database on the tests' MariaDB
(the script's `mysql`, first in its PATH, is the client on the tests' socket), its configuration and data directories, a web root link
to the stand-in's release and a glpi-console that runs its bin/console as the web server's user would. The backup is
one glpi-backup would write (its dump made here with SQL: the host has no mysqldump); the safety backup glpi-restore
takes first is left out (a stub prints its path).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import tarfile

import jinja2
import pytest
from glpi_env import IS_ROOT
from sitekit_paths import REPO

pytestmark = pytest.mark.skipif(not IS_ROOT, reason="glpi-restore runs as root (MariaDB root by socket, runuser)")

TEMPLATE = (REPO / "roles/glpi/templates/glpi-restore.j2").read_text()
ACTIVATED = "1"
NAME = "20260101-000000-pre-upgrade"


def setup_php(key: str) -> str:
    return (f"<?php\nfunction plugin_version_{key}() {{ return ['name' => '{key}', 'version' => '1.0.0']; }}\n"
            f"function plugin_init_{key}() {{ global $PLUGIN_HOOKS; $PLUGIN_HOOKS['csrf_compliant']['{key}'] = true; }}\n")


def dump(glpi) -> bytes:
    """The database as mysqldump writes it for glpi-backup: each table's CREATE TABLE and its rows."""
    out = ["SET FOREIGN_KEY_CHECKS=0;"]
    for (table,) in glpi.sql(f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{glpi.database}'"):
        create = glpi.db.sql(f"SHOW CREATE TABLE `{table}`", glpi.database)[0][1].replace("\\n", "\n")
        out.append(f"DROP TABLE IF EXISTS `{table}`;\n{create};")
        columns = [c for (c,) in glpi.sql(f"SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                          f"'{glpi.database}' AND table_name = '{table}' ORDER BY ordinal_position")]
        quoted = ", ".join(f"QUOTE(`{c}`)" for c in columns)
        for (row,) in glpi.sql(f"SELECT CONCAT('INSERT INTO `{table}` VALUES (', CONCAT_WS(', ', {quoted}), ');') FROM `{table}`"):
            out.append(row.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\"))
    return gzip.compress(("\n".join(out) + "\n").encode())


def write_backup(glpi, backups) -> None:
    """A backup as glpi-backup writes it: db.sql.gz, files.tar.gz (configuration and data, paths without the leading
    /), release, glpi-version, SHA256SUMS."""
    folder = backups / NAME
    folder.mkdir(parents=True)
    (folder / "db.sql.gz").write_bytes(dump(glpi))
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        for path in (glpi.config_dir, glpi.root / "files"):
            tar.add(path, arcname=str(path).lstrip("/"))
    (folder / "files.tar.gz").write_bytes(packed.getvalue())
    (folder / "release").write_text(f"{glpi.root}\n")
    (folder / "glpi-version").write_text(f"version={glpi.config('version')}\ndbversion={glpi.config('dbversion')}\n")
    sums = "".join(f"{hashlib.sha256((folder / f).read_bytes()).hexdigest()}  {f}\n"
                   for f in ("db.sql.gz", "files.tar.gz", "release", "glpi-version"))
    (folder / "SHA256SUMS").write_text(sums)


def restore(glpi) -> subprocess.CompletedProcess:
    """Render glpi-restore for this stand-in and run `glpi-restore --yes NAME` as root."""
    base = glpi.base
    web, console, backup_stub = base / "web", base / "glpi-console", base / "glpi-backup"
    if not web.exists():
        web.symlink_to(glpi.root)
    console.write_text(f"#!/bin/sh\ncd {web}\nexec runuser -u nobody -- php -d mysqli.default_socket={glpi.db.socket} "
                       f'bin/console "$@"\n')
    backup_stub.write_text(f"#!/bin/sh\necho {base}/backups/19990101-000000-pre-restore\n")
    bin_dir = base / "bin"
    bin_dir.mkdir(exist_ok=True)
    client = bin_dir / "mysql"  # the host's client configuration names the system's socket, which wins over the environment
    client.write_text(f'#!/bin/sh\nexec /usr/bin/mysql --socket={glpi.db.socket} "$@"\n')
    for script in (console, backup_stub, client):
        script.chmod(0o755)
    text = jinja2.Template(TEMPLATE, keep_trailing_newline=True).render(
        ansible_managed="rendered by tests/glpi/test_role_restore_plugins.py", glpi_backup_dir=base / "backups",
        glpi_db_name=glpi.database, glpi_var_dir=glpi.root / "files", glpi_config_dir=glpi.config_dir,
        glpi_web_root=web, glpi_console=console)
    script = base / "glpi-restore"
    script.write_text(text.replace("/usr/local/sbin/glpi-backup", str(backup_stub)))
    return subprocess.run(["bash", str(script), "--yes", NAME], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})


def site_with_a_plugin(make_standin, version: str):
    glpi = make_standin(version)
    installed = glpi.install()
    assert installed.returncode == 0, installed.stdout + installed.stderr
    glpi.sql("INSERT INTO glpi_plugins (directory, name, version, state) VALUES ('formcreator', 'formcreator', '1.0.0', 1)")
    return glpi


def plugin_files(glpi) -> None:
    folder = glpi.root / "marketplace" / "formcreator"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "setup.php").write_text(setup_php("formcreator"))
    glpi.give(folder)


def state(glpi) -> str:
    return glpi.sql("SELECT state FROM glpi_plugins WHERE directory = 'formcreator'")[0][0]


def test_a_pre_upgrade_backup_of_11_0_restored_runs_its_plugins(make_standin):
    glpi = site_with_a_plugin(make_standin, "11.0.1")
    plugin_files(glpi)
    # what a pre-upgrade backup holds: the new release's first console run suspended the plugins
    glpi.sql("INSERT INTO glpi_configs (context, name, value) VALUES ('core', 'plugins_execution_mode', 'suspended_by_update')")
    write_backup(glpi, glpi.base / "backups")
    glpi.sql("UPDATE glpi_configs SET value = 'on' WHERE context = 'core' AND name = 'plugins_execution_mode'")
    done = restore(glpi)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stderr, done.stderr
    assert glpi.config("plugins_execution_mode") == "on"
    assert state(glpi) == ACTIVATED and glpi.config("maintenance_mode") == "0"


def test_a_10_0_backup_restored_on_11_0_runs_its_plugins(make_standin):
    glpi = site_with_a_plugin(make_standin, "10.0.20")
    write_backup(glpi, glpi.base / "backups")
    glpi.replace_release("11.0.2")  # the site runs 11.0.2 now; the backup is of 10.0.20 (db:update by the restore)
    plugin_files(glpi)
    done = restore(glpi)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stderr, done.stderr
    assert glpi.config("version") == "11.0.2"
    assert glpi.config("plugins_execution_mode") == "on"
    assert state(glpi) == ACTIVATED


def test_a_10_0_backup_restored_on_10_0_gets_its_plugins_reactivated(make_standin):
    glpi = site_with_a_plugin(make_standin, "10.0.20")
    write_backup(glpi, glpi.base / "backups")
    glpi.replace_release("10.0.99")
    plugin_files(glpi)
    done = restore(glpi)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stderr, done.stderr  # no plugin:resume_execution: 10.0 refuses it
    assert glpi.config("version") == "10.0.99" and state(glpi) == ACTIVATED


def test_a_site_whose_database_is_broken_is_restored_all_the_same(make_standin):
    """maintenance:enable on the current database only warns: a restore is also for a broken database, where it fails.
    The restored database is put in maintenance by the script itself before the swap, and taken out at the end."""
    glpi = site_with_a_plugin(make_standin, "11.0.1")
    plugin_files(glpi)
    write_backup(glpi, glpi.base / "backups")
    glpi.sql("DROP TABLE glpi_configs")
    done = restore(glpi)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning: maintenance mode could not be set on the current database" in done.stderr
    assert glpi.config("version") == "11.0.1" and glpi.config("maintenance_mode") == "0"
    assert state(glpi) == ACTIVATED

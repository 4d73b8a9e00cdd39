"""The GLPI STAND-IN archive: reproducible (stable sha256), GLPI's layout, clearly a stand-in."""

from __future__ import annotations

import hashlib
import importlib.util
import tarfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("build_standin", HERE / "build_standin.py")
build_standin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_standin)


def test_archive_is_reproducible_and_its_sha256_file_matches(tmp_path):
    first, digest = build_standin.build("10.0.20", tmp_path / "a")
    second, again = build_standin.build("10.0.20", tmp_path / "b")
    assert digest == again
    assert first.read_bytes() == second.read_bytes()
    assert hashlib.sha256(first.read_bytes()).hexdigest() == digest
    assert (tmp_path / "a" / "glpi-10.0.20-STANDIN.tgz.sha256").read_text() == digest + "\n"
    assert build_standin.build("10.0.99", tmp_path / "a")[1] != digest


def test_archive_has_glpi_layout_and_says_it_is_a_stand_in(tmp_path):
    archive, _ = build_standin.build("10.0.20", tmp_path)
    assert archive.name == "glpi-10.0.20-STANDIN.tgz"
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
        for name in ("glpi/public/index.php", "glpi/inc/based_config.php", "glpi/config", "glpi/files",
                     "glpi/files/_sessions", "glpi/marketplace", "glpi/install/install.php",
                     "glpi/install/mysql/glpi-empty.sql", "glpi/front/cron.php", "glpi/version/10.0.20"):
            assert name in members, name
        console = members["glpi/bin/console"]
        assert console.mode == 0o755 and (console.uid, console.gid) == (0, 0)
        assert not [m.name for m in members.values() if m.mode & 0o002]
        assert b"NOT GLPI" in tar.extractfile("glpi/STANDIN-README.txt").read()
        assert b"STAND-IN" in tar.extractfile("glpi/bin/console").read()


def test_bad_version_is_refused(tmp_path):
    with pytest.raises(ValueError, match="version must look like"):
        build_standin.build("latest", tmp_path)
    with pytest.raises(ValueError, match="10.0.x and 11.0.x only"):
        build_standin.build("12.0.0", tmp_path)


def _member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(f"glpi/{name}").read()


def test_version_markers_per_line(tmp_path):
    ten, _ = build_standin.build("10.0.20", tmp_path)
    eleven, _ = build_standin.build("11.0.1", tmp_path)
    assert b"define('GLPI_VERSION', '10.0.20');" in _member(ten, "inc/define.php")
    assert b"define('GLPI_VERSION', '11.0.1');" in _member(eleven, "inc/define.php")
    assert b"@STANDIN" not in _member(ten, "inc/define.php")
    assert b"glpi_forms_forms" in _member(eleven, "install/mysql/glpi-empty.sql")
    assert b"glpi_forms_forms" not in _member(ten, "install/mysql/glpi-empty.sql")
    with tarfile.open(ten) as tar:
        assert "glpi/install/mysql/glpi-empty-11.0.sql" not in tar.getnames()


def test_failing_update_variant(tmp_path):
    good, digest = build_standin.build("10.0.99", tmp_path)
    bad, bad_digest = build_standin.build("10.0.99", tmp_path, failing_update=True)
    assert bad.name == "glpi-10.0.99-STANDIN-FAILING-UPDATE.tgz" and bad_digest != digest
    assert b"'yes' === 'yes'" in _member(bad, "inc/define.php")
    assert b"'no' === 'yes'" in _member(good, "inc/define.php")

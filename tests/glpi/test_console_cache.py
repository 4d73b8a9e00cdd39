"""cache:clear as GLPI runs it (standin/inc/standin/Command/CacheClear.php): a plain Symfony command."""

from __future__ import annotations

import pytest

LINES = ["10.0.20", "11.0.1"]


@pytest.mark.parametrize("version", LINES)
def test_clears_every_context_without_a_database(make_standin, version):
    glpi = make_standin(version)  # not even installed: no database needed
    core = glpi.root / "files" / "_cache" / "core"
    core.mkdir()
    (core / "entry").write_text("cached")
    glpi.give(core)
    result = glpi.run("cache:clear")
    assert result.returncode == 0 and "Cache cleared successfully." in result.stdout
    assert not (core / "entry").exists() and core.is_dir()
    assert glpi.run("system:clear_cache").returncode == 0  # the old alias still exists


@pytest.mark.parametrize("version", LINES)
def test_context_option(make_standin, version):
    glpi = make_standin(version)
    refused = glpi.run("cache:clear", "--context=everything")
    assert refused.returncode == 1 and 'Invalid cache context: "everything".' in refused.stderr
    missing = glpi.run("cache:clear", "-c")
    assert missing.returncode == 1 and 'The "--context" option requires a value.' in missing.stderr
    assert glpi.run("cache:clear", "-c", "core", "-c", "installer").returncode == 0


@pytest.mark.parametrize("version", LINES)
def test_unclearable_cache_fails(make_standin, version):
    glpi = make_standin(version)
    core = glpi.root / "files" / "_cache" / "core"
    core.mkdir()
    (core / "entry").write_text("cached")
    glpi.give(core)
    core.chmod(0o555)
    failed = glpi.run("cache:clear")
    assert failed.returncode == 1 and "Failed to clear cache." in failed.stdout
    core.chmod(0o755)

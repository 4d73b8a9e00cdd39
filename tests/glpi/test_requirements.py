"""GLPI's mandatory requirements per line (standin/inc/standin/Requirements.php), on a PHP missing extensions.

`php -n` plus `-d extension=...` for every Debian extension but the ones named: a host without them.
"""

from __future__ import annotations

import pytest
from glpi_env import php_extensions


def without(*extensions: str) -> list[str]:
    return ["-n", *php_extensions(without=extensions)]


def error_row(glpi, title: str) -> bool:
    """system:check_requirements shows `title` as [ERROR] (10.0's refusal names no requirement: the table does)."""
    report = glpi.run("system:check_requirements", "--no-ansi", "--lang=en_GB")
    return report.returncode == 0 and any(title in line and "[ERROR]" in line for line in report.stdout.splitlines())


def test_bcmath_is_mandatory_in_11_only(make_standin):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    assert ten.install(php_args=without("bcmath")).returncode == 0
    refused = eleven.install(php_args=without("bcmath"))
    assert refused.returncode == 128
    assert "Some mandatory system requirements are missing" in refused.stdout and "bcmath" in refused.stdout
    assert not (eleven.config_dir / "config_db.php").exists()
    assert eleven.install(php_args=without()).returncode == 0


@pytest.mark.parametrize("extension", ["mbstring", "tokenizer"])
def test_11_adds_mandatory_extensions(make_standin, extension):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    assert ten.install(php_args=without(extension)).returncode == 0
    assert eleven.install(php_args=without(extension)).returncode == 128


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
@pytest.mark.parametrize("extension", ["intl", "gd", "curl", "dom", "mysqli"])
def test_extensions_mandatory_in_both_lines(make_standin, version, extension):
    glpi = make_standin(version)
    refused = glpi.install(php_args=without(extension))
    assert refused.returncode == 128, refused.stdout + refused.stderr


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_optional_extensions_only_warn(make_standin, version):
    glpi = make_standin(version)
    result = glpi.install(php_args=without("ldap", "exif", "zip"))
    assert result.returncode == 0
    assert "Some optional system requirements are missing." in result.stdout


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_check_requirements_reports_but_always_exits_0(make_standin, version):
    glpi = make_standin(version)
    report = glpi.run("system:check_requirements", php_args=without("intl"))
    assert report.returncode == 0
    assert any("intl" in line and "[ERROR]" in line for line in report.stdout.splitlines())
    clean = glpi.run("system:check_requirements")
    assert clean.returncode == 0 and "[ERROR]" not in clean.stdout


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_data_directories_must_be_writable(make_standin, version):
    glpi = make_standin(version)
    (glpi.root / "files" / "_tmp").chmod(0o555)
    refused = glpi.install()
    assert refused.returncode == 128 and error_row(glpi, "Permissions for GLPI data directories")
    (glpi.root / "files" / "_tmp").chmod(0o755)
    assert glpi.install().returncode == 0


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_files_of_a_previous_release_are_detected(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    (glpi.root / "version" / "10.0.7").write_text("")  # an archive extracted over an older one
    refused = glpi.run("db:update", "-n")
    assert refused.returncode == 128 and error_row(glpi, "Previous GLPI version files detection")
    (glpi.root / "version" / "10.0.7").unlink()
    assert glpi.run("db:update", "-n").returncode == 0


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_sessions_directory_is_needed_before_anything(make_standin, version):
    glpi = make_standin(version)
    (glpi.root / "files" / "_sessions").chmod(0o555)
    refused = glpi.run("system:check_requirements")
    assert refused.returncode == 255 and "Cannot write in" in refused.stderr
    (glpi.root / "files" / "_sessions").chmod(0o755)
    assert glpi.run("system:check_requirements").returncode == 0


def test_10_says_requirements_are_missing_in_one_line_and_11_lists_them(make_standin):
    # 10.0.x Application::checkCoreMandatoryRequirements(): one line, the requirement is not named.
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    refused = ten.install(php_args=without("intl"))
    assert refused.returncode == 128
    assert refused.stdout.strip() == ('Some mandatory system requirements are missing. Run the '
                                      '"php bin/console system:check_requirements" command for more details.')
    listed = eleven.install(php_args=without("intl"))
    assert listed.returncode == 128 and "intl" in listed.stdout
    assert ten.install(php_args=without()).returncode == 0


@pytest.mark.parametrize("version", ["10.0.20", "11.0.1"])
def test_check_requirements_speaks_the_configured_language(make_standin, version):
    # computeAndLoadOutputLang(): --lang, else the language db:install stored (fr_FR here), else en_GB.
    glpi = make_standin(version)
    fresh = glpi.run("system:check_requirements", "--no-ansi", php_args=without("intl"))
    assert any("intl" in line and "[ERROR]" in line for line in fresh.stdout.splitlines())  # nothing installed: en_GB
    assert glpi.install().returncode == 0
    french = glpi.run("system:check_requirements", "--no-ansi", php_args=without("intl"))
    assert french.returncode == 0
    assert any("intl" in line and "[ERREUR]" in line and "[REQUIS]" in line for line in french.stdout.splitlines())
    assert "[ERROR]" not in french.stdout  # what the role's failed_when searches for
    english = glpi.run("system:check_requirements", "--no-ansi", "--lang=en_GB", php_args=without("intl"))
    assert any("intl" in line and "[ERROR]" in line for line in english.stdout.splitlines())

"""The CHANGELOG is antsibull-changelog's, from fragments; the collection's version is the one prepared."""

from __future__ import annotations

import shutil
import subprocess

import yaml
from packaging.version import Version
from sitekit_paths import COLLECTION, REPO

TOOL = str(REPO / ".venv/bin/antsibull-changelog")


def released() -> list[Version]:
    data = yaml.safe_load((REPO / "changelogs/changelog.yaml").read_text())
    return sorted(Version(v) for v in data["releases"])


def test_fragments_lint_clean():
    run = subprocess.run([TOOL, "lint"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "", run.stdout + run.stderr


def test_changelog_is_generated_from_the_release_data(tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copytree(REPO / "changelogs", work / "changelogs")
    subprocess.run([TOOL, "generate"], cwd=work, check=True, capture_output=True, timeout=120)
    assert (work / "CHANGELOG.md").read_text() == (REPO / "CHANGELOG.md").read_text(), "run: antsibull-changelog generate"


def test_galaxy_version_is_released_or_prepared_with_fragments():
    version = Version(yaml.safe_load((COLLECTION / "galaxy.yml").read_text())["version"])
    folder = REPO / "changelogs/fragments"  # kept by a .gitkeep once a release consumed every fragment
    fragments = [p for p in folder.iterdir() if p.suffix in (".yml", ".yaml")] if folder.is_dir() else []
    if fragments:
        assert version > released()[-1], "fragments are pending: galaxy.yml carries the next version"
    else:
        assert version == released()[-1]

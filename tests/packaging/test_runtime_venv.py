"""A controller venv from requirements-runtime.txt runs sitekit: validation, syntax-check, the auditor's pack.

The collections come from requirements.yml as ``ansible-galaxy collection install -r requirements.yml``
would lay them out (copied here from the development venv's bundled ones: Galaxy is not reachable).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from packaging_lib import DEV_TOOLS
from sitekit_paths import REPO

pytestmark = pytest.mark.integration  # builds a venv with pip

BUNDLED = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"


@pytest.fixture(scope="module")
def controller(tmp_path_factory):
    root = tmp_path_factory.mktemp("controller")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/pip"), "install", "--quiet", "--disable-pip-version-check", "-r",
                    str(REPO / "requirements-runtime.txt")], check=True, timeout=900)
    collections = root / "collections" / "ansible_collections"
    for item in yaml.safe_load((REPO / "requirements.yml").read_text())["collections"]:
        namespace, name = item["name"].split(".")
        shutil.copytree(BUNDLED / namespace / name, collections / namespace / name, symlinks=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=f"{REPO / 'collections'}:{root / 'collections'}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    return venv, env


def run(controller, *args, **kwargs) -> subprocess.CompletedProcess:
    venv, env = controller
    return subprocess.run(args, cwd=REPO, env={**env, **kwargs.pop("env", {})}, capture_output=True, text=True,
                          timeout=600, **kwargs)


def test_no_development_tool_is_installed(controller):
    venv, _ = controller
    installed = run(controller, str(venv / "bin/pip"), "list", "--format=freeze").stdout.lower()
    names = {line.split("==")[0].replace("_", "-") for line in installed.splitlines()}
    assert names & DEV_TOOLS == set() and "ansible" not in names


def test_validation_runs_on_the_controller(controller):
    venv, _ = controller
    done = run(controller, str(venv / "bin/ansible-playbook"), "-i", "inventories/rcr", "playbooks/validate.yml")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "33 hosts" in done.stdout


def test_every_playbook_passes_syntax_check(controller):
    venv, _ = controller
    for playbook in sorted((REPO / "playbooks").glob("*.yml")):
        done = run(controller, str(venv / "bin/ansible-playbook"), "-i", "inventories/rcr", "--syntax-check", str(playbook))
        assert done.returncode == 0, f"{playbook.name}: {done.stderr[-2000:]}"


def test_the_auditors_pack_builds_on_the_controller(controller, tmp_path):
    venv, _ = controller
    done = run(controller, str(venv / "bin/python"), "-m", "sitedoc", "inventories/rcr", "--out", str(tmp_path / "pack"),
               env={"PYTHONPATH": str(REPO / "tools")})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "pack/index.html").is_file() and (tmp_path / "pack/topology.svg").is_file()

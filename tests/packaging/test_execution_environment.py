"""execution-environment.yml: ansible-builder turns it into a build context for AWX / AAP.

No image is built here (the base image comes from a registry this machine cannot reach); the
context is what the build runs: its Containerfile and the files under _build/.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from packaging_lib import DEV_TOOLS, pins
from sitekit_paths import COLLECTION, REPO

BUILDER = str(REPO / ".venv/bin/ansible-builder")


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    out = tmp_path_factory.mktemp("ee") / "context"
    run = subprocess.run([BUILDER, "create", "--file", "execution-environment.yml", "--context", str(out),
                          "--output-filename", "Containerfile"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_the_context_builds_from_the_runtime_requirements_only(context):
    python = (context / "_build/requirements.txt").read_text()
    assert python == (REPO / "requirements-runtime.txt").read_text()
    assert not DEV_TOOLS & set(pins("requirements-runtime.txt"))
    assert (context / "_build/requirements.yml").read_text() == (REPO / "requirements.yml").read_text()
    assert (context / "_build/bindep.txt").read_text() == (REPO / "bindep.txt").read_text()


def test_the_containerfile_pins_ansible_core_and_python_3_11(context):
    containerfile = (context / "Containerfile").read_text()
    core = pins("requirements-runtime.txt")["ansible-core"]
    assert f'ANSIBLE_INSTALL_REFS="{core} ' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile


def test_sitekit_core_is_built_from_this_repository_into_the_image(context):
    galaxy = yaml.safe_load((context / "_build/sitekit-core/galaxy.yml").read_text())
    assert galaxy == yaml.safe_load((COLLECTION / "galaxy.yml").read_text())
    assert (context / "_build/sitekit-core/meta/execution-environment.yml").is_file()
    containerfile = (context / "Containerfile").read_text()
    galaxy_stage = containerfile.split("FROM base AS galaxy")[1].split("FROM base AS builder")[0]
    assert "ansible-galaxy collection build /build/sitekit-core" in galaxy_stage
    assert "--collections-path /usr/share/ansible/collections" in galaxy_stage.split("collection build")[1]


def test_introspection_finds_the_collections_requirements():
    run = subprocess.run([BUILDER, "introspect", "collections"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = yaml.safe_load(run.stdout.split("\n", 1)[1])
    assert any(line.startswith("proxmoxer") and "sitekit.core" in line for line in found["python"])
    assert any(line.startswith("openssh-clients [platform:rpm]") for line in found["system"])

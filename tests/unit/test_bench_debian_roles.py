"""bench/debian_roles.py's raw-apt baseline installs what the glpi scenario's converge installs (issue 10).

The baseline's package list is read from the roles' own package tasks; when nftables moved to
sitekit.core.packages the reader still looked for ansible.builtin.apt and the glpi scenario crashed after its
first converge, losing the run's figures.
"""

from __future__ import annotations

import bench_scripts
import pytest
import yaml
from sitekit_paths import REPO

pytestmark = pytest.mark.unit


def _installed(path: str) -> list[str]:
    """Every package name a role's package tasks name (sitekit.core.packages or ansible.builtin.apt)."""
    names = []
    for task in yaml.safe_load((REPO / path).read_text()):
        args = task.get("sitekit.core.packages") or task.get("ansible.builtin.apt")
        if args:
            names += [args["name"]] if isinstance(args["name"], str) else list(args["name"])
    return names


def test_the_glpi_baseline_installs_the_firewall_and_the_role_packages():
    packages = bench_scripts.load("debian_roles").glpi_packages()
    glpi = yaml.safe_load((REPO / "roles/glpi/tasks/0020-packages.yml").read_text())[0]["vars"]["_glpi_packages"]
    assert set(packages) == set(glpi) | set(_installed("roles/nftables/tasks/0010-install.yml"))
    assert "nftables" in packages

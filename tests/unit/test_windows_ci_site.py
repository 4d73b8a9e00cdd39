"""The real-Windows CI job's inventory is a valid site of its own (issue 10).

tests/windows/ci/converge.sh runs ansible-playbook on tests/windows/ci/inventory with the repository's
ansible.cfg, which loads the validation gate; prepare-runner.ps1 has written the runner's name into it
first. The same inventory, completed the same way, is validated here with the gate's code.
"""

from __future__ import annotations

import re
import shutil

import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources
from sitekit_paths import REPO
from test_no_site_literals import rcr_facts_in

CI = REPO / "tests/windows/ci"
INVENTORY = CI / "inventory"
# What prepare-runner.ps1 writes into the inventory ("zz_ci.yml"): the runner's name as NetBIOS domain.
PREPARED = re.search(r"WriteAllText\(\(Join-Path \$Inventory '(group_vars/all/[\w.]+)'\)",
                     (CI / "prepare-runner.ps1").read_text()).group(1)


@pytest.fixture(scope="module", params=["as committed", "as prepare-runner.ps1 leaves it"])
def inventory(request, tmp_path_factory):
    """The inventory as committed, and as converge.sh finds it on a runner (runner names look like fv-az123-456)."""
    if request.param == "as committed":
        return INVENTORY
    prepared = tmp_path_factory.mktemp("windows-ci") / "inventory"
    shutil.copytree(INVENTORY, prepared)
    (prepared / PREPARED).write_text("---\nsite_netbios: FV-AZ123-456\n")
    return prepared


def test_the_windows_ci_inventory_passes_the_gate(inventory):
    outcome = validate_sources([str(inventory)], skip_undeclared=True)
    assert outcome.site_declared and outcome.hosts == 6
    assert not outcome.errors, outcome.message()
    assert not outcome.warnings, [p.message for p in outcome.warnings]


def test_converge_uses_the_inventory_as_it_is():
    """No file of another inventory is copied in: the site is self-contained."""
    converge = (CI / "converge.sh").read_text()
    assert not re.search(r"^\s*(cp|ln|rsync|install)\s", converge, re.M), converge
    assert "inventories/" not in converge and "-i tests/windows/ci/inventory " in converge


def test_the_runner_is_the_only_host_the_job_converges():
    site = sites.site(str(INVENTORY.relative_to(REPO)))
    assert site.group("windows") == ["winci"] and set(site.group("file_servers")) == {"winci"}
    assert "proxmox_vms" not in site.groups  # the runner is no VM of the cluster, nothing else is created


def test_the_windows_ci_site_holds_no_fact_of_the_customer():
    """Its own name, domain, OUs and addresses, never rcr's (host names and the Cegid vendor's domains are shared
    by every site)."""
    hits = rcr_facts_in(INVENTORY)
    assert not hits, "\n".join(hits)

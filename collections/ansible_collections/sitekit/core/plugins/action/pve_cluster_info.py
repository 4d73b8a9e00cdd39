"""sitekit.core.pve_cluster_info inside Ansible's worker when its task runs on the controller (the API play: localhost, local).

The module talks to the Proxmox VE API over HTTPS from wherever it runs; on a local connection without become that
is this machine as this user, so its run() runs here instead of a module process (0.4-0.6 s a task on 2 CPUs):
plugin_utils/in_process.py. Delegated to another host (an API reachable from a jump host only) it runs there, as a
module.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.sitekit.core.plugins.modules.pve_cluster_info import ARGUMENT_SPEC, ARGUMENT_SPEC_KWARGS, run
from ansible_collections.sitekit.core.plugins.plugin_utils import in_process


class ActionModule(in_process.ControllerModuleAction):
    MODULE = "sitekit.core.pve_cluster_info"
    VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC, **ARGUMENT_SPEC_KWARGS)
    run_module = staticmethod(run)
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)  # an unknown option is refused by ActionBase, before run()

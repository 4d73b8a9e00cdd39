"""sitekit.core.pve_storage in Ansible's worker on the API play's local connection (plugin_utils/in_process.py)."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.sitekit.core.plugins.modules.pve_storage import ARGUMENT_SPEC, ARGUMENT_SPEC_KWARGS, run
from ansible_collections.sitekit.core.plugins.plugin_utils import in_process


class ActionModule(in_process.ControllerModuleAction):
    MODULE = "sitekit.core.pve_storage"
    VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC, **ARGUMENT_SPEC_KWARGS)
    run_module = staticmethod(run)
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

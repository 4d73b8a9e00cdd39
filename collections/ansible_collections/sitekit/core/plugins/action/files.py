"""sitekit.core.files inside Ansible's worker when the task's connection is the controller itself.

A task writing files on the controller (``delegate_to: localhost``: the devices' rendered configurations) started a
module process on the controller: 0.4-0.6 s a task on the lab's 2 CPUs (interpreter, AnsiballZ payload, module_utils),
twice a network play with the build directory's own task. On a local connection without become the module would run
as this process's user on this machine anyway: this action runs its code (module_utils/files_run.py) here, with the
module's spec, results and messages (plugin_utils/in_process.py). On every other connection it runs the module.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.sitekit.core.plugins.module_utils.files_run import run
from ansible_collections.sitekit.core.plugins.modules.files import ARGUMENT_SPEC
from ansible_collections.sitekit.core.plugins.plugin_utils import in_process

_VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC)


def module_result(args: dict, check_mode: bool, diff: bool) -> dict:
    """What the module prints for ``args``, computed in this process."""
    return in_process.module_result(run, _VALIDATOR, args, check_mode, diff, "sitekit.core.files")


class ActionModule(in_process.ControllerModuleAction):
    MODULE = "sitekit.core.files"
    VALIDATOR = _VALIDATOR
    run_module = staticmethod(run)
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)  # an unknown option is refused by ActionBase, before run()

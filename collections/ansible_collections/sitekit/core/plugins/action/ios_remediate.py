"""sitekit.core.ios_remediate inside Ansible's worker process, instead of as a module process per device.

The module only ever runs on the controller (it opens its own SSH session to the device). Run as a module, each
device started a Python interpreter that imported Ansible's module_utils, netmiko and hier_config: 0.48 s of the
1.0 s a device's no-op push costs on the lab's 2 CPUs (cProfile of the module's run, stop 34). ansible-core's linear
strategy loads a task's action class in the ansible-playbook process before it forks the device's worker
(plugins/strategy/linear.py: ``action_loader.get(task_action, class_only=True, ...)``), so the imports below are done
once per run and every worker inherits them.

The module keeps the documentation and the argument spec (modules/ios_remediate.py), and ios_remediate_run.run() stays
the one implementation, run through plugin_utils/in_process.py. The task's connection is never used.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.sitekit.core.plugins.module_utils.ios_remediate_run import run
from ansible_collections.sitekit.core.plugins.modules.ios_remediate import ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE
from ansible_collections.sitekit.core.plugins.plugin_utils import in_process

_VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE)


def module_result(args: dict, check_mode: bool, diff: bool, name: str = "sitekit.core.ios_remediate") -> dict:
    """What the module prints for ``args``."""
    return in_process.module_result(run, _VALIDATOR, args, check_mode, diff, name)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)  # an unknown option is refused by ActionBase, before run()

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        # check mode and diff as ActionBase._update_module_args gives them to a module
        result.update(module_result(self._task.args, bool(self._task.check_mode), bool(self._task.diff)))
        return in_process.as_module_failure(result)

"""sitekit.core.ios_remediate inside Ansible's worker process, instead of as a module process per device.

The module only ever runs on the controller (it opens its own SSH session to the device). Run as a module, each
device started a Python interpreter that imported Ansible's module_utils, netmiko and hier_config: 0.48 s of the
1.0 s a device's no-op push costs on the lab's 2 CPUs (cProfile of the module's run, stop 34). ansible-core's linear
strategy loads a task's action class in the ansible-playbook process before it forks the device's worker
(plugins/strategy/linear.py: ``action_loader.get(task_action, class_only=True, ...)``), so the imports below are done
once per run and every worker inherits them.

The module keeps the documentation and the argument spec (modules/ios_remediate.py), and ios_remediate_run.run() stays
the one implementation: this action validates the task's arguments against that spec as AnsibleModule does (types,
defaults, unknown options, mutually exclusive ones, no_log values kept out of the result) and gives run() the few
AnsibleModule members it uses. The task's connection is never used.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible_collections.sitekit.core.plugins.module_utils.ios_remediate_run import run
from ansible_collections.sitekit.core.plugins.modules.ios_remediate import ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE

_VALIDATOR = ArgumentSpecValidator(ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE)


class _Ended(Exception):
    """exit_json or fail_json: the result, as the module would print it."""

    def __init__(self, result: dict):
        super().__init__(result.get("msg", ""))
        self.result = result


class TaskModule:
    """What ios_remediate_run.run() uses of AnsibleModule, for arguments already validated."""

    def __init__(self, params: dict, check_mode: bool, diff: bool):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings: list[str] = []

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)

    def exit_json(self, **result) -> None:
        raise _Ended(result)

    def fail_json(self, msg: str, **result) -> None:
        raise _Ended({**result, "failed": True, "msg": msg})


def module_result(args: dict, check_mode: bool, diff: bool, name: str = "sitekit.core.ios_remediate") -> dict:
    """What the module prints for ``args``: run() on the validated arguments, secrets removed."""
    validated = _VALIDATOR.validate(dict(args))
    if validated.errors.errors:  # AnsibleModule's wording (basic.py, AnsibleModule.__init__)
        msg = validated.errors.msg
        if isinstance(validated.errors[0], UnsupportedError):
            msg = f"Unsupported parameters for ({name}) module: {msg}"
        return {"failed": True, "msg": msg}
    module = TaskModule(validated.validated_parameters, check_mode, diff)
    try:
        run(module)
        result = {"failed": True, "msg": "ios_remediate ended without a result"}  # run() always ends in exit or fail
    except _Ended as ended:
        result = ended.result
    result.setdefault("changed", False)
    if module.warnings:
        result["warnings"] = module.warnings
    return remove_values(result, validated._no_log_values)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)  # an unknown option is refused by ActionBase, before run()

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        # check mode and diff as ActionBase._update_module_args gives them to a module
        result.update(module_result(self._task.args, bool(self._task.check_mode), bool(self._task.diff)))
        return result

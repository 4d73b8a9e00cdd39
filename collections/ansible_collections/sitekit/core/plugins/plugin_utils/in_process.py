"""A module's own run() inside Ansible's worker process, for the actions that run their module there.

An action that knows its module would only touch the controller (the push to a device, a file written on the
controller) runs the module's implementation in the worker instead of starting a module process: no interpreter
start, no AnsiballZ payload, no re-import of module_utils (0.4-0.6 s a task on the lab's 2 CPUs). The module file
keeps the documentation and the argument spec; ``module_result`` validates the task's arguments against that spec
as AnsibleModule does (types, defaults, unknown options, mutually exclusive ones, AnsibleModule's wording) and
gives run() the AnsibleModule members it uses; the result is shaped as AnsibleModule shapes it (invocation, no_log
values masked, through JSON). ansible.netcommon runs its network modules in the worker the same way (basic.py,
``AnsibleModule._record_module_result``: "Monkeypatched by ansible.netcommon for direct in-worker module execution").
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from types import SimpleNamespace

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

# A connection to the controller itself: ansible-core's local (plugins/connection/local.py) and mitogen's in its place
# (ansible_mitogen/plugins/connection/mitogen_local.py), both ``transport = 'local'``.
LOCAL = frozenset(("local",))


class _Ended(SystemExit):
    """exit_json or fail_json: the result, as the module would print it. A SystemExit, as AnsibleModule's exit is:
    a module's ``except Exception`` around its exit_json must not catch it."""

    def __init__(self, result: dict):
        super().__init__(result.get("msg", ""))
        self.result = result


class TaskModule:
    """What the modules' run() use of AnsibleModule, for arguments already validated."""

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
        """AnsibleModule.fail_json itself, ended here: an ``exception=`` given carries its message chain to the
        controller as a module's does ("Error executing command: [Errno 2] ...")."""
        AnsibleModule.fail_json(self, msg, **result)

    def do_cleanup_files(self) -> None:
        """AnsibleModule.fail_json's first step: this run made no temporary files for the module to remove."""

    def _return_formatted(self, result: dict) -> None:
        """AnsibleModule.fail_json's second step: the result ends run() instead of being printed."""
        raise _Ended(result)

    def run_command(self, args: list[str]) -> tuple[int, str, str]:
        """AnsibleModule.run_command for a list of arguments (no shell): rc, stdout, stderr. As basic.py's: ``~`` and
        environment variables expanded in each argument (expand_user_and_vars); output decoded as UTF-8 with
        undecodable bytes kept as surrogates, line endings untouched; a command that cannot start fails the module
        with "Error executing command." and the errno as rc, any other error with rc 257 (handle_exceptions)."""
        args = [os.path.expanduser(os.path.expandvars(a)) for a in args if a is not None]
        try:  # bytes, as basic.py gives them to Popen (an error names the path as it does: b'...')
            done = subprocess.run([os.fsencode(a) for a in args], capture_output=True, check=False)
        except Exception as exc:  # noqa: BLE001 - basic.py's own two handlers: OSError (its errno), anything else (257)
            # the command line as AnsibleModule reports it (password arguments masked); no_log values go at the end
            shown = AnsibleModule._clean_args(SimpleNamespace(_clean=None, no_log_values=()), args)
            rc = exc.errno if isinstance(exc, OSError) else 257
            self.fail_json(rc=rc, stdout="", stderr="", msg="Error executing command.", cmd=shown, exception=exc)
        return (done.returncode, done.stdout.decode("utf-8", "surrogateescape"),
                done.stderr.decode("utf-8", "surrogateescape"))


def module_result(run: Callable, validator: ArgumentSpecValidator, args: dict, check_mode: bool, diff: bool,
                  name: str) -> dict:
    """What the module ``name`` prints for ``args``: ``run(module)`` on the validated arguments, secrets removed."""
    # The arguments as a module receives them: through JSON (a YAML date arrives as its ISO string).
    validated = validator.validate(json.loads(json.dumps(args, default=str)))
    if validated.errors.errors:  # AnsibleModule's wording (basic.py, AnsibleModule.__init__)
        msg = validated.errors.msg
        if isinstance(validated.errors[0], UnsupportedError):
            msg = f"Unsupported parameters for ({name}) module: {msg}"
        result = {"failed": True, "msg": msg, "invocation": {"module_args": validated.validated_parameters}}
    else:
        module = TaskModule(validated.validated_parameters, check_mode, diff)
        try:
            run(module)
            result = {"failed": True, "msg": f"{name} ended without a result"}  # run() always ends in exit or fail
        except _Ended as ended:
            result = ended.result
        result.setdefault("changed", False)
        result.setdefault("invocation", {"module_args": module.params})
        if module.warnings:
            result["warnings"] = module.warnings
    # As AnsibleModule._return_formatted: no_log values masked everywhere but in the top level's booleans and Nones,
    # then through JSON as a module's result travels (a dict keyed by numbers comes back keyed by strings).
    preserved = {k: v for k, v in result.items() if v is None or isinstance(v, bool)}
    result = {**remove_values(result, validated._no_log_values), **preserved}
    error = result.pop("exception", None)  # ansible-core's own error record (fail_json's exception=), kept as it is
    result = json.loads(json.dumps(result, default=str))
    if error is not None:
        result["exception"] = error
    for stream in ("stdout", "stderr"):  # as ActionBase._execute_module splits a module's output into lines
        if stream in result and f"{stream}_lines" not in result:
            result[f"{stream}_lines"] = (result[stream] or "").splitlines()
    return result


def as_module_failure(result: dict) -> dict:
    """``result`` with its failure recorded as a module's, as ActionBase._parse_returned_data records one (the error
    reads "Module failed: ..." rather than "Action failed: ..."). That hook is ansible-core's internal API (2.19):
    where it is missing, the result goes as it is."""
    try:
        from ansible._internal._errors._captured import AnsibleModuleCapturedError
    except ImportError:
        return result
    AnsibleModuleCapturedError.normalize_result_exception(result)
    return result


class ControllerModuleAction(ActionBase):
    """The action of a module that a task may run on the controller: on a local connection without become (the
    module would run on this machine as this user) its ``run`` here, otherwise the module, as ansible-core's normal
    action runs one (no async: these modules do not support it). Subclasses set MODULE (its FQCN), VALIDATOR (its
    spec), ``run_module`` (``staticmethod(run)``) and ``_VALID_ARGS`` (the spec's names: ActionBase refuses any
    other before run()).

    The pve_* modules (the API play: ``hosts: localhost``, ``connection: local``) talk to the Proxmox VE API over
    HTTPS from wherever they run: here, on the controller; delegated to a jump host that alone reaches the API, there,
    as modules."""

    TRANSFERS_FILES = False
    MODULE: str
    VALIDATOR: ArgumentSpecValidator

    @staticmethod
    def run_module(module) -> None:
        raise NotImplementedError

    def in_worker(self) -> bool:
        """A local connection, no become and no ``environment:`` (a module process would get it; this one has its own).
        ``ansible_python_interpreter`` is not consulted: these modules need only the standard library and ansible-core's
        module_utils, which the worker has; another Python on this machine would give the same result."""
        environments = self._task.environment
        if not isinstance(environments, list):
            environments = [environments]
        return self._connection.transport in LOCAL and not self._play_context.become and not any(environments)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if self.in_worker():
            # check mode and diff as ActionBase._update_module_args gives them to a module
            return as_module_failure({**result, **module_result(self.run_module, self.VALIDATOR, self._task.args,
                                                                bool(self._task.check_mode), bool(self._task.diff),
                                                                self.MODULE)})
        result = merge_hash(result, self._execute_module(module_name=self.MODULE, task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

"""Debian packages present (or absent), asking dpkg first and apt only when something is to do.

ansible.builtin.apt opens python-apt's cache (``get_cache()`` in ``main()``, before it looks at a
single package) and, with ``update_cache``/``cache_valid_time``, checks the lists' age: 2-4 s per
task on a host where every package is already there. This action reads the host's dpkg database
with one read-only ``dpkg-query`` through the connection; when every package is already in the
wanted state it reports ``changed: false`` without running apt, otherwise it runs
``ansible.builtin.apt`` with the same arguments and returns apt's result as it is (changed, check
mode, diff). See plugins/modules/packages.py for the options.
"""

from __future__ import annotations

import re
import shlex

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

# A plain Debian package name (Debian Policy 5.6.1); anything else (name=version, a wildcard, an
# architecture qualifier, a .deb path) is left to apt, which knows how to match it.
PLAIN_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")
STATES = ("present", "absent")
# ${db:Status-Abbrev} is three letters: wanted (i/r/p/h/u), current (n not-installed, c config-files,
# i installed, h half-installed, ...), error flag (blank when ok). man dpkg-query, "Status-Abbrev".
QUERY = "LC_ALL=C dpkg-query --show --showformat='${Package}\\t${db:Status-Abbrev}\\n' -- "


def installed_names(stdout: str) -> set[str]:
    """The packages dpkg lists as installed, unpacked and configured, without an error flag."""
    names = set()
    for line in stdout.splitlines():
        name, _, abbrev = line.partition("\t")
        if len(abbrev) >= 2 and abbrev[1] == "i" and abbrev[2:].strip() == "":
            names.add(name)
    return names


def present_names(stdout: str) -> set[str]:
    """The packages whose files are (even partly) on the host: anything but not-installed and config-files."""
    return {name for name, _, abbrev in (line.partition("\t") for line in stdout.splitlines())
            if len(abbrev) >= 2 and abbrev[1] not in "nc"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("name", "state", "update_cache", "cache_valid_time"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        names = args.get("name")
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        state = args.get("state", "present")
        try:
            if args.get("update_cache") is not None:
                args["update_cache"] = boolean(args["update_cache"], strict=True)
            if args.get("cache_valid_time") is not None:
                args["cache_valid_time"] = int(args["cache_valid_time"])
        except (TypeError, ValueError) as refused:
            return {**result, "failed": True, "msg": f"update_cache takes a boolean, cache_valid_time seconds: {refused}"}
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            return {**result, "failed": True, "msg": "name must be a non-empty list of package names"}
        if state not in STATES:
            return {**result, "failed": True,
                    "msg": f"state must be one of {', '.join(STATES)}, not {state!r} (other states: ansible.builtin.apt)"}
        args["name"] = names
        if all(PLAIN_NAME.match(n) for n in names) and self._nothing_to_do(names, state):
            # apt on this host would report the same: nothing installed, nothing removed.
            return {**result, "changed": False, "cache_updated": False, "apt_run": False}
        applied = self._execute_module(module_name="ansible.builtin.apt", module_args=args, task_vars=task_vars)
        result.update({k: v for k, v in applied.items() if k != "diff"})
        if "diff" in applied:
            result["diff"] = applied["diff"]
        result["apt_run"] = True
        return result

    def _nothing_to_do(self, names: list[str], state: str) -> bool:
        """Whether dpkg already has every package in the wanted state (False when dpkg-query cannot tell)."""
        # Reading the dpkg database needs no privilege: no become, one command, no Python on the host.
        outcome = self._low_level_execute_command(QUERY + " ".join(shlex.quote(n) for n in names), sudoable=False)
        # rc 1: some name is unknown to dpkg (never installed); the known ones are still listed.
        if outcome.get("rc") not in (0, 1):
            return False
        stdout = outcome.get("stdout", "")
        if state == "present":
            return set(names) <= installed_names(stdout)
        return not (set(names) & present_names(stdout))

#!/usr/bin/python
"""Push only the remediation between an IOS device's running and intended configuration."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ios_remediate
short_description: Send an IOS device only the lines that take it to its intended configuration
description:
  - Reads the running configuration over SSH (netmiko), computes the remediation to the
    intended configuration with hier_config (negations and replacements included), sends
    only those lines one at a time, then saves with C(write memory).
  - A second run with the same intended configuration sends nothing (C(changed=false)).
  - In check mode the device is only read; the lines that would be sent are returned.
  - A refused line (C(% Invalid input), C(% Incomplete command)...) or a lost connection
    fails the task with a message naming the device, the line and the lines already applied
    (which are then not saved).
  - Gap filled, cisco.ios.ios_config sends the lines of a config file that differ from the
    running text, cannot remove what the intended configuration no longer declares without
    hand-written C(before)/C(replace) blocks, needs a network_cli connection per device, and
    does not name the lines applied when a later line fails.
  - Lines IOS never shows in its running configuration (C(snmp-server user)) are checked with
    a show command (C(show snmp user NAME)) and sent only when missing.
  - With no I(intended_config) and no I(src), only reads (backup); C(running_config) is returned.
options:
  host: {description: Address of the device., type: str, required: true}
  port: {description: SSH port., type: int, default: 22}
  username: {description: SSH user., type: str, required: true}
  password: {description: SSH password (omit to use keys)., type: str, no_log: true}
  enable_secret: {description: Enable secret when the user does not land in privileged mode., type: str, no_log: true}
  host_key_checking:
    description: Refuse unknown or changed SSH host keys (system known_hosts or I(known_hosts)).
    type: bool
    default: true
  known_hosts: {description: known_hosts file to check host keys against., type: path}
  timeout: {description: Seconds to wait for a connection or an answer., type: int, default: 30}
  name: {description: Name of the device in messages (inventory name)., type: str}
  intended_config: {description: Full intended configuration text., type: str}
  src: {description: File holding the intended configuration (on the controller)., type: path}
  include:
    description: Regular expressions of the top-level lines managed; the others are left alone. Empty manages all.
    type: list
    elements: str
    default: []
  exclude:
    description: Regular expressions of lines (any depth) left alone, added to the built-in list of lines IOS adds itself.
    type: list
    elements: str
    default: []
  save: {description: Run C(write memory) after a change., type: bool, default: true}
  return_running: {description: Return the full running configuration (backups)., type: bool, default: false}
author: sitekit
"""

EXAMPLES = r"""
- name: Push the rendered configuration
  sitekit.core.ios_remediate:
    host: "{{ ansible_host }}"
    username: "{{ ansible_user }}"
    password: "{{ ansible_password }}"
    src: "build/configs/{{ inventory_hostname }}.cfg"
  delegate_to: localhost
"""

RETURN = r"""
commands: {description: Lines sent (or that would be sent in check mode); hashes masked., type: list, returned: always}
applied: {description: Lines the device accepted., type: list, returned: always}
running_config: {description: Running configuration read before any change., type: str, returned: when return_running}
"""

import os  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh  # noqa: E402


def main():
    module = AnsibleModule(
        argument_spec={
            "host": {"type": "str", "required": True},
            "port": {"type": "int", "default": 22},
            "username": {"type": "str", "required": True},
            "password": {"type": "str", "no_log": True},
            "enable_secret": {"type": "str", "no_log": True},
            "host_key_checking": {"type": "bool", "default": True},
            "known_hosts": {"type": "path"},
            "timeout": {"type": "int", "default": 30},
            "name": {"type": "str"},
            "intended_config": {"type": "str"},
            "src": {"type": "path"},
            "include": {"type": "list", "elements": "str", "default": []},
            "exclude": {"type": "list", "elements": "str", "default": []},
            "save": {"type": "bool", "default": True},
            "return_running": {"type": "bool", "default": False},
        },
        mutually_exclusive=[("intended_config", "src")],
        supports_check_mode=True,
    )
    if not ios_ssh.HAS_NETMIKO:
        module.fail_json(msg=missing_required_lib("netmiko"))
    if not ios_remediation.HAS_HIER_CONFIG:
        module.fail_json(msg=missing_required_lib("hier_config"))
    p = module.params
    name = p["name"] or p["host"]
    intended = p["intended_config"]
    if p["src"]:
        if not os.path.isfile(p["src"]):
            module.fail_json(msg=f"{name}: intended configuration {p['src']} does not exist")
        with open(p["src"], encoding="utf-8") as fh:
            intended = fh.read()
    result = {"changed": False, "commands": [], "applied": []}
    try:
        with ios_ssh.Session(name, p["host"], p["port"], p["username"], p["password"], p["enable_secret"],
                             p["host_key_checking"], p["known_hosts"], p["timeout"]) as session:
            running = session.running_config()
            if p["return_running"]:
                result["running_config"] = running
            if intended is None:
                module.exit_json(**result)
            commands, before, after = ios_remediation.remediate(running, intended, p["include"], p["exclude"])
            # Lines IOS never shows (SNMPv3 users): sent only when the device does not list them.
            for line, show, present in ios_remediation.write_only_lines(intended, p["include"], p["exclude"]):
                if present not in session.show(show):
                    commands.append(line)
            result["commands"] = [ios_ssh.mask(c) for c in commands]
            result["changed"] = bool(commands)
            if module._diff:
                result["diff"] = {"before": ios_ssh.mask(before), "after": ios_ssh.mask(after),
                                  "before_header": f"{name} running", "after_header": f"{name} intended"}
            if commands and not module.check_mode:
                result["applied"] = [ios_ssh.mask(c) for c in session.apply(commands)]
                if p["save"]:
                    session.save()
    except ios_ssh.DeviceError as exc:
        result.update(applied=[ios_ssh.mask(c) for c in exc.applied], failed_line=exc.line)
        module.fail_json(msg=str(exc), **result)
    except Exception as exc:  # noqa: BLE001 - anything else still names the device
        module.fail_json(msg=f"{name}: {type(exc).__name__}: {exc}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

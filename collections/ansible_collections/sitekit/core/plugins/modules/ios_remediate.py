#!/usr/bin/python
"""Push only the remediation between an IOS device's running and intended configuration."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ios_remediate
short_description: Send an IOS device only the lines that take it to its intended configuration
description:
  - Reads the running configuration over SSH (netmiko, C(show running-config)), computes the remediation to the
    intended configuration with hier_config 2.3.1 (negations and replacements included, sections closed with
    C(exit)), sends only those lines, one at a time in configuration mode, then saves with C(write memory).
  - Both texts are first cut to the same scope - O(include) keeps the top-level sections that match, O(exclude)
    and a built-in list drop lines IOS adds by itself (C(version), C(boot), C(vtp), C(end)…) with their children.
  - A second run with the same intended configuration sends nothing (C(changed=false)).
  - Lines IOS never shows in its running configuration (C(snmp-server user NAME …)) are checked with
    C(show snmp user NAME) and sent only when the user is not listed.
  - A refused line (C(% Invalid input), C(% Incomplete command)…) or a lost connection stops the push at once
    and fails the task with a message naming the device, the line and the lines already applied (which are
    then not saved); RV(applied) and RV(failed_line) are returned with the failure.
  - With neither O(intended_config) nor O(src), only reads (backups) and returns RV(running_config) when
    O(return_running).
  - Secrets (C(secret 5 …), C(password 7 …), SNMP C(auth)/C(priv) keys, C(key-string)) are masked in every
    returned line, diff and message.
  - "Gap filled: C(cisco.ios.ios_config) sends the lines of a config file that differ from the
    running text, cannot remove what the intended configuration no longer declares without
    hand-written C(before)/C(replace) blocks, needs a network_cli connection per device, and
    does not name the lines applied when a later line fails."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  host:
    description: Address of the device.
    type: str
    required: true
  port:
    description: SSH port.
    type: int
    default: 22
  username:
    description: SSH user.
    type: str
    required: true
  password:
    description:
      - SSH password (never logged).
      - The module does not use SSH keys nor an agent (netmiko's C(use_keys) and C(allow_agent) stay false), so
        without a password only a device that accepts the user without authentication lets it in.
    type: str
  enable_secret:
    description: Enable secret, sent with C(enable) when the user does not land in privileged mode (never logged).
    type: str
  host_key_checking:
    description:
      - Refuse an unknown or changed SSH host key (paramiko's reject policy). The known keys are those of
        O(known_hosts) when set, else the system C(known_hosts) of the user running the module.
      - V(false) accepts any key.
    type: bool
    default: true
  known_hosts:
    description:
      - known_hosts file to check host keys against, instead of the system one; when the file does not exist every
        key is refused. Used only with O(host_key_checking).
    type: path
  timeout:
    description: Seconds to wait for the connection, the authentication, the banner and each answer of the device.
    type: int
    default: 30
  name:
    description: Name of the device in messages and diff headers (the inventory name); defaults to O(host).
    type: str
  intended_config:
    description: Full intended configuration text. Mutually exclusive with O(src).
    type: str
  src:
    description:
      - File holding the intended configuration, read where the module runs (the controller with
        C(delegate_to=localhost)). The task fails when it does not exist. Mutually exclusive with O(intended_config).
    type: path
  include:
    description: Regular expressions (searched, not anchored) of the top-level lines managed, with their children; the others are left alone. Empty manages all.
    type: list
    elements: str
    default: []
  exclude:
    description: Regular expressions of lines (any depth) left alone with their children, added to the built-in list of lines IOS adds itself.
    type: list
    elements: str
    default: []
  save:
    description: Run C(write memory) after a change (never in check mode); a failed save fails the task.
    type: bool
    default: true
  return_running:
    description: Return the full running configuration read before any change (backups).
    type: bool
    default: false
requirements:
  - netmiko (4.8.0 in the sitekit toolchain)
  - hier_config (2.3.1)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reads the device (running configuration, C(show snmp user)) and returns in RV(commands) what would be sent; sends nothing.
  diff_mode:
    support: partial
    details:
      - Before and after are the running and the intended configuration cut to the managed scope, secrets masked.
      - The write-only C(snmp-server user) lines are not in the diff, only in RV(commands).
  platform:
    platforms: posix
    details: Runs where the task runs (C(delegate_to=localhost) in the sitekit roles) and opens its own SSH session to the device.
"""

EXAMPLES = r"""
- name: Push the rendered configuration
  sitekit.core.ios_remediate:
    host: "{{ ansible_host }}"
    username: "{{ ansible_user }}"
    password: "{{ ansible_password }}"
    known_hosts: "{{ playbook_dir }}/../.cache/known_hosts"
    name: "{{ inventory_hostname }}"
    src: "build/configs/{{ inventory_hostname }}.cfg"
  delegate_to: localhost

- name: Read the running configuration only (backup)
  sitekit.core.ios_remediate:
    host: "{{ ansible_host }}"
    username: "{{ ansible_user }}"
    password: "{{ ansible_password }}"
    return_running: true
  delegate_to: localhost
  register: running
"""

RETURN = r"""
commands:
  description: Lines sent (or that would be sent, in check mode), secrets masked; empty when nothing differs.
  type: list
  elements: str
  returned: always
  sample: ["vlan 30", " name SERVERS", " exit"]
applied:
  description: Lines the device accepted, as sent (stripped of their indentation), secrets masked; empty in check mode.
  type: list
  elements: str
  returned: always
  sample: ["vlan 30", "name SERVERS", "exit"]
running_config:
  description: Running configuration read before any change.
  type: str
  returned: when O(return_running)
failed_line:
  description: The line the device refused or did not answer (null when the failure came before any line).
  type: str
  returned: failure reported by the device or the session
  sample: "switchport trunk allowed vlan 10,20,999"
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

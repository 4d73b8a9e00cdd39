#!/usr/bin/python
"""Push only the remediation between an IOS device's running and intended configuration."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ios_remediate
short_description: Send an IOS device only the lines that take it to its intended configuration, safely
description:
  - Reads the running configuration over SSH (netmiko, C(show running-config)), computes the remediation to the
    intended configuration with hier_config 3 and its Cisco IOS driver (negations, in-place replacements and
    ordering, plus the IOS 15.x rules of C(module_utils/ios_remediation.py)), and sends those lines, in
    hier_config's order, one at a time in configuration mode.
  - B(Scope.) Both texts are cut to what the push owns - O(include) (top-level families owned entirely; a line of
    them the intended configuration lacks is removed), every top-level line of the intended configuration, and
    never a line matching O(exclude) or the built-in list of lines IOS adds by itself. An intended line that
    O(exclude) would drop fails the task. IOS cannot delete a chassis port, so C(no interface GigabitEthernet...) is
    never sent. The sitekit role passes the scope the site model computes per device (a router's WAN side is never
    in it).
  - B(Management path.) A push that would remove or replace a line of the O(management) sections (VTY lines and
    ACL, users, AAA, SVIs, default gateway, a router's LAN trunk) fails before sending anything unless
    O(allow_management_change); RV(management) lists those lines. New pieces are sent before the old ones go.
    Lines that would cut the session itself (the interface holding O(session_address), its VLAN, that VLAN on a
    trunk) are not sent but returned in RV(deferred), for a push through the new management address.
  - B(Rollback.) Lines are sent under Rollback Confirmed Change (C(configure terminal revert timer idle
    O(rollback_minutes))); a device without an archive path gets the intended C(archive) section first, or, when
    the intended configuration has none, a snapshot to C(flash:sitekit-rollback.cfg). A refused line rolls the
    device back at once (C(configure revert now) / C(configure replace)); a lost session is rolled back by the
    device when the timer ends. After the last line the running configuration is read and planned again; anything
    left to send (but RV(deferred)) rolls back and fails; otherwise C(configure confirm), then C(write memory).
  - B(Refused lines.) Any answer line starting with C(%) or C(ERROR:) counts as refused, except a few known notices
    (C(% Access VLAN does not exist. Creating vlan N), PortFast warnings, RSA key generation); the message names the
    device, the line and the lines applied before it.
  - B(Write-only lines.) C(snmp-server user) lines never appear in a running configuration; the module keeps a
    fingerprint of each (a hash of the intended line) as a remark of the ACL C(SITEKIT-FINGERPRINTS) and sends the
    line when the user is missing from C(show snmp user) or its fingerprint differs - once per change. A user of an
    owned C(snmp-server user) family that the intended configuration lacks is removed.
  - B(VTP.) When the intended configuration declares VLANs and the device is in VTP server or client mode (VLANs in
    vlan.dat only), the VLANs of C(show vlan brief) stand in the running configuration, so extra VLANs are removed.
  - With nothing to send, a device whose startup configuration differs from its running configuration in scope
    (a push cut after its last line) is saved (RV(saved)).
  - With neither O(intended_config) nor O(src), only reads (backups) and returns RV(running_config) when
    O(return_running).
  - Secrets (C(secret 5 ...), C(password 7 ...), SNMP C(auth)/C(priv) keys, C(key-string)) are masked in every
    returned line, diff and message.
  - Runs on the controller, inside Ansible's worker, through the action plugin of the same name. The devices'
    workers inherit netmiko and hier_config, imported once when the strategy loads the action, so there is no
    module process and no import per device. The action validates the arguments against this spec, as a module
    run would.
  - "Gap filled: C(cisco.ios.ios_config) sends the lines of a config file that differ from the
    running text, cannot remove what the intended configuration no longer declares without
    hand-written C(before)/C(replace) blocks, does not order a management change nor arm a revert timer, cannot
    compare SNMPv3 users, needs a network_cli connection per device, and does not name the lines applied when a
    later line fails."
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
    description: SSH password (never logged). Optional with O(private_key) or O(allow_agent).
    type: str
  private_key:
    description: Private key file for SSH public-key authentication (netmiko C(use_keys) and C(key_file)).
    type: path
  allow_agent:
    description: Offer the keys of the SSH agent (C(SSH_AUTH_SOCK)) for public-key authentication.
    type: bool
    default: false
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
    description:
      - Regular expressions (searched) of the top-level families the push owns entirely, with their children - a line
        of them that the intended configuration lacks is removed. The intended configuration's own top-level lines
        are always in scope. Empty owns the whole configuration.
    type: list
    elements: str
    default: []
  exclude:
    description:
      - Regular expressions of lines (any depth; matched against the line indented one space per level and against
        its text) left alone with their children, added to the built-in list of lines IOS adds itself.
    type: list
    elements: str
    default: []
  management:
    description: Regular expressions of the top-level sections on the management path (see the description).
    type: list
    elements: str
    default: []
  allow_management_change:
    description: Let the push remove or replace lines on the management path (RV(management)).
    type: bool
    default: false
  session_address:
    description:
      - The device address this session reaches (the management address); lines that would remove it are deferred
        (RV(deferred)). Defaults to O(host).
    type: str
  rollback_minutes:
    description: Idle minutes of the revert timer (1-120) before the device rolls back an unconfirmed push.
    type: int
    default: 5
  bootstrap:
    description: Where the device's day-0 bootstrap is; named in the message when the device cannot be reached over SSH.
    type: str
  save:
    description: Run C(write memory) after a change, or when the device was left unsaved (never in check mode).
    type: bool
    default: true
  return_running:
    description: Return the full running configuration read before any change (backups).
    type: bool
    default: false
requirements:
  - netmiko (4.8.0 in the sitekit toolchain)
  - hier_config (3.7.1)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: The action plugin runs the push in Ansible's worker on the controller; no module is sent to a host.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Reads the device (running and startup configurations, C(show vlan brief), C(show snmp user)) and returns in
        RV(commands) what would be sent, RV(management) and RV(deferred); sends nothing, refuses nothing.
  diff_mode:
    support: partial
    details:
      - Before and after are the running and the intended configuration cut to the managed scope, secrets masked.
      - The write-only C(snmp-server user) lines are not in the diff, only in RV(commands) (masked).
  platform:
    platforms: posix
    details: Runs on the controller, in the action plugin, whatever C(delegate_to) says (the sitekit roles delegate to localhost), and opens its own SSH session to the device.
"""

EXAMPLES = r"""
- name: Push the rendered configuration, in the scope the site model gives this device
  sitekit.core.ios_remediate:
    host: "{{ ansible_host }}"
    username: "{{ ansible_user }}"
    private_key: "~/.ssh/netadmin_ed25519"
    known_hosts: "{{ playbook_dir }}/../.cache/known_hosts"
    name: "{{ inventory_hostname }}"
    src: "build/configs/rcr/{{ inventory_hostname }}.cfg"
    include: "{{ intent.push.include }}"
    exclude: "{{ intent.push.exclude }}"
    management: "{{ intent.push.management }}"
    bootstrap: "build/configs/rcr/{{ inventory_hostname }}.day0.txt"
  delegate_to: localhost

- name: Move the management address (first push through the old address; the next one removes the old path)
  sitekit.core.ios_remediate:
    host: 192.0.2.12
    username: netadmin
    password: "{{ netadmin_password }}"
    name: switch-a
    src: build/configs/switch-a.cfg
    management: ["^interface Vlan", "^ip default-gateway ", "^line vty "]
    allow_management_change: true
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
  description: Lines sent (or that would be sent, in check mode), in order, secrets masked; empty when nothing differs.
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
management:
  description: Running lines on the management path that the push removes or replaces (C(section / line)).
  type: list
  elements: str
  returned: always
  sample: ["interface Vlan20 / ip address 192.0.2.12 255.255.255.0", "ip default-gateway 192.0.2.1"]
deferred:
  description: Lines not sent because they would cut this session; a push through the new management address sends them.
  type: list
  elements: str
  returned: always
  sample: ["no interface Vlan20", "no vlan 20"]
saved:
  description: Whether C(write memory) ran.
  type: bool
  returned: always
rollback:
  description: How a failure would have been rolled back (V(timer), V(snapshot)); null when nothing was sent.
  type: str
  returned: always
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

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.ios_remediate_run import run  # noqa: E402

# The action plugin (plugins/action/ios_remediate.py) validates the task's arguments against the same spec.
ARGUMENT_SPEC = {
    "host": {"type": "str", "required": True},
    "port": {"type": "int", "default": 22},
    "username": {"type": "str", "required": True},
    "password": {"type": "str", "no_log": True},
    "private_key": {"type": "path", "no_log": False},
    "allow_agent": {"type": "bool", "default": False},
    "enable_secret": {"type": "str", "no_log": True},
    "host_key_checking": {"type": "bool", "default": True},
    "known_hosts": {"type": "path"},
    "timeout": {"type": "int", "default": 30},
    "name": {"type": "str"},
    "intended_config": {"type": "str"},
    "src": {"type": "path"},
    "include": {"type": "list", "elements": "str", "default": []},
    "exclude": {"type": "list", "elements": "str", "default": []},
    "management": {"type": "list", "elements": "str", "default": []},
    "allow_management_change": {"type": "bool", "default": False},
    "session_address": {"type": "str"},
    "rollback_minutes": {"type": "int", "default": 5},
    "bootstrap": {"type": "str"},
    "save": {"type": "bool", "default": True},
    "return_running": {"type": "bool", "default": False},
}
MUTUALLY_EXCLUSIVE = [("intended_config", "src")]


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, supports_check_mode=True)
    run(module)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the site_validate action (plugins/action/site_validate.py); nothing runs from here."""

from __future__ import annotations

DOCUMENTATION = r"""
module: site_validate
short_description: Refuse a broken site inventory before any host is touched
description:
  - Loads each inventory source again from disk with Ansible's own inventory loader, builds the site model and runs
    every validation rule (how the inventory is written, schema, addressing, network, Proxmox, Windows, the site,
    secrets). Inline vault values stay encrypted (their form is checked, and with the play's vault password that they
    open); Jinja expressions stay unrendered.
  - A whole-file vault is opened with the vault secrets the play was started with (C(--vault-password-file),
    C(--ask-vault-pass), C(--vault-id)); without them it is left unopened, reported as a warning, and everything else
    is still checked.
  - What Ansible would only warn about or stop on (a YAML error, a file that is not UTF-8, an unreadable inventory
    file, a key written twice) is a problem placed at its file and line; an unreadable inventory file is the only
    problem reported, since every other finding would follow from the hosts that were not read.
  - Fails when a rule finds an error (or a warning, with O(fail_on_warnings)). The problems are displayed once, one
    line each naming the file and line, the host and the key, and the task fails with a one-line summary; for example
  - "C(inventories/<site>/host_vars/db1.yml:9: host db1: vm.memory_mb: 4096 MB is below the Cegid minimum 8192 MB
    for a database server [cegid-sql])."
  - Otherwise warnings are shown as Ansible warnings and the message names the sources, the host count, the rule
    count, 0 errors and the warning count.
  - Contacts no host and never reports a change. It is the first play of C(playbooks/site.yml) (C(playbooks/validate.yml)).
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  inventory:
    description:
      - Inventory source(s) to validate - directories or files, a single path or a list; a relative path is taken
        from the directory C(ansible-playbook) runs in.
      - Defaults to the sources the play was started with (C(ansible_inventory_sources), i.e. C(-i)).
      - A source that declares nothing of the site model (no C(site_*) variable, no host fact such as C(site_ip)), for
        example a file that only adds connection settings, is left out; the task fails when no source declares a site.
    type: list
    elements: str
  fail_on_warnings:
    description: Fail on warnings too. Read as a strict boolean, so the string V(false) means false.
    type: bool
    default: false
  strict:
    description:
      - Production strictness - the warnings a production run must not accept become errors (secrets that are still
        the public example placeholders of the repository).
      - Defaults to the variable C(sitekit_strict) (C(-e sitekit_strict=true)), else V(false).
    type: bool
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: The whole work is the action plugin's, on the controller; no module is sent to a host.
  async:
    support: none
  bypass_host_loop:
    support: none
    details: Runs once per host of the play; run it on C(localhost) (as C(playbooks/validate.yml) does).
  check_mode:
    support: full
    details: Reads only, so it validates in check mode too.
  diff_mode:
    support: none
    details: Changes nothing; returns no diff.
  platform:
    platforms: all
    details: Runs on the controller.
"""

EXAMPLES = r"""
- name: Validate the site inventory (the inventory given with -i)
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Check every site variable and host fact against the site model
      sitekit.core.site_validate:
      register: site_validation

    - name: Show what was checked
      ansible.builtin.debug:
        msg: "{{ [site_validation.msg] + site_validation.rules }}"

- name: Another inventory, warnings fatal
  sitekit.core.site_validate:
    inventory: inventories/lab
    fail_on_warnings: true
"""

RETURN = r"""
hosts:
  description: Number of hosts in the inventories validated.
  type: int
  returned: always
  sample: 33
error_count:
  description: Number of errors found.
  type: int
  returned: always
  sample: 0
warning_count:
  description: Number of warnings found.
  type: int
  returned: always
  sample: 2
rules:
  description: "Every rule checked, as C(<rule id>: <what it checks>), in the order they run."
  type: list
  elements: str
  returned: success
errors:
  description: "Empty when the task succeeds (the problems of a failed validation are displayed once, not returned)."
  type: list
  elements: str
  returned: success
  sample: []
warnings_found:
  description: "One line per warning, C(<file>:<line>: host <host>: <key>: <message> [<rule>])."
  type: list
  elements: str
  returned: success
msg:
  description: A summary with the host, rule, error and warning counts; when the task fails, the counts and that the
    problems are listed above.
  type: str
  returned: always
  sample: "/srv/sitekit/inventories/site1: 33 hosts, 22 rules checked, 0 errors, 1 warning(s)"
"""

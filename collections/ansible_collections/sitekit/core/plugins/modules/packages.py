#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the packages action (plugins/action/packages.py); nothing runs from here."""

from __future__ import annotations

DOCUMENTATION = r"""
module: packages
short_description: Debian packages present or absent, without opening apt's cache when nothing is to do
description:
  - Reads the host's dpkg database with one read-only C(dpkg-query --show) through the connection (no Python, no
    privilege). When every package is already in the wanted state the task reports C(changed=false) and apt is not
    run; otherwise M(ansible.builtin.apt) runs with the same arguments and its result is returned as it is.
  - "Why not M(ansible.builtin.apt) alone: its C(main()) opens python-apt's cache (C(get_cache())) and checks the
    lists' age before it looks at any package, 2-4 s per task on a host where everything is installed;
    M(ansible.builtin.package) dispatches to the same module. No collection bundled with Ansible skips it."
  - A package counts as present only when dpkg lists it installed and configured without an error flag; any other
    state (half-installed, unpacked, unknown) leaves the decision to apt. A name that is not a plain package name
    (C(name=version), a wildcard, C(name:arch)) is always passed to apt.
  - Unlike M(ansible.builtin.apt), O(update_cache) and O(cache_valid_time) only take effect when apt runs, that is
    when something is to install or remove; a task with nothing to do never refreshes the package lists.
version_added: "0.2.0"
author: sitekit maintainers (!UNKNOWN)
options:
  name:
    description: Package names, as a list (or a comma-separated string).
    type: list
    elements: str
    required: true
  state:
    description: V(present) installs what is missing, V(absent) removes what is installed (configuration files kept).
      Other states (V(latest), V(fixed), V(build-dep)) need apt's candidate versions; use M(ansible.builtin.apt).
    type: str
    choices: [present, absent]
    default: present
  update_cache:
    description: Refresh the package lists before installing, as M(ansible.builtin.apt) does; only when apt runs.
    type: bool
  cache_valid_time:
    description: Refresh the lists only when they are older than this many seconds, as M(ansible.builtin.apt) does;
      only when apt runs.
    type: int
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: The decision is the action plugin's; M(ansible.builtin.apt) is sent to the host only when needed.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: dpkg-query only reads; when something is to do, apt runs in check mode and reports what it would do.
  diff_mode:
    support: full
    details: apt's diff (the C(prepared) list of apt-get) when apt runs; none when nothing is to do.
  platform:
    platforms: debian
"""

EXAMPLES = r"""
- name: Install vsftpd and the TLS library the certificate tasks use
  sitekit.core.packages:
    name: [vsftpd, python3-cryptography]
    update_cache: true
    cache_valid_time: 3600
"""

RETURN = r"""
apt_run:
  description: Whether M(ansible.builtin.apt) ran (false when dpkg already had every package in the wanted state).
  type: bool
  returned: success
  sample: false
cache_updated:
  description: Whether the package lists were refreshed (always false when apt did not run).
  type: bool
  returned: success
  sample: false
stdout:
  description: apt-get's output, when apt ran and installed or removed something.
  type: str
  returned: when apt ran
"""

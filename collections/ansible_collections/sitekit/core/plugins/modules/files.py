#!/usr/bin/python
"""Write a list of files from their content, in one task."""

from __future__ import annotations

DOCUMENTATION = r"""
module: files
short_description: Files with a given content, owner, group and mode, in one call
description:
  - Makes each file of O(files) hold exactly its O(files[].content), with its O(files[].mode) and, when given,
    its O(files[].owner) and O(files[].group). A file whose content, mode, owner and group already match is not
    touched (no write, no change of its times).
  - A new content is written to a temporary file in the same directory, given its owner, group and mode, checked
    with O(files[].validate) when set, then renamed over the old file (atomic on one filesystem); a refused
    content leaves the old file as it was and fails the task, naming the file. A file whose only difference is its
    mode, owner or group is corrected in place.
  - The directory of each file must exist (as with M(ansible.builtin.copy)), or be one of O(directories), which are
    made first; a missing one fails the task, naming it. Files are handled in order; a failure stops at that file,
    and RV(changed_paths) lists what was already done.
  - "Run inside Ansible's worker on the controller, without a module process (0.4-0.6 s a task on 2 CPUs), when the
    task's connection is local (ansible-core's, or mitogen's in its place) without become or C(environment) (a
    controller-side file, such as the devices' rendered configurations): the action plugin of the same name runs
    this module's code there, with the same argument checks, results and messages. On any other connection it runs
    as a module, as usual."
  - "Gap filled: M(ansible.builtin.copy) and M(ansible.builtin.template) take one destination per call, and each
    loop item is two module runs (the action plugin's C(stat), then the module): 10 device files cost 4 s of the
    whole-site no-op. No collection bundled with the C(ansible) package writes several files in one call (checked:
    ansible.builtin copy/template, ansible.posix, community.general). Templates are rendered on the controller with
    C(lookup('sitekit.core.template', ...)) and passed as O(files[].content)."
  - The module never prints a content in a message. A content holding secrets needs C(no_log) on the task, as
    with M(ansible.builtin.copy) (the diff shows contents).
  - SELinux contexts, backups and symlinked destinations are not handled (a symlink is replaced by a file).
version_added: "0.6.0"
author: sitekit maintainers (!UNKNOWN)
options:
  directories:
    description:
      - Directories made before the files, with their missing parents (those with the default mode), owned by the
        module's user; an existing directory keeps its owner and gets O(directories[].mode). A path that exists
        and is no directory fails the task.
    type: list
    elements: dict
    default: []
    version_added: "0.6.0"
    suboptions:
      path:
        description: Absolute path of the directory.
        type: path
        required: true
      mode:
        description: Octal mode as a quoted string (V("0700")).
        type: str
        required: true
  files:
    description: The files, handled in this order.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the file.
        type: path
        required: true
      content:
        description: The whole content of the file (text, written as UTF-8).
        type: str
        required: true
      mode:
        description: Octal mode as a quoted string (V("0640")).
        type: str
        required: true
      owner:
        description: Owner (name or uid); the existing owner (or the module's user for a new file) when omitted.
        type: str
      group:
        description: Group (name or gid); the existing group (or the module's user's for a new file) when omitted.
        type: str
      validate:
        description:
          - Command checking a new content before it replaces the file; C(%s) is the temporary file's path (as
            M(ansible.builtin.copy)'s C(validate)). Run without a shell; a non-zero exit refuses the content.
          - Not run in check mode, nor when only the mode, owner or group differ.
        type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details: The action plugin runs the module, or its code in Ansible's worker on a C(local) connection without become
      or C(environment).
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Reads every file and reports what it would write or correct; writes nothing and runs no validation.
      - A missing directory, owner or group (an earlier task of the same run would create it) is no error in check
        mode; the file is reported as a change.
  diff_mode:
    support: full
    details: One diff per changed file (its content, mode and owner before and after; C(absent) for a new file).
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: Write the rendered configurations
  sitekit.core.files:
    files:
      - path: /etc/squid/squid.conf
        content: "{{ lookup('sitekit.core.template', 'squid.conf.j2') }}"
        owner: root
        group: proxy
        mode: "0640"
        validate: squid -k parse -f %s
"""

RETURN = r"""
changed_paths:
  description: Directories then files made or corrected (or that would be, in check mode), in O(directories) and O(files) order.
  type: list
  elements: str
  returned: always
  sample: ["/etc/squid/squid.conf"]
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.files_run import run  # noqa: E402

# The action plugin (plugins/action/files.py) validates the task's arguments against the same spec.
ARGUMENT_SPEC = {
    "directories": {"type": "list", "elements": "dict", "default": [], "options": {
        "path": {"type": "path", "required": True},
        "mode": {"type": "str", "required": True},
    }},
    "files": {"type": "list", "elements": "dict", "required": True, "options": {
        "path": {"type": "path", "required": True},
        "content": {"type": "str", "required": True},
        "mode": {"type": "str", "required": True},
        "owner": {"type": "str"},
        "group": {"type": "str"},
        "validate": {"type": "str"},
    }},
}


def main() -> None:
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True))


if __name__ == "__main__":
    main()

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
  - The directory of each file must exist (as with M(ansible.builtin.copy)); a missing one fails the task, naming
    it. Files are handled in order; a failure stops at that file, and RV(changed_paths) lists what was already done.
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
attributes:
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
  description: Files written or corrected (or that would be, in check mode), in O(files) order.
  type: list
  elements: str
  returned: always
  sample: ["/etc/squid/squid.conf"]
"""

import os  # noqa: E402
import shlex  # noqa: E402
import tempfile  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.files_state import (  # noqa: E402
    FileState,
    current_state,
    wanted_ids,
)


def _write(module, path: str, data: bytes, mode: int, uid: int, gid: int, validate: str | None) -> None:
    """Write ``data`` next to ``path``, set its attributes, validate it, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchown(handle.fileno(), uid, gid)
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if validate:
            if "%s" not in validate:
                module.fail_json(msg=f"files: {path}: validate must contain %s, got {validate!r}")
            rc, out, err = module.run_command([a.replace("%s", tmp) for a in shlex.split(validate)])
            if rc != 0:
                module.fail_json(msg=f"files: {path}: the new content was refused by {validate!r} (rc={rc}); "
                                     "the file is unchanged", stdout=out, stderr=err)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _diff(path: str, before: FileState, after: FileState) -> dict:
    return {"before_header": f"{path} ({before.shown()})", "after_header": f"{path} ({after.shown()})",
            "before": before.text(), "after": after.text()}


def main() -> None:
    module = AnsibleModule(
        argument_spec={"files": {"type": "list", "elements": "dict", "required": True, "options": {
            "path": {"type": "path", "required": True},
            "content": {"type": "str", "required": True},
            "mode": {"type": "str", "required": True},
            "owner": {"type": "str"},
            "group": {"type": "str"},
            "validate": {"type": "str"},
        }}},
        supports_check_mode=True,
    )
    changed, diffs = [], []
    for item in module.params["files"]:
        path = item["path"]
        try:
            mode = int(item["mode"], 8)
        except ValueError:
            module.fail_json(msg=f"files: {path}: mode must be an octal string such as '0640', got {item['mode']!r}",
                             changed_paths=changed)
        if not os.path.isabs(path):
            module.fail_json(msg=f"files: {path} is not an absolute path", changed_paths=changed)
        before = current_state(path)
        if not os.path.isdir(os.path.dirname(path)):
            if not module.check_mode:
                module.fail_json(msg=f"files: {path}: directory {os.path.dirname(path)} does not exist",
                                 changed_paths=changed)
            before = FileState("absent")  # an earlier task of the run would create it: reported as a change
        if before.kind == "directory":
            module.fail_json(msg=f"files: {path} is a directory", changed_paths=changed)
        try:
            uid, gid = wanted_ids(item["owner"], item["group"], before)
        except KeyError as exc:
            if not module.check_mode:
                module.fail_json(msg=f"files: {path}: no such owner or group on the host: {exc}",
                                 changed_paths=changed)
            uid, gid = -1, -1  # created earlier in this run: reported as a change
        data = item["content"].encode("utf-8")
        after = FileState("file", data, mode, uid, gid)
        if before == after:
            continue
        changed.append(path)
        diffs.append(_diff(path, before, after))
        if module.check_mode:
            continue
        try:
            if before.kind == "file" and before.data == data:
                os.chown(path, uid, gid)
                os.chmod(path, mode)
            else:
                _write(module, path, data, mode, uid, gid, item["validate"])
        except OSError as exc:
            module.fail_json(msg=f"files: {path}: {exc.strerror or exc}", changed_paths=changed)
    result = {"changed": bool(changed), "changed_paths": changed}
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()

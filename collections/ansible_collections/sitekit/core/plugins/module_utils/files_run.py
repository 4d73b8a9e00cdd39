"""The files module's run: make each directory, then write each file, and report what changed.

The module keeps its documentation and argument spec; this is what it does with them (as a module process, or
inside Ansible's worker when its action runs it there: plugins/action/files.py).
"""

from __future__ import annotations

import os
import shlex
import stat
import tempfile

from ansible_collections.sitekit.core.plugins.module_utils.files_state import FileState, current_state, wanted_ids


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


def _mode(module, path: str, value: str, changed: list) -> int:
    try:
        return int(value, 8)
    except ValueError:
        module.fail_json(msg=f"files: {path}: mode must be an octal string such as '0640', got {value!r}",
                         changed_paths=changed)


def _directories(module, changed: list, diffs: list) -> None:
    """Each directory of O(directories), its missing parents too (the module's user owns the ones it creates); an
    existing one keeps its owner and gets its mode."""
    for item in module.params["directories"]:
        path = item["path"]
        if not os.path.isabs(path):
            module.fail_json(msg=f"files: {path} is not an absolute path", changed_paths=changed)
        mode = _mode(module, path, item["mode"], changed)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            module.fail_json(msg=f"files: {path} exists and is not a directory", changed_paths=changed)
        before = "absent" if st is None else f"directory {stat.S_IMODE(st.st_mode):04o}"
        if before == f"directory {mode:04o}":
            continue
        changed.append(path)
        diffs.append({"before_header": path, "after_header": path, "before": before + "\n",
                      "after": f"directory {mode:04o}\n"})
        if module.check_mode:
            continue
        try:
            if st is None:
                os.makedirs(path, mode=mode)
            os.chmod(path, mode)  # makedirs' mode is filtered by the umask
        except OSError as exc:
            module.fail_json(msg=f"files: {path}: {exc.strerror or exc}", changed_paths=changed)


def run(module) -> None:
    """exit_json or fail_json, with the result the module's RETURN documents."""
    changed, diffs = [], []
    _directories(module, changed, diffs)
    for item in module.params["files"]:
        path = item["path"]
        mode = _mode(module, path, item["mode"], changed)
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

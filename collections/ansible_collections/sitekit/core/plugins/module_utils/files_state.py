"""What sitekit.core.files compares: a path's kind, content, mode, owner and group."""

from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileState:
    """A path as the module sees it; two states are equal when nothing would be written."""

    kind: str                   # absent, file, directory, symlink, other
    data: bytes | None = None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None

    def shown(self) -> str:
        """``absent``, or ``owner:group mode`` with names where the host knows them."""
        if self.kind != "file":
            return self.kind
        return f"{_name(self.uid, pwd.getpwuid, 'pw_name')}:{_name(self.gid, grp.getgrgid, 'gr_name')} {self.mode:04o}"

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace") if self.data is not None else ""


def _name(number: int | None, lookup, attribute: str) -> str:
    if number is None or number < 0:
        return "(to be created)"
    try:
        return getattr(lookup(number), attribute)
    except KeyError:
        return str(number)


def current_state(path: str) -> FileState:
    """The state of ``path`` on the host (a symlink is not followed: it would be replaced by a file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return FileState("absent")
    if stat.S_ISDIR(st.st_mode):
        return FileState("directory")
    if stat.S_ISLNK(st.st_mode):
        return FileState("symlink")
    if not stat.S_ISREG(st.st_mode):
        return FileState("other")
    with open(path, "rb") as handle:
        data = handle.read()
    return FileState("file", data, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


def wanted_ids(owner: str | None, group: str | None, before: FileState) -> tuple[int, int]:
    """uid and gid to give the file: the named ones, else the existing file's, else the module user's.

    KeyError when a name does not exist on the host."""
    uid = _id(owner, lambda n: pwd.getpwnam(n).pw_uid, before.uid if before.kind == "file" else os.geteuid())
    gid = _id(group, lambda n: grp.getgrnam(n).gr_gid, before.gid if before.kind == "file" else os.getegid())
    return uid, gid


def _id(value: str | None, lookup, default: int) -> int:
    if value is None:
        return default
    return int(value) if value.isdigit() else lookup(value)

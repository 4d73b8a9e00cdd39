"""sitekit.core.directories, scenario by scenario on a temporary tree (the test runs as root or as a user).

Each row: the tree before (path -> mode, or "file"), the paths asked for with a mode, check mode, and what
must come out: failed (and the message), changed, the paths changed, and each path's mode after. Owner and
group are the test's own uid/gid, except in the rows that ask for another one."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

import pytest
from module_runner import assert_outcome, load, run_module


def run(capsys, args: dict, check: bool = False) -> dict:
    return run_module(capsys, load("directories"), args, check=check)


@dataclass(frozen=True)
class Row:
    id: str
    before: dict                       # relative path -> octal mode, or "file"
    paths: tuple
    mode: str = "0750"
    check: bool = False
    changed: bool | None = None        # None: the row fails
    changed_paths: tuple = ()
    failed: str | None = None
    after: dict = field(default_factory=dict)  # relative path -> octal mode, or None (absent)
    owner: str | None = None           # None: the test's own uid

    def param(self):
        return pytest.param(self, id=self.id)


ROWS = [
    Row("noop", {"a": 0o750, "b": 0o750}, ("a", "b"), changed=False, after={"a": 0o750, "b": 0o750}),
    Row("noop-check", {"a": 0o750}, ("a",), check=True, changed=False, after={"a": 0o750}),
    Row("created", {}, ("a", "b"), changed=True, changed_paths=("a", "b"), after={"a": 0o750, "b": 0o750}),
    Row("created-check", {}, ("a",), check=True, changed=True, changed_paths=("a",), after={"a": None}),
    Row("parents-created-alike", {}, ("a/b/c",), changed=True, changed_paths=("a/b/c",),
        after={"a": 0o750, "a/b": 0o750, "a/b/c": 0o750}),
    Row("mode-corrected-only-where-wrong", {"a": 0o750, "b": 0o755}, ("a", "b"), changed=True, changed_paths=("b",),
        after={"a": 0o750, "b": 0o750}),
    Row("mode-corrected-check", {"b": 0o755}, ("b",), check=True, changed=True, changed_paths=("b",),
        after={"b": 0o755}),
    Row("sticky-setgid-kept", {}, ("a",), mode="01770", changed=True, changed_paths=("a",), after={"a": 0o1770}),
    Row("sticky-noop", {"a": 0o1770}, ("a",), mode="01770", changed=False, after={"a": 0o1770}),
    Row("file-refused", {"a": "file"}, ("a",), failed=r"a exists and is not a directory"),
    Row("bad-mode-refused", {}, ("a",), mode="u+rwx", failed=r"mode must be an octal string"),
    Row("unknown-owner-refused", {}, ("a",), owner="sitekit-nobody-here", failed=r"no such owner or group",
        after={"a": None}),
    Row("unknown-owner-check-changes", {"a": 0o750}, ("a",), owner="sitekit-nobody-here", check=True, changed=True,
        changed_paths=("a",), after={"a": 0o750}),
]


def mode_of(path) -> int | None:
    return stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else None


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_directories(tmp_path, capsys, row):
    for rel, mode in row.before.items():
        path = tmp_path / rel
        if mode == "file":
            path.write_text("x")
        else:
            path.mkdir()
            path.chmod(mode)
    args = {"paths": [str(tmp_path / p) for p in row.paths], "owner": row.owner or str(os.getuid()),
            "group": str(os.getgid()), "mode": row.mode}
    out = run(capsys, args, check=row.check)
    assert_outcome(out, row, tmp_path, diffs=lambda result: result["diff"]["after"].count("\n"))
    for rel, mode in row.after.items():
        assert mode_of(tmp_path / rel) == mode, rel


def test_owner_and_group_set_by_name(tmp_path, capsys):
    """Names resolve on the host: root's own name and group give uid 0 / gid 0 (as root), the test user's otherwise."""
    import grp
    import pwd

    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    out = run(capsys, {"paths": [str(tmp_path / "a")], "owner": user, "group": group, "mode": "0700"})
    st = os.stat(tmp_path / "a")
    assert out["changed"] and (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (os.getuid(), os.getgid(), 0o700)
    assert run(capsys, {"paths": [str(tmp_path / "a")], "owner": user, "group": group, "mode": "0700"})["changed"] is False


def test_diff_names_owner_and_group(tmp_path, capsys):
    """The diff reads as an operator writes it: names, not ids, and the state before (absent, or the old mode)."""
    import grp
    import pwd

    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    (tmp_path / "old").mkdir()
    (tmp_path / "old").chmod(0o755)
    out = run(capsys, {"paths": [str(tmp_path / "new"), str(tmp_path / "old")], "owner": str(os.getuid()),
                       "group": group, "mode": "0750"})
    assert out["diff"]["before"] == f"{tmp_path}/new: absent\n{tmp_path}/old: {user}:{group} 0755\n"
    assert out["diff"]["after"] == f"{tmp_path}/new: {user}:{group} 0750\n{tmp_path}/old: {user}:{group} 0750\n"

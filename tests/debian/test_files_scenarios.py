"""sitekit.core.files, scenario by scenario on a temporary tree (the test runs as root or as a user).

Each row: the tree before (name -> (content, mode), "dir" or ("dir", mode)), the directories and files asked for,
check mode, and what must come out: failed (and the message), changed, the paths changed, each file after (content,
mode, or None when absent) and each directory's mode (None: absent). "No write" is read from the file itself: same
inode and same modification time. Every row runs twice: as the module, and as its action runs it inside Ansible's
worker on a local connection (plugins/action/files.py)."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field

import pytest
from module_runner import assert_outcome, load, run_module

REFUSE = "grep -q ^ok$ %s"  # accepts a content whose one line is "ok"


def run(capsys, args: dict, check: bool = False, via: str = "module") -> dict:
    if via == "module":
        return run_module(capsys, load("files"), args, check=check)
    from ansible_collections.sitekit.core.plugins.action.files import module_result

    return module_result(args, check, True)


VIA = pytest.mark.parametrize("via", ["module", "action"])


@dataclass(frozen=True)
class Row:
    id: str
    before: dict                       # name -> (content, mode) or "dir"
    files: tuple                       # (name, content, mode[, validate])
    check: bool = False
    changed: bool | None = None        # None: the row fails
    changed_paths: tuple = ()
    failed: str | None = None
    after: dict = field(default_factory=dict)  # name -> (content, mode), or None (absent)
    untouched: tuple = ()              # names whose inode and mtime must not change
    owner: str | None = None
    directories: tuple = ()            # (name, mode)
    dirs_after: dict = field(default_factory=dict)  # name -> mode, or None (absent)

    def param(self):
        return pytest.param(self, id=self.id)


ROWS = [
    Row("noop", {"a": ("A\n", 0o600), "b": ("B", 0o644)}, (("a", "A\n", "0600"), ("b", "B", "0644")), changed=False,
        after={"a": ("A\n", 0o600), "b": ("B", 0o644)}, untouched=("a", "b")),
    Row("noop-check", {"a": ("A", 0o600)}, (("a", "A", "0600"),), check=True, changed=False, untouched=("a",)),
    Row("noop-with-validate-runs-nothing", {"a": ("ko", 0o600)}, (("a", "ko", "0600", REFUSE),), changed=False,
        untouched=("a",)),
    Row("created", {}, (("a", "A", "0640"), ("b", "B", "0600")), changed=True, changed_paths=("a", "b"),
        after={"a": ("A", 0o640), "b": ("B", 0o600)}),
    Row("created-check", {}, (("a", "A", "0640"),), check=True, changed=True, changed_paths=("a",), after={"a": None}),
    Row("content-changed-only-where-different", {"a": ("A", 0o600), "b": ("old", 0o600)},
        (("a", "A", "0600"), ("b", "new", "0600")), changed=True, changed_paths=("b",),
        after={"a": ("A", 0o600), "b": ("new", 0o600)}, untouched=("a",)),
    Row("content-changed-check", {"b": ("old", 0o600)}, (("b", "new", "0600"),), check=True, changed=True,
        changed_paths=("b",), after={"b": ("old", 0o600)}, untouched=("b",)),
    Row("mode-corrected-in-place", {"a": ("A", 0o644)}, (("a", "A", "0600"),), changed=True, changed_paths=("a",),
        after={"a": ("A", 0o600)}),
    Row("validate-accepts", {"a": ("old", 0o600)}, (("a", "ok\n", "0600", REFUSE),), changed=True,
        changed_paths=("a",), after={"a": ("ok\n", 0o600)}),
    Row("validate-refuses-old-kept", {"a": ("old", 0o600)}, (("a", "bad\n", "0600", REFUSE),),
        failed="the new content was refused", after={"a": ("old", 0o600)}, untouched=("a",)),
    Row("validate-refuses-new-not-created", {}, (("a", "bad\n", "0600", REFUSE),),
        failed="the new content was refused", after={"a": None}),
    Row("validate-without-placeholder-refused", {}, (("a", "x", "0600", "true"),), failed="must contain %s",
        after={"a": None}),
    Row("missing-directory-refused", {}, (("nodir/a", "A", "0600"),), failed="does not exist"),
    Row("missing-directory-check-changes", {}, (("nodir/a", "A", "0600"),), check=True, changed=True,
        changed_paths=("nodir/a",)),
    Row("directory-refused", {"a": "dir"}, (("a", "A", "0600"),), failed="a is a directory"),
    Row("bad-mode-refused", {}, (("a", "A", "u+rw"),), failed="mode must be an octal string", after={"a": None}),
    Row("stops-at-the-failing-file", {}, (("a", "A", "0600"), ("nodir/b", "B", "0600"), ("c", "C", "0600")),
        failed="does not exist", after={"a": ("A", 0o600), "c": None}),
    Row("unknown-owner-refused", {}, (("a", "A", "0600"),), owner="sitekit-nobody-here",
        failed="no such owner or group", after={"a": None}),
    Row("unknown-owner-check-changes", {"a": ("A", 0o600)}, (("a", "A", "0600"),), owner="sitekit-nobody-here",
        check=True, changed=True, changed_paths=("a",), untouched=("a",)),
    Row("directory-made-with-its-parent-then-its-file", {}, (("d/e/a", "A", "0600"),), directories=(("d/e", "0700"),),
        changed=True, changed_paths=("d/e", "d/e/a"), after={"d/e/a": ("A", 0o600)}, dirs_after={"d/e": 0o700}),
    Row("directory-noop", {"d": ("dir", 0o700), "d/a": ("A", 0o600)}, (("d/a", "A", "0600"),),
        directories=(("d", "0700"),), changed=False, dirs_after={"d": 0o700}, untouched=("d/a",)),
    Row("directory-mode-corrected", {"d": ("dir", 0o755)}, (), directories=(("d", "0700"),), changed=True,
        changed_paths=("d",), dirs_after={"d": 0o700}),
    Row("directory-check-makes-nothing", {}, (("d/a", "A", "0600"),), directories=(("d", "0700"),), check=True,
        changed=True, changed_paths=("d", "d/a"), dirs_after={"d": None}),
    Row("directory-over-a-file-refused", {"d": ("x", 0o600)}, (), directories=(("d", "0700"),),
        failed="d exists and is not a directory", after={"d": ("x", 0o600)}, untouched=("d",)),
    Row("directory-bad-mode-refused", {}, (), directories=(("d", "rwx"),), failed="mode must be an octal string",
        dirs_after={"d": None}),
]


def snapshot(path):
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


@VIA
@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_files(tmp_path, capsys, row, via):
    for name, value in row.before.items():
        path = tmp_path / name
        if value == "dir":
            path.mkdir()
        elif value[0] == "dir":
            path.mkdir()
            path.chmod(value[1])
        else:
            path.write_text(value[0])
            path.chmod(value[1])
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    marks = {name: snapshot(tmp_path / name) for name in row.untouched}
    items = []
    for name, content, mode, *validate in row.files:
        item = {"path": str(tmp_path / name), "content": content, "mode": mode}
        if validate:
            item["validate"] = validate[0]
        if row.owner:
            item["owner"] = row.owner
        items.append(item)
    directories = [{"path": str(tmp_path / name), "mode": mode} for name, mode in row.directories]
    out = run(capsys, {"files": items, **({"directories": directories} if directories else {})}, check=row.check, via=via)
    assert_outcome(out, row, tmp_path, diffs=lambda result: len(result["diff"]))
    for name, mode in row.dirs_after.items():
        path = tmp_path / name
        assert (stat.S_IMODE(path.stat().st_mode) if path.is_dir() else None) == mode, name
    for name, want in row.after.items():
        path = tmp_path / name
        if want is None:
            assert not path.exists(), name
        else:
            assert (path.read_text(), stat.S_IMODE(path.stat().st_mode)) == want, name
    for name, mark in marks.items():
        assert snapshot(tmp_path / name) == mark, f"{name} was written"
    assert not [p for p in tmp_path.rglob(".*")], "a temporary file was left behind"


@VIA
def test_diff_shows_content_and_attributes(tmp_path, capsys, via):
    """The diff of a changed file: its old and new content, headers naming the path and owner:group mode."""
    import grp
    import pwd

    owner = f"{pwd.getpwuid(os.getuid()).pw_name}:{grp.getgrgid(os.getgid()).gr_name}"
    (tmp_path / "a").write_text("old\n")
    (tmp_path / "a").chmod(0o644)
    out = run(capsys, {"files": [{"path": str(tmp_path / "a"), "content": "new\n", "mode": "0600"},
                                 {"path": str(tmp_path / "b"), "content": "B\n", "mode": "0600"}]}, via=via)
    assert out["diff"][0] == {"before_header": f"{tmp_path}/a ({owner} 0644)", "after_header": f"{tmp_path}/a ({owner} 0600)",
                              "before": "old\n", "after": "new\n"}
    assert out["diff"][1]["before_header"] == f"{tmp_path}/b (absent)" and out["diff"][1]["before"] == ""


@VIA
def test_messages_never_carry_the_content(tmp_path, capsys, via):
    """A refused content is not echoed in the failure (it may hold secrets)."""
    (tmp_path / "a").write_text("old")
    out = run(capsys, {"files": [{"path": str(tmp_path / "a"), "content": "s3cret-line\n", "mode": "0600",
                                  "validate": REFUSE}]}, via=via)
    assert out["failed"] and "s3cret-line" not in json.dumps({k: v for k, v in out.items() if k != "invocation"})

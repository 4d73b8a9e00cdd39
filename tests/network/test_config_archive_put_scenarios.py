"""sitekit.core.config_archive_put, scenario by scenario against a local FTP server (the ftp_servers
harness of tests/network/conftest.py: pyftpdlib on 127.0.0.1).

Each row: the files the archive holds before (``given``, with their dates in their names), the
module's arguments, check mode, and what must come out: failed (and the message), changed, the path
reported, what was deleted, and the archive's files after. "No write" is the directory tree, file
times included, unchanged. Rows run with the site's archive account (as strict as the role's vsftpd: no
MKD, no DELE, sealed files) unless they test an option only another server's account allows (generic)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import netlab
import pytest

pytestmark = pytest.mark.integration  # runs an FTP server

NAME, CONFIG, NEWER = "sw-core", "hostname sw-core\n", "hostname sw-core\nvlan 30\n"
OLD = f"{NAME}-20200101-000000.cfg"                                            # years old
RECENT = f"{NAME}-{(datetime.now(UTC) - timedelta(days=1)):%Y%m%d-%H%M%S}.cfg"  # yesterday's (named to the second)
# A clock frozen for the rows that need the run's time: the name the module writes at it is taken already.
FROZEN = datetime(2026, 3, 1, 21, 30, 0, 999999, tzinfo=UTC)
AT_FROZEN, AFTER_FROZEN = f"{NAME}-20260301-213000-999999.cfg", f"{NAME}-20260301-213001-000000.cfg"


@dataclass(frozen=True)
class Row:
    id: str
    given: dict = field(default_factory=dict)  # file name -> content, in the row's directory (None: no directory)
    args: dict = field(default_factory=dict)
    check: bool = False
    changed: bool | None = None                # None: the row fails
    failed: str | None = None
    stored: bool = False                       # a new dated file with the content is there after
    deleted: tuple = ()
    path: str | None = None                    # the path reported, when it is an existing file
    frozen: bool = False                       # the module's clock reads FROZEN
    written: str | None = None                 # the name of the new file, when the row knows it
    generic: bool = False                      # another vendor's archive account: may create directories and delete
    area: bool = False                         # the device's upload area exists (the ftp_archive role makes it)

    def param(self):
        return pytest.param(self, id=self.id)


ROWS = [
    Row("noop", given={RECENT: CONFIG}, changed=False, path=RECENT),
    Row("noop-check", given={RECENT: CONFIG}, check=True, changed=False, path=RECENT),
    Row("first-copy", area=True, changed=True, stored=True),
    Row("first-copy-check", area=True, check=True, changed=True),
    # The site's vsftpd refuses MKD: a device with no upload area fails, naming the server; nothing is written.
    Row("no-device-area-refused", failed=r"^cfgarchive@127\.0\.0\.1:\d+/no-device-area-refused: error_perm: 550 "),
    Row("first-copy-creates-the-directory", generic=True, changed=True, stored=True),
    Row("first-copy-creates-the-directory-check", generic=True, check=True, changed=True),
    Row("changed-config", given={RECENT: CONFIG}, args={"content": NEWER}, changed=True, stored=True),
    Row("changed-config-check", given={RECENT: CONFIG}, args={"content": NEWER}, check=True, changed=True),
    Row("always-stores", given={RECENT: CONFIG}, args={"always": True}, changed=True, stored=True),
    Row("retention", given={OLD: "old\n", RECENT: CONFIG}, args={"retention_days": 30}, generic=True, changed=True,
        deleted=(OLD,), path=RECENT),
    Row("retention-check", given={OLD: "old\n", RECENT: CONFIG}, args={"retention_days": 30}, generic=True, check=True,
        changed=True, deleted=(OLD,), path=RECENT),
    # The site's account cannot delete (DELE denied): asking it to fails, and the old file stays.
    Row("retention-refused-by-the-site-server", given={OLD: "old\n", RECENT: CONFIG}, args={"retention_days": 30},
        failed=r"^cfgarchive@127\.0\.0\.1:\d+/retention-refused-by-the-site-server: error_perm: 550 "),
    # An archive of the device made in the same microsecond (or a clock set back) is never overwritten.
    Row("same-time-name-taken", given={AT_FROZEN: NEWER}, frozen=True, changed=True, stored=True, written=AFTER_FROZEN),
    Row("same-time-name-taken-check", given={AT_FROZEN: NEWER}, frozen=True, check=True, changed=True),
    Row("retention-keeps-the-newest", given={OLD: CONFIG}, args={"retention_days": 30}, generic=True, changed=False,
        path=OLD),
    Row("wrong-password-refused", args={"password": "not-the-password"},
        failed=r"^cfgarchive@127\.0\.0\.1:\d+/wrong-password-refused: error_perm: 530 "),
    Row("unreachable-refused", args={"port": 9}, failed=r"^cfgarchive@127\.0\.0\.1:9/unreachable-refused: ConnectionRefusedError"),
]


def tree(root) -> dict:
    """Every directory and file under ``root``; a file with its time and content (a directory's time
    changes with what it holds: its entries tell)."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes()) if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_config_archive_put(ftp_servers, row, monkeypatch):
    server = ftp_servers["servers"][0]
    directory = server["root"] / row.id
    if row.given or row.area:
        directory.mkdir()
        for name, content in row.given.items():
            (directory / name).write_text(content)
    if row.frozen:
        monkeypatch.setattr(netlab.config_archive_put, "_now", lambda: FROZEN)
    before = tree(server["root"])
    user = ftp_servers["generic_user" if row.generic else "user"]
    args = {"host": "127.0.0.1", "port": server["port"], "user": user, "password": ftp_servers["password"],
            "directory": row.id, "name": NAME, "content": CONFIG, "_ansible_check_mode": row.check, **row.args}
    result = netlab.run_module(netlab.config_archive_put, args)
    after = tree(server["root"])
    if row.failed:
        assert result.get("failed") and re.search(row.failed, result["msg"]), result.get("msg")
        assert not result.get("changed") and after == before
        return
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is row.changed
    assert result["deleted"] == [f"{row.id}/{name}" for name in row.deleted]
    written = sorted(set(after) - set(before))
    if row.stored:
        (new,) = written if row.given else [w for w in written if w != row.id]
        assert result["path"] == new and (server["root"] / new).read_text() == args["content"]
        assert re.fullmatch(rf"{row.id}/{NAME}-\d{{8}}-\d{{6}}-\d{{6}}\.cfg", new)
        assert row.written is None or new == f"{row.id}/{row.written}"
        assert sorted(k for k in after if k.startswith(f"{row.id}/"))[-1] == new, "the new file sorts last"
    else:
        assert written == []
    if row.path:
        assert result["path"] == f"{row.id}/{row.path}"
    kept = {k: v for k, v in before.items() if not any(k.endswith(f"/{d}") for d in row.deleted) or row.check}
    assert {k: v for k, v in after.items() if k in before} == kept, "a file the run kept was touched"
    if not row.check:
        assert not any(k.endswith(f"/{d}") for d in row.deleted for k in after)


def test_archives_made_one_after_the_other_get_names_in_their_order(ftp_servers, monkeypatch):
    """Twice in the same second (always: true), then twice at the very same clock reading: four files, the first
    three untouched by the later runs, and the names sort in the order they were written."""
    server = ftp_servers["servers"][0]
    (server["root"] / "in-a-row").mkdir()
    args = {"host": "127.0.0.1", "port": server["port"], "user": ftp_servers["user"], "password": ftp_servers["password"],
            "directory": "in-a-row", "name": NAME, "always": True}
    paths = []
    for n in range(4):
        if n == 2:
            monkeypatch.setattr(netlab.config_archive_put, "_now", lambda: FROZEN + timedelta(days=3650))
        result = netlab.run_module(netlab.config_archive_put, {**args, "content": f"hostname {NAME}\n! run {n}\n"})
        assert result["changed"] and not result.get("failed"), result
        paths.append(result["path"])
    assert len(set(paths)) == 4 and sorted(paths) == paths, paths
    for n, path in enumerate(paths):
        assert (server["root"] / path).read_text() == f"hostname {NAME}\n! run {n}\n", f"{path} was overwritten"

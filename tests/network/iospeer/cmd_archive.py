"""``archive``: the configuration archive that Rollback Confirmed Change needs.

Sub-mode lines printed in IOS order ``log config``, ``path``, ``maximum``, ``write-memory``,
``time-period`` (a 15.x ISR config quoting archive settings, code-corpus file 34560252213).
The archive is written by ``archive config``, by ``write memory`` when ``write-memory`` is
set, and by ``configure terminal revert timer`` (cmd_exec.py); a remote path (``ftp://``)
is kept in the peer's memory: the peer never opens a connection.
"""

from __future__ import annotations

from .context import Ctx
from .grammar import Mode


def _archive(ctx: Ctx, a: dict, no: bool) -> None:
    if no:
        ctx.device.root.remove(lambda n: n.text == "archive")
        return
    ctx.enter("archive", ctx.device.root.child("archive"))


def _setting(prefix: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        node = ctx.target
        node.remove(prefix)
        if not no:
            node.child(f"{prefix} {a['value']}".strip() if "value" in a else prefix)
    return handler


def _log_config(ctx: Ctx, a: dict, no: bool) -> None:
    if no:
        ctx.target.remove("log config")
        return
    ctx.enter("archive-log", ctx.target.child("log config"))


def register(modes: dict[str, Mode]) -> None:
    modes["config"].add("archive", _archive)
    m = modes["archive"]
    m.add("path | <value:word>", _setting("path"))
    m.add("maximum | <value:int:1-14>", _setting("maximum"))
    m.add("write-memory", _setting("write-memory"))
    m.add("time-period | <value:int:1-525600>", _setting("time-period"))
    m.add("log config", _log_config)
    log = modes["archive-log"]
    for setting in ("logging enable", "hidekeys", "notify syslog contenttype plaintext"):
        log.add(setting, _setting(setting))
    log.add("logging size | <value:int:1-1000>", _setting("logging size"))

"""Apply a whole configuration file: boot from startup-config, ``configure replace``.

Lines go through the same parser and handlers as typed lines. An unindented line starts
from global configuration mode; header and comment lines of a saved running-config
(``Building configuration...``, ``Current configuration``, ``!``, ``end``) are skipped.
"""

from __future__ import annotations

import re

from .grammar import CliError

_SKIP = re.compile(r"^(Building configuration|Current configuration|Using \d+ out of|end$|\s*!|\s*$)")


def apply_text(device, text: str, strict: bool = True) -> list[tuple[str, str]]:
    """Apply ``text`` in configuration mode; (line, IOS answer) of each refused line.

    A saved configuration lists ``shutdown`` for every interface that is down, so the
    built-in interfaces start up here (only a device with no startup-config keeps its
    ports shut).
    """
    from .cli import Cli

    for _, node in device.interfaces():
        node.remove(lambda n: n.text == "shutdown")
    cli = Cli(device, booting=True)
    cli.stack = [("config", None)]
    refused = []
    for raw in text.replace("\r", "").split("\n"):
        if _SKIP.match(raw):
            continue
        if not raw.startswith(" "):
            cli.leave(1)
        try:
            answer = cli._config(raw)
        except CliError as exc:
            if strict:
                raise ValueError(f"{raw!r}: {exc.message}") from None
            refused.append((raw.strip(), exc.message))
            continue
        if cli.pending is not None:
            cli.pending = None
        del answer
    cli.leave(1)
    return refused

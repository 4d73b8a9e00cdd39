"""What a command handler sees: the device, the session's mode target, its output."""

from __future__ import annotations

from dataclasses import dataclass, field

from .grammar import CliError


@dataclass
class Ctx:
    device: object
    user: str = ""
    target: object = None            # interface name(s), line ids, ACL node, pending VLANs...
    session: object = None           # the CLI session (None while booting a stored config)
    out: list = field(default_factory=list)
    new_mode: tuple | None = None    # (mode, target) to enter after the command
    confirm: object = None           # callable run when the user confirms a [confirm] prompt

    def say(self, *lines: str) -> None:
        self.out.extend(lines)

    def enter(self, mode: str, target: object = None) -> None:
        self.new_mode = (mode, target)

    @property
    def boot(self) -> bool:
        return self.session is None


def refuse(message: str) -> CliError:
    """A refusal printed without a caret (semantic errors: overlaps, defaults, ...)."""
    return CliError(message)

"""One CLI session on a device: modes, prompts, IOS's answers to each line.

Behaviour taken from IOS:
* prompts ``host#``, ``host(config)#``, ``host(config-if)#``, ``host(config-subif)#``,
  ``host(config-line)#``, ``host(config-vlan)#``, ``host(config-std-nacl)#``...;
* in a sub-mode, a line that the sub-mode does not know is tried in the parent modes, and
  when one takes it the session moves to that mode (the NSO cisco-ios NED relies on this,
  moveToTopConfig in code-corpus file 18293421730);
* a refused line prints the caret under the offending token, aligned with the echoed
  prompt and line, then IOS's message;
* ``exit`` leaves one mode, ``end`` all of them, ``do`` runs an exec command; leaving the
  VLAN sub-mode commits the VLANs (vlans.py);
* a question (``[confirm]``, ``[yes/no]``) takes the next line as its answer.
"""

from __future__ import annotations

import re

from . import cmd_acl, cmd_archive, cmd_exec, cmd_interface, cmd_line, cmd_routing, cmd_snmp, cmd_switching, cmd_system
from .cmd_switching import commit_vlans
from .context import Ctx
from .grammar import INVALID, CliError, Mode

PROMPTS = {"config": "config", "if": "config-if", "line": "config-line", "vlan": "config-vlan",
           "std-nacl": "config-std-nacl", "ext-nacl": "config-ext-nacl", "archive": "config-archive",
           "archive-log": "config-archive-log-cfg", "track": "config-track", "pubkey": "conf-ssh-pubkey",
           "pubkey-user": "conf-ssh-pubkey-user"}


def build_modes() -> dict[str, Mode]:
    modes = {name: Mode(name) for name in ["exec", *PROMPTS]}
    for module in (cmd_system, cmd_switching, cmd_interface, cmd_line, cmd_acl, cmd_routing, cmd_snmp,
                   cmd_archive, cmd_exec):
        module.register(modes)
    return modes


MODES = build_modes()


class Cli:
    def __init__(self, device, user: str = "", booting: bool = False, on_change=None):
        self.device, self.user, self.booting, self.on_change = device, user, booting, on_change
        self.stack: list[tuple[str, object]] = []
        self.pending: tuple[Ctx, object] | None = None
        self.closed = False
        self.peer = None           # the SSH side (vty number, addresses), set by the server

    # ---- prompt -----------------------------------------------------------------------
    def prompt(self) -> str:
        host = self.device.hostname
        if not self.stack:
            return f"{host}#"
        mode, target = self.stack[-1]
        name = "config-subif" if mode == "if" and "." in str(target) else PROMPTS[mode]
        return f"{host}({name})#"

    # ---- one line -----------------------------------------------------------------------
    def execute(self, line: str) -> str:
        with self.device.lock:
            if self.pending is not None:
                ctx, answer = self.pending
                self.pending, ctx.out = None, []
                answer(line)
                self._changed(line)
                return "\n".join(ctx.out)
            prompt = self.prompt()
            try:
                return self._config(line) if self.stack else self._exec(line)
            except CliError as exc:
                return self._error(prompt, line, exc)

    def _error(self, prompt: str, line: str, exc: CliError) -> str:
        caret = exc.caret
        if caret is None and exc.message == INVALID:
            caret = len(line) - len(line.lstrip())
        if caret is None:
            return exc.message + "\n"
        return " " * (len(prompt) + caret) + "^\n" + exc.message + "\n"

    def _ctx(self, target) -> Ctx:
        return Ctx(self.device, self.user, target, None if self.booting else self)

    def _finish(self, ctx: Ctx) -> str:
        if ctx.confirm is not None:
            self.pending = (ctx, ctx.confirm)
        return "\n".join(ctx.out)

    # ---- exec mode ------------------------------------------------------------------------
    def _exec(self, line: str) -> str:
        text = line.strip()
        if not text:
            return ""
        command, _, pipe = text.partition(" | ")
        handler, args, no = MODES["exec"].parse(command, self)
        if no:
            raise CliError(INVALID, 0)
        ctx = self._ctx(None)
        handler(ctx, args, no)
        if ctx.new_mode:
            self.stack.append(ctx.new_mode)
        return _filter(self._finish(ctx), pipe)

    # ---- configuration modes --------------------------------------------------------------
    def leave(self, depth: int) -> list[str]:
        """Pop modes until ``depth`` remain, committing what leaving a mode commits."""
        out: list[str] = []
        while len(self.stack) > depth:
            mode, target = self.stack.pop()
            if mode == "vlan":
                ctx = self._ctx(target)
                commit_vlans(ctx, target)
                out += ctx.out
        return out

    def _config(self, line: str) -> str:
        text = line.strip()
        if not text or text.startswith("!"):
            return ""
        first = text.split()[0].lower()
        if first in ("end", "\x1a"):
            return "\n".join(self.leave(0))
        if first in ("exit", "exi"):
            return "\n".join(self.leave(len(self.stack) - 1))
        if first == "do" and len(text.split()) > 1:
            return self._exec(text[2:])
        errors: list[CliError] = []
        for depth in range(len(self.stack), 0, -1):
            mode, target = self.stack[depth - 1]
            try:
                handler, args, no = MODES[mode].parse(line, self._ctx(target))
            except CliError as exc:
                errors.append(exc)
                continue
            before = self.leave(depth)
            ctx = self._ctx(self.stack[-1][1])
            ctx.out = before
            try:
                handler(ctx, args, no)
            except CliError as exc:
                if exc.message == INVALID:
                    errors.append(exc)
                    continue
                raise
            if ctx.new_mode:
                self.stack.append(ctx.new_mode)
            self._changed(line)
            return self._finish(ctx)
        raise max(errors, key=lambda e: 1000 if e.caret is None and e.message != INVALID else (e.caret or 0))

    def _changed(self, line: str) -> None:
        if self.booting:
            return
        self.device.history.append((self.user, line.strip()))
        self.device.touched(self.user)
        revert = self.device.revert
        if revert is not None and revert.idle and revert.user == self.user:
            from .rollback import restart
            restart(self.device)
        if self.on_change:
            self.on_change(self)


def _filter(output: str, pipe: str) -> str:
    """``| include``, ``| exclude``, ``| begin``, ``| section`` as IOS applies them."""
    if not pipe:
        return output
    verb, _, pattern = pipe.strip().partition(" ")
    lines = output.split("\n")
    if "include".startswith(verb) and verb:
        return "\n".join(x for x in lines if re.search(pattern, x))
    if "exclude".startswith(verb) and verb:
        return "\n".join(x for x in lines if not re.search(pattern, x))
    if "begin".startswith(verb) and verb:
        start = next((i for i, x in enumerate(lines) if re.search(pattern, x)), len(lines))
        return "\n".join(lines[start:])
    if "section".startswith(verb) and verb:
        out, keep = [], False
        for x in lines:
            if not x.startswith(" "):
                keep = bool(re.search(pattern, x))
            if keep:
                out.append(x)
        return "\n".join(out)
    raise CliError(INVALID)

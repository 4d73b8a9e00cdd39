"""SSH session to an IOS device with netmiko: read, apply line by line, roll back, save.

Shared by the ios_remediate module (through ios_push), the tests and the benchmark. Lines
are sent one at a time and each answer is checked: any answer line that starts with ``%``
or holds ``ERROR:`` (IOS's wording for a refused line, e.g. ``% Invalid input detected``,
``% Removal of physical interfaces is not permitted``, ``ERROR: The secret you entered is not
a valid encrypted secret``) counts as refused unless it is one of the known notices in
``HARMLESS`` — so a phrase nobody listed fails the push instead of passing as applied. The
error names the device, the line and every line already applied.

Rollback primitives (Cisco "Configuration Rollback Confirmed Change"; napalm's IOS driver uses
the same commands): ``configure terminal revert timer idle N`` enters configuration mode with a
pending rollback, ``configure confirm`` keeps the change, ``configure revert now`` restores the
configuration archived when the timer was armed. Without an archive path, ``snapshot`` copies
the running configuration to flash and ``restore`` replaces the running configuration with it.

Authentication: a password, and/or a private key file and the SSH agent (netmiko ``use_keys``,
``key_file``, ``allow_agent``). Leaves configuration mode with ``exit`` (some images refuse
``end`` in sub-modes) and saves with ``write memory``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

# A whole prompt line: the answer to an empty line is CR LF then the prompt, so the probe waits for a line break
# followed by text ending in # or >; a prompt's first half (or a previous prompt's late tail) never matches.
WHOLE_PROMPT = r"\n[^\n]*[>#][ \t]*$"

try:
    from netmiko.cisco.cisco_ios import CiscoIosSSH
    from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout
    HAS_NETMIKO = True

    class IosSSH(CiscoIosSSH):
        """netmiko's IOS driver (what ConnectHandler gives for ``cisco_ios``), whose prompt probes read a whole
        prompt line instead of what arrived within a fixed wait. A busy device's prompt may reach the client in two
        packets: netmiko's probe would take the half it got (``ore#``) as the session's base prompt, or a
        configuration prompt's first half as exec mode. netmiko's session preparation probes through
        set_base_prompt (which would read up to the first # or >), this module's through find_prompt."""

        def set_base_prompt(self, pri_prompt_terminator: str = "#", alt_prompt_terminator: str = ">",
                            delay_factor: float = 1.0, pattern: str | None = None) -> str:
            return super().set_base_prompt(pri_prompt_terminator, alt_prompt_terminator, delay_factor,
                                           pattern or WHOLE_PROMPT)

        def find_prompt(self, delay_factor: float = 1.0, pattern: str | None = None) -> str:
            return super().find_prompt(delay_factor=delay_factor, pattern=pattern or WHOLE_PROMPT)
except ImportError:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_NETMIKO = False

# An answer line that means "not taken" (IOS words errors with `%` or `ERROR:`).
_ERROR_LINE = re.compile(r"^\s*(%|ERROR:|No such command|Command rejected)", re.I)
# Notices IOS prints with `%` for a line it did take.
HARMLESS = [
    re.compile(r"^\s*% ?Access VLAN does not exist\. Creating vlan \d+"),     # switchport access vlan N
    re.compile(r"^\s*%Warning: portfast should only be enabled on ports connected to a single"),
    re.compile(r"^\s*%Portfast has been configured on \S+ but will only"),
    re.compile(r"^\s*% The key modulus size is \d+ bits"),                    # crypto key generate rsa
    re.compile(r"^\s*% Generating \d+ bit RSA keys"),
]
# Hashes and keys are masked wherever a configuration or a command is returned or logged.
SECRET_VALUE = re.compile(r"((?:secret|password) [0-9] |auth (?:sha|md5) |priv (?:aes(?: \d+)?|des|3des) |key-string [0-9] )(\S+)")
# Questions IOS asks before some commands; the default answer (empty line) accepts.
QUESTION = r"\[confirm\]\s*$|\]\?\s*$|\[yes/no\]:?\s*$"
SNAPSHOT = "flash:sitekit-rollback.cfg"


def mask(text: str) -> str:
    return SECRET_VALUE.sub(r"\1********", text)


def refused(output: str) -> bool:
    """Whether an answer holds an error line that is not a known harmless notice."""
    return any(_ERROR_LINE.search(line) and not any(rx.search(line) for rx in HARMLESS)
               for line in output.replace("\r", "").split("\n"))


def _first(exc: Exception) -> str:
    """The first line of a netmiko exception (the rest is generic advice)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class DeviceError(Exception):
    """A push or read that failed: device, line, what it answered, what was applied and its fate."""

    def __init__(self, device: str, message: str, line: str | None = None, output: str = "", applied: list | None = None,
                 lost: bool = False, outcome: str | None = None):
        self.device, self.line, self.output, self.applied = device, line, output, list(applied or [])
        self.lost, self.reason, self.commands = lost, message, []
        where = f" at line {line!r}" if line is not None else ""
        done = outcome or ((f"; {len(self.applied)} line(s) already applied and NOT saved: {[mask(x) for x in self.applied]}")
                           if self.applied else "; nothing was applied")
        super().__init__(f"{device}: {message}{where}{': ' + mask(output.strip()) if output.strip() else ''}{done}")


@dataclass
class Session:
    """One open connection (``with Session(...) as s:``)."""

    name: str
    host: str
    port: int = 22
    username: str = ""
    password: str | None = None
    enable_secret: str | None = None
    host_key_checking: bool = True
    known_hosts: str | None = None
    timeout: int = 30
    private_key: str | None = None
    allow_agent: bool = False
    hint: str = ""                 # added to a connection failure (e.g. where the day-0 bootstrap is)
    conn: object = field(default=None, repr=False)

    def params(self) -> dict:
        """netmiko ConnectHandler arguments.

        fast_cli is netmiko's own default since 4.0 (delays x0.1): 0.61 s → 0.23 s per connection
        (bench/results/network_push.json). No read depends on a delay: the prompt probes read whole prompt lines
        (IosSSH) and every command's answer is read up to the prompt pattern.
        """
        params = {"device_type": "cisco_ios", "host": self.host, "port": self.port, "username": self.username,
                  "password": self.password or "", "secret": self.enable_secret or "", "conn_timeout": self.timeout,
                  "auth_timeout": self.timeout, "banner_timeout": self.timeout, "fast_cli": True,
                  "ssh_strict": self.host_key_checking, "system_host_keys": self.host_key_checking and not self.known_hosts,
                  "use_keys": bool(self.private_key or self.allow_agent), "allow_agent": self.allow_agent}
        if self.private_key:
            params["key_file"] = self.private_key
        if self.host_key_checking and self.known_hosts:
            params.update(alt_host_keys=True, alt_key_file=self.known_hosts)
        return params

    def __enter__(self) -> Session:
        if not HAS_NETMIKO:
            raise DeviceError(self.name, "the netmiko Python library is not installed")
        hint = f"; {self.hint}" if self.hint else ""
        try:
            self.conn = IosSSH(**self.params())
            if not self.conn.check_enable_mode():
                self.conn.enable()
        except NetmikoAuthenticationException as exc:
            raise DeviceError(self.name, f"authentication failed for {self.username}@{self.host}:{self.port}: "
                                         f"{_first(exc)}{hint}") from None
        except (NetmikoTimeoutException, OSError, ValueError, EOFError) as exc:
            raise DeviceError(self.name, f"cannot connect to {self.host}:{self.port}: {_first(exc)}{hint}") from None
        except Exception as exc:  # noqa: BLE001 - paramiko's own errors (no SSH banner…) name the device too
            raise DeviceError(self.name, f"cannot connect to {self.host}:{self.port}: {type(exc).__name__}: "
                                         f"{_first(exc)}{hint}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):  # the session is over either way
                self.conn.disconnect()

    # ---- reading ------------------------------------------------------------------------
    def show(self, command: str) -> str:
        # The exec prompt the session is at, given as the pattern: without one, netmiko's send_command
        # first probes the prompt (find_prompt: two buffer clears and a 0.25 s wait, ~0.45 s a command).
        try:
            out = self.conn.send_command(command, expect_string=self._exec_prompt(), read_timeout=self.timeout)
        except (ReadTimeout, OSError, EOFError) as exc:
            raise DeviceError(self.name, f"no answer to {command!r}: {exc}", lost=True) from None
        if refused(out):
            raise DeviceError(self.name, "command refused", command, out)
        return out

    def running_config(self) -> str:
        return self.show("show running-config")

    def _exec_prompt(self) -> str:
        """The exec prompt alone on the last line (``sw-1#``): a line of output holding the name never ends a read."""
        return rf"(?:^|\n){re.escape(self.conn.base_prompt)}[#>][ \t]*$"

    # ---- writing ------------------------------------------------------------------------
    def _prompt(self) -> str:
        return rf"{re.escape(self.conn.base_prompt)}[^\n]*[#>]\s*$|{QUESTION}"

    def _send(self, line: str) -> str:
        out = self._exchange(line)
        if re.search(QUESTION, out.rstrip()):
            out += self._exchange("")
        return out

    def _exchange(self, line: str) -> str:
        """``line``, then the device's answer up to the next prompt (or a question), echo and prompt kept. Read as
        netmiko's send_command reads a line (its echo first, what came before it dropped, then up to the pattern),
        with netmiko's read_until_pattern for both reads: it polls every 10 ms, where send_command sleeps 25 ms
        between reads once the echo is in (850 day-0 lines to the IOS peer: 9.8 s, 31.1 s with send_command;
        bench/results/ios_day0_push.json)."""
        conn = self.conn
        conn.write_channel(conn.normalize_cmd(line))
        cmd = line.strip()
        if cmd:  # read_until_pattern returns up to the echo's end: what it read before the echo is dropped
            conn.read_until_pattern(re.escape(cmd), read_timeout=self.timeout)
        return cmd + conn.read_until_pattern(self._prompt(), read_timeout=self.timeout)

    def _leave_config(self) -> None:
        for _ in range(6):
            if "(config" not in self.conn.find_prompt():
                return
            self._send("exit")

    def command(self, line: str) -> str:
        """An exec-mode command that changes state (confirm, revert, copy, write); refused → DeviceError."""
        try:
            out = self._send(line)
        except (ReadTimeout, OSError, EOFError) as exc:
            raise DeviceError(self.name, f"connection lost or no prompt ({type(exc).__name__})", line, lost=True) from None
        if refused(out):
            raise DeviceError(self.name, "command refused", line, out)
        return out

    def apply(self, lines: list[str], enter: str = "configure terminal") -> list[str]:
        """Send configuration lines (``exit`` closes a section) after ``enter``; stop at the first refused line."""
        applied: list[str] = []
        current = enter
        try:
            out = self._send(current)
            if refused(out) or ("(config" not in out and "(config" not in self.conn.find_prompt()):
                raise DeviceError(self.name, "cannot enter configuration mode", current, out)
            for line in lines:
                current = line.strip()
                if current.startswith("hostname "):
                    self.conn.base_prompt = current.split(None, 1)[1]
                out = self._send(current)
                if refused(out):
                    raise DeviceError(self.name, "line refused", current, out, applied)
                applied.append(current)
            self._leave_config()
        except DeviceError:
            self._safe_leave()
            raise
        except (ReadTimeout, OSError, EOFError) as exc:
            raise DeviceError(self.name, f"connection lost or no prompt ({type(exc).__name__})", current, "", applied,
                              lost=True) from None
        return applied

    def _safe_leave(self) -> None:
        with contextlib.suppress(Exception):  # best effort after a failure; the error says what was applied
            self._leave_config()

    # ---- rollback and save --------------------------------------------------------------
    def confirm(self) -> None:
        self.command("configure confirm")

    def revert(self) -> str:
        """Roll back now to the archive taken when the revert timer was armed."""
        return self.command("configure revert now")

    def snapshot(self, url: str = SNAPSHOT) -> None:
        self.command(f"copy running-config {url}")

    def restore(self, url: str = SNAPSHOT) -> str:
        return self.command(f"configure replace {url} force")

    def save(self) -> str:
        out = self._send("write memory")
        if refused(out) or ("OK" not in out and "[OK]" not in out):
            raise DeviceError(self.name, "`write memory` failed", "write memory", out)
        return out

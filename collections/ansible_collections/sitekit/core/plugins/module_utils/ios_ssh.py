"""SSH session to an IOS device with netmiko: read, apply line by line, save.

Shared by the ios_remediate module, the tests and the benchmark. Lines are sent one
at a time and each answer is checked, so a refused line ("% Invalid input", "%
Incomplete command"…) stops the push at once and the error names the device, the
line and every line already applied. Leaves configuration mode with `exit` (some
simulators and older images refuse `end`) and saves with `write memory`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

try:
    from netmiko import ConnectHandler
    from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout
    HAS_NETMIKO = True
except ImportError:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_NETMIKO = False

# What a device answers to a line it did not take.
REFUSED = re.compile(r"^\s*(% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command|Bad |.*not (allowed|supported))"
                     r"|No such command|Command rejected|%Error)", re.M | re.I)
# Hashes and keys are masked wherever a configuration or a command is returned or logged.
SECRET_VALUE = re.compile(r"((?:secret|password) [0-9] |auth (?:sha|md5) |priv (?:aes(?: \d+)?|des|3des) |key-string [0-9] )(\S+)")


def mask(text: str) -> str:
    return SECRET_VALUE.sub(r"\1********", text)


def _first(exc: Exception) -> str:
    """The first line of a netmiko exception (the rest is generic advice)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class DeviceError(Exception):
    """A push or read that failed: device, line, what it answered, what was applied."""

    def __init__(self, device: str, message: str, line: str | None = None, output: str = "", applied: list | None = None):
        self.device, self.line, self.output, self.applied = device, line, output, list(applied or [])
        where = f" at line {line!r}" if line is not None else ""
        done = (f"; {len(self.applied)} line(s) already applied and NOT saved: {[mask(x) for x in self.applied]}"
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
    conn: object = field(default=None, repr=False)

    def __enter__(self) -> Session:
        if not HAS_NETMIKO:
            raise DeviceError(self.name, "the netmiko Python library is not installed")
        params = {"device_type": "cisco_ios", "host": self.host, "port": self.port, "username": self.username,
                  "password": self.password, "secret": self.enable_secret or "", "conn_timeout": self.timeout,
                  "auth_timeout": self.timeout, "banner_timeout": self.timeout, "fast_cli": False,
                  "ssh_strict": self.host_key_checking, "system_host_keys": self.host_key_checking and not self.known_hosts}
        if self.host_key_checking and self.known_hosts:
            params.update(alt_host_keys=True, alt_key_file=self.known_hosts)
        try:
            self.conn = ConnectHandler(**params)
            if not self.conn.check_enable_mode():
                self.conn.enable()
        except NetmikoAuthenticationException as exc:
            raise DeviceError(self.name, f"authentication failed for {self.username}@{self.host}:{self.port}: {_first(exc)}") from None
        except (NetmikoTimeoutException, OSError, ValueError) as exc:
            raise DeviceError(self.name, f"cannot connect to {self.host}:{self.port}: {_first(exc)}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):  # the session is over either way
                self.conn.disconnect()

    # ---- reading ------------------------------------------------------------------------
    def show(self, command: str) -> str:
        try:
            out = self.conn.send_command(command, read_timeout=self.timeout)
        except (ReadTimeout, OSError) as exc:
            raise DeviceError(self.name, f"no answer to {command!r}: {exc}") from None
        if REFUSED.search(out):
            raise DeviceError(self.name, "command refused", command, out)
        return out

    def running_config(self) -> str:
        return self.show("show running-config")

    # ---- writing ------------------------------------------------------------------------
    def _prompt(self) -> str:
        return rf"{re.escape(self.conn.base_prompt)}[^\n]*[#>]\s*$|\[confirm\]\s*$"

    def _send(self, line: str) -> str:
        out = self.conn.send_command(line, expect_string=self._prompt(), strip_prompt=False, strip_command=False,
                                     read_timeout=self.timeout)
        if out.rstrip().endswith("[confirm]"):
            out += self.conn.send_command("", expect_string=self._prompt(), strip_prompt=False, read_timeout=self.timeout)
        return out

    def _leave_config(self) -> None:
        for _ in range(6):
            if "(config" not in self.conn.find_prompt():
                return
            self._send("exit")

    def apply(self, lines: list[str]) -> list[str]:
        """Send configuration lines (``exit`` closes a section); stop at the first refused line."""
        applied: list[str] = []
        current = "configure terminal"
        try:
            out = self._send(current)
            if "(config" not in out and "(config" not in self.conn.find_prompt():
                raise DeviceError(self.name, "cannot enter configuration mode", current, out)
            for line in lines:
                current = line.strip()
                if current.startswith("hostname "):
                    self.conn.base_prompt = current.split(None, 1)[1]
                out = self._send(current)
                if REFUSED.search(out):
                    raise DeviceError(self.name, "line refused", current, out, applied)
                applied.append(current)
            self._leave_config()
        except DeviceError:
            self._safe_leave()
            raise
        except (ReadTimeout, OSError, EOFError) as exc:
            self._safe_leave()
            raise DeviceError(self.name, f"connection lost or no prompt ({type(exc).__name__})", current, "", applied) from None
        return applied

    def _safe_leave(self) -> None:
        with contextlib.suppress(Exception):  # best effort after a failure; the error says what was applied
            self._leave_config()

    def save(self) -> str:
        out = self._send("write memory")
        if REFUSED.search(out) or ("OK" not in out and "[OK]" not in out):
            raise DeviceError(self.name, "`write memory` failed", "write memory", out)
        return out

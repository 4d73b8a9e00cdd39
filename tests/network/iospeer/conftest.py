"""Fixtures of the peer's own tests: a fresh device with a console session, or one over SSH."""

from __future__ import annotations

import pytest

from .cli import Cli
from .device import Device
from .peer import IosPeer
from .platform import catalyst, isr1941


class Console:
    """A device and a console session already in configuration mode."""

    def __init__(self, platform):
        self.device = Device(platform)
        self.device.rsa_key = True
        self.cli = Cli(self.device, "console")
        self.cli.execute("configure terminal")

    def __call__(self, *lines: str) -> str:
        """Type lines; IOS's answers joined (empty when every line was taken silently)."""
        return "\n".join(x for x in (self.cli.execute(line) for line in lines) if x)

    def exec(self, line: str) -> str:
        return Cli(self.device, "console").execute(line)

    def running(self) -> str:
        return self.exec("show running-config")

    def block(self, header: str) -> list[str]:
        """The lines under ``header`` in the running-config (empty when absent)."""
        lines, out, inside = self.running().splitlines(), [], False
        for line in lines:
            if line == header:
                inside = True
                continue
            if inside and line.startswith(" "):
                out.append(line.strip())
            elif inside:
                break
        return out


@pytest.fixture
def switch():
    return Console(catalyst(["WS-C2960X-48TS-L", "WS-C2960X-48TS-L"]))


@pytest.fixture
def router():
    return Console(isr1941())


@pytest.fixture
def ssh_switch():
    """A 2960-X over SSH: management SVI 10.20.0.11/24, operator at 10.20.0.250."""
    peer = IosPeer("sw-test", catalyst(["WS-C2960X-24TS-L"]), mgmt_address="10.20.0.11",
                   client_address="10.20.0.250", minute=1.0).boot()
    peer.configure("hostname sw-test", "ip domain-name lab.test", peer.user_line(), "vlan 20", " name MGMT", " exit",
                   "interface Vlan20", " ip address 10.20.0.11 255.255.255.0", " exit",
                   "ip access-list standard VTY", " permit 10.20.0.0 0.0.0.255", " exit",
                   "line vty 0 15", " access-class VTY in", " login local", " transport input ssh", " exit",
                   "archive", " path flash:archive", " exit")
    peer.start()
    yield peer
    peer.stop()

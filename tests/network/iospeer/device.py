"""One simulated device: its configuration tree, VLAN database, SNMP users, files, timers.

State that real IOS keeps outside the running-config is kept outside it here too:
vlan.dat (vlans.VlanDb), SNMPv3 users (``show snmp user``), RSA keys, the startup-config
in NVRAM, archive files. Everything is guarded by one lock: sessions of several SSH
clients and the rollback timer change the same device.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field

from . import factory
from .platform import Platform
from .tree import Node
from .vlans import VlanDb


@dataclass
class Revert:
    """A pending Rollback Confirmed Change (configure terminal revert timer N)."""

    archive: str
    minutes: int
    user: str
    idle: bool
    started: float
    deadline: float
    timer: threading.Timer | None = None


@dataclass
class Device:
    platform: Platform
    minute: float = 60.0                 # seconds per IOS minute (tests shorten it)
    root: Node = field(default_factory=lambda: Node(""))
    lines: dict = field(default_factory=dict)        # ("vty", 7) -> Node with the line's settings
    vlans: VlanDb = field(default_factory=VlanDb)
    stp_priority: dict = field(default_factory=dict)  # vlan -> bridge priority
    snmp_users: dict = field(default_factory=dict)
    rsa_key: bool = False
    startup: str | None = None
    files: dict = field(default_factory=dict)        # "flash:x" / archive URLs -> text
    revert: Revert | None = None
    sessions: list = field(default_factory=list)
    history: list = field(default_factory=list)      # (user, mode, line, accepted) of every config line
    lock: threading.RLock = field(default_factory=threading.RLock)
    last_change: float = field(default_factory=time.time)
    last_change_by: str = ""
    on_rollback: object = None                       # called after a revert timer rolled back

    def __post_init__(self) -> None:
        factory.reset(self)

    # ---- identity --------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        node = self.root.find("hostname")
        return node.text.split(None, 1)[1] if node else ("Router" if self.platform.kind == "router" else "Switch")

    # ---- interfaces ------------------------------------------------------------------
    def interface(self, name: str) -> Node | None:
        return self.root.find(lambda n: n.text == f"interface {name}")

    def interfaces(self) -> list[tuple[str, Node]]:
        return [(n.text.split(None, 1)[1], n) for n in self.root.find_all("interface")]

    def is_builtin(self, name: str) -> bool:
        return name in self.platform.builtin_interfaces()

    def addresses(self) -> list[tuple[str, ipaddress.IPv4Interface]]:
        """(interface, address) of every configured primary/secondary IPv4 address."""
        out = []
        for name, node in self.interfaces():
            for line in node.find_all("ip address"):
                parts = line.text.split()
                if len(parts) >= 4 and parts[2][0].isdigit():
                    out.append((name, ipaddress.IPv4Interface(f"{parts[2]}/{parts[3]}")))
        return out

    def is_up(self, name: str) -> bool:
        """Administratively up and, for an SVI, its VLAN present in the VLAN database."""
        node = self.interface(name)
        if node is None or node.find(lambda n: n.text == "shutdown"):
            return False
        if name.startswith("Vlan"):
            return int(name[4:]) in self.vlans.vlans
        if "." in name:
            return self.is_up(name.split(".")[0])
        return True

    # ---- lines -----------------------------------------------------------------------
    def line_ids(self, kind: str, first: int, last: int | None = None) -> list[tuple[str, int]]:
        return [(kind, n) for n in range(first, (last if last is not None else first) + 1)]

    # ---- users -----------------------------------------------------------------------
    def user(self, name: str) -> Node | None:
        return self.root.find(lambda n: n.text.startswith(f"username {name} "))

    def touched(self, user: str) -> None:
        self.last_change, self.last_change_by = time.time(), user

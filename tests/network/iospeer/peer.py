"""A simulated IOS device served over SSH on 127.0.0.1, started and stopped by tests.

    peer = IosPeer("sw-core", catalyst(["WS-C2960X-48TS-L"] * 2), config=text,
                   mgmt_address="172.30.20.11", client_address="172.30.30.50").start()
    peer.connection()      # host/port/username/password for ios_ssh.Session or the module
    peer.running_config()  # what ``show running-config`` prints, read without SSH
    peer.stop()

``config`` is a saved configuration (configs/*.cfg): the device boots from it as from its
startup-config. The addresses are only simulated (reach.py): nothing connects to them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from . import hashes
from .cli import Cli
from .device import Device
from .loader import apply_text
from .platform import Platform, catalyst, isr1941
from .render import config_lines, running_config
from .server import SshServer

CONFIGS = Path(__file__).resolve().parent / "configs"


def stored_config(name: str) -> str:
    """A configuration from configs/ without its leading source comment block."""
    lines = (CONFIGS / name).read_text().splitlines()
    while lines and lines[0].startswith("!!"):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def stored_vlans(name: str) -> dict[int, str]:
    """VLANs of vlan.dat noted in a config's header (``!! vlan.dat: 10=USERS 20=MGMT``)."""
    for line in (CONFIGS / name).read_text().splitlines():
        if line.startswith("!! vlan.dat:"):
            return {int(k): v for k, v in (pair.split("=") for pair in line.split(":", 1)[1].split())}
    return {}


def rsa_key_file(path: Path) -> str:
    """A new RSA key pair for an SSH client, written to ``path`` (OpenSSH format, mode 0600); its IOS
    ``key-hash ssh-rsa`` value (MD5 of the public key blob, upper-case hex) for ``ip ssh pubkey-chain``."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    blob = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).split()[1]
    return hashlib.md5(base64.b64decode(blob)).hexdigest().upper()


def platform_of(text: str) -> Platform:
    """The platform a saved configuration belongs to (stack members, or a 1941)."""
    members = re.findall(r"^switch \d+ provision (\S+)$", text, re.M)
    return catalyst([m.upper() for m in members]) if members else isr1941()


def from_file(name: str, **kwargs) -> IosPeer:
    """A peer booted from configs/<name> (its vlan.dat as noted in the header)."""
    text = stored_config(name)
    return IosPeer(name.rsplit(".", 1)[0], platform_of(text), config=text, vlans=stored_vlans(name), **kwargs)


@dataclass
class IosPeer:
    hostname: str
    platform: Platform
    config: str = ""
    vlans: dict = field(default_factory=dict)
    mgmt_address: str | None = None
    client_address: str | None = None
    user: str = "netadmin"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    minute: float = 60.0
    port: int = 0
    device: Device | None = None
    server: SshServer | None = None

    def boot(self) -> IosPeer:
        self.device = Device(self.platform, minute=self.minute)
        if self.vlans:
            self.device.vlans.commit(dict(self.vlans))
        if self.config:
            apply_text(self.device, self.config)
        self.device.rsa_key = True
        self.device.startup = "\n".join(config_lines(self.device)) + "\n"
        return self

    def start(self) -> IosPeer:
        if self.device is None:
            self.boot()
        self.server = SshServer(self.device, self.mgmt_address, self.client_address)
        self.port = self.server.port
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def connection(self) -> dict:
        """Arguments of sitekit's ios_ssh.Session / the ios_remediate module."""
        return {"host": "127.0.0.1", "port": self.port, "username": self.user, "password": self.password,
                "enable_secret": self.password, "host_key_checking": False}

    def user_line(self, privilege: int = 15) -> str:
        """``username`` line for this peer's login, hashed as type 9 (no clear secret stored)."""
        return f"username {self.user} privilege {privilege} secret 9 {hashes.type9(self.password)}"

    # ---- reading without SSH (test assertions) ---------------------------------------------
    def running_config(self) -> str:
        with self.device.lock:
            return running_config(self.device)

    def show(self, command: str) -> str:
        with self.device.lock:
            return Cli(self.device, "test").execute(command)

    def configure(self, *lines: str) -> str:
        """Type lines in configuration mode on the console (no SSH, no reachability check)."""
        with self.device.lock:
            cli = Cli(self.device, "console")
            cli.execute("configure terminal")
            out = [cli.execute(line) for line in lines]
            cli.execute("end")
            return "\n".join(x for x in out if x)

    def reload(self) -> None:
        """Power cycle: the running-config becomes the startup-config; vlan.dat and keys stay."""
        from . import factory
        with self.device.lock:
            keep = (self.device.vlans, self.device.snmp_users, self.device.rsa_key)
            factory.reset(self.device)
            self.device.vlans, self.device.snmp_users, self.device.rsa_key = keep
            apply_text(self.device, self.device.startup or "")

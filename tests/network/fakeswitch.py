"""Simulated devices of fake-switches 1.5.0, one process each on 127.0.0.1.

The network tests now run on iospeer (tests/network/iospeer), which answers like IOS 15.x;
this launcher remains for bench/network_push.py.

fake-switches' own launcher passes the enable password as bytes, which breaks
`enable` on Python 3; this starts the simulator from Python instead, with the
interfaces the rendered configuration names (a 2960-X stack's GigabitEthernet1/0/x
instead of the model's default FastEthernet0/x list), on a free port the OS picks.

    python tests/network/fakeswitch.py MODEL HOSTNAME PORTS_FILE   # prints "PORT <n>"

``FakeDevice`` starts and stops such a process (pytest fixtures, bench/network_push.py).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MODELS = ("cisco_2960_48TT_L", "cisco_2960_24TT_L", "cisco_generic")


def serve(model: str, hostname: str, ports_file: str) -> None:
    from fake_switches import switch_factory
    from fake_switches.switch_configuration import Port, VlanPort
    from fake_switches.transports.ssh_service import SwitchSshService
    from twisted.internet import reactor

    spec = json.loads(Path(ports_file).read_text())
    password = os.environ["FAKESWITCH_PASSWORD"]
    # Router sub-interfaces (Gi0/0.10) are made SVI-like ports: the simulator then keeps
    # and shows their addresses and helper addresses.
    ports = [VlanPort(int(name.rsplit(".", 1)[1]), name) if "." in name else Port(name) for name in spec["ports"]] or None
    core = switch_factory.SwitchFactory().get(model, hostname, password, ports=ports)
    service = SwitchSshService(ip="127.0.0.1", port=0, switch_core=core, users={spec["user"]: password.encode()})
    listening = service.hook_to_reactor(reactor)
    print(f"PORT {listening.getHost().port}", flush=True)
    reactor.run()


@dataclass
class FakeDevice:
    """One simulated device: ``start()`` returns once it listens; ``stop()`` ends it."""

    hostname: str
    model: str = "cisco_generic"
    ports: list[str] = field(default_factory=list)
    user: str = "admin"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    port: int = 0
    proc: subprocess.Popen | None = None
    _spec: str = ""

    def spawn(self) -> FakeDevice:
        """Start the process without waiting (``wait_ready`` then reads its port)."""
        fd, self._spec = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as spec:
            json.dump({"ports": self.ports, "user": self.user}, spec)
        env = {**os.environ, "FAKESWITCH_PASSWORD": self.password}
        self.proc = subprocess.Popen([sys.executable, __file__, self.model, self.hostname, self._spec],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        return self

    def wait_ready(self, timeout: float = 60) -> FakeDevice:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("PORT "):
                self.port = int(line.split()[1])
                os.unlink(self._spec)
                return self
            if self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"fake switch {self.hostname} did not start")

    def start(self, timeout: float = 60) -> FakeDevice:
        return self.spawn().wait_ready(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def connection(self) -> dict:
        """Arguments of sitekit's ios_ssh.connect / the ios_remediate module."""
        return {"host": "127.0.0.1", "port": self.port, "username": self.user, "password": self.password,
                "enable_secret": self.password, "host_key_checking": False}


def start_all(devices: list[FakeDevice]) -> list[FakeDevice]:
    """Start several devices at once (the processes boot in parallel)."""
    try:
        for dev in devices:
            dev.spawn()
        for dev in devices:
            dev.wait_ready()
    except Exception:
        for dev in devices:
            dev.stop()
        raise
    return devices


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(MODELS)}}} HOSTNAME PORTS_FILE")
    serve(*sys.argv[1:])

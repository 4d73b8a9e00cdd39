"""Serve every switch and router of the lab as a simulated IOS device until SIGTERM.

    python tools/lab/peers.py INFO_FILE

Each device (tests/network/iospeer) starts in its day-0 state — hostname, management address,
SSH v2 and the model's admin user with the type 9 hash of the lab's device password — on a free
port of 127.0.0.1. INFO_FILE receives {"devices": {host: port}, "user": name} once all listen.
The password is the lab secret ``network_admin`` (created when missing); its hash is written as
the lab secrets ``network_admin_secret_hash`` and ``network_enable_secret_hash`` (the enable
secret is the same password in the lab), the values the inventory's vault variables read, so the
converge pushes the same login the device already has.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from context import REPO, secret, write_secret  # noqa: E402

sys.path.insert(0, str(REPO / "tests" / "network"))
import netlab  # noqa: E402


def main(info_file: str) -> int:
    password = secret("network_admin")
    netlab.lab_password = functools.cache(lambda: password)  # the lab's persisted secret, not a per-process one
    netlab.lab_secrets.cache_clear()
    hashes = netlab.lab_secrets()
    write_secret("network_admin_secret_hash", hashes["vault_network_admin_secret_hash"])
    # The lab's enable secret is the device password (group_vars/network/connection.yml): its hash too,
    # or the inventory's lookup invents 32 random characters, which IOS (and validation) refuse.
    write_secret("network_enable_secret_hash", hashes["vault_network_enable_secret_hash"])
    site = netlab.load("inventories/lab")
    peers = netlab.lab_peers(site)
    users = {p.user for p in peers.values()}
    info = {"devices": {h: p.port for h, p in sorted(peers.items())}, "user": users.pop(), "pid": os.getpid()}
    tmp = Path(info_file).with_suffix(".tmp")
    tmp.write_text(json.dumps(info))
    tmp.replace(info_file)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    for peer in peers.values():
        peer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""CLI: ``python -m tests.pve_sim --version 8|9 --port N [--tls]``.

Prints one JSON line once listening (url, port, user, password, token) and serves
until interrupted (SIGINT/SIGTERM). Secrets come from PVE_SIM_PASSWORD /
PVE_SIM_TOKEN_SECRET when set, else are generated; ``--credentials FILE`` writes the
same JSON to a file (mode 0600) for the process that started the simulator.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from .server import PveSim


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.pve_sim", description=__doc__.splitlines()[0])
    ap.add_argument("--version", type=int, choices=(8, 9), default=9, help="PVE major version (schema 8.4.2 or 9.1.3)")
    ap.add_argument("--port", type=int, default=8006, help="TCP port on 127.0.0.1 (0: any free port)")
    ap.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway self-signed certificate")
    ap.add_argument("--nodes", default="pve1,pve2,pve3", help="cluster member names")
    ap.add_argument("--cluster-name", default="sim-pve")
    ap.add_argument("--templates", default="windows2019=9001,windows2022=9002,debian12=9010",
                    help="VM templates present on the first node (name=vmid,...)")
    ap.add_argument("--user", default="root@pam")
    ap.add_argument("--token-id", default="sitekit")
    ap.add_argument("--credentials", type=Path, help="write the connection details (JSON) to this file")
    ap.add_argument("--task-duration", type=float, default=None,
                    help="seconds each task runs before it ends (default tasks.DEFAULT_DURATION)")
    args = ap.parse_args(argv)

    templates = dict(item.split("=", 1) for item in args.templates.split(",") if item)
    sim = PveSim(version=args.version, port=args.port, tls=args.tls, user=args.user,
                 password=os.environ.get("PVE_SIM_PASSWORD"), token_id=args.token_id,
                 token_secret=os.environ.get("PVE_SIM_TOKEN_SECRET"),
                 nodes=args.nodes.split(","), cluster_name=args.cluster_name, templates=templates,
                 task_duration=args.task_duration)
    info = {"url": sim.url, "host": "127.0.0.1", "port": sim.port, "tls": args.tls, "version": args.version,
            "user": sim.user, "password": sim.password, "token_id": sim.token_id, "token_secret": sim.token_secret}
    if args.credentials:
        args.credentials.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(args.credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(info, fh)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    sim.start()
    print(json.dumps(info), flush=True)
    done.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

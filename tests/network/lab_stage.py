"""`make lab` stage for the network tier: every switch and router of inventories/lab as a
simulated IOS device (iospeer: day-0 state from the collection's bootstrap, SSH on
127.0.0.1), then playbooks/network.yml in check mode, applied, and applied again (must change
nothing) with the role's defaults (the scope the site model gives each device).
Prints one line per run; exits non-zero on a failure. The configurations and day-0
bootstraps are rendered to build/lab/network/configs/.

    .venv/bin/python tests/network/lab_stage.py [inventories/lab]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import netlab  # noqa: E402

OUT = netlab.REPO / "build" / "lab" / "network"


def overlay(devices: dict) -> dict:
    hosts = {}
    for host, dev in devices.items():
        hosts[host] = {f"cisco_ios_{key}": value for key, value in (("ssh_port", dev.port), ("ssh_user", dev.user),
                                                                    ("ssh_password", dev.password), ("enable_secret", dev.password))}
    return {"all": {"hosts": hosts}}


def playbook(inventory: str, *args: str) -> dict:
    env = {**os.environ, "ANSIBLE_CONFIG": str(netlab.REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, "-i", str(OUT / "peers.json"),
                           "playbooks/network.yml", "-e", f"@{OUT / 'extra.json'}", *args],
                          cwd=netlab.REPO, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        sys.exit(f"network.yml {' '.join(args)} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    return json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]["stats"]


def main(inventory: str = "inventories/lab") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    devices = netlab.lab_peers(netlab.load(inventory))
    try:
        (OUT / "peers.json").write_text(json.dumps(overlay(devices)))
        extra = {**netlab.lab_secrets(), "cisco_ios_host_key_checking": False, "cisco_ios_build_dir": str(OUT / "configs")}
        (OUT / "extra.json").write_text(json.dumps(extra))
        for label, args in (("check", ("--check", "--diff")), ("apply", ()), ("re-apply", ())):
            stats = playbook(inventory, *args)
            changed = sorted(h for h, s in stats.items() if s.get("changed"))
            print(f"network.yml {label}: {len(stats)} hosts, changed: {', '.join(changed) or 'none'}")
            if label == "re-apply" and changed:
                sys.exit(f"the second push changed {changed}: not idempotent")
    finally:
        for dev in devices.values():
            dev.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])

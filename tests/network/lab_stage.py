"""`make lab` stage for the network tier: every switch and router of inventories/lab as a
simulated IOS device (iospeer, day-0 state, SSH on 127.0.0.1), then playbooks/network.yml in
check mode, applied, and applied again (must change nothing) with the roles' defaults.
Prints one line per run; exits non-zero on a failure.

``--fake-switches`` runs the former stage instead: fake-switches processes and only the
subset of IOS they support (netlab.FAKE_INCLUDE/EXCLUDE). The full configurations are
rendered to build/lab/network/configs/ either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import netlab  # noqa: E402
from fakeswitch import FakeDevice, start_all  # noqa: E402

OUT = netlab.REPO / "build" / "lab" / "network"


def overlay(devices: dict) -> dict:
    hosts = {}
    for host, dev in devices.items():
        hosts[host] = {f"cisco_ios_{key}": value for key, value in (("ssh_port", dev.port), ("ssh_user", dev.user),
                                                                    ("ssh_password", dev.password), ("enable_secret", dev.password))}
    return {"all": {"hosts": hosts}}


def playbook(inventory: str, *args: str) -> dict:
    env = {**os.environ, "ANSIBLE_CONFIG": str(netlab.REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, "-i", str(OUT / "fake.json"),
                           "playbooks/network.yml", "-e", f"@{OUT / 'extra.json'}", *args],
                          cwd=netlab.REPO, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        sys.exit(f"network.yml {' '.join(args)} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    return json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]["stats"]


def start(inventory: str, fake: bool) -> dict:
    site = netlab.load(inventory)
    if not fake:
        return netlab.lab_peers(site)
    devices = {h: FakeDevice(h, netlab.fake_model(i), netlab.fake_ports(i)) for h, i in netlab.intents(site).items()}
    start_all(list(devices.values()))
    return devices


def main(inventory: str = "inventories/lab", *flags: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fake = "--fake-switches" in flags
    devices = start(inventory, fake)
    try:
        (OUT / "fake.json").write_text(json.dumps(overlay(devices)))
        extra = {**(netlab.DUMMY_SECRETS if fake else netlab.lab_secrets()), "cisco_ios_host_key_checking": False,
                 "cisco_ios_build_dir": str(OUT / "configs")}
        if fake:
            extra.update({"cisco_ios_include": netlab.FAKE_INCLUDE, "cisco_ios_exclude": netlab.FAKE_EXCLUDE})
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

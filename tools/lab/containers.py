"""The lab's systemd containers (Debian hosts, Proxmox node stand-ins) and their docker network.

Each container runs the sitekit Debian 12 image with systemd as PID 1, with the flags of the
molecule scenarios (SYS_ADMIN and NET_ADMIN, tmpfs /run and /run/lock, the host's cgroup tree, never
--privileged), on a docker network per VLAN at the host's own site address. The bridge's
address (the controller, seen from the lab) is the VLAN's .250, never a host's address.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess

from context import IMAGE, LABEL, PREFIX, container_hosts, container_name, site

SYSTEMD_FLAGS = ["--cap-add", "SYS_ADMIN",
                 # nftables on every Debian server (its own netfilter, in the container's network namespace).
                 "--cap-add", "NET_ADMIN", "--tmpfs", "/run", "--tmpfs", "/run/lock",
                 "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--cgroupns=host",
                 # Docker turns IPv6 off in containers; a Debian VM has the IPv6 loopback squid expects.
                 "--sysctl", "net.ipv6.conf.lo.disable_ipv6=0"]
CONTROLLER_HOST = 250  # the bridge address inside each VLAN


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def network_name(vlan: int) -> str:
    return f"{PREFIX}-vlan{vlan}"


def plan() -> dict[str, dict]:
    """{host: {name, vlan, ip, network}} of every container the lab needs."""
    s = site()
    out = {}
    for host in container_hosts():
        facts = s.hosts[host].vars
        out[host] = {"name": container_name(host), "vlan": int(facts["site_vlan"]), "ip": str(facts["site_ip"]),
                     "network": network_name(int(facts["site_vlan"]))}
    return out


def networks() -> dict[str, dict]:
    """{network name: {subnet, gateway}} for the VLANs the containers live in."""
    vlans = {int(v["id"]): v for v in site().vars["site_vlans"]}
    out = {}
    for spec in plan().values():
        subnet = ipaddress.ip_network(str(vlans[spec["vlan"]]["subnet"]))
        out[spec["network"]] = {"subnet": str(subnet), "gateway": str(subnet.network_address + CONTROLLER_HOST)}
    return out


def ensure_networks() -> list[str]:
    made = []
    for name, spec in networks().items():
        found = docker("network", "inspect", name, check=False)
        if found.returncode == 0:
            labels = json.loads(found.stdout)[0].get("Labels") or {}
            if labels.get("org.sitekit.lab") != PREFIX:
                raise SystemExit(f"docker network {name} exists and is not this lab's (label {LABEL} missing)")
            continue
        docker("network", "create", "--driver", "bridge", "--subnet", spec["subnet"], "--gateway", spec["gateway"],
               "--label", LABEL, name)
        made.append(name)
    return made


def state(name: str) -> dict | None:
    found = docker("container", "inspect", name, check=False)
    if found.returncode != 0:
        return None
    data = json.loads(found.stdout)[0]
    return {"running": data["State"]["Running"], "label": (data["Config"].get("Labels") or {}).get("org.sitekit.lab")}


def ensure_containers(only: list[str] | None = None) -> dict[str, str]:
    """Start what is missing or stopped (of ``only`` when given); {host: created|started|running}."""
    out = {}
    for host, spec in plan().items():
        if only is not None and host not in only:
            continue
        current = state(spec["name"])
        if current and current["label"] != PREFIX:
            raise SystemExit(f"container {spec['name']} exists and is not this lab's (label {LABEL} missing)")
        if current and current["running"]:
            out[host] = "running"
        elif current:
            docker("start", spec["name"])
            out[host] = "started"
        else:
            docker("run", "-d", "--name", spec["name"], "--hostname", host, "--label", LABEL, *SYSTEMD_FLAGS,
                   "--network", spec["network"], "--ip", spec["ip"], IMAGE, "/sbin/init")
            out[host] = "created"
    return out


def remove_all() -> list[str]:
    """Remove every container and network of this lab (by label); the names removed."""
    gone = []
    ids = docker("ps", "-aq", "--filter", f"label={LABEL}").stdout.split()
    if ids:
        names = docker("inspect", "--format", "{{.Name}}", *ids).stdout.split()
        docker("rm", "-f", *ids)
        gone += [n.lstrip("/") for n in names]
    for net in docker("network", "ls", "-q", "--filter", f"label={LABEL}").stdout.split():
        name = docker("network", "inspect", "--format", "{{.Name}}", net).stdout.strip()
        docker("network", "rm", net)
        gone.append(name)
    return gone


def running() -> dict[str, bool]:
    return {host: bool((state(spec["name"]) or {}).get("running")) for host, spec in plan().items()}

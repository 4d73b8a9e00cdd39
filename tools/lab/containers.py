"""The lab's systemd containers (Debian hosts, Proxmox node stand-ins) and their docker networks.

Each container runs the sitekit Debian 12 image with systemd as PID 1, with the flags of the
molecule scenarios (SYS_ADMIN and NET_ADMIN, tmpfs /run and /run/lock, the host's cgroup tree, never
--privileged), on a docker network per VLAN at the host's own site address. The bridge's
address (the controller, seen from the lab) is the VLAN's .250, never a host's address.

Ansible reaches the containers over SSH through a second network, the administration network: a
/27 at the top of an administrators' VLAN (site_security.linux_admin_vlans), whose bridge (.250)
is the controller. The controller thus logs in from an administrators' address, as an operator
does on the site, and the host firewalls the site converges admit it for the same reason.

Ownership: every object carries the lab's label and this checkout's (context.py). Every clone uses the same
names and subnets, so one lab runs at a time: ``up`` refuses names another checkout's lab holds, ``down``
removes this checkout's objects only. Objects made before the checkout label existed are nobody's known
lab: ``up`` refuses them and ``down`` leaves them, both printing the docker command that removes them.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import time
from collections.abc import Callable

from context import IMAGE, LAB_KEY, LABEL, PREFIX, REPO, REPO_KEY, REPO_LABEL, container_hosts, container_name, site

SYSTEMD_FLAGS = ["--cap-add", "SYS_ADMIN",
                 # nftables on every Debian server (its own netfilter, in the container's network namespace).
                 "--cap-add", "NET_ADMIN", "--tmpfs", "/run", "--tmpfs", "/run/lock",
                 "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--cgroupns=host",
                 # Docker turns IPv6 off in containers; a Debian VM has the IPv6 loopback squid expects.
                 "--sysctl", "net.ipv6.conf.lo.disable_ipv6=0"]
CONTROLLER_HOST = 250  # the bridge address inside each VLAN
ADMIN_PREFIX = 27  # the administration network: the top /27 of an administrators' VLAN
# After `docker rm -f`, the engine can hold a removed container's endpoint for a moment, and `docker network
# rm` then fails with "has active endpoints" (seen once in CI, under load). How long down waits for them.
ENDPOINT_RELEASE_SECONDS = 10


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run docker; with ``check``, a failure ends the run with docker's own words, not a traceback."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"docker {' '.join(args)} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result


def network_name(vlan: int) -> str:
    return f"{PREFIX}-vlan{vlan}"


def admin_network() -> dict:
    """{name, subnet, gateway, vlan} of the administration network (see the module's docstring)."""
    s = site()
    vlan = int(s.vars["site_security"]["linux_admin_vlans"][-1])
    subnet = ipaddress.ip_network(str(next(v["subnet"] for v in s.vars["site_vlans"] if int(v["id"]) == vlan)))
    gateway = subnet.network_address + CONTROLLER_HOST
    admin = ipaddress.ip_network(f"{gateway}/{ADMIN_PREFIX}", strict=False)
    taken = sorted(str(h.vars["site_ip"]) for h in s.hosts.values()
                   if "site_ip" in h.vars and ipaddress.ip_address(str(h.vars["site_ip"])) in admin)
    if taken:
        raise SystemExit(f"the lab's administration network {admin} holds site addresses {taken}: move it (containers.py)")
    return {"name": f"{PREFIX}-admin", "subnet": str(admin), "gateway": str(gateway), "vlan": vlan}


def plan() -> dict[str, dict]:
    """{host: {name, vlan, ip, network, admin_ip}} of every container the lab needs."""
    s = site()
    first = ipaddress.ip_network(admin_network()["subnet"]).network_address + 1
    out = {}
    for index, host in enumerate(container_hosts()):
        facts = s.hosts[host].vars
        out[host] = {"name": container_name(host), "vlan": int(facts["site_vlan"]), "ip": str(facts["site_ip"]),
                     "network": network_name(int(facts["site_vlan"])), "admin_ip": str(first + index)}
    return out


def networks() -> dict[str, dict]:
    """{network name: {subnet, gateway}} for the VLANs the containers live in and the administration network."""
    vlans = {int(v["id"]): v for v in site().vars["site_vlans"]}
    out = {}
    for spec in plan().values():
        subnet = ipaddress.ip_network(str(vlans[spec["vlan"]]["subnet"]))
        out[spec["network"]] = {"subnet": str(subnet), "gateway": str(subnet.network_address + CONTROLLER_HOST)}
    admin = admin_network()
    out[admin["name"]] = {"subnet": admin["subnet"], "gateway": admin["gateway"]}
    return out


def lab_objects() -> list[dict]:
    """Every container and network with this lab's label: {kind, name, repo} (repo "": made before the checkout label)."""
    out = []
    for kind, command, name in (("container", ("ps", "-a"), "{{.Names}}"), ("network", ("network", "ls"), "{{.Name}}")):
        columns = "\t".join((name, '{{.Label "' + REPO_KEY + '"}}'))  # "" where the label is missing
        listed = docker(*command, "--filter", f"label={LABEL}", "--format", columns).stdout
        for line in listed.splitlines():
            found, _, repo = line.partition("\t")
            out.append({"kind": kind, "name": found, "repo": repo})
    return out


def _removal(objects: list[dict]) -> str:
    """The docker commands that remove ``objects`` (containers first: a network in use cannot be removed)."""
    commands = [f"docker {verb} {' '.join(o['name'] for o in objects if o['kind'] == kind)}"
                for kind, verb in (("container", "rm -f"), ("network", "network rm")) if any(o["kind"] == kind for o in objects)]
    return "; ".join(commands)


def others(objects: list[dict]) -> list[str]:
    """What ``objects`` of the lab's label are that are not this checkout's: one line per owner."""
    lines = []
    for repo in sorted({o["repo"] for o in objects if o["repo"] != str(REPO)}):
        owned = [o for o in objects if o["repo"] == repo]
        names = ", ".join(o["name"] for o in owned)
        if repo:
            lines.append(f"{names}: the lab of the checkout {repo} (make lab-down there)")
        else:
            lines.append(f"{names}: made by a lab from before labs named their checkout (no {REPO_KEY} label), whose "
                         f"checkout is unknown; if no other checkout's lab uses them, remove them: {_removal(owned)}")
    return lines


def refuse_others() -> None:
    """Refuse to start when the lab's names are held by another checkout's lab (or an unlabelled older one):
    starting would adopt its containers, or fail half-way on its networks' subnets."""
    wanted = set(networks()) | {spec["name"] for spec in plan().values()}
    taken = [o for o in lab_objects() if o["name"] in wanted and o["repo"] != str(REPO)]
    if taken:
        raise SystemExit("the lab's names are taken (one lab runs at a time: every checkout's lab has the same names "
                         "and subnets):\n" + "\n".join(f"  {line}" for line in others(taken)))


def _check_ours(kind: str, name: str, labels: dict) -> None:
    if labels.get(LAB_KEY) != PREFIX:
        raise SystemExit(f"docker {kind} {name} exists and is not this lab's (label {LABEL} missing)")
    owner = labels.get(REPO_KEY)
    if owner != str(REPO):
        whose = f"the lab of another checkout: {owner}" if owner else "a lab from before labs named their checkout"
        raise SystemExit(f"docker {kind} {name} belongs to {whose}")


def ensure_networks() -> list[str]:
    made = []
    for name, spec in networks().items():
        found = docker("network", "inspect", name, check=False)
        if found.returncode == 0:
            _check_ours("network", name, json.loads(found.stdout)[0].get("Labels") or {})
            continue
        docker("network", "create", "--driver", "bridge", "--subnet", spec["subnet"], "--gateway", spec["gateway"],
               "--label", LABEL, "--label", REPO_LABEL, name)
        made.append(name)
    return made


def state(name: str) -> dict | None:
    found = docker("container", "inspect", name, check=False)
    if found.returncode != 0:
        return None
    data = json.loads(found.stdout)[0]
    return {"running": data["State"]["Running"], "labels": data["Config"].get("Labels") or {},
            "networks": sorted((data["NetworkSettings"].get("Networks") or {}).keys())}


def ensure_containers(only: list[str] | None = None, report: Callable[[str], None] | None = None) -> dict[str, str]:
    """Start what is missing or stopped (of ``only`` when given); {host: created|started|running}. ``report``: told
    each container it creates or starts as it comes (a cold start takes seconds per container: never a silent minute)."""
    out = {}
    for host, spec in plan().items():
        if only is not None and host not in only:
            continue
        began = time.monotonic()
        current = state(spec["name"])
        if current:
            _check_ours("container", spec["name"], current["labels"])
        if current and admin_network()["name"] not in current["networks"]:  # a lab started before it had one
            docker("network", "connect", "--ip", spec["admin_ip"], admin_network()["name"], spec["name"])
        if current and current["running"]:
            out[host] = "running"
        elif current:
            docker("start", spec["name"])
            out[host] = "started"
        else:
            docker("create", "--name", spec["name"], "--hostname", host, "--label", LABEL, "--label", REPO_LABEL, *SYSTEMD_FLAGS,
                   "--network", spec["network"], "--ip", spec["ip"], IMAGE, "/sbin/init")
            docker("network", "connect", "--ip", spec["admin_ip"], admin_network()["name"], spec["name"])
            docker("start", spec["name"])
            out[host] = "created"
        if report is not None and out[host] != "running":
            report(f"{host}: {out[host]} ({time.monotonic() - began:.1f} s)")
    return out


def remove_all() -> list[str]:
    """Remove this checkout's containers and networks (both labels; another checkout's lab stays); the names removed."""
    mine = [o for o in lab_objects() if o["repo"] == str(REPO)]
    removed = [o["name"] for o in mine if o["kind"] == "container"]
    if removed:
        docker("rm", "-f", *removed)
    nets = [o["name"] for o in mine if o["kind"] == "network"]
    if nets:
        remove_networks(nets)
    return [o["name"] for o in mine]


def endpoints(network: str) -> list[str]:
    """The names of the containers docker still counts on ``network``."""
    found = docker("network", "inspect", "--format", "{{range .Containers}}{{.Name}} {{end}}", network, check=False)
    return found.stdout.split() if found.returncode == 0 else []


def remove_networks(names: list[str]) -> None:
    """``docker network rm`` each of ``names``. An endpoint whose container docker no longer has (one just removed,
    or one an interrupted ``down`` removed earlier) is waited for, then forced off (``network disconnect -f``,
    docker's own remedy for a stale endpoint). The endpoint of a container that exists is never touched: the
    network stays and the error names the container."""
    deadline = time.monotonic() + ENDPOINT_RELEASE_SECONDS
    left = list(names)
    while True:
        result = docker("network", "rm", *left, check=False)
        if result.returncode == 0:
            return
        left = [n for n in left if docker("network", "inspect", "--format", "{{.Name}}", n, check=False).returncode == 0]
        if not left:
            return
        held = {n: endpoints(n) for n in left}
        live = {n: [c for c in held[n] if state(c) is not None] for n in left}
        if any(live.values()):
            users = "; ".join(f"{n}: {', '.join(c)}" for n, c in live.items() if c)
            raise SystemExit(f"lab down: networks in use by containers that still exist, left in place ({users})")
        if time.monotonic() >= deadline:
            for network, stale in held.items():
                for container in stale:
                    docker("network", "disconnect", "-f", network, container, check=False)
            final = docker("network", "rm", *left, check=False)
            if final.returncode != 0:
                raise SystemExit(f"lab down: docker would not remove {', '.join(left)}: {final.stderr.strip()}")
            return
        time.sleep(0.5)


def ids() -> dict[str, str | None]:
    """{host: docker id of its container, None when there is none}: a container created again has a new one."""
    out = {}
    for host, spec in plan().items():
        found = docker("container", "inspect", "--format", "{{.Id}}", spec["name"], check=False)
        out[host] = found.stdout.strip() if found.returncode == 0 else None
    return out


def running() -> dict[str, bool]:
    return {host: bool((state(spec["name"]) or {}).get("running")) for host, spec in plan().items()}

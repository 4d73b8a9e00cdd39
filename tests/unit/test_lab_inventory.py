"""The lab inventory: self-contained, in step with rcr, and no lab host is the controller (issue 10).

* No symlink: a copied lab keeps working; each group_vars file of rcr exists in the lab with the
  same keys and structure (values may differ). How hosts are reached (``connection.yml``) and the
  lab's own settings (``lab.yml``) are the only files allowed to differ.
* Every lab host is a container, a simulated device or a Windows plan: none is reached with the
  ``local`` connection or at the controller's own name; only plays on ``localhost`` (validation,
  API calls) may run locally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

LAB, RCR = REPO / "inventories/lab", REPO / "inventories/rcr"
PER_INVENTORY = {"connection.yml", "lab.yml"}
# Optional keys only one side sets, each with its reason.
OPTIONAL = {
    "site_proxmox.api_host": "the lab's API is the simulator on 127.0.0.1; rcr's is its first node (the default)",
}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!vault", lambda loader, node: "vault")


def shape(value):
    """Keys and nesting of a value: dicts by key, lists by the merged shape of their items, None for null."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        inner = None
        for item in value:
            s = shape(item)
            if isinstance(s, dict) and isinstance(inner, dict):
                for k, v in s.items():
                    inner.setdefault(k, v)
            elif inner is None:
                inner = s
        return ("list", inner)
    return None if value is None else "scalar"


def differences(lab, rcr, path: str = "") -> list[str]:
    if lab is None or rcr is None:  # null (e.g. no QDevice) stands for any value
        return []
    if type(lab) is not type(rcr):
        return [f"{path or '.'}: {'mapping' if isinstance(lab, dict) else lab} in the lab, "
                f"{'mapping' if isinstance(rcr, dict) else rcr} in rcr"]
    if isinstance(lab, dict):
        out = []
        for key in sorted(set(lab) | set(rcr)):
            where = f"{path}.{key}" if path else key
            if where in OPTIONAL:
                continue
            if key not in lab:
                out.append(f"{where}: missing in the lab")
            elif key not in rcr:
                out.append(f"{where}: only in the lab")
            else:
                out += differences(lab[key], rcr[key], where)
        return out
    if isinstance(lab, tuple):
        return differences(lab[1], rcr[1], f"{path}[]")
    return []


def load(path: Path):
    return yaml.load(path.read_text(), Loader=_Loader) or {}


def test_the_lab_has_no_symlink():
    links = [str(p.relative_to(REPO)) for p in LAB.rglob("*") if p.is_symlink()]
    assert links == []


# Where the lab's model differs in shape from rcr's on purpose (each says why); nothing else may differ.
LAB_CHOICES = {
    "site_glpi.tls_self_signed": "no site CA in the lab: GLPI's certificate is self-signed by choice",
    "site_proxy.auth.": "no Active Directory in the lab: Squid authenticates local users (the other backend)",
}


def test_every_rcr_group_vars_file_has_a_lab_copy_of_the_same_shape():
    problems = []
    for rcr_file in sorted(RCR.glob("group_vars/**/*.yml")):
        lab_file = LAB / rcr_file.relative_to(RCR)
        if not lab_file.exists():
            problems.append(f"{lab_file.relative_to(REPO)}: missing")
        elif rcr_file.name not in PER_INVENTORY:
            problems += [f"{lab_file.relative_to(REPO)}: {d}" for d in differences(shape(load(lab_file)), shape(load(rcr_file)))
                         if not d.startswith(tuple(LAB_CHOICES))]
    extra = [str(p.relative_to(REPO)) for p in LAB.glob("group_vars/**/*.yml")
             if not (RCR / p.relative_to(LAB)).exists() and p.name not in PER_INVENTORY]
    assert problems + extra == []


def test_every_lab_host_is_declared_like_its_rcr_namesake():
    problems = []
    for lab_file in sorted(LAB.glob("host_vars/*.yml")):
        rcr_file = RCR / "host_vars" / lab_file.name
        assert rcr_file.exists(), f"{lab_file.name}: a lab host with no rcr namesake"
        problems += [f"{lab_file.name}: {d}" for d in differences(shape(load(lab_file)), shape(load(rcr_file)))]
    assert problems == []


def test_the_shape_comparison_sees_a_missing_key_and_a_changed_structure():
    assert differences(shape({"a": {"b": 1}}), shape({"a": {"b": 2, "c": 3}})) == ["a.c: missing in the lab"]
    assert differences(shape({"a": [1]}), shape({"a": {"x": 1}})) == [
        "a: ('list', 'scalar') in the lab, mapping in rcr"]
    assert differences(shape({"a": [{"x": 1}], "q": None}), shape({"a": [{"x": 2}], "q": {"h": 1}})) == []


@pytest.fixture(scope="module")
def lab_hostvars() -> dict:
    """Every lab host's effective variables, as Ansible computes them (no templating)."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(LAB)])
    manager = VariableManager(loader=loader, inventory=inventory)
    return {h.name: manager.get_vars(host=h, include_hostvars=False) for h in inventory.get_hosts()}


LOCAL_CONNECTIONS = ("local", "ansible.builtin.local", "ansible.legacy.local")


def on_the_controller(hostvars: dict) -> tuple[bool, bool]:
    """(local connection, loopback address) of one host's variables, templated as Ansible would use them."""
    import ipaddress

    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    templar = Templar(loader=DataLoader(), variables=hostvars)

    def value(key, default):
        try:
            return str(templar.template(hostvars.get(key, default)))
        except Exception:  # an undefined name in a lab-only template: keep the raw text
            return str(hostvars.get(key, default))

    connection, address = value("ansible_connection", "ssh"), value("ansible_host", "")
    try:
        loopback = ipaddress.ip_address(address).is_loopback
    except ValueError:
        loopback = address.lower().split(".")[0] == "localhost"
    return connection in LOCAL_CONNECTIONS, loopback


def test_no_lab_host_is_the_controller(lab_hostvars):
    local = sorted(h for h, v in lab_hostvars.items() if on_the_controller(v)[0])
    assert local == [], f"lab hosts managed on the controller itself: {local}"
    assert "localhost" not in lab_hostvars and "127.0.0.1" not in lab_hostvars
    on_loopback = sorted(h for h, v in lab_hostvars.items() if on_the_controller(v)[1]
                         and v.get("ansible_connection") != "ansible.netcommon.network_cli")
    assert on_loopback == [], f"only the simulated IOS devices may be reached on 127.0.0.1: {on_loopback}"


@pytest.mark.parametrize("extra", [{"ansible_connection": "ansible.legacy.local"},
                                   {"ansible_connection": "{{ 'lo' ~ 'cal' }}"},
                                   {"ansible_host": "127.0.0.2"}, {"ansible_host": "::1"},
                                   {"ansible_host": "localhost.localdomain"}])
def test_every_way_to_the_controller_is_seen(extra):
    from ansible.template import trust_as_template  # inventory files are trusted templates; these literals must be too

    trusted = {k: trust_as_template(v) for k, v in extra.items()}
    assert any(on_the_controller({"ansible_connection": "ssh", "ansible_host": "172.30.10.80", **trusted}))
    assert not any(on_the_controller({"ansible_connection": "ssh", "ansible_host": trust_as_template("{{ site_ip }}"),
                                      "site_ip": "172.30.10.80"}))


def test_containers_are_reached_by_container_name(lab_hostvars):
    for host in lab_hostvars:
        v = lab_hostvars[host]
        if v.get("ansible_connection", "").startswith("community.docker."):
            assert v["ansible_host"] == "sitekit-lab-{{ inventory_hostname }}", host


def test_no_lab_host_is_the_controller_with_the_endpoints_every_lab_run_adds(monkeypatch, tmp_path):
    """Every lab run reads inventories/lab and build/lab/run/endpoints.yml (lab.py playbook_cmd): the merge too."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager
    from test_lab_harness import endpoints_overlay

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(LAB), str(endpoints_overlay(monkeypatch, tmp_path))])
    manager = VariableManager(loader=loader, inventory=inventory)
    merged = {h.name: manager.get_vars(host=h, include_hostvars=False) for h in inventory.get_hosts()}
    assert merged["sw-core"]["ansible_port"] == 40002 and merged["pve1"]["ansible_host"] != "pve1"  # the overlay read
    assert [h for h, v in merged.items() if on_the_controller(v)[0]] == []
    assert [h for h, v in merged.items() if on_the_controller(v)[1]
            and v.get("ansible_connection") != "ansible.netcommon.network_cli"] == []


def test_only_plays_on_localhost_run_locally():
    offenders = []
    for path in [*sorted((REPO / "playbooks").glob("*.yml")), *sorted((REPO / "tools" / "lab").glob("*.yml"))]:
        for play in yaml.safe_load(path.read_text()) or []:
            local = (str(play.get("connection", "")) in LOCAL_CONNECTIONS
                     or str((play.get("vars") or {}).get("ansible_connection", "")) in LOCAL_CONNECTIONS)
            if local and play.get("hosts") != "localhost":
                offenders.append(f"{path.name}: {play.get('name')} on {play.get('hosts')}")
    assert offenders == []


# Groups of rcr the lab leaves out on purpose, each with its reason (none today: every play of the site has lab hosts).
LAB_OMITS: dict[str, str] = {}


def group_tree(path: Path) -> dict[str, tuple[set, set]]:
    """Every group of a YAML inventory: its child groups and its own hosts."""
    out: dict[str, tuple[set, set]] = {}

    def walk(name, node):
        node = node or {}
        children = node.get("children") or {}
        kids, hosts = out.setdefault(name, (set(), set()))
        kids.update(children)
        hosts.update(node.get("hosts") or {})
        for child, sub in children.items():
            walk(child, sub)

    for top, node in load(path).items():
        walk(top, node)
    return out


def tree_differences(lab: dict, rcr: dict, omits: dict) -> list[str]:
    out = [f"{g}: group of rcr missing in the lab (add it, or to LAB_OMITS with the reason)"
           for g in sorted(set(rcr) - set(lab) - set(omits))]
    out += [f"{g}: group only in the lab" for g in sorted(set(lab) - set(rcr))]
    for group in sorted(set(lab) & set(rcr)):
        lab_kids, rcr_kids = lab[group][0], rcr[group][0] - set(omits)
        if lab_kids != rcr_kids:
            out.append(f"{group}: children {sorted(lab_kids)} in the lab, {sorted(rcr_kids)} in rcr")
        out += [f"{group}: lab host {h} is not in this group in rcr" for h in sorted(lab[group][1] - rcr[group][1])]
        if rcr[group][1] and not lab[group][1] and not lab[group][0]:
            out.append(f"{group}: no host in the lab (rcr has {sorted(rcr[group][1])}): a play the lab never covers")
    return out


def test_the_lab_has_the_group_tree_of_rcr():
    """The plays target groups: a group rcr has and the lab lacks is a play the lab (and its Windows plan) never covers."""
    assert tree_differences(group_tree(LAB / "hosts.yml"), group_tree(RCR / "hosts.yml"), LAB_OMITS) == []


def test_the_tree_comparison_sees_a_new_rcr_group_and_a_moved_host():
    lab = {"all": ({"a"}, set()), "a": (set(), {"h1"})}
    rcr = {"all": ({"a", "b"}, set()), "a": (set(), {"h2"}), "b": (set(), {"h1"})}
    assert tree_differences(lab, rcr, {}) == [
        "b: group of rcr missing in the lab (add it, or to LAB_OMITS with the reason)",
        "a: lab host h1 is not in this group in rcr", "all: children ['a'] in the lab, ['a', 'b'] in rcr"]
    assert tree_differences(lab, {**rcr, "a": (set(), {"h1"})}, {"b": "reason"}) == []
    empty = {"all": ({"a"}, set()), "a": (set(), set())}
    assert tree_differences(empty, {"all": ({"a"}, set()), "a": (set(), {"h1"})}, {}) == [
        "a: no host in the lab (rcr has ['h1']): a play the lab never covers"]  # found by review

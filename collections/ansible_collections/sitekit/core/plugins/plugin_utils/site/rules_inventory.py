"""Rules of how the inventory is written: what Ansible accepts silently and roles then get wrong.

- a variable written twice for the same group or host (Ansible keeps the later file, silently);
- a site variable set anywhere but ``group_vars/all`` (roles on those hosts would read another value
  than the one validated, so it is refused: one fact, one place), a host fact set for a whole group;
- files Ansible never reads (``host_vars`` of a host that does not exist, a file shadowed by a
  directory of the same name, an extension it ignores);
- hosts in no tier or in two, service groups outside their tier, group names one letter off;
- host names Windows or DNS refuse, ``ansible_host`` that is not the host's ``site_ip``.
"""

from __future__ import annotations

import ipaddress
import os
import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of, origin_parts
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.references import is_template
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.schema import SITE
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import did_you_mean, suggest

# Every host belongs to exactly one tier: the group its tier playbook targets.
TIERS = ("proxmox_nodes", "windows", "debian", "network")
# The groups the site model, the playbooks and the roles know, with the tier each belongs to.
SERVICE_GROUPS = {
    "ad_domain_controllers": "windows", "rds": "windows", "rds_web_access": "windows", "rds_gateways": "windows",
    "rds_licensing": "windows", "rds_connection_brokers": "windows", "rds_virtualization_hosts": "windows",
    "rds_session_hosts": "windows", "sql_servers": "windows", "file_servers": "windows",
    "glpi": "debian", "ftp_archive": "debian", "squid": "debian",
    "cisco_switches": "network", "core_switches": "network", "access_switches": "network", "cisco_routers": "network",
}
KNOWN_GROUPS = set(TIERS) | set(SERVICE_GROUPS) | {"all", "ungrouped", "proxmox_vms"}
NETBIOS_MAX = 15  # a Windows computer name (NetBIOS) has at most 15 characters
DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
YAML_CASE_TYPOS = re.compile(r"^\.(ya?ml|json)$", re.I)


def _rel(site: Site, path: str) -> str:
    root = site.sources.root if site.sources else site.source
    rel = os.path.relpath(path, root) if root else path
    return path if rel.startswith("..") else rel


def _home(site: Site, host: str):
    """A tagged value that places a problem about a host: its name in hosts.yml, else its first fact."""
    sources = site.sources
    if sources is not None and host in sources.host_lines:
        return sources.host_lines[host]
    h = site.hosts.get(host)
    return next(iter(h.vars.values()), None) if h is not None and h.vars else None


# ---- files Ansible never reads ----------------------------------------------------------------
@rule("inventory-files", "every file of group_vars/ and host_vars/ is read by Ansible: no file for a host or group "
      "that does not exist, none shadowed by a directory of the same name, none with an extension Ansible skips")
def unread_files(site: Site):
    if site.sources is None:
        return
    for f in site.sources.vars_files:
        if f.read_by_ansible:
            continue
        reason = f.ignored_because or "unknown"
        rel = _rel(site, f.path)
        if reason == "unknown":
            names = site.hosts if f.kind == "host" else site.groups
            what = "host" if f.kind == "host" else "group"
            yield Problem("inventory-files", "-", f"Ansible never reads this file: there is no {what} {f.entity!r} in the "
                          f"inventory{suggest(f.entity, names, 0.6)}", where=f.path)
        elif reason.startswith("directory:"):
            yield Problem("inventory-files", "-", f"Ansible never reads this file: {f.kind}_vars/{reason.split(':', 1)[1]}/ "
                          "exists and Ansible reads only that directory; move these variables into it", where=f.path)
        elif reason.startswith("extension:"):
            ext = reason.split(":", 1)[1]
            typo = bool(YAML_CASE_TYPOS.match(ext))
            holds = f"; it holds {', '.join(sorted(map(str, f.keys))[:5])}" if f.keys else ""
            yield Problem("inventory-files", "-", f"Ansible never reads this file (extension {ext}; it reads .yml, .yaml, "
                          f".json or none){': rename it' if typo else ''}{holds}", where=f.path,
                          severity="error" if typo or f.keys else "warning")
        else:
            yield Problem("inventory-files", "-", f"Ansible never reads {rel}", where=f.path, severity="warning")
    for f in site.sources.vars_files:
        if f.read_by_ansible and not f.inline and f.kind == "group" and f.data is None:
            yield Problem("inventory-files", "-", "this file declares nothing (it is empty or holds only comments)",
                          where=f.path, severity="warning")


# ---- one variable, one place ------------------------------------------------------------------
@rule("one-definition", "each variable is written once for a group or host (a second file silently wins); site "
      "variables live in group_vars/all, host facts in host_vars")
def one_definition(site: Site):
    sources = site.sources
    if sources is None:
        return
    for kind, names in (("group", sorted(site.groups)), ("host", sorted(site.hosts))):
        for entity in names:
            for key, places in sources.definitions(kind, entity).items():
                places = _distinct(places)
                for place in places:
                    yield from _placement(site, kind, entity, key, place)
                if len(places) > 1:
                    (last_file, last_key), others = places[-1], places[:-1]
                    shadowed = ", ".join(origin_of(k) and _rel(site, origin_of(k)) or _rel(site, f.path) for f, k in others)
                    yield Problem("one-definition", key, f"is also written in {shadowed}: Ansible keeps this one and "
                                  "silently ignores the other; write it once", host=entity if kind == "host" else None,
                                  where=origin_of(last_key) or last_file.path)


def _distinct(places: list) -> list:
    """One entry per place written: a YAML alias (``*id001``) repeats a mapping, it does not write it again."""
    seen, out = set(), []
    for file, tagged in places:
        mark = origin_parts(tagged) or (file.path, id(tagged))
        if mark not in seen:
            seen.add(mark)
            out.append((file, tagged))
    return out


def _placement(site: Site, kind: str, entity: str, key: str, place):
    file, tagged = place
    where = origin_of(tagged) or file.path
    host = entity if kind == "host" else None
    is_site_var = (key.startswith("site_") or key.startswith("vault_")) and key not in HOST_KEYS
    if is_site_var and (kind == "host" or entity != "all"):
        scope = f"host {entity}" if kind == "host" else f"the hosts of group {entity}"
        if kind == "host" and key.startswith("site_"):
            near = did_you_mean(key, HOST_KEYS, 0.8)
            if near:
                yield Problem("one-definition", key, f"is a site variable, not a fact of one host (did you mean {near}?)",
                              host=host, where=where)
                return
        yield Problem("one-definition", key, f"is a fact of the whole site: write it once in group_vars/all/ (here it "
                      f"overrides the site's value for {scope} only, a value validation and the other hosts never see)",
                      host=host, where=where)
    elif is_site_var and file.inline:
        yield Problem("one-definition", key, "site variables are written in group_vars/all/<concern>.yml, where "
                      "auditors read them, not in the inventory file", where=where)
    elif key in HOST_KEYS and kind == "group":
        near = did_you_mean(key, list(SITE), 0.8)
        hint = f" (did you mean {near}, the site variable?)" if near and entity == "all" else ""
        yield Problem("one-definition", key, f"is a fact of one host: write it in host_vars/<host>.yml (here every host of "
                      f"group {entity} gets the same value){hint}", where=where)
    elif kind == "host" and key not in HOST_KEYS and not key.startswith("ansible_"):
        near = did_you_mean(key, HOST_KEYS, 0.75)
        if near:
            yield Problem("one-definition", key, f"is not a host fact the model knows (did you mean {near}?)", host=host,
                          where=where)
        elif key.startswith("site_"):
            yield Problem("one-definition", key, f"is not a host fact the model knows (host facts: {', '.join(HOST_KEYS)})",
                          host=host, where=where)


# ---- groups and tiers ---------------------------------------------------------------------------
@rule("tiers", "every host is in exactly one tier (proxmox_nodes, windows, debian, network) and service groups sit "
      "in their tier; no group name is one letter off a group the toolkit knows")
def tiers(site: Site):
    host_var_names = {f.entity for f in (site.sources.vars_files if site.sources else []) if f.kind == "host"}
    for group in sorted(site.groups):
        if group in KNOWN_GROUPS:
            continue
        near = did_you_mean(group, KNOWN_GROUPS, 0.8)
        tagged = site.sources.group_lines.get(group) if site.sources else None
        if group in host_var_names and not site.groups[group]:
            yield problem("tiers", group, f"is declared as a group (under children:) while host_vars/{group} exists: "
                          "list it under hosts: to make it a host", value=tagged)
        elif near:
            yield problem("tiers", group, f"is not a group the toolkit knows (did you mean {near}?): the roles of "
                          f"{near} never run on its hosts", value=tagged)
    for name in sorted(site.hosts):
        groups = set(site.hosts[name].groups)
        found = [t for t in TIERS if t in groups]
        if len(found) > 1:
            declared = site.sources.host_declarations.get(name, []) if site.sources else []
            lines = sorted({origin_of(d).rsplit(":", 1)[-1] for d in declared if origin_of(d)}, key=int)
            at = f" (declared on lines {', '.join(lines)} of the inventory)" if len(lines) > 1 else ""
            last = max(declared, key=lambda d: int(origin_of(d).rsplit(":", 1)[-1]) if origin_of(d) else 0, default=None)
            yield problem("tiers", "groups", f"is in {len(found)} tiers ({', '.join(found)}){at}: a host belongs to one tier",
                          value=last if last is not None else _home(site, name), host=name)
        elif not found:
            yield problem("tiers", "groups", f"is in no tier ({', '.join(TIERS)}): no playbook would ever configure it",
                          value=_home(site, name), host=name)
        for group in sorted(groups):
            tier = SERVICE_GROUPS.get(group)
            if tier and found and tier not in found:
                yield problem("tiers", "groups", f"is in {group}, a {tier} group, but under {found[0]}: declare "
                              f"{group} under {tier} in the inventory", value=_home(site, name), host=name)
        if ("windows" in groups or "debian" in groups) and "proxmox_vms" in site.groups and "proxmox_vms" not in groups:
            yield problem("tiers", "groups", "is a Windows or Debian server outside proxmox_vms: its VM would never be "
                          "created", value=_home(site, name), host=name)


# ---- host names ----------------------------------------------------------------------------------
@rule("host-names", "host names are valid DNS labels; Windows computer names fit NetBIOS (15 characters)")
def host_names(site: Site):
    windows = set(site.group("windows"))
    for name in sorted(site.hosts):
        where = _home(site, name)
        if not DNS_LABEL.match(name) or name.isdigit():
            bad = sorted({c for c in name if not (c.isalnum() or c == "-")})
            why = f"characters {' '.join(bad)} are not allowed" if bad else "it must not start or end with '-'"
            yield problem("host-names", "name", f"{name!r} is not a valid host name: {why} (letters, digits and '-' only)",
                          value=where, host=name)
        elif name in windows and len(name) > NETBIOS_MAX:
            yield problem("host-names", "name", f"{name!r} has {len(name)} characters: a Windows computer name has at most "
                          f"{NETBIOS_MAX} (NetBIOS), Windows would truncate it to {name[:NETBIOS_MAX].upper()!r}",
                          value=where, host=name)


# ---- how Ansible reaches each host -------------------------------------------------------------
@rule("ansible-host", "ansible_host, where it is a literal address, is the host's site_ip (else the playbooks "
      "configure another machine)")
def ansible_host(site: Site):
    subnets = [v.subnet for v in site.vlans]
    for name in sorted(site.hosts):
        host = site.hosts[name]
        value = host.ansible.get("ansible_host")
        if not isinstance(value, str) or is_template(value):
            continue
        try:
            address = ipaddress.IPv4Address(value.strip())
        except ValueError:
            continue  # a name: resolved by DNS (or the lab's container name)
        own = site.host_ip(name)
        if address.is_loopback or address == own:
            continue
        if any(address in net for net in subnets):
            owner = next((h for h in site.hosts if h != name and site.host_ip(h) == address), None)
            also = f" ({owner}'s address)" if owner else ""
            yield problem("ansible-host", "ansible_host", f"{address}{also} is not this host's site_ip {own}: the "
                          "playbooks would configure another machine; remove ansible_host or make it site_ip",
                          value=value, host=name)
        elif own is not None:
            yield problem("ansible-host", "ansible_host", f"{address} is outside every VLAN of the site while site_ip is "
                          f"{own}: Ansible would reach the host by another address than the site plan says",
                          value=value, host=name, severity="warning")

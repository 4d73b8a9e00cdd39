"""A second ``-i`` source may add hosts, groups and connection settings beside the site, never change the site.

ansible-core merges every ``-i`` source into one inventory, a later source's values winning
(InventoryManager.parse_sources, VariableManager.get_vars). The gate validates each source on its own and leaves
a source that declares no site alone (report.validate_sources): such a file could still set a site host's
``site_ip``, compose a ``site_vlans`` (constructed) or put a host in a site group, and none of it was validated.
So the site's hosts and groups are read again from the merged inventory: every variable the site's source gives
its hosts (the ``ansible_*`` connection settings apart, which is what an overlay is for: make lab's endpoints,
molecule's connections) must keep its value, no site key may be added, and each group of the site keeps its
members.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem

# Ansible's magic variables and the ones that name the source: they differ between two inventories by nature.
_NOT_DECLARED = {
    "groups", "group_names", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
    "playbook_dir", "omit", "hostvars", "environment", "role_names", "play_hosts",
}


def overlay_problems(site_sources: list[str], sources: list[str], vault_secrets=None) -> list[Problem]:
    """What the other ``sources`` change of each site source's hosts and groups, once merged as Ansible merges them."""
    merged_vars, merged_groups = _read(sources, vault_secrets)
    problems: list[Problem] = []
    for site_source in site_sources:
        others = ", ".join(s for s in sources if s != site_source)
        alone_vars, alone_groups = _read([site_source], vault_secrets)
        changed: dict[tuple[str, bool, str], list[str]] = {}  # (key, added, where): hosts, one line for a site-wide key
        for host, declared in alone_vars.items():
            seen = merged_vars.get(host, {})
            added = {k for k in seen if k not in declared and (k.startswith("site_") or k in HOST_KEYS)}
            for key in sorted({k for k in declared if k in seen and _same(seen[k]) != _same(declared[k])} | added):
                changed.setdefault((key, key in added, _where(seen.get(key), others)), []).append(host)
        for (key, added, where), hosts in changed.items():
            what = f"sets {key}, which the site does not declare" if added else "changes its value"
            whom = f" for {len(hosts)} hosts ({', '.join(sorted(hosts)[:3])}, …)" if len(hosts) > 3 else ""
            problems.append(Problem("inventory", key, f"{others} {what}{whom}: a source beside the site's may add "
                                    f"hosts and connection settings (ansible_*), never change the site; declare it "
                                    f"once, in {site_source}", host=", ".join(sorted(hosts)) if len(hosts) <= 3 else None,
                                    where=where))
        for group, members in alone_groups.items():
            extra = sorted(set(merged_groups.get(group, ())) - set(members))
            if extra:
                problems.append(Problem("inventory", group, f"{others} adds {', '.join(extra)} to this group of "
                                        f"the site: a source beside the site's may add hosts and groups of its own, "
                                        f"never members of the site's; declare them in {site_source}", where=others))
    return problems


def _read(sources: list[str], vault_secrets) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """Each host's declared variables and each group's members (all and ungrouped apart) of ``sources`` merged."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    if vault_secrets:
        loader.set_vault_secrets(vault_secrets)
    inventory = InventoryManager(loader=loader, sources=list(sources))
    variables = VariableManager(loader=loader, inventory=inventory)
    hosts = {host.name: {k: v for k, v in variables.get_vars(host=host, include_hostvars=False).items()
                         if not k.startswith("ansible_") and k not in _NOT_DECLARED}
             for host in inventory.get_hosts()}
    groups = {name: [h.name for h in group.get_hosts()] for name, group in inventory.groups.items()
              if name not in ("all", "ungrouped")}
    return hosts, groups


def _same(value):
    """A value as compared: an inline vault value by its envelope (never decrypted), containers item by item."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.vault import ciphertext

    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_same(v) for v in value]
    envelope = ciphertext(value)
    return ("vault", envelope) if envelope else value


def _where(value, fallback: str) -> str:
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of

    return (origin_of(value) if value is not None else None) or fallback

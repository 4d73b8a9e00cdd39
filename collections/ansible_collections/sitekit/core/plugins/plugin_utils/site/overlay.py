"""A second ``-i`` source may add hosts, groups and connection settings beside the site, never change the site.

ansible-core merges every ``-i`` source into one inventory, a later source's values winning
(InventoryManager.parse_sources, VariableManager.get_vars). The gate validates each source on its own and leaves
a source that declares no site alone (report.validate_sources): such a file could still set a site host's
``site_ip``, compose a ``site_vlans`` (constructed) or put a host in a site group, and none of it was validated.
So the site's hosts and groups are read again from the merged inventory: every site key (``site_*``, the host
facts, the ``vault_*`` secrets) keeps the value the site's source gives, none is added to a host, the other
sources' own hosts hold only the site's site-wide values, and each group of the site keeps its members. Connection settings and role variables
(``ansible_*``, the ``cisco_ios_ssh_*`` of the network tests' peers) are what an overlay is for: make lab's
endpoints, molecule's connections.
"""

from __future__ import annotations

from typing import NamedTuple

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, MAGIC_VARS
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem


def overlay_problems(site_sources: list[str], sources: list[str], vault_secrets=None) -> list[Problem]:
    """What the other ``sources`` change of each site source's hosts and groups, once merged as Ansible merges them."""
    merged = _read(sources, vault_secrets)
    problems: list[Problem] = []
    for site_source in site_sources:
        others = ", ".join(s for s in sources if s != site_source)
        alone = _read([site_source], vault_secrets)
        changed: dict[tuple[str, str, str], list[str]] = {}  # (key, what, where): hosts, one line for a site-wide key
        for host, seen in merged.hosts.items():
            declared = alone.hosts.get(host)
            if declared is None:  # a host of the other sources: it may hold the site's own site-wide values only
                keys = {k for k in seen if _site_key(k)}
                what = {k: "sets {key} on a host the site does not declare" for k in keys
                        if k not in alone.site_wide or _same(seen[k]) != _same(alone.site_wide[k])}
            else:
                what = {k: "changes its value" for k in declared
                        if _site_key(k) and k in seen and _same(seen[k]) != _same(declared[k])}
                what.update({k: "sets {key}, which the site does not declare" for k in seen
                             if k not in declared and _site_key(k)})
            for key, words in what.items():
                changed.setdefault((key, words.format(key=key), _where(seen.get(key), others)), []).append(host)
        for (key, what, where), hosts in sorted(changed.items()):
            whom = f" for {len(hosts)} hosts ({', '.join(sorted(hosts)[:3])}, …)" if len(hosts) > 3 else ""
            problems.append(Problem("inventory", key, f"{others} {what}{whom}: a source beside the site's may add "
                                    f"hosts and connection settings, never change the site; declare it "
                                    f"once, in {site_source}", host=", ".join(sorted(hosts)) if len(hosts) <= 3 else None,
                                    where=where))
        for group, members in alone.groups.items():
            extra = sorted(set(merged.groups.get(group, ())) - set(members))
            if extra:
                problems.append(Problem("inventory", group, f"{others} adds {', '.join(extra)} to this group of "
                                        f"the site: a source beside the site's may add hosts and groups of its own, "
                                        f"never members of the site's; declare them in {site_source}", where=others))
    return problems


def _site_key(key: str) -> bool:
    """What the site declares once: its variables, its hosts' facts and its secrets."""
    return key.startswith(("site_", "vault_")) or key in HOST_KEYS


class _View(NamedTuple):
    hosts: dict[str, dict]  # each host's declared variables
    groups: dict[str, list[str]]  # each group's members, all and ungrouped apart
    site_wide: dict  # what every host gets (the implicit localhost's variables)


def _read(sources: list[str], vault_secrets) -> _View:
    """``sources`` merged as Ansible merges them; a whole-file vault the run cannot open is left unread, as the site
    loader leaves it (Ansible only opens it for a host a task runs on)."""
    from ansible.inventory.manager import InventoryManager
    from ansible.vars.manager import VariableManager

    loader = _sealed_loader()
    if vault_secrets:
        loader.set_vault_secrets(vault_secrets)
    inventory = InventoryManager(loader=loader, sources=list(sources))
    variables = VariableManager(loader=loader, inventory=inventory)

    def declared(host) -> dict:
        return {k: v for k, v in variables.get_vars(host=host, include_hostvars=False).items()
                if not k.startswith("ansible_") and k not in MAGIC_VARS}

    return _View({host.name: declared(host) for host in inventory.get_hosts()},
                 {name: [h.name for h in group.get_hosts()] for name, group in inventory.groups.items()
                  if name not in ("all", "ungrouped")},
                 declared(inventory.localhost))


def _sealed_loader():
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import is_encrypted

    class SealedLoader(DataLoader):
        def load_from_file(self, file_name, cache="all", unsafe=False, json_only=False, trusted_as_template=False):
            if not self._vault.secrets:
                try:
                    with open(self.path_dwim(file_name), "rb") as handle:
                        if is_encrypted(handle.read(256).lstrip()[:64]):  # as CheckingLoader tells a sealed file
                            return {}
                except OSError:
                    pass  # DataLoader says why
            return super().load_from_file(file_name, cache, unsafe, json_only, trusted_as_template)

    return SealedLoader()


def _same(value):
    """A value as compared: an inline vault value by its envelope (never decrypted), containers item by item."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.vault import ciphertext

    if isinstance(value, float) and value != value:
        return ("nan",)  # NaN equals nothing, itself included
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_same(v) for v in value]
    envelope = ciphertext(value)
    return ("vault", envelope) if envelope else value


def _where(value, fallback: str) -> str:
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of

    return (origin_of(value) if value is not None else None) or fallback

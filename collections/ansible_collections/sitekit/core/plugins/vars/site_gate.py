"""Refuse a broken site inventory inside every ansible process, before any host is contacted.

A play on ``localhost`` (playbooks/validate.yml) is skipped by ``--limit <one node>``, ``--start-at-task``,
``--tags`` without ``always`` or a tier playbook run alone. Vars plugins are not chosen by play
selection: ansible-core runs them right after it parses the inventory (InventoryManager.parse_sources,
stage ``inventory``) and again whenever a task's variables are computed (VariableManager.get_vars,
stage ``task``), in ``ansible``, ``ansible-playbook``, ``ansible-inventory`` and ``ansible-console``
alike, long before a connection plugin is loaded.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: site_gate
short_description: Refuse a broken site inventory in every ansible process, before any connection
version_added: "0.2.0"
author: sitekit maintainers (!UNKNOWN)
description:
  - Once per process, loads each inventory source given with C(-i) (or the configured default) again from disk, with
    Ansible's own loader and the run's vault secrets (a whole-file vault is validated when the run can open it), and runs every rule of the site model on it (the code and the wording of
    C(make validate) and of the M(sitekit.core.site_validate) action).
  - Raises an error listing one line per problem (file and line, host, key) when the inventory has errors, so
    C(ansible-playbook) stops before its first play, whatever C(--limit), C(--tags), C(--start-at-task), C(--step) or
    playbook was given, and C(ansible) (ad hoc) and C(ansible-inventory) refuse the inventory too.
  - An inventory source that declares nothing of the site model (no C(site_*) variable and no host fact such as
    C(site_ip) or C(vm)), for example a file that only adds connection settings beside the site's inventory, is
    not a site and is left alone; each other source is validated as a whole site. Host lists are skipped. With several
    sources, they are read again merged as Ansible merges them, and a source beside the site's may add connection settings
    (C(ansible_*)), hosts and groups of its own, and is refused where it changes a value the site declares, adds a site
    key to a site host or a member to a site group.
  - The verdict is kept across processes by content (C(.cache/site_gate) beside C(ansible.cfg), or
    C($SITEKIT_GATE_CACHE_DIR); empty turns it off) - the key hashes every file under each source, the collection's
    code, the installed packages, the configuration, the environment and the extra vars; a changed byte is validated
    again. Scripts and inventory plugins' sources are never cached, nor is a verdict computed with a vault password.
  - Provides no variable. Warnings are not fatal; C(-v) shows the one-line summary. Without C(-v) the checks that can
    only give a warning are left out (the public example vault password tried on every vault value).
  - Why a vars plugin and not an inventory plugin or a first play - an inventory plugin is chosen per source and
    would replace the YAML and INI plugins; a play is skipped by play selection. A vars plugin is run by ansible-core
    itself for every inventory it parses.
notes:
  - Enable it next to the built-in one, C(vars_plugins_enabled = sitekit.core.site_gate, ansible.builtin.host_group_vars)
    (sitekit's C(ansible.cfg) does); vars plugins of a collection only run when enabled.
  - Runs only inside an Ansible command line tool (it reads the C(-i) sources of that command); Python code that builds
    an C(InventoryManager) itself, such as C(make validate)'s own loader or the test suite, is not affected.
options:
  stage:
    description:
      - When ansible-core runs the plugin. Fixed to V(all) so that no configuration moves it after the first
        connection; the result is computed once per process and reused.
    type: str
    default: all
    choices: [all]
"""

# ruff: noqa: E402  (Ansible plugin layout: the documentation comes before the imports)
import os

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.vars import BaseVarsPlugin
from ansible.utils.display import Display

display = Display()

# Once per process: {sources: error message or None}; `_busy` stops the recursion of load_site, which
# parses the same inventory with Ansible's loader and so runs the vars plugins again.
_VERDICTS: dict[tuple, str | None] = {}
_busy = False
# Once per process: {directory beside a playbook: refusal message or None} (adjacent_verdict)
_ADJACENT: dict[str, str | None] = {}
_VARS_DIRS = ("group_vars", "host_vars")
# {sources: the stat of every file under them, taken before they were validated}; {id: entity} of the hosts and groups
# whose variables were computed since the files were last found unchanged (kept alive, so an id is never reused)
_STATS: dict[tuple, tuple] = {}
_SEEN: dict[int, object] = {}


def cli_sources() -> tuple[str, ...]:
    """The inventory sources of the running command line tool (paths only), or () outside one."""
    sources = context.CLIARGS.get("inventory") or ()
    if isinstance(sources, str):
        sources = (sources,)
    # A host list ('a,b') is no path; an existing path is one, commas and all (get_vars_from_inventory_sources)
    return tuple(s for s in sources if s and os.path.exists(s))


def verdict(sources: tuple[str, ...], vault_secrets=None) -> str | None:
    """The refusal message for ``sources`` (None when valid or not a site), computed once per process and kept
    across processes by content (plugin_utils/site/gate_cache.py says what the key hashes). ``vault_secrets``: the
    run's, which open its whole-file vaults as they open them for Ansible."""
    if sources not in _VERDICTS:
        _STATS[sources] = file_stats(sources)
        _VERDICTS[sources] = _cached_verdict(sources, vault_secrets)
    return _VERDICTS[sources]


def _cached_verdict(sources: tuple[str, ...], vault_secrets=None) -> str | None:
    from ansible import constants as C
    from ansible_collections.sitekit.core.plugins.plugin_utils.site import gate_cache

    # Not kept: with -v (the summary's warnings), or with a vault password (the verdict depends on it, and a key
    # hashing it would be a fast hash of the password on disk)
    directory = gate_cache.cache_dir(C.CONFIG_FILE) if display.verbosity < 1 and not vault_secrets else None
    content_key = None
    if directory is not None:
        try:
            content_key = gate_cache.key(
                sources, context.CLIARGS.get("extra_vars"), C.CONFIG_FILE, C.VARIABLE_PLUGINS_ENABLED
            )
        except gate_cache.NotCacheable as exc:
            display.vvv(f"sitekit: the gate's verdict is not cached: {exc}")
        else:
            hit, message = gate_cache.lookup(directory, content_key)
            if hit:
                return message
    message, outside = _validate(sources, vault_secrets)
    if content_key is not None and outside is not None:
        gate_cache.store(directory, content_key, message, sources, outside)
    return message


def _validate(sources: tuple[str, ...], vault_secrets=None) -> tuple[str | None, list[str] | None]:
    """(refusal message or None, files read outside the sources; None: nothing to keep)."""
    global _busy
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources

    _busy = True
    try:
        # Warnings never refuse: they are computed only when -v shows them in the summary.
        outcome = validate_sources(list(sources), skip_undeclared=True, warnings=display.verbosity >= 1,
                                   vault_secrets=vault_secrets)
    except Exception as exc:  # noqa: BLE001 - an inventory that cannot be loaded is refused, not skipped
        return f"sitekit: the inventory {', '.join(sources)} could not be validated: {exc}", None
    finally:
        _busy = False
    if not outcome.site_declared:
        return None, outcome.outside
    if outcome.refused():
        return f"sitekit: inventory refused before any connection, {outcome.message()}", outcome.outside
    display.v(f"sitekit: {outcome.message()}")
    return None, outcome.outside


def file_stats(sources: tuple[str, ...]) -> tuple:
    """(path, inode, size, mtime, ctime) of every file Ansible may read under ``sources`` (a file source: it and the
    group_vars/host_vars beside it); any write changes one of them."""
    stats: list[tuple] = []
    for source in sources:
        roots = [source]
        if not os.path.isdir(source):
            roots += [os.path.join(d, n) for d in dict.fromkeys((os.path.dirname(os.path.abspath(source)),
                                                                  os.path.dirname(os.path.realpath(source))))
                      for n in _VARS_DIRS]
        for root in roots:
            if not os.path.isdir(root):
                stats.append(_stat(root))
                continue
            seen = set()
            for top, dirs, files in os.walk(root, followlinks=True):
                seen.add(os.path.realpath(top))
                # Hidden files and backups are never read (DataLoader._get_dir_vars_files): an editor's swap file is no edit
                dirs[:] = sorted(d for d in dirs if _read(d) and os.path.realpath(os.path.join(top, d)) not in seen)
                files = [f for f in files if _read(f)]
                stats.append((top, *sorted(dirs), *sorted(files)))
                stats.extend(_stat(os.path.join(top, f)) for f in sorted(files))
    return tuple(stats)


def _read(name: str) -> bool:
    return not name.startswith(".") and not name.endswith("~")


def _stat(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (path, None)
    return (path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def changed_since_validated(sources: tuple[str, ...], path: str, entities, loader=None) -> str | None:
    """The refusal message when the inventory's files changed after the gate validated them and Ansible may read them
    now: ansible-core reads the group_vars and host_vars of a host or group when a task first needs its variables (and
    keeps what it read), so an edit made during a run (an editor saving, a ``git checkout`` in the same tree) would
    reach a later play's hosts unvalidated. Checked while an entity's variables may not have been read yet: until
    the vars beside the playbook are asked for it, which ansible-core does after the inventory's (ad hoc: always)."""
    if all(id(entity) in _SEEN for entity in entities or ()):
        return None
    before, now = _STATS.get(sources, ()), file_stats(sources)
    if now != before:
        # A file the run already read is kept by its loader (DataLoader._FILE_CACHE): its new bytes are never used
        kept = {os.path.realpath(name) for name in getattr(loader, "_FILE_CACHE", None) or ()}
        changed = sorted({old[0] for old, new in zip(before, now, strict=False) if old != new}) or [sources[0]]
        changed = [name for name in changed if os.path.realpath(name) not in kept]
    if now != before and changed:
        return (f"sitekit: the inventory {', '.join(sources)} changed after it was validated at the start of this run "
                f"({', '.join(changed[:3])}{', …' if len(changed) > 3 else ''}); Ansible reads it host by host as the "
                f"run goes on, so nothing more is run: validate it and run again")
    if path and os.path.realpath(path) not in _inventory_dirs(sources):
        for entity in entities or ():
            _SEEN[id(entity)] = entity
    return None


def _inventory_dirs(sources: tuple[str, ...]) -> set[str]:
    """The directories ansible-core reads the inventory's group_vars/host_vars beside (get_vars_from_inventory_sources)."""
    return {os.path.realpath(s if os.path.isdir(s) else os.path.dirname(s)) for s in sources}


def adjacent_verdict(path: str, sources: tuple[str, ...], loader) -> str | None:
    """The refusal message when ``path``, a directory ansible-core reads vars beside (the playbook's, or a role's
    with ``playbook_vars_root = all``) and no inventory source, has ``group_vars``/``host_vars`` declaring a site key.

    Ansible gives those files precedence over the inventory's own group_vars and host_vars (a play's
    ``group_vars/all`` over the inventory's, its ``host_vars/<host>`` over the inventory's), and neither the gate nor
    ``make validate`` reads them: a site value there would reach the hosts unvalidated.
    """
    if not path:
        return None
    real = os.path.realpath(path)
    if real not in _ADJACENT:
        _ADJACENT[real] = None if real in _inventory_dirs(sources) else _site_keys_beside(real, loader)
    return _ADJACENT[real]


def _site_keys_beside(directory: str, loader) -> str | None:
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.overlay import _site_key

    found = []
    for name in _VARS_DIRS:
        for top, dirs, files in os.walk(os.path.join(directory, name)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(f for f in files if not f.startswith(".")):
                path = os.path.join(top, file)
                try:
                    data = loader.load_from_file(path, cache="none", unsafe=True)
                except Exception:  # noqa: BLE001 - not a vars file, or unreadable: ansible-core says so itself
                    continue
                if isinstance(data, dict):
                    found += [f"- {origin_of(k) or origin_of(v) or path}: {k}: a site key beside the playbook" for k, v in data.items()
                              if _site_key(str(k))]
    if not found:
        return None
    return (f"sitekit: inventory refused before any connection, {len(found)} site key(s) in the group_vars/host_vars "
            f"of {directory}, which ansible-core reads over the inventory's and no validation reads; declare them "
            f"in the inventory:\n" + "\n".join(found))


class VarsModule(BaseVarsPlugin):
    # The verdict is process-wide (module state); the instance keeps nothing.
    is_stateless = True

    def get_vars(self, loader, path, entities, cache=True):
        super().get_vars(loader, path, entities)
        sources = cli_sources()
        if _busy or not sources:
            return {}
        message = verdict(sources, getattr(getattr(loader, "_vault", None), "secrets", None) or None) \
            or adjacent_verdict(path, sources, loader) or changed_since_validated(sources, path, entities, loader)
        if message:
            raise AnsibleError(message)
        return {}

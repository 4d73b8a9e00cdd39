"""site_validate's outcome across processes, under the gate's content key (gate_cache.py says what it hashes).

The gate (plugins/vars/site_gate.py) validates the inventory when ``ansible-playbook`` starts; site.yml's first play
(the ``site_validate`` action) then validated it again, warnings and the rule list included, in a worker that had to
import every rule first: 0.8 s of every run on the lab's two CPUs (bench/results/noop_floor.json). The outcome,
warnings and rules included, is kept by content like the gate's verdict, under its own purpose (and strictness) in
the key: an unchanged inventory, code and configuration give the same problems, word for word. Nothing is kept with a
vault password (the gate's rule) or where the gate cannot key its verdict; a cache miss or a damaged entry validates.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import gate_cache
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import Outcome, validate_sources

FIELD = "outcome"


def validate_sources_kept(sources: list[str], strict: bool, vault_secrets, extra_vars, config_file: str | None,
                          vars_plugins) -> Outcome:
    """``validate_sources(sources, skip_undeclared=True, strict=strict, vault_secrets=…)``, from the cache when an
    outcome is kept for the same content."""
    directory = gate_cache.cache_dir(config_file) if not vault_secrets else None
    content_key = None
    if directory is not None:
        try:
            content_key = gate_cache.key(tuple(sources), extra_vars, config_file, vars_plugins,
                                         purpose=f"site_validate strict={bool(strict)}")
        except gate_cache.NotCacheable:
            content_key = None
        else:
            hit, kept = gate_cache.lookup(directory, content_key, field=FIELD)
            if hit:
                try:
                    return Outcome.from_kept(kept)
                except (TypeError, KeyError, ValueError):
                    pass
    outcome = validate_sources(list(sources), skip_undeclared=True, strict=strict, vault_secrets=vault_secrets)
    if content_key is not None:
        gate_cache.store(directory, content_key, outcome.kept(), sources, outcome.outside, field=FIELD)
    return outcome

"""Building a pack leaves the loaded site as it was: the rendering copy (sitedoc.context.rendering_site) shares the
hosts and groups with the loaded site, as the play's filters do, so a view that changed its input would change what
every later page, and the next pack of the same process, reads."""

from __future__ import annotations

import copy

import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitedoc import write_pack
from sitedoc.context import Context


def test_writing_a_pack_changes_nothing_of_the_site(tmp_path):
    site = sites.modified()
    before = copy.deepcopy((declared(site), site.hosts, site.groups))
    vaulted = {k: v for k, v in site.vars.items() if k.startswith("vault_")}
    write_pack(Context("inventories/rcr", site, validate(site)), tmp_path / "pack")
    assert (tmp_path / "pack/topology.md").exists()
    assert (declared(site), site.hosts, site.groups) == before
    assert {k: v for k, v in site.vars.items() if k.startswith("vault_")}.keys() == vaulted.keys()
    assert all(site.vars[k] is v for k, v in vaulted.items())


def declared(site) -> dict:
    """The site's variables but the vault's (comparing those would need the vault password)."""
    return {k: v for k, v in site.vars.items() if not k.startswith("vault_")}

"""The inventories the tests read, each loaded (and validated) once per session: ``site("rcr")``,
``problems("rcr")``, ``modified(...)``.

Loaded sites are shared: a test that changes one works on ``modified()`` (a deep copy).
"""

from __future__ import annotations

import contextlib
import copy
import functools

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitekit_paths import REPO


@functools.cache
def site(inventory: str = "inventories/rcr") -> Site:
    """The site of an inventory directory (relative to the repository), loaded once."""
    return load_site(str(REPO / inventory))


@functools.cache
def problems(inventory: str = "inventories/rcr") -> tuple[Problem, ...]:
    """What validation finds in an inventory (errors and warnings), computed once per session."""
    return tuple(validate(site(inventory)))


def modified(inventory: str = "inventories/rcr", **changes) -> Site:
    """A deep copy of a site with site_* variables or ``host__key`` host facts replaced."""
    base = site(inventory)
    out = Site(copy.deepcopy(base.vars), copy.deepcopy(base.hosts), copy.deepcopy(base.groups), source=base.source)
    for key, value in changes.items():
        if "__" in key:
            host, fact = key.split("__", 1)
            out.hosts[host].vars[fact] = value
        else:
            out.vars[key] = value
    return out


@contextlib.contextmanager
def model_builds(monkeypatch, filter_module, site_: Site):
    """Make ``Site.from_hostvars`` return ``site_`` and record the keyword arguments of each build, with the
    filter module's per-play model cache (``_MODELS``) empty before and after: the list shows how many
    models the filter calls in between built."""
    made: list[dict] = []
    monkeypatch.setattr(Site, "from_hostvars", classmethod(lambda cls, hv, groups, **kw: made.append(kw) or site_))
    filter_module._MODELS.clear()
    try:
        yield made
    finally:
        filter_module._MODELS.clear()

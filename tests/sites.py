"""The inventories the tests read, each loaded (and validated) once per session: ``site("rcr")``,
``problems("rcr")``, ``modified(...)``.

Loaded sites are shared: a test that changes one works on ``modified()`` (a copy of every container).
"""

from __future__ import annotations

import contextlib
import copy
import functools

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Host, Site
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
    """A copy of a site (``copy_of``) with site_* variables or ``host__key`` host facts replaced."""
    out = copy_of(site(inventory))
    for key, value in changes.items():
        if "__" in key:
            host, fact = key.split("__", 1)
            out.hosts[host].vars[fact] = value
        else:
            out.vars[key] = value
    return out


def copy_of(base: Site) -> Site:
    """A site whose every dict, list, set and host is a copy: changing it leaves ``base`` as it was. The values
    in them (strings, numbers: immutable, with the loader's origin tags) are shared; ``copy.deepcopy`` copied
    each tagged string and its tags, a fifth of the unit tests' time."""
    return Site(_containers_copied(base.vars), _containers_copied(base.hosts), _containers_copied(base.groups),
                source=base.source)


def _containers_copied(value):
    if isinstance(value, dict):
        out = copy.copy(value)  # the same type, with its tags
        for key, item in value.items():
            out[key] = _containers_copied(item)
        return out
    if isinstance(value, list):
        out = copy.copy(value)
        out[:] = [_containers_copied(item) for item in value]
        return out
    if isinstance(value, set):
        return copy.copy(value)
    if isinstance(value, tuple):
        return tuple(_containers_copied(item) for item in value)
    if isinstance(value, Host):
        return Host(value.name, _containers_copied(value.vars), list(value.groups), _containers_copied(value.ansible))
    return value


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

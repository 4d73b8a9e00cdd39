"""The one-model-per-play cache the Debian and Windows filters share (plugin_utils/site/play_cache.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible_collections.sitekit.core.plugins.filter import debian as debian_filters
from ansible_collections.sitekit.core.plugins.filter import windows as windows_filters
from ansible_collections.sitekit.core.plugins.plugin_utils.site.play_cache import PlayModels

sys.path.insert(0, str(Path(__file__).resolve().parent))
import view_vars  # noqa: E402


@pytest.fixture(scope="module")
def play():
    return view_vars.play_vars("inventories/lab")


def test_one_model_per_play_rebuilt_when_the_play_changes(play):
    hostvars, groups = play
    models = PlayModels(debian_filters.SITE_VARS)
    first = models.site(hostvars, groups)
    assert models.site(hostvars, {g: list(m) for g, m in groups.items()}) is first  # same play: built once
    assert models.site(dict(hostvars), groups) is not first  # another play's hostvars
    again = models.site(hostvars, groups)
    grown = {**groups, "added_by_group_by": [groups["all"][0]]}
    assert models.site(hostvars, grown) is not again  # membership changed inside the play
    models.clear()
    assert models.site(hostvars, grown) is not again


def test_debian_and_windows_filters_share_the_one_cache():
    assert isinstance(debian_filters._MODELS, PlayModels) and isinstance(windows_filters._MODELS, PlayModels)
    assert debian_filters._MODELS.site_keys == tuple(debian_filters.SITE_VARS)
    assert windows_filters._MODELS.site_keys == tuple(windows_filters.SITE_VARS)
    for module in (debian_filters, windows_filters):
        assert "_CACHE" not in vars(module)

"""The one parser of IOS VLAN lists (module_utils/ios_vlans.py), used by ios_validate and the push.

Grammar of the Catalyst 2960-X command reference (``switchport trunk``): a vlan-list, ``all``, ``none``,
``add``/``remove``/``except`` vlan-list; ``show running-config`` continues a long list with ``add`` lines.
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import (
    ALL_VLANS,
    allowed_vlans,
    trunk_allowed,
    vlan_ids,
    vlan_list,
)

EVERY = set(range(1, 4095))


@pytest.mark.parametrize("lines,expected", [
    ([], EVERY),  # no line: a trunk allows every VLAN
    (["none"], set()),
    (["all"], EVERY),
    (["10"], {10}),
    (["10,20-22,40"], {10, 20, 21, 22, 40}),
    (["1-4094"], EVERY),
    (["10,20", "add 30,40"], {10, 20, 30, 40}),  # a long list as show running-config continues it
    (["10,20", "add 30-32", "add 4000"], {10, 20, 30, 31, 32, 4000}),
    (["none", "add 30"], {30}),
    (["10-20", "remove 11-19"], {10, 20}),
    (["except 2-4094"], {1}),
    (["10", "all"], EVERY),
    (["10", "none"], set()),
], ids=lambda v: " / ".join(v) if isinstance(v, list) else None)
def test_the_allowed_vlans_of_a_trunk(lines, expected):
    assert allowed_vlans(lines) == expected


@pytest.mark.parametrize("argument", [
    "", "forty", "10,", ",10", "0", "4095", "20-10", "010", "10 20", "10-20-30", "10;20", "add", "add none",
    "remove all", "except", "ALL", "1 -5",
])
def test_what_is_no_vlan_list_is_refused_with_the_text(argument):
    with pytest.raises(ValueError, match=r"VLAN|IOS takes") as refused:
        trunk_allowed(argument)
    assert repr(argument.split()[-1] if argument.split() else argument) in str(refused.value) \
        or repr(argument) in str(refused.value)


def test_a_range_and_its_printed_form_are_inverse():
    for ids in ({10}, {10, 11}, {10, 11, 12}, {1, 3, 5, 100, 101, 102, 103, 4094}):
        assert vlan_ids(vlan_list(ids)) == ids
    assert vlan_list(ALL_VLANS) == "1-4094"

"""The network tier read back with `show running-config` on every simulated device: nothing left to push."""

from __future__ import annotations

import pytest
import readback
from context import site

DEVICES = sorted(site().groups.get("cisco_switches", []) + site().groups.get("cisco_routers", []))


@pytest.mark.parametrize("host", DEVICES)
def test_running_config_is_the_rendered_one(host):
    assert readback.device_pending(host) == []

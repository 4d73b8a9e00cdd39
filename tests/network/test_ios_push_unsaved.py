"""The unsaved-config check of a push with nothing to send (module_utils/ios_push.py ``_unsaved``), on IOS's own
texts: ``show running-config`` opens with ``Building configuration...``, ``Current configuration : N bytes`` and
top-level comments (``! Last configuration change at …``, ``! NVRAM config last updated at …``), ``show
startup-config`` with ``Using N out of M bytes``. A startup-config equal to the running-config after that header
is saved without parsing either (the no-op's usual case, every device of every run); any other difference is
still compared in the push's scope."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.module_utils import ios_push, ios_remediation

BODY = """version 15.2
!
hostname sw-1
!
vlan 10
 name USERS
!
interface GigabitEthernet1/0/1
 switchport access vlan 10
!
banner login ^CAuthorised access only^C
!
end
"""
RUNNING = ("Building configuration...\n\nCurrent configuration : 210 bytes\n!\n"
           "! Last configuration change at 09:12:40 UTC Wed Dec 2 2026 by netadmin\n"
           "! NVRAM config last updated at 09:12:44 UTC Wed Dec 2 2026 by netadmin\n!\n" + BODY)
STARTUP = ("Using 210 out of 524288 bytes\n!\n"
           "! Last configuration change at 09:12:40 UTC Wed Dec 2 2026 by netadmin\n"
           "! NVRAM config last updated at 09:12:44 UTC Wed Dec 2 2026 by netadmin\n!\n" + BODY)
POLICY = ios_remediation.Policy([r"^vlan ", r"^interface "], [], [])


class Device:
    """Answers ``show startup-config`` as IOS does (CRLF line ends, as over SSH)."""

    def __init__(self, startup: str):
        self.startup = startup

    def show(self, command: str) -> str:
        assert command == "show startup-config"
        return self.startup.replace("\n", "\r\n")


@pytest.fixture
def parses(monkeypatch):
    """How many configurations hier_config parses."""
    count = []
    real = ios_remediation._parse
    monkeypatch.setattr(ios_remediation, "_parse", lambda text, drv: count.append(1) or real(text, drv))
    return count


def test_a_saved_device_is_known_saved_without_parsing(parses):
    assert not ios_push._unsaved(Device(STARTUP), RUNNING, POLICY)
    assert parses == []


@pytest.mark.parametrize("startup", [
    STARTUP.replace("! Last configuration change at 09:12:40", "! Last configuration change at 08:00:00"),
    STARTUP.replace("! NVRAM config last updated at 09:12:44 UTC Wed Dec 2 2026 by netadmin\n", ""),
    "Using 210 out of 524288 bytes\n" + BODY,
    STARTUP.rstrip("\n") + "\n\n\n",
], ids=["older-change-comment", "no-nvram-comment", "no-comments", "trailing-blank-lines"])
def test_the_header_never_counts(parses, startup):
    assert not ios_push._unsaved(Device(startup), RUNNING, POLICY)
    assert parses == []


def test_a_difference_out_of_scope_is_compared_in_scope(parses):
    """hostname is not in the policy's families: different text, same scope, not unsaved (hier_config decides)."""
    assert not ios_push._unsaved(Device(STARTUP.replace("hostname sw-1", "hostname old")), RUNNING, POLICY)
    assert len(parses) == 2


@pytest.mark.parametrize("change", [
    (" name USERS\n", " name STAFF\n"),
    (" switchport access vlan 10\n", ""),
    ("banner login ^CAuthorised access only^C\n", "banner login ^C! Last configuration change at noon^C\n"),
], ids=["renamed-vlan", "removed-line", "banner"])
def test_a_difference_in_scope_is_unsaved(parses, change):
    policy = ios_remediation.Policy([], [], []) if "banner" in change[0] else POLICY
    assert ios_push._unsaved(Device(STARTUP.replace(*change)), RUNNING, policy)
    assert len(parses) == 2

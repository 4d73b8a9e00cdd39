"""ios_ssh.Session.show reads up to the exec prompt it knows, without netmiko's prompt probe.

netmiko's send_command without an expect_string first runs find_prompt (two buffer clears and a 0.25 s wait):
~0.45 s for each of the 3-4 commands of a no-op push. The pattern given instead must end a read only at the prompt
alone on the last line, never at a line of output that holds the device's name."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sitekit.core.plugins.module_utils import ios_ssh


class Conn:
    """netmiko's connection as show() uses it; the prompt probe fails the test."""

    base_prompt = "sw-bp-1"

    def __init__(self):
        self.calls = []

    def send_command(self, command, **kwargs):
        self.calls.append((command, kwargs))
        if not kwargs.get("expect_string"):
            self.find_prompt()
        return "hostname sw-bp-1\n"

    def find_prompt(self):
        raise AssertionError("show() made netmiko probe the prompt")


def session() -> ios_ssh.Session:
    return ios_ssh.Session("sw-bp-1", "127.0.0.1", conn=Conn())


def test_show_gives_the_prompt_and_does_not_probe_it():
    s = session()
    assert s.show("show running-config") == "hostname sw-bp-1\n"
    (command, kwargs), = s.conn.calls
    assert command == "show running-config" and kwargs["expect_string"]


@pytest.mark.parametrize(("output", "ends"), [
    ("interface Vlan10\n ip address 10.0.10.2 255.255.255.0\nsw-bp-1#", True),
    ("sw-bp-1#", True),
    ("Building configuration...\r\nsw-bp-1#  ", True),
    ("sw-bp-1>", True),
    ("hostname sw-bp-1", False),                       # the name inside the configuration
    ("hostname sw-bp-1\n", False),
    ("banner motd ^C\nsw-bp-1#reserved\n", False),     # the prompt text followed by more output
    (" description uplink to sw-bp-1#", False),        # not at the start of a line
    ("sw-bp-10#", False),                              # another device's prompt
    ("sw-bp-1(config)#", False),                       # show is read in exec mode only
])
def test_the_read_ends_at_the_prompt_alone(output, ends):
    assert bool(re.search(session()._exec_prompt(), output)) is ends

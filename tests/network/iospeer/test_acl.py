"""Standard access lists as IOS 15.x takes and prints them (cmd_acl.py, render.py): host entries first, and no host
entry after a range (or ``any``) that already matches it."""

from __future__ import annotations

HELD = (
    "% Access rule can't be configured at higher sequence num as it is part of the existing rule at sequence num {}\n"
)


def test_a_host_after_a_range_that_holds_it_is_refused(switch):
    switch(
        "access-list 10 permit host 10.10.1.10",
        "access-list 10 deny 10.10.3.0 0.0.0.255",
        "access-list 10 permit 10.10.2.0 0.0.0.255",
    )
    assert switch("access-list 10 permit host 10.10.2.20") == HELD.format(30)
    switch("ip access-list standard MGMT", "permit 10.0.20.0 0.0.0.255", "deny any log")
    assert switch("permit 10.0.10.80") == HELD.format(20)
    assert switch("permit host 10.0.20.5") == HELD.format(10)
    assert switch.block("ip access-list standard MGMT") == ["permit 10.0.20.0 0.0.0.255", "deny   any log"]
    assert "access-list 10 permit 10.10.2.20" not in switch.running()


def test_host_entries_print_before_range_entries(switch):
    assert switch("access-list 10 deny 10.10.3.0 0.0.0.255", "access-list 10 permit host 10.10.1.10") == ""
    assert [x for x in switch.running().splitlines() if x.startswith("access-list 10 ")] == [
        "access-list 10 permit 10.10.1.10",
        "access-list 10 deny   10.10.3.0 0.0.0.255",
    ]
    assert (
        switch("ip access-list standard MGMT", "permit 10.0.20.0 0.0.0.255", "deny any log", "5 permit 10.0.20.5") == ""
    )  # a lower sequence number than the range's
    assert switch.block("ip access-list standard MGMT") == [
        "permit 10.0.20.5",
        "permit 10.0.20.0 0.0.0.255",
        "deny   any log",
    ]

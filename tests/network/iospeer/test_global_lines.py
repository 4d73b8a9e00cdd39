"""Global lines that take IOS's arguments only (cmd_system.py): port-channel load-balance, errdisable recovery, clock
timezone and clock summer-time."""

from __future__ import annotations

from .grammar import INCOMPLETE, INVALID


def _global(switch, prefix: str) -> list[str]:
    return [x for x in switch.running().splitlines() if x.startswith(prefix)]


def test_load_balance_and_errdisable_recovery_refuse_other_words(switch):
    for line in (
        "port-channel load-balance src-dst-port",
        "port-channel load-balance src-ip foo",
        "errdisable recovery cause banana",
        "errdisable recovery interval 29",
        "errdisable recovery interval 86401",
        "errdisable recovery whenever",
    ):
        assert INVALID in switch(line), line
    assert switch("port-channel load-balance") == INCOMPLETE + "\n"
    assert _global(switch, "port-channel") == _global(switch, "errdisable") == []


def test_load_balance_and_errdisable_recovery_as_the_role_renders_them(switch):
    assert (
        switch(
            "errdisable recovery cause bpduguard",
            "errdisable recovery cause storm-control",
            "errdisable recovery interval 300",
            "port-channel load-balance src-dst-ip",
        )
        == ""
    )
    assert _global(switch, "errdisable") == [
        "errdisable recovery cause bpduguard",
        "errdisable recovery cause storm-control",
        "errdisable recovery interval 300",
    ]
    switch("no errdisable recovery cause bpduguard", "port-channel load-balance dst-mac")
    assert _global(switch, "errdisable recovery cause") == ["errdisable recovery cause storm-control"]
    assert _global(switch, "port-channel") == ["port-channel load-balance dst-mac"]


def test_clock_lines_refuse_what_ios_refuses(router):
    for line in (
        "clock timezone CET 24",
        "clock timezone CET one 0",
        "clock timezone CET 1 60",
        "clock summer-time CEST whenever",
        "clock summer-time CEST recurring 5 Sun Mar 2:00 last Sun Oct 3:00",  # week 1-4 (cfg_clock.h)
        "clock summer-time CEST recurring 0 Sun Mar 2:00 last Sun Oct 3:00",
        "clock summer-time CEST recurring last Sun Mar 2:00 5 Sun Oct 3:00",
        "clock summer-time CEST recurring last Sun Mar 25:00 last Sun Oct 3:00",
        "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00 1441",
        "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00 60 extra",
        "clock summer-time CEST date 31 Mar 2040 2:00 27 Oct 2040 3:00",
    ):
        assert INVALID in router(line), line
    assert router("clock summer-time CEST recurring last Sun Mar 2:00") == INCOMPLETE + "\n"
    assert _global(router, "clock") == []


def test_clock_lines_as_the_role_renders_them(router):
    assert (
        router("clock timezone CET 1 0", "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00") == ""
    )
    assert _global(router, "clock") == [
        "clock timezone CET 1 0",
        "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00",
    ]
    assert (
        router(
            "clock timezone EST -5", "clock summer-time EDT recurring 2 Sunday March 02:00 first Sun November 2:00 90"
        )
        == ""
    )
    assert _global(router, "clock summer-time") == [
        "clock summer-time EDT recurring 2 Sun Mar 2:00 first Sun Nov 2:00 90"
    ]
    assert router("clock summer-time EDT recurring 4 Sun Mar 2:00 4 Sun Oct 3:00") == ""
    assert _global(router, "clock summer-time") == ["clock summer-time EDT recurring 4 Sun Mar 2:00 4 Sun Oct 3:00"]
    assert (
        router("clock summer-time EDT recurring", "clock summer-time EDT date 10 Mar 2030 2:00 Nov 3 2030 2:00") == ""
    )
    assert _global(router, "clock") == [
        "clock timezone EST -5 0",
        "clock summer-time EDT date 10 Mar 2030 2:00 Nov 3 2030 2:00",
    ]


def test_errdisable_recovery_takes_the_l2pt_guard_cause(switch):
    """A 2960's `show errdisable recovery` lists l2ptguard among the causes (cmd_system._ERRDISABLE_CAUSES)."""
    assert switch("errdisable recovery cause l2ptguard") == ""
    assert _global(switch, "errdisable") == ["errdisable recovery cause l2ptguard"]

"""Startup vs running, reload, archive, configure replace, Rollback Confirmed Change (rollback.py)."""

from __future__ import annotations

import time

from .peer import IosPeer
from .platform import isr1941


def _peer(minute: float = 60.0) -> IosPeer:
    peer = IosPeer("rt", isr1941(), minute=minute).boot()
    peer.configure("hostname rt", "archive", " path flash:rt", " exit")
    peer.show("write memory")
    return peer


def test_write_memory_saves_and_a_reload_loses_what_was_not_saved():
    peer = _peer()
    assert peer.show("write memory") == "Building configuration...\n[OK]"
    peer.configure("hostname unsaved")
    assert "hostname unsaved" not in peer.show("show startup-config")
    peer.reload()
    assert "\nhostname rt\n" in peer.running_config()
    peer.configure("hostname saved")
    peer.show("write memory")
    peer.reload()
    assert "\nhostname saved\n" in peer.running_config()


def test_revert_timer_needs_the_archive():
    peer = IosPeer("rt", isr1941()).boot()
    assert peer.show("configure terminal revert timer 5") == \
        "%Turn config archive on before using Rollback Confirmed Change\n"
    assert peer.show("show archive") == " Archive feature not enabled"


def test_an_unconfirmed_change_is_rolled_back_when_the_timer_ends():
    peer = _peer(minute=0.2)
    cli = peer.device and __import__("iospeer.cli", fromlist=["Cli"]).Cli(peer.device, "ops")
    cli.execute("configure terminal revert timer 1")
    cli.execute("hostname changed")
    cli.execute("end")
    assert "Timer value: 1 min" in peer.show("show archive config rollback timer")
    assert "\nhostname changed\n" in peer.running_config()
    time.sleep(0.5)
    assert "\nhostname rt\n" in peer.running_config()
    assert peer.show("show archive config rollback timer") == "%No Rollback Confirmed Change pending"


def test_a_confirmed_change_stays():
    peer = _peer(minute=0.2)
    from .cli import Cli
    cli = Cli(peer.device, "ops")
    cli.execute("configure terminal revert timer 1")
    cli.execute("hostname changed")
    cli.execute("end")
    assert cli.execute("configure confirm") == ""
    time.sleep(0.5)
    assert "\nhostname changed\n" in peer.running_config()
    assert cli.execute("configure confirm") == "%No Rollback Confirmed Change pending\n"


def test_configure_replace_removes_what_the_file_lacks_and_keeps_built_in_interfaces():
    peer = _peer()
    peer.configure("interface Loopback0", "ip address 10.9.9.9 255.255.255.255", "exit",
                   "ip route 0.0.0.0 0.0.0.0 192.0.2.1")
    peer.device.files["flash:base.cfg"] = peer.device.startup
    answer = peer.show("configure replace flash:base.cfg force")
    assert answer.endswith("Total number of passes: 1\nRollback Done")
    running = peer.running_config()
    assert "Loopback0" not in running and "ip route" not in running
    assert "\ninterface GigabitEthernet0/0\n" in running and "\ninterface Embedded-Service-Engine0/0\n" in running


def test_configure_replace_of_a_missing_file_is_refused():
    peer = _peer()
    assert peer.show("configure replace flash:nope.cfg force") == "%Error opening flash:nope.cfg (File not found)\n"

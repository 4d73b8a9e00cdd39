"""Object tracking and GLBP weighting (cmd_routing.py, cmd_interface.py): a refused and an accepted case each."""

from __future__ import annotations

from .grammar import INCOMPLETE, INVALID


def test_tracking_an_existing_interface_enters_its_mode_and_prints_before_the_interfaces(router):
    assert router("track 1 interface GigabitEthernet0/1 line-protocol") == ""
    assert router.cli.prompt() == "Router(config-track)#"
    running = router.running()
    assert "\ntrack 1 interface GigabitEthernet0/1 line-protocol\n" in running
    assert running.index("track 1 interface") < running.index("interface Embedded-Service-Engine0/0")
    assert router("no track 1") == "" and "track 1" not in router.running()


def test_tracking_an_interface_the_router_does_not_have_is_refused(router, switch):
    assert INVALID in router("track 2 interface GigabitEthernet0/9 line-protocol")
    assert INVALID in switch("track 2 interface GigabitEthernet1/0/1 line-protocol")  # not on a LAN Base 2960
    assert "track 2" not in router.running()


def test_glbp_weighting_thresholds_are_printed_whole_and_tracks_come_last(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "glbp 10 ip 10.0.10.1")
    assert router("glbp 10 weighting track 1 decrement 10", "glbp 10 weighting 100 lower 95 upper 98",
                  "glbp 10 priority 150", "glbp 10 preempt") == ""
    assert router.block("interface GigabitEthernet0/0.10") == [
        "encapsulation dot1Q 10", "glbp 10 ip 10.0.10.1", "glbp 10 priority 150", "glbp 10 preempt",
        "glbp 10 weighting 100 lower 95 upper 98", "glbp 10 weighting track 1 decrement 10"]
    router("glbp 10 weighting 100")  # the defaults again: not printed, the track stays
    assert router.block("interface GigabitEthernet0/0.10")[-1] == "glbp 10 weighting track 1 decrement 10"
    assert "glbp 10 weighting 100" not in router.running()


def test_glbp_thresholds_out_of_order_are_refused(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10")
    assert INVALID in router("glbp 10 weighting 100 lower 99 upper 95")
    assert INVALID in router("glbp 10 weighting 90 lower 50 upper 95")
    assert "weighting" not in router.running()


def test_each_tracked_object_has_its_own_weighting_line(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "glbp 10 ip 10.0.10.1")
    assert router("glbp 10 weighting track 2 decrement 20", "glbp 10 weighting track 1 decrement 30") == ""
    assert router.block("interface GigabitEthernet0/0.10")[-2:] == [
        "glbp 10 weighting track 1 decrement 30", "glbp 10 weighting track 2 decrement 20"]
    assert router("no glbp 10 weighting track 1") == ""
    assert router.block("interface GigabitEthernet0/0.10")[-1] == "glbp 10 weighting track 2 decrement 20"
    assert "weighting track 1" not in router.running()


def test_a_weighting_track_line_ios_does_not_parse_is_refused(router):
    router("interface GigabitEthernet0/0.10", "encapsulation dot1Q 10", "glbp 10 ip 10.0.10.1")
    for line in ("glbp 10 weighting track bogus", "glbp 10 weighting track 1 decrement 999",
                 "glbp 10 weighting track 1001", "glbp 10 weighting track 1 decrement"):
        answer = router(line)
        assert INVALID in answer or answer == INCOMPLETE + "\n", line
    assert "weighting track" not in router.running()

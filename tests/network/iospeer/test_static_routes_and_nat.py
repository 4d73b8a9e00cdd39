"""Static routes and NAT rules on a 1941 (cmd_routing.py): IOS's arguments in IOS's order, nothing after them."""

from __future__ import annotations

from .grammar import INCOMPLETE, INVALID


def _global(router, prefix: str) -> list[str]:
    return [x for x in router.running().splitlines() if x.startswith(prefix)]


def test_malformed_routes_and_nat_rules_are_refused(router):
    assert router("ip route 10.1.0.0 255.255.0.0 192.0.2.4 name") == INCOMPLETE + "\n"
    for line in (
        "ip route 10.1.0.0 255.255.0.0 192.0.2.4 tag foo",
        "ip route 10.1.0.0 255.255.0.0 192.0.2.4 256",
        "ip route 10.1.0.0 255.255.0.0 192.0.2.4 permanent track 5",
        "ip route 10.1.0.0 255.255.0.0 192.0.2.4 dhcp",
        "ip nat inside source list 100 interface Gi0/1 overload foo bar",
        "ip nat inside source static 1.1.1.1 2.2.2.2 bogus words",
        "ip nat inside source static tcp 10.0.0.5 70000 interface Gi0/1 8080",
    ):
        assert INVALID in router(line), line
    assert _global(router, "ip route") == _global(router, "ip nat") == []


def test_routes_and_nat_rules_in_their_real_forms_are_taken(router):
    assert (
        router(
            "ip route 0.0.0.0 0.0.0.0 GigabitEthernet0/1 dhcp",  # a C891F 15.4(3)M3's form
            "ip route 10.1.0.0 255.255.0.0 Gi0/1 192.0.2.4 5 name BACKUP track 3 tag 7",
            "ip nat inside source list 100 interface gi 0/1 overload",
            "ip nat inside source static tcp 10.0.0.5 80 interface Gi0/1 8080 extendable",
        )
        == ""
    )
    assert _global(router, "ip route") == [
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet0/1 dhcp",
        "ip route 10.1.0.0 255.255.0.0 GigabitEthernet0/1 192.0.2.4 5 name BACKUP track 3 tag 7",
    ]
    assert _global(router, "ip nat") == [
        "ip nat inside source list 100 interface GigabitEthernet0/1 overload",
        "ip nat inside source static tcp 10.0.0.5 80 interface GigabitEthernet0/1 8080 extendable",
    ]

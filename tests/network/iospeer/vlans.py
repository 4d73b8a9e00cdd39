"""The VLAN database (flash:vlan.dat) and VTP, as a 2960 keeps them.

* VLANs 1 and 1002-1005 always exist and cannot be deleted ("%Default VLAN 1 may not be
  deleted.", transcript in code-corpus file 7909830844).
* In VTP server (the default) or client mode the VLANs live only in vlan.dat: the
  running-config does not list them, ``show vlan brief`` does; in transparent mode they
  are also printed in the running-config with ``vtp mode transparent``.
* VTP versions 1/2 in server/client mode refuse the extended range 1006-4094 when the
  VLAN sub-mode is left ("% Failed to create VLANs 1006 / Extended VLAN(s) not allowed in
  current VTP mode. / %Failed to commit extended VLAN(s) changes.", transcript in
  code-corpus file 10325364645).
* vlan.dat survives reloads and is not part of startup-config or of a configure replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RESERVED = {1002: "fddi-default", 1003: "token-ring-default", 1004: "fddinet-default", 1005: "trnet-default"}


def default_name(vid: int) -> str:
    return "default" if vid == 1 else f"VLAN{vid:04d}"


@dataclass
class VlanDb:
    vlans: dict[int, str] = field(default_factory=lambda: {1: "default", **RESERVED})
    mode: str = "server"
    domain: str = ""
    revision: int = 0

    def user_vlans(self) -> dict[int, str]:
        return {v: n for v, n in sorted(self.vlans.items()) if v != 1 and v not in RESERVED}

    def commit(self, pending: dict[int, str | None]) -> list[str]:
        """Apply what a `vlan` sub-mode set (name or None for a default name); messages."""
        ids = sorted(pending)
        extended = [v for v in ids if v >= 1006]
        if extended and self.mode in ("server", "client"):
            listed = ",".join(str(v) for v in extended)
            return [f"% Failed to create VLANs {listed}", "Extended VLAN(s) not allowed in current VTP mode.",
                    "%Failed to commit extended VLAN(s) changes."]
        for vid in ids:
            name = pending[vid]
            if vid in RESERVED or vid == 1:
                continue
            self.vlans[vid] = name if name else self.vlans.get(vid, default_name(vid))
        self.revision += 1 if self.mode == "server" else 0
        return []

    def delete(self, ids: list[int]) -> str | None:
        for vid in ids:
            if vid == 1 or vid in RESERVED:
                return f"%Default VLAN {vid} may not be deleted."
        for vid in ids:
            self.vlans.pop(vid, None)
        self.revision += 1 if self.mode == "server" else 0
        return None

"""sitekit.core.ios_remediate, scenario by scenario against the IOS peer over SSH (the lab's sw-stock,
booted in its intended state, with the push scope the site model gives it).

Each row: what the device has (``drift``: lines typed on it before), the intended configuration and
arguments, check mode, and what must come out: failed (and the message), changed, the lines sent,
and whether the device received any configuration line (``writes``) and still has its configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import netlab
import pytest

pytestmark = pytest.mark.integration  # runs the IOS peer

HOST = "sw-stock"
RENAMED = ("vlan 40\n name UTILISATEURS\n", "vlan 40\n name USERS\n")    # a user VLAN's name
MGMT_RENAMED = ("vlan 20\n name ADMIN-RESEAU\n", "vlan 20\n name MGMT\n")   # the management VLAN's name
NOWHERE = "interface GigabitEthernet7/0/1\n description nowhere\n!\n"  # a port the stack does not have
# A user port turned into an access point's trunk: its allowed list goes before `switchport mode trunk`, so the port
# never trunks every VLAN (ios_driver ORDERING)
TO_TRUNK = ("interface GigabitEthernet1/0/1\n description users\n switchport access vlan 40\n switchport mode access\n",
            "interface GigabitEthernet1/0/1\n description ap\n switchport trunk allowed vlan 20,40\n switchport mode trunk\n")


@dataclass(frozen=True)
class Row:
    id: str
    intended: Callable[[str], str] = lambda text: text
    args: dict | None = None
    drift: tuple = ()              # configuration lines typed on the device before the run
    check: bool = False
    changed: bool | None = None    # None: the row fails
    commands: list | None = None   # exactly the lines sent (or that would be)
    failed: str | None = None      # regex the message must match
    writes: bool | None = False    # whether the device receives configuration lines (None: a rollback resets the log)
    running: Callable[[str], str] | None = None   # running-config after, from the one before (None: unchanged)
    diff_after: str | None = None  # a line the diff's "after" shows

    def param(self):
        return pytest.param(self, id=self.id)


def _body(text: str) -> str:
    """A running-config without its header (the peer prints the time of the last change there)."""
    return text.split("\nversion", 1)[1]


ROWS = [
    Row("noop", changed=False, commands=[]),
    Row("noop-check", check=True, changed=False, commands=[]),
    Row("drift", drift=("vlan 40", "name USERS"), changed=True, commands=["vlan 40", " name UTILISATEURS", " exit"],
        writes=True, running=lambda before: before.replace(*reversed(RENAMED))),
    Row("drift-check", drift=("vlan 40", "name USERS"), check=True, changed=True,
        commands=["vlan 40", " name UTILISATEURS", " exit"]),
    Row("change", intended=lambda t: t.replace(*RENAMED), changed=True, commands=["vlan 40", " name USERS", " exit"],
        writes=True, running=lambda before: before.replace(*RENAMED)),
    Row("change-check", intended=lambda t: t.replace(*RENAMED), check=True, changed=True,
        commands=["vlan 40", " name USERS", " exit"], diff_after="vlan 40\n name USERS\n"),
    Row("management-change-refused", intended=lambda t: t.replace(*MGMT_RENAMED),
        failed=r"^sw-stock: management-path change refused .* \['vlan 20 / name ADMIN-RESEAU'\].*; nothing was applied$"),
    Row("management-change-allowed", intended=lambda t: t.replace(*MGMT_RENAMED), args={"allow_management_change": True},
        changed=True, commands=["vlan 20", " name MGMT", " exit"], writes=True,
        running=lambda before: before.replace(*MGMT_RENAMED)),
    Row("access-port-to-trunk", intended=lambda t: t.replace(*TO_TRUNK), changed=True, writes=True,
        commands=["interface GigabitEthernet1/0/1", " switchport trunk allowed vlan 20,40", " switchport mode trunk",
                  " no switchport access vlan 40", " description ap", " exit"],
        running=lambda before: before.replace(*TO_TRUNK)),
    Row("refused-line-rolled-back", intended=lambda t: t + NOWHERE, writes=None,
        failed=r"^sw-stock: line refused at line 'interface GigabitEthernet7/0/1'.*rolled back.*nothing saved"),
    Row("excluded-intended-line-refused", args={"exclude": ["^hostname "]},
        failed=r"^sw-stock: the intended configuration has lines the push would leave out \(exclude\): \['hostname sw-stock'\]$"),
    Row("rollback-minutes-refused", args={"rollback_minutes": 0},
        failed=r"^sw-stock: rollback_minutes must be 1-120 \(IOS revert timer\)$"),
]


def _as_module(args: dict, check: bool) -> dict:
    return netlab.run_module(netlab.ios_remediate, {**args, "_ansible_diff": True, "_ansible_check_mode": check})


def _as_action(args: dict, check: bool) -> dict:
    """The action plugin site.yml runs (plugins/action/ios_remediate.py): the same run() inside Ansible's worker."""
    from ansible_collections.sitekit.core.plugins.action.ios_remediate import module_result

    return module_result(args, check_mode=check, diff=True)


@pytest.mark.parametrize("run", [_as_module, _as_action], ids=["module", "action"])
@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_ios_remediate(lab_site, lab_configs, row, run):
    peer = netlab.correct(lab_site, lab_configs, HOST)
    try:
        if row.drift:
            peer.configure(*row.drift)
            peer.device.history.clear()
        before = peer.running_config()
        args = {**peer.connection(), "name": HOST, "host_key_checking": False,
                "intended_config": row.intended(lab_configs[HOST]),
                **netlab.intents(lab_site)[HOST]["push"], **(row.args or {})}
        result = run(args, row.check)
        if row.failed:
            assert result.get("failed") and re.search(row.failed, result["msg"], re.S), result.get("msg")
            if result.get("failed_line"):  # what the device took before the refused line, then undid
                sent = [c.strip() for c in result["commands"]]
                assert result["applied"] == sent[:sent.index(result["failed_line"])]
        else:
            assert not result.get("failed"), result.get("msg")
            assert result["changed"] is row.changed and result["saved"] is (row.changed and not row.check)
            assert result["applied"] == ([] if row.check else [c.strip() for c in result["commands"]])
        if row.diff_after:
            assert row.diff_after in result["diff"]["after"]
        if row.commands is not None:
            assert result["commands"] == row.commands
        if row.writes is not None:
            assert bool(peer.device.history) is row.writes, peer.device.history
        after = peer.running_config()
        assert _body(after) == _body(row.running(before) if row.running else before)
    finally:
        peer.stop()

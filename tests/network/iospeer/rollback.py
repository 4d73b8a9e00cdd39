"""Configuration archive, ``configure replace`` and Rollback Confirmed Change.

From the Cisco "Configuration Replace and Configuration Rollback" and "Configuration
Rollback Confirmed Change" guides, and napalm-automation/napalm napalm/ios/ios.py
(commit_config, _get_pending_commits, confirm_commit, rollback):
* ``configure terminal revert timer <1-120>`` (or ``idle <1-120>``) needs ``archive`` /
  ``path``, else "%Turn config archive on before using Rollback Confirmed Change"; it
  archives the running-config, and rolls back to it when the timer ends without
  ``configure confirm`` (an idle timer restarts on every command of its session);
  losing the session does not roll back at once: the timer does;
* ``configure confirm`` / ``configure revert now`` / ``show archive config rollback timer``
  ("Timer value: N min", "User: X"; "%No Rollback Confirmed Change pending");
* ``configure replace URL [force]`` replaces the running-config with the file: what is
  only in the running-config is removed, built-in interfaces are reset, not deleted.
  vlan.dat (VTP server VLANs), SNMPv3 users and RSA keys are not part of a configuration
  file and are left as they are.
"""

from __future__ import annotations

import threading
import time

from . import factory
from .device import Revert
from .loader import apply_text
from .render import config_lines


def archive_path(device) -> str | None:
    archive = device.root.find(lambda n: n.text == "archive")
    path = archive.find("path") if archive else None
    return path.text.split(None, 1)[1] if path else None


def archived(device) -> list[str]:
    path = archive_path(device)
    return sorted((name for name in device.files if path and name.startswith(_base(device, path))),
                  key=lambda n: int(n.rsplit("-", 1)[1]))


def _base(device, path: str) -> str:
    return path.replace("$h", device.hostname).split("$t")[0]


def archive_config(device) -> str:
    """Write the running-config to the next archive file; its name."""
    path = archive_path(device)
    stamp = time.strftime("%b-%d-%H-%M-%S", time.gmtime()).replace("-0", "--", 1) + ".000"
    name = path.replace("$h", device.hostname).replace("$t", stamp) + f"-{len(archived(device))}"
    device.files[name] = "\n".join(config_lines(device)) + "\n"
    return name


def replace(device, text: str) -> list[str]:
    """configure replace: the device runs ``text``; vlan.dat, SNMP users, keys stay."""
    keep = (device.vlans, device.snmp_users, device.rsa_key)
    transparent = device.vlans.mode in ("transparent", "off")
    factory.reset(device)
    device.vlans, device.snmp_users, device.rsa_key = keep
    if transparent:
        for vid in list(device.vlans.user_vlans()):
            device.vlans.vlans.pop(vid)
    refused = apply_text(device, text, strict=False)
    return [f"{line}\n{message}" for line, message in refused] + ["Total number of passes: 1", "Rollback Done"]


def arm(device, minutes: int, user: str, idle: bool) -> None:
    if device.revert is None:
        name = archive_config(device)
        device.revert = Revert(name, minutes, user, idle, time.time(), 0.0)
    device.revert.minutes, device.revert.idle = minutes, idle
    restart(device)


def restart(device) -> None:
    revert = device.revert
    if revert.timer:
        revert.timer.cancel()
    revert.deadline = time.time() + revert.minutes * device.minute
    revert.timer = threading.Timer(revert.minutes * device.minute, fire, args=(device, revert))
    revert.timer.daemon = True
    revert.timer.start()


def confirm(device) -> bool:
    if device.revert is None:
        return False
    device.revert.timer.cancel()
    device.revert = None
    return True


def fire(device, revert: Revert | None = None) -> list[str]:
    """Roll back to the archive taken when the timer was armed."""
    with device.lock:
        current = device.revert
        if current is None or (revert is not None and current is not revert):
            return []
        current.timer.cancel()
        device.revert = None
        out = replace(device, device.files[current.archive])
        device.touched("rollback")
        if getattr(device, "on_rollback", None):
            device.on_rollback()
        return out


def show_timer(device) -> str:
    revert = device.revert
    if revert is None:
        return "%No Rollback Confirmed Change pending"
    left = max(0, int((revert.deadline - time.time()) / device.minute))
    configured = time.strftime("%H:%M:%S UTC %a %b %d %Y", time.gmtime(revert.started))
    return "\n".join([f"Time configured(or reset)  : {configured}",
                      f"Timer type: {'Idle' if revert.idle else 'Revert'} timer",
                      f"Timer value: {revert.minutes} min", f"Time remaining: {left} min", f"User: {revert.user}"])

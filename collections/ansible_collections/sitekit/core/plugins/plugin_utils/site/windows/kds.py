"""Group managed service accounts wait for the KDS root key: when a run may create them, and until when not.

Domain controllers use a KDS root key only 10 hours after its effective time, so that every DC has it
by replication; before that, creating a gMSA fails ("Key does not exist"). Microsoft's procedure:
https://learn.microsoft.com/windows-server/security/group-managed-service-accounts/create-the-key-distribution-services-kds-root-key
(a lab with one DC may date the key 10 hours back, `Add-KdsRootKey -EffectiveTime ((Get-Date).AddHours(-10))`).
A fresh forest therefore converges in two phases: the first run creates the key and reports the time
from which the gMSA (and what runs under it) can be created; a run after that time completes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import GmsaPhase

KDS_CONVERGENCE_HOURS = 10


def _utc(value: str, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise SiteError(f"{key}: {value!r} is not an ISO 8601 time", key=key, value=value) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def gmsa_phase(kds: dict) -> GmsaPhase:
    """Whether gMSA can be created now, from the KDS root key read on a domain controller.

    ``kds``: ``effective_utc`` (the earliest key's EffectiveTime, ISO 8601; None: no key yet),
    ``now_utc`` (the DC's clock) and ``utc_offset_minutes`` (the DC's local offset, for the message).
    """
    now = _utc(kds.get("now_utc"), "now_utc")
    offset = timedelta(minutes=int(kds.get("utc_offset_minutes") or 0))
    if not kds.get("effective_utc"):
        usable = now + timedelta(hours=KDS_CONVERGENCE_HOURS)
    else:
        usable = _utc(kds["effective_utc"], "effective_utc") + timedelta(hours=KDS_CONVERGENCE_HOURS)
    ready = usable <= now
    local = (usable + offset).replace(tzinfo=None)
    when = local.strftime("%H:%M") if local.date() == (now + offset).date() else local.strftime("%Y-%m-%d %H:%M")
    message = ("the KDS root key is usable: group managed service accounts can be created" if ready else
               f"group managed service accounts wait for the KDS root key: domain controllers use it from {when} "
               f"(domain controllers' local time, {KDS_CONVERGENCE_HOURS} h after its effective time, for replication). "
               f"Come back after {when} and run playbooks/windows.yml again: it creates the gMSA, then what runs under it.")
    return GmsaPhase(ready=ready, usable_utc=usable.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                     come_back_after=None if ready else when, message=message)

"""Shared Proxmox VE API client of the sitekit.core pve_* modules (proxmoxer).

One argument spec (token or password auth, from the inventory's vault variables or
the PROXMOX_* environment, secrets ``no_log``), one connect helper, task waiting,
version detection and the small compare helpers every module uses to decide
``changed``, return ``diff`` and make no write call in check mode.
"""

from __future__ import annotations

import time
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib

try:
    from proxmoxer import ProxmoxAPI
    from proxmoxer.core import ResourceException

    HAS_PROXMOXER = True
    PROXMOXER_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    HAS_PROXMOXER = False
    PROXMOXER_ERROR = traceback.format_exc()

    class ResourceException(Exception):  # type: ignore[no-redef]
        pass


def pve_argument_spec() -> dict:
    """Connection options shared by every pve_* module."""
    return dict(
        api_host=dict(type="str", required=True, fallback=(env_fallback, ["PROXMOX_HOST"])),
        api_port=dict(type="int", default=8006, fallback=(env_fallback, ["PROXMOX_PORT"])),
        api_user=dict(type="str", default="root@pam", fallback=(env_fallback, ["PROXMOX_USER"])),
        api_password=dict(type="str", no_log=True, fallback=(env_fallback, ["PROXMOX_PASSWORD"])),
        api_token_id=dict(type="str", no_log=False, fallback=(env_fallback, ["PROXMOX_TOKEN_ID"])),
        api_token_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["PROXMOX_TOKEN_SECRET"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["PROXMOX_VALIDATE_CERTS"])),
        api_timeout=dict(type="int", default=30),
    )


PVE_REQUIRED_ONE_OF = [("api_password", "api_token_id")]
PVE_REQUIRED_TOGETHER = [("api_token_id", "api_token_secret")]


class PveClient:
    """A connected API client bound to one AnsibleModule."""

    def __init__(self, module):
        self.module = module
        if not HAS_PROXMOXER:
            module.fail_json(msg=missing_required_lib("proxmoxer"), exception=PROXMOXER_ERROR)
        p = module.params
        auth = {"user": p["api_user"], "port": p["api_port"], "verify_ssl": p["validate_certs"], "timeout": p["api_timeout"]}
        if p.get("api_token_id"):
            auth.update(token_name=p["api_token_id"], token_value=p["api_token_secret"])
        else:
            auth["password"] = p["api_password"]
        try:
            self.api = ProxmoxAPI(p["api_host"], **auth)
        except Exception as exc:  # proxmoxer raises bare exceptions on auth failures
            module.fail_json(msg=f"cannot connect to the Proxmox VE API at {p['api_host']}:{p['api_port']}: {exc}")
        self._version = None

    # ---- raw calls: path relative to /api2/json ---------------------------------------------
    def call(self, method: str, path: str, **params):
        try:
            return getattr(self.api(path.strip("/")), method.lower())(**params)
        except ResourceException as exc:
            errors = getattr(exc, "errors", None)
            self.module.fail_json(msg=f"{method} /{path.strip('/')} failed: {exc}", api_errors=errors,
                                  status_code=getattr(exc, "status_code", None))
        except Exception as exc:  # connection refused, TLS, timeouts (requests exceptions)
            self.module.fail_json(msg=f"{method} /{path.strip('/')}: cannot reach the Proxmox VE API: {exc}")

    def get(self, path: str, **params):
        return self.call("GET", path, **params)

    def post(self, path: str, **params):
        return self.call("POST", path, **params)

    def put(self, path: str, **params):
        return self.call("PUT", path, **params)

    def delete(self, path: str, **params):
        return self.call("DELETE", path, **params)

    # ---- helpers ------------------------------------------------------------------------------
    def version(self) -> dict:
        """``/version`` once per module run, with the major version as ``major``."""
        if self._version is None:
            data = self.get("version")
            data["major"] = int(str(data.get("version", data.get("release", "0"))).split(".")[0])
            self._version = data
        return self._version

    def wait_task(self, upid, timeout: int = 600, poll: float = 0.2):
        """Block until a task (UPID) has stopped; fail the module unless it ended OK."""
        if not isinstance(upid, str) or not upid.startswith("UPID:"):
            return None
        node = upid.split(":")[1]
        deadline = time.monotonic() + timeout
        while True:
            status = self.get(f"nodes/{node}/tasks/{upid}/status")
            if status.get("status") == "stopped":
                if status.get("exitstatus") != "OK":
                    self.module.fail_json(msg=f"task {upid} failed: {status.get('exitstatus')}")
                return status
            if time.monotonic() > deadline:
                self.module.fail_json(msg=f"task {upid} still running after {timeout} s")
            time.sleep(poll)


# ---- compare helpers (pure, unit-tested) ---------------------------------------------------------
def as_flag(value) -> int:
    """PVE booleans (1/0, true/false, 'on') as 0/1."""
    if isinstance(value, str):
        return 1 if value.strip().lower() in ("1", "true", "yes", "on") else 0
    return 1 if value else 0


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v for v in str(value).replace(";", ",").replace(" ", ",").split(",") if v]


def prune_string(value) -> str:
    """``prune-backups`` as PVE's canonical string (sorted keys), from a dict or a string."""
    if isinstance(value, dict):
        items = {str(k).replace("_", "-"): int(v) for k, v in value.items() if v is not None}
    else:
        items = {k: int(v) for k, v in (p.split("=", 1) for p in as_list(value))}
    return ",".join(f"{k}={items[k]}" for k in sorted(items))


def property_string(value) -> dict:
    """``virtio=AA:..,bridge=vmbr0,tag=10`` → dict (first bare/alias item kept as written)."""
    out = {}
    for i, part in enumerate(as_list(value)):
        key, sep, val = part.partition("=")
        out[key if sep else f"_{i}"] = val if sep else key
    return out


def diff_keys(current: dict, desired: dict, normalisers: dict | None = None) -> dict:
    """Keys of ``desired`` whose value differs from ``current`` (after normalising both sides)."""
    normalisers = normalisers or {}
    out = {}
    for key, want in desired.items():
        norm = normalisers.get(key, lambda v: "" if v is None else str(v))
        if norm(current.get(key)) != norm(want):
            out[key] = want
    return out

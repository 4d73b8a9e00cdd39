"""Shared Proxmox VE API client of the sitekit.core pve_* modules (proxmoxer).

One argument spec (token or password auth, from the inventory's vault variables or
the PROXMOX_* environment, secrets ``no_log``; the node's own CA or a pinned certificate
fingerprint), one connect helper, task waiting, version detection and the small compare
helpers every module uses to decide ``changed``, return ``diff`` and make no write call in
check mode.
"""

from __future__ import annotations

import contextlib
import re
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
        ca_path=dict(type="path", fallback=(env_fallback, ["PROXMOX_CA_PATH"])),
        api_fingerprint=dict(type="str", fallback=(env_fallback, ["PROXMOX_FINGERPRINT"])),
        api_timeout=dict(type="int", default=30),
    )


PVE_REQUIRED_ONE_OF = [("api_password", "api_token_id")]
PVE_REQUIRED_TOGETHER = [("api_token_id", "api_token_secret")]

# Task polling: the first status read after 10 ms (most API tasks end in well under a second),
# then twice as long each time up to 2 s, so a 1-hour restore costs about 1 800 reads, not 18 000.
POLL_FIRST = 0.01
POLL_MAX = 2.0
_FINGERPRINT = re.compile(r"^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$")


def normalise_fingerprint(value: str) -> str | None:
    """A SHA-256 certificate fingerprint as PVE shows it (``AB:CD:…``, 32 bytes), lower-cased
    without colons as urllib3's ``assert_fingerprint`` takes it; None when it is not one."""
    text = str(value or "").strip()
    return text.replace(":", "").lower() if _FINGERPRINT.match(text) else None


def task_outcome(exitstatus) -> tuple[str, int]:
    """('ok' | 'warnings' | 'error', warning count) of a stopped task's ``exitstatus``.

    PVE ends a worker with ``OK``, ``WARNINGS: <n>`` (pve-common PVE/RESTEnvironment.pm
    fork_worker, read back by PVE/Tools.pm upid_read_status) or the error text.
    """
    text = str(exitstatus or "")
    if text == "OK":
        return "ok", 0
    m = re.fullmatch(r"WARNINGS: (\d+)", text)
    if m:
        return "warnings", int(m.group(1))
    return "error", 0


def _pinned_adapter(fingerprint: str):
    """A requests adapter whose connections check the server certificate's SHA-256 digest
    (urllib3 ``assert_fingerprint``) instead of a CA chain."""
    from requests.adapters import HTTPAdapter

    class PinnedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["assert_fingerprint"] = fingerprint
            super().init_poolmanager(*args, **kwargs)

    return PinnedAdapter()


class PveClient:
    """A connected API client bound to one AnsibleModule."""

    def __init__(self, module):
        self.module = module
        if not HAS_PROXMOXER:
            module.fail_json(msg=missing_required_lib("proxmoxer"), exception=PROXMOXER_ERROR)
        p = module.params
        pin = None
        if p.get("api_fingerprint"):
            pin = normalise_fingerprint(p["api_fingerprint"])
            if pin is None:
                module.fail_json(msg="api_fingerprint must be the SHA-256 fingerprint of the API certificate, 32 hex bytes "
                                     "separated by colons (pvenode cert info on the node)")
            if not p.get("api_token_id"):
                # proxmoxer posts the password for a ticket on a connection of its own, which the pin
                # would not cover: the password could reach a server that only pretends to be PVE.
                module.fail_json(msg="api_fingerprint needs token authentication (api_token_id, api_token_secret)")
        verify = False if pin else (p["ca_path"] or True) if p["validate_certs"] else False
        auth = {"user": p["api_user"], "port": p["api_port"], "verify_ssl": verify, "timeout": p["api_timeout"]}
        if p.get("api_token_id"):
            auth.update(token_name=p["api_token_id"], token_value=p["api_token_secret"])
        else:
            auth["password"] = p["api_password"]
        try:
            self.api = ProxmoxAPI(p["api_host"], **auth)
        except Exception as exc:  # proxmoxer raises bare exceptions on auth failures
            module.fail_json(msg=f"cannot connect to the Proxmox VE API at {p['api_host']}:{p['api_port']}: {exc}")
        session = self.api._store["session"]  # proxmoxer's requests session
        if pin:
            session.mount("https://", _pinned_adapter(pin))
        session.hooks["response"].append(self._keep_error_message)
        self._error_message = None
        self._version = None
        self.polls = 0  # task status reads, for the caller's figures
        self._doing = None  # set by doing(): what a refused call's error names first

    def _keep_error_message(self, response, *args, **kwargs):
        """PVE puts only the first line of an error in the HTTP status line, which is all proxmoxer keeps
        (pve-http-server PVE/APIServer/AnyEvent.pm); the whole text is the body's ``message``, e.g.
        "create ha rule failed: 400 Rule 'x' is invalid.\nresources: <why>\n"."""
        self._error_message = None
        if response.status_code >= 400:
            with contextlib.suppress(ValueError):  # not JSON: the status line is all there is
                self._error_message = response.json().get("message")
        return response

    # ---- raw calls: path relative to /api2/json ---------------------------------------------
    def call(self, method: str, path: str, /, **params):
        try:
            return getattr(self.api(path.strip("/")), method.lower())(**params)
        except ResourceException as exc:
            errors = getattr(exc, "errors", None)
            text = " ".join(line.strip() for line in (self._error_message or "").splitlines() if line.strip())
            detail = f"{exc.status_code} {text}" if text else str(exc)
            if text and errors:
                detail += f" - {errors}"
            self.module.fail_json(msg=f"{self._context()}{method} /{path.strip('/')} failed: {detail}",
                                  api_errors=errors, status_code=getattr(exc, "status_code", None))
        except Exception as exc:  # connection refused, TLS, timeouts (requests exceptions)
            self.module.fail_json(msg=f"{self._context()}{method} /{path.strip('/')}: cannot reach the Proxmox VE API: {exc}")

    @contextlib.contextmanager
    def doing(self, what: str):
        """Inside, a refused call's error starts with ``what``: a rollback's own failure names the rollback and the
        error that caused it, which would otherwise be lost."""
        outer, self._doing = self._doing, what
        try:
            yield
        finally:
            self._doing = outer

    def _context(self) -> str:
        return f"{self._doing}: " if self._doing else ""

    def get(self, path: str, /, **params):
        return self.call("GET", path, **params)

    def post(self, path: str, /, **params):
        return self.call("POST", path, **params)

    def put(self, path: str, /, **params):
        return self.call("PUT", path, **params)

    def delete(self, path: str, /, **params):
        return self.call("DELETE", path, **params)

    # ---- helpers ------------------------------------------------------------------------------
    def version(self) -> dict:
        """``/version`` once per module run, with the major version as ``major``."""
        if self._version is None:
            data = self.get("version")
            data["major"] = int(str(data.get("version", data.get("release", "0"))).split(".")[0])
            self._version = data
        return self._version

    def wait_task(self, upid, timeout: int = 600, what: str = "task", on_error=None):
        """Block until a task (UPID) has stopped and return its status.

        Ends ``OK``: returned. Ends ``WARNINGS: n``: returned, and the task's ``WARN:`` lines
        (or its count) become module warnings, as community.proxmox accepts such a task. Ends
        with an error: ``on_error(message)`` runs first when given (a rollback), then the module
        fails with the error and the UPID. Still running after ``timeout`` seconds: the module
        fails and returns the UPID (``upid``), so the operator can follow the task that goes on.
        Status reads back off from 10 ms to 2 s.
        """
        if not isinstance(upid, str) or not upid.startswith("UPID:"):
            return None
        node = upid.split(":")[1]
        deadline = time.monotonic() + timeout
        delay = POLL_FIRST
        while True:
            status = self.get(f"nodes/{node}/tasks/{upid}/status")
            self.polls += 1
            if status.get("status") == "stopped":
                outcome, count = task_outcome(status.get("exitstatus"))
                if outcome == "warnings":
                    self._task_warnings(node, upid, what, count)
                elif outcome == "error":
                    message = f"{what} failed: {status.get('exitstatus')} (task {upid})"
                    if on_error:
                        on_error(message)
                    self.module.fail_json(msg=message, upid=upid, exitstatus=status.get("exitstatus"))
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                self.module.fail_json(msg=f"{what} still running after {timeout} s; it goes on as task {upid} "
                                          f"(Tasks view of node {node}, or GET /nodes/{node}/tasks/<upid>/status)",
                                      upid=upid, task_status="running")
            time.sleep(min(delay, left))
            delay = min(delay * 2, POLL_MAX)

    def _task_warnings(self, node: str, upid: str, what: str, count: int):
        """A task that ended ``WARNINGS: n``: its warning lines as module warnings (one log read)."""
        # limit: 0 means "all" only since pve-common 8.2 (PVE/Tools.pm dump_logfile), 50 before
        log = self.get(f"nodes/{node}/tasks/{upid}/log", limit=1000) or []
        lines = [str(entry.get("t", "")) for entry in log if str(entry.get("t", "")).startswith("WARN")]
        for line in lines or [f"{count} warning(s)"]:
            self.module.warn(f"{what} ({upid}): {line}")


# ---- compare helpers (pure, unit-tested) ---------------------------------------------------------
def as_flag(value) -> int:
    """PVE booleans (1/0, true/false, 'on') as 0/1."""
    if isinstance(value, str):
        return 1 if value.strip().lower() in ("1", "true", "yes", "on") else 0
    return 1 if value else 0


def without_empty(items) -> list[dict]:
    """API parameter dicts without their empty-string values: PVE reads an empty form value as undefined
    (pve-http-server AnyEvent.pm decode_urlencoded) and its config code refuses it ("got undefined value for
    option")."""
    return [{k: v for k, v in item.items() if not (isinstance(v, str) and v == "")} for item in items or []]


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v for v in str(value).replace(";", ",").replace(" ", ",").split(",") if v]


def _prune_value(key: str, value):
    """A keep-* count as an int; keep-all as PVE's parse_boolean reads it (1/on/yes/true, 0/off/no/false)."""
    if key == "keep-all":
        if isinstance(value, bool):
            return int(value)
        text = str(value).strip().lower()
        return 1 if text in ("1", "on", "yes", "true") else 0 if text in ("0", "off", "no", "false") else text
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)  # not a count: sent as written, PVE refuses it with its own message


def prune_string(value) -> str:
    """``prune-backups`` as PVE keeps it (sorted keys), from a dict or a string: pve-storage Plugin.pm
    validate_prune_backups drops ``keep-all`` when false, and retention without a positive keep-* value is
    ``keep-all=1``; keep-all set beside positive values is left as declared (PVE refuses it)."""
    if isinstance(value, dict):
        pairs = [(str(k).replace("_", "-"), v) for k, v in value.items() if v is not None]
    else:
        pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in as_list(value)]
    items = {k: _prune_value(k, v) for k, v in pairs}
    if not items:
        return ""
    keep_all = items.pop("keep-all", 0)
    counts = [v for v in items.values() if isinstance(v, int)]
    if len(counts) == len(items) and not any(v > 0 for v in counts):
        return "keep-all=1"
    if keep_all != 0:
        items["keep-all"] = keep_all
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

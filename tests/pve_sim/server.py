"""HTTP(S) front of the simulator: auth, schema validation, dispatch, request counts.

Test-only endpoints live outside ``/api2`` and need no auth:
``GET /_sim/requests`` (counts per ``METHOD /template``), ``POST /_sim/reset-counts``,
``GET /_sim/state`` (the whole state as JSON), ``POST /_sim/vzdump`` (what the nightly
backup job would do: one archive per VM of the job, on the job's storage), ``POST /_sim/servers``
(storage servers offline or online again).
"""

from __future__ import annotations

import collections
import json
import re
import secrets
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .handlers import dispatch, migrate_groups
from .handlers.backup import make_archive
from .handlers.registry import Total
from .schema import Schema
from .state import ApiError, Cluster

WRITE_METHODS = {"POST", "PUT", "DELETE"}
_SCHEMAS: dict[int, Schema] = {}


def get_schema(version: int) -> Schema:
    if version not in _SCHEMAS:
        _SCHEMAS[version] = Schema(version)
    return _SCHEMAS[version]


class PveSim:
    """One simulated cluster behind an HTTP(S) server on 127.0.0.1."""

    def __init__(self, version: int = 9, port: int = 0, tls: bool = False, user: str = "root@pam",
                 password: str | None = None, token_id: str = "sitekit", token_secret: str | None = None, **cluster_kw):
        self.version = version
        self.schema = get_schema(version)
        self.cluster = Cluster(version, **cluster_kw)
        self.user = user
        self.password = password or secrets.token_urlsafe(16)
        self.token_id = token_id
        self.token_secret = token_secret or secrets.token_hex(16)
        self.tickets: dict[str, str] = {}  # ticket -> CSRF token
        self.counts: collections.Counter = collections.Counter()
        self.log: list[tuple[str, str, dict]] = []
        self.tls = tls
        self.certfile: str | None = None  # PEM (certificate + key) of the TLS server: clients may trust it
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.httpd.daemon_threads = True
        if tls:
            self.certfile, keyfile = _self_signed_cert()
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.certfile, keyfile)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # ---- life cycle -------------------------------------------------------------------
    def start(self) -> PveSim:
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/api2/json"

    @property
    def token(self) -> str:
        return f"{self.user}!{self.token_id}={self.token_secret}"

    # ---- counters ---------------------------------------------------------------------
    def reset_counts(self):
        self.counts.clear()
        self.log.clear()

    def writes(self) -> dict:
        return {k: v for k, v in self.counts.items() if k.split()[0] in WRITE_METHODS and k != "POST /access/ticket"}

    def reads(self) -> dict:
        return {k: v for k, v in self.counts.items() if k.split()[0] == "GET"}

    # ---- one request ----------------------------------------------------------------------
    def handle(self, method: str, path: str, params: dict, headers) -> tuple[int, dict, dict]:
        """(status, body, extra headers) for one /api2/json request."""
        matched = self.schema.match(path)
        if matched is None:
            return 501, {"data": None, "message": f"Method '{method} {path}' not implemented"}, {}
        template, path_params = matched
        methods = self.schema.methods(template)
        if method not in methods:
            return 501, {"data": None, "message": f"Method '{method} {path}' not implemented"}, {}
        self.counts[f"{method} {template}"] += 1
        self.log.append((method, template, dict(params)))
        if template == "/access/ticket" and method == "POST":
            return self._login(params)
        user = self._authenticate(method, headers)
        if user is None:
            return 401, {"data": None, "message": "authentication failure"}, {}
        # pve-manager PVE/HTTPServer.pm rest_handler: a parameter given in the URI and in the
        # request must agree; then RESTHandler.pm handle(): normalise, validate, run.
        path_params = {k: unquote(v) for k, v in path_params.items()}
        clash = {k: "duplicate parameter (already defined in URI) with conflicting values!"
                 for k, v in path_params.items() if k in params and str(params[k]) != v}
        if clash:
            return 400, {"data": None, "errors": clash, "message": "Parameter verification failed.\n"}, {}
        allparams = self.schema.normalize(template, method, {**params, **path_params})
        errors = self.schema.validate(template, method, allparams)
        if errors:
            return 400, {"data": None, "errors": errors, "message": "Parameter verification failed.\n"}, {}
        try:
            data = dispatch(self.cluster, method, template, allparams, user)
        except ApiError as exc:
            body = {"data": None, "message": exc.message}
            if exc.errors:
                body["errors"] = exc.errors
            return exc.status, body, {}
        if isinstance(data, Total):  # result attribute 'total' (task log, lists)
            return 200, {"data": list(data), "total": data.total}, {}
        return 200, {"data": data}, {}

    def _login(self, params):
        username, password = params.get("username", ""), params.get("password", "")
        if "@" not in username and params.get("realm"):
            username = f"{username}@{params['realm']}"
        if username != self.user or not secrets.compare_digest(str(password), self.password):
            return 401, {"data": None, "message": "authentication failure"}, {}
        ticket = f"PVE:{username}:{int(time.time()):08X}::{secrets.token_urlsafe(24)}"
        csrf = f"{int(time.time()):08X}:{secrets.token_urlsafe(16)}"
        self.tickets[ticket] = csrf
        return 200, {"data": {"ticket": ticket, "CSRFPreventionToken": csrf, "username": username,
                              "cap": {"vms": {}, "storage": {}}}}, {}

    def _authenticate(self, method, headers) -> str | None:
        auth = headers.get("Authorization") or ""
        if auth.startswith("PVEAPIToken="):
            token = auth[len("PVEAPIToken="):].strip()
            ident, sep, secret = token.rpartition("=")
            if sep and ident == f"{self.user}!{self.token_id}" and secrets.compare_digest(secret, self.token_secret):
                return ident  # the token is the task owner (UPIDs show user!token)
            return None
        cookies = dict(part.strip().split("=", 1) for part in (headers.get("Cookie") or "").split(";") if "=" in part)
        ticket = unquote(cookies.get("PVEAuthCookie", ""))
        csrf = self.tickets.get(ticket)
        if csrf is None:
            return None
        if method in WRITE_METHODS and headers.get("CSRFPreventionToken") != csrf:
            return None
        return ticket.split(":")[1]

    @property
    def tasks(self):
        """The task control (tasks.py TaskControl): duration, fail / warn / stall rules."""
        return self.cluster.tasks.control

    def release(self, upid: str, outcome: str = "ok", message: str = ""):
        """End a stalled task now (as OK, or 'error' with a message)."""
        with self.cluster.lock:
            self.cluster.tasks.release(upid, outcome, message)

    def offline(self, *servers: str):
        """Storage servers (NFS/CIFS server, iSCSI portal host) stop answering: their storages are
        'not online' (creation fails and is not kept, their content cannot be listed)."""
        with self.cluster.lock:
            self.cluster.offline_servers.update(servers)

    def online(self, *servers: str):
        """The servers answer again (none given: every server)."""
        with self.cluster.lock:
            if servers:
                self.cluster.offline_servers.difference_update(servers)
            else:
                self.cluster.offline_servers.clear()

    def test_endpoint(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if path == "/_sim/requests":
            return 200, {"counts": dict(self.counts), "writes": self.writes(), "total": sum(self.counts.values())}
        if path == "/_sim/reset-counts" and method == "POST":
            self.reset_counts()
            return 200, {"ok": True}
        if path == "/_sim/state":
            return 200, self.cluster.dump()
        if path == "/_sim/vzdump" and method == "POST":
            return 200, {"archives": self.run_backup_jobs()}
        if path == "/_sim/ha-migrate-groups" and method == "POST":
            with self.cluster.lock:
                migrate_groups(self.cluster)
            return 200, {"rules": sorted(self.cluster.ha_rules)}
        if path == "/_sim/tasks":
            return self._task_endpoint(method, params)
        if path == "/_sim/servers":  # POST {"action": "offline"|"online", "server": ...}; GET: the offline ones
            if method == "POST":
                if params.get("action") not in ("offline", "online"):
                    return 400, {"message": f"unknown action {params.get('action')!r}"}
                servers = [params["server"]] if params.get("server") else []
                (self.offline if params["action"] == "offline" else self.online)(*servers)
            return 200, {"offline": sorted(self.cluster.offline_servers)}
        return 404, {"message": f"no test endpoint {method} {path}"}

    def _task_endpoint(self, method: str, params: dict) -> tuple[int, dict]:
        """GET: tasks and rules; POST {action: fail|warn|stall|clear|release|duration, ...}."""
        control = self.tasks
        if method == "GET":
            return 200, {"duration": control.duration,
                         "rules": [vars(r) for r in control.rules],
                         "tasks": [{"upid": t.upid, "type": t.type, "id": t.id, "status": "stopped" if t.exitstatus else
                                    "running", "exitstatus": t.exitstatus} for t in self.cluster.tasks.tasks.values()]}
        action = params.get("action")
        match = {k: params[k] for k in ("type", "id", "node") if params.get(k) not in (None, "")}
        nth = int(params["nth"]) if params.get("nth") not in (None, "") else None
        with self.cluster.lock:
            if action == "fail":
                control.fail(**match, nth=nth, message=params.get("message") or "simulated failure")
            elif action == "warn":
                control.warn(**match, nth=nth, count=int(params.get("count") or 1))
            elif action == "stall":
                control.stall(**match, nth=nth)
            elif action == "clear":
                control.clear()
            elif action == "release":
                self.cluster.tasks.release(params["upid"], params.get("outcome", "ok"), params.get("message", ""))
            elif action == "duration":
                control.duration = float(params["seconds"])
            else:
                return 400, {"message": f"unknown action {action!r}"}
        return 200, {"ok": True}

    def run_backup_jobs(self) -> list[str]:
        """What the nightly vzdump jobs would produce: one archive per VM of each enabled job."""
        made = []
        with self.cluster.lock:
            for job in self.cluster.backup_jobs.values():
                if not int(job.get("enabled", 1)):
                    continue
                ids = [int(v) for v in str(job.get("vmid", "")).split(",") if v] if job.get("vmid") else [
                    k for k, vm in self.cluster.vms.items() if str(vm["config"].get("template", "0")) != "1"]
                for vmid in ids:
                    if vmid in self.cluster.vms:
                        made.append(make_archive(self.cluster, job.get("storage", "local"), vmid, job.get("compress", "0")))
        return made


def _parse_body(handler: BaseHTTPRequestHandler) -> dict:
    length = int(handler.headers.get("Content-Length") or 0)
    if not length:
        return {}
    raw = handler.rfile.read(length).decode()
    if (handler.headers.get("Content-Type") or "").startswith("application/json"):
        data = json.loads(raw or "{}")
        return {k: (v if isinstance(v, list) else (int(v) if isinstance(v, bool) else v)) for k, v in data.items()}
    return decode_urlencoded(raw)


def _unescape(text: str) -> str:
    raw = re.sub(rb"%([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), text.replace("+", " ").encode())
    return raw.decode("utf-8", "replace")


def decode_urlencoded(data: str) -> dict:
    """pve-http-server src/PVE/APIServer/AnyEvent.pm decode_urlencoded: pairs split on '&' or ';',
    each on '=' as Perl's split does (trailing empty fields dropped: ``key=`` and ``key`` have an
    undefined value, None here, which JSONSchema accepts for an optional parameter; ``k=a=b`` is 'a');
    a repeated key with a value becomes an array, one without a value resets it to undefined."""
    out: dict = {}
    pairs = re.split(r"[&;]", data or "")
    while pairs and pairs[-1] == "":
        pairs.pop()
    for pair in pairs:
        fields = pair.split("=")
        while fields and fields[-1] == "":
            fields.pop()
        key = _unescape(fields[0]) if fields else ""
        value = None
        if len(fields) > 1:
            value = _unescape(fields[1])
            old = out.get(key)
            if old is not None:
                value = [*old, value] if isinstance(old, list) else [old, value]
        out[key] = value
    return out


def _handler_for(sim: PveSim):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _reply(self, status: int, body: dict, headers: dict | None = None):
            raw = json.dumps(body).encode()
            reason = body.get("message", "").split("\n")[0] if status != 200 else "OK"
            self.send_response(status, reason.replace("\r", " ")[:200])
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            # Headers and body in one write: two small writes meet the client's delayed ACK (~40 ms each).
            self._headers_buffer.extend([b"\r\n", raw])
            self.flush_headers()

        def _do(self, method: str):
            url = urlsplit(self.path)
            # AnyEvent.pm extract_params: the body (POST/PUT), then the query string over it
            params = _parse_body(self) if method in ("POST", "PUT") else {}
            if method == "DELETE":
                _parse_body(self)
            params.update(decode_urlencoded(url.query))
            if url.path.startswith("/_sim/"):
                status, body = sim.test_endpoint(method, url.path, params)
                return self._reply(status, body)
            for prefix in ("/api2/json", "/api2/extjs"):
                if url.path.startswith(prefix + "/") or url.path == prefix:
                    path = url.path[len(prefix):].rstrip("/") or "/"
                    status, body, headers = sim.handle(method, path, params, self.headers)
                    return self._reply(status, body, headers)
            return self._reply(501, {"data": None, "message": f"Method '{method} {url.path}' not implemented"})

        def do_GET(self):  # noqa: N802
            self._do("GET")

        def do_POST(self):  # noqa: N802
            self._do("POST")

        def do_PUT(self):  # noqa: N802
            self._do("PUT")

        def do_DELETE(self):  # noqa: N802
            self._do("DELETE")

    return Handler


def _self_signed_cert() -> tuple[str, str]:
    """A throwaway certificate for 127.0.0.1 (clients use validate_certs=false or trust this file)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pve-sim.localhost")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = Path(tempfile.mkdtemp(prefix="pve-sim-"))  # mode 0700
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (folder / "key.pem").chmod(0o600)
    return str(folder / "cert.pem"), str(folder / "key.pem")

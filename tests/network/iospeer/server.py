"""The device's SSH server (paramiko), one thread per connection, bound to 127.0.0.1.

Why paramiko rather than fake-switches' Twisted service: the peer must decide byte by byte
what the client sees (echo, caret lines, ``[confirm]`` questions, a session that stops
answering) and refuse logins the way the device would; paramiko is already pinned for
netmiko and its ServerInterface gives exactly these hooks, with no reactor to share
between devices.

Like IOS over SSH: typed characters are echoed; each line answers ``\\r\\n`` + output +
prompt; a new connection takes the lowest free vty line and is accepted only when
reach.login_refusal() and the path allow it, otherwise the TCP connection is closed before
the SSH banner; after a change that cuts a session's path, that session's connection is
closed without sending the answer (the device would stop answering).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

import paramiko

from . import reach
from .cli import Cli

_HOST_KEY: paramiko.RSAKey | None = None
_KEY_LOCK = threading.Lock()


def host_key() -> paramiko.RSAKey:
    """One RSA host key per process (IOS keeps its key pair across sessions)."""
    global _HOST_KEY
    with _KEY_LOCK:
        if _HOST_KEY is None:
            _HOST_KEY = paramiko.RSAKey.generate(2048)
        return _HOST_KEY


@dataclass
class SessionInfo:
    vty: int
    client: str | None
    target: str | None
    transport: paramiko.Transport | None = None
    cut: bool = False


class _Auth(paramiko.ServerInterface):
    def __init__(self, server: SshServer, vty: int):
        self.server, self.vty, self.user = server, vty, None
        self.shell = threading.Event()

    def get_allowed_auths(self, username: str) -> str:
        return "publickey,password"

    def check_auth_publickey(self, username: str, key) -> int:
        import hashlib
        with self.server.device.lock:
            ok = reach.pubkey_ok(self.server.device, self.vty, username, hashlib.md5(key.asbytes()).hexdigest())
        if ok:
            self.user = username
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_password(self, username: str, password: str) -> int:
        with self.server.device.lock:
            ok = reach.password_ok(self.server.device, self.vty, username, password)
        if ok:
            self.user = username
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args) -> bool:
        return True

    def check_channel_shell_request(self, channel) -> bool:
        self.shell.set()
        return True


class SshServer:
    def __init__(self, device, target: str | None = None, client: str | None = None):
        self.device, self.target, self.client = device, target, client
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.refusals: list[str] = []          # why connections were refused (for tests)
        # A slow console (a busy device's vty): each prompt arrives in two packets this many seconds apart.
        self.prompt_split_s = 0.0
        device.on_rollback = lambda: self.recheck(None)
        self.thread = threading.Thread(target=self._accept, name=f"iospeer-{self.port}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.running = False
        with contextlib.suppress(OSError):
            self.sock.close()
        for cli in list(self.device.sessions):
            self._close(cli)

    # ---- connections ---------------------------------------------------------------------
    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            # IOS sends each answer at once: Nagle is off unless `service nagle` (Cisco IOS Configuration
            # Fundamentals Command Reference 12.3, "service nagle"; Cisco ISP Essentials, "Turn On Nagle": without
            # it each Telnet keystroke is its own packet). Without TCP_NODELAY the prompt after an echo waited for
            # the client's delayed ACK, ~40 ms a line.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _free_vty(self) -> int | None:
        used = {cli.peer.vty for cli in self.device.sessions}
        return next((n for k, n in sorted(self.device.lines) if k == "vty" and n not in used), None)

    def _serve(self, conn: socket.socket) -> None:
        with self.device.lock:
            vty = self._free_vty()
            refusal = "no free vty line" if vty is None else reach.login_refusal(self.device, vty, self.client)
            if refusal is None and not reach.path_ok(self.device, self.target, self.client):
                refusal = f"{self.target} unreachable from {self.client}"
        if refusal:
            self.refusals.append(refusal)
            conn.close()
            return
        transport = paramiko.Transport(conn)
        transport.add_server_key(host_key())
        auth = _Auth(self, vty)
        try:
            transport.start_server(server=auth)
            channel = transport.accept(30)
            if channel is None or not auth.shell.wait(30):
                transport.close()
                return
        except (paramiko.SSHException, EOFError, OSError):
            transport.close()
            return
        cli = Cli(self.device, auth.user, on_change=self.recheck)
        cli.peer = SessionInfo(vty, self.client, self.target, transport)
        with self.device.lock:
            self.device.sessions.append(cli)
        try:
            self._loop(cli, channel)
        except (OSError, EOFError, paramiko.SSHException):
            pass                                   # the client went away (or was cut)
        finally:
            self._close(cli)

    def _send(self, channel: paramiko.Channel, text: str, prompt: str) -> None:
        """``text`` then ``prompt``; on a slow console the prompt's second half comes ``prompt_split_s`` later."""
        if self.prompt_split_s and len(prompt) > 1:
            half = len(prompt) // 2
            channel.sendall((text + prompt[:half]).encode())
            time.sleep(self.prompt_split_s)
            channel.sendall(prompt[half:].encode())
        else:
            channel.sendall((text + prompt).encode())

    def _loop(self, cli: Cli, channel: paramiko.Channel) -> None:
        self._send(channel, "\r\n", cli.prompt())
        buffer, last = "", ""
        while not cli.closed and not cli.peer.cut:
            data = channel.recv(4096)
            if not data:
                return
            echo = ""
            for char in data.decode(errors="replace"):
                if char == "\n" and last == "\r":
                    last = char
                    continue
                last = char
                if char in "\r\n":
                    if echo:
                        channel.sendall(echo.encode())
                        echo = ""
                    answer = cli.execute(buffer)
                    buffer = ""
                    if cli.peer.cut:
                        return
                    text = answer.replace("\r", "").replace("\n", "\r\n")
                    tail = "" if cli.pending or cli.closed else cli.prompt()
                    self._send(channel, "\r\n" + (text + "\r\n" if text and not cli.pending else text), tail)
                    if cli.closed:
                        return
                elif char in "\x08\x7f":
                    buffer = buffer[:-1]
                else:
                    buffer += char
                    echo += char
            if echo:
                channel.sendall(echo.encode())

    def _close(self, cli: Cli) -> None:
        with self.device.lock:
            if cli in self.device.sessions:
                self.device.sessions.remove(cli)
        if cli.peer and cli.peer.transport:
            with contextlib.suppress(Exception):
                cli.peer.transport.close()

    def recheck(self, _cli: Cli | None) -> None:
        """After a change: cut every session whose path to the device is gone."""
        for cli in list(self.device.sessions):
            if not reach.path_ok(self.device, cli.peer.target, cli.peer.client):
                cli.peer.cut = True
                if cli is not _cli:
                    self._close(cli)

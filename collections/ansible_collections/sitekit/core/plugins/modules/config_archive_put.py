#!/usr/bin/python
"""Store one device configuration on an FTP(S) archive server, dated, with retention."""

from __future__ import annotations

DOCUMENTATION = r"""
module: config_archive_put
short_description: Store a device configuration on an FTP/FTPS archive, dated, with retention
description:
  - Uploads I(content) as C(<directory>/<name>-YYYYMMDD-HHMMSS.cfg) on an FTP server
    (explicit FTPS with a private data channel when I(ftps) is true), reads the size back,
    then deletes the files of that device older than I(retention_days), always keeping the
    newest.
  - When the newest archived file already holds the same text, nothing is uploaded
    (C(changed=false)) unless I(always) is true.
  - Check mode connects and lists, never writes or deletes.
  - Gap filled, no collection module uploads to FTP; the archive servers are vsftpd
    (roles/ftp_archive), one directory per device.
options:
  host: {description: FTP server address., type: str, required: true}
  port: {description: FTP control port., type: int, default: 21}
  user: {description: FTP account., type: str, required: true}
  password: {description: Its password., type: str, required: true, no_log: true}
  ftps: {description: Explicit FTPS (AUTH TLS) with a protected data channel., type: bool, default: false}
  tls_verify: {description: Check the server certificate against the system CAs., type: bool, default: true}
  directory: {description: Directory of this device on the server (created when missing)., type: str, required: true}
  name: {description: Device name, the file name prefix., type: str, required: true}
  content: {description: Configuration text., type: str, required: true}
  retention_days: {description: Delete this device's files older than this many days (0 keeps all)., type: int, default: 0}
  always: {description: Upload even when the newest file holds the same text., type: bool, default: false}
  timeout: {description: Seconds to wait for the server., type: int, default: 30}
author: sitekit
"""

EXAMPLES = r"""
- name: Store the configuration on the primary archive
  sitekit.core.config_archive_put:
    host: 192.0.2.81
    user: cfgarchive
    password: "{{ vault_ftp_archive_password }}"
    ftps: true
    directory: "{{ inventory_hostname }}"
    name: "{{ inventory_hostname }}"
    content: "{{ running.running_config }}"
    retention_days: 90
  delegate_to: localhost
"""

RETURN = r"""
path: {description: File written (or that would be written, or the identical newest file)., type: str, returned: always}
deleted: {description: Files removed by retention., type: list, returned: always}
"""

import ftplib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import ssl  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402

STAMP = "%Y%m%d-%H%M%S"


def _dated(name: str, files: list[str]) -> list[tuple[datetime, str]]:
    rx = re.compile(rf"^{re.escape(name)}-(\d{{8}}-\d{{6}})\.cfg$")
    out = []
    for f in files:
        m = rx.match(f.rsplit("/", 1)[-1])
        if m:
            out.append((datetime.strptime(m.group(1), STAMP).replace(tzinfo=UTC), f.rsplit("/", 1)[-1]))
    return sorted(out)


def _connect(p) -> ftplib.FTP:
    if p["ftps"]:
        ctx = ssl.create_default_context()
        if not p["tls_verify"]:
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        ftp = ftplib.FTP_TLS(context=ctx, timeout=p["timeout"])
    else:
        ftp = ftplib.FTP(timeout=p["timeout"])
    ftp.connect(p["host"], p["port"])
    ftp.login(p["user"], p["password"])
    if p["ftps"]:
        ftp.prot_p()
    return ftp


def main():
    module = AnsibleModule(
        argument_spec={
            "host": {"type": "str", "required": True}, "port": {"type": "int", "default": 21},
            "user": {"type": "str", "required": True}, "password": {"type": "str", "required": True, "no_log": True},
            "ftps": {"type": "bool", "default": False}, "tls_verify": {"type": "bool", "default": True},
            "directory": {"type": "str", "required": True}, "name": {"type": "str", "required": True},
            "content": {"type": "str", "required": True}, "retention_days": {"type": "int", "default": 0},
            "always": {"type": "bool", "default": False}, "timeout": {"type": "int", "default": 30},
        },
        supports_check_mode=True,
    )
    p = module.params
    where = f"{p['user']}@{p['host']}:{p['port']}/{p['directory']}"
    now = datetime.now(UTC)
    filename = f"{p['name']}-{now.strftime(STAMP)}.cfg"
    result = {"changed": False, "deleted": [], "path": f"{p['directory']}/{filename}"}
    data = p["content"].encode()
    try:
        ftp = _connect(p)
        try:
            try:
                ftp.cwd(p["directory"])
            except ftplib.error_perm:
                if module.check_mode:
                    result["changed"] = True
                    module.exit_json(**result)
                ftp.mkd(p["directory"])
                ftp.cwd(p["directory"])
            existing = _dated(p["name"], ftp.nlst())
            newest = existing[-1][1] if existing else None
            same = False
            if newest and not p["always"]:
                buf = io.BytesIO()
                ftp.retrbinary(f"RETR {newest}", buf.write)
                same = buf.getvalue() == data
            if same:
                result["path"] = f"{p['directory']}/{newest}"
            else:
                result["changed"] = True
                if not module.check_mode:
                    ftp.storbinary(f"STOR {filename}", io.BytesIO(data))
                    size = ftp.size(filename)
                    if size is not None and size != len(data):
                        module.fail_json(msg=f"{where}: {filename} holds {size} bytes, {len(data)} were sent", **result)
                    existing.append((now, filename))
            if p["retention_days"] > 0:
                limit = now - timedelta(days=p["retention_days"])
                keep = max(existing)[1] if existing else None
                for stamp, f in existing:
                    if stamp < limit and f != keep:
                        result["deleted"].append(f"{p['directory']}/{f}")
                        result["changed"] = True
                        if not module.check_mode:
                            ftp.delete(f)
        finally:
            try:
                ftp.quit()
            except (ftplib.Error, OSError):
                ftp.close()
    except (ftplib.Error, OSError, ssl.SSLError, EOFError) as exc:
        module.fail_json(msg=f"{where}: {type(exc).__name__}: {exc}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

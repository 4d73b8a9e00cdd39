#!/usr/bin/python
"""Store one device configuration on an FTP(S) archive server, dated, with retention."""

from __future__ import annotations

DOCUMENTATION = r"""
module: config_archive_put
short_description: Store a device configuration on an FTP/FTPS archive, dated, with retention
description:
  - Uploads O(content) (UTF-8) as C(<directory>/<name>-YYYYMMDD-HHMMSS-ffffff.cfg) (UTC time to the microsecond)
    on an FTP server, explicit FTPS (C(AUTH TLS)) with a protected data channel (C(PROT P)) when O(ftps) is true,
    reads the size back with C(SIZE) and fails when it differs from what was sent.
  - Names are unique and sort in time order (fixed width); an existing file is never overwritten. When the name
    is already in the directory's listing (two archives of the device in the same microsecond, or a clock set
    back), the time in the name is moved on by one microsecond until the name is free.
  - O(directory) is created when missing (one level, C(MKD)).
  - When the newest archived file of that device (by the time in its name) already holds the same bytes,
    nothing is uploaded (C(changed=false)) unless O(always) is true.
  - With O(retention_days), then deletes the device's files older than that many days, always keeping the newest;
    a deletion is a change too. Files whose names do not follow C(<name>-YYYYMMDD-HHMMSS-ffffff.cfg) or the
    older C(<name>-YYYYMMDD-HHMMSS.cfg) are never touched.
  - An FTP, TLS or network error fails the task with C(user@host:port/directory) and the error.
  - "Gap filled: no collection module uploads to FTP; the archive servers are vsftpd
    (role ftp_archive), one directory per device."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  host:
    description: FTP server address.
    type: str
    required: true
  port:
    description: FTP control port.
    type: int
    default: 21
  user:
    description: FTP account.
    type: str
    required: true
  password:
    description: Its password (never logged).
    type: str
    required: true
  ftps:
    description: Explicit FTPS (C(AUTH TLS)) with a protected data channel; V(false) is plain FTP.
    type: bool
    default: false
  tls_verify:
    description: With O(ftps), check the server certificate and its name against the system CAs.
    type: bool
    default: true
  directory:
    description: Directory of this device on the server, relative to the login directory (created when missing).
    type: str
    required: true
  name:
    description: Device name, the file name prefix.
    type: str
    required: true
  content:
    description: Configuration text.
    type: str
    required: true
  retention_days:
    description:
      - Delete this device's files older than this many days, the newest always kept; V(0) keeps all.
      - The sitekit archive servers (role ftp_archive) refuse deletion and rotate their own archive; leave it V(0) there.
    type: int
    default: 0
  always:
    description: Upload even when the newest file holds the same text.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for the server (connection and each reply).
    type: int
    default: 30
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Connects, lists and reads the newest file to compare; never uploads, creates a directory nor deletes.
      - A missing directory is reported as a change without listing anything.
  diff_mode:
    support: none
    details: Returns no diff.
  platform:
    platforms: posix
    details: Runs where the task runs (C(delegate_to=localhost) in the sitekit playbooks) and opens its own FTP session.
"""

EXAMPLES = r"""
- name: Store the configuration on the primary archive
  sitekit.core.config_archive_put:
    host: "{{ hostvars[site_config_archive.primary].site_ip }}"
    user: "{{ site_config_archive.user }}"
    password: "{{ vault_ftp_archive_password }}"
    ftps: true
    directory: "{{ inventory_hostname }}"
    name: "{{ inventory_hostname }}"
    content: "{{ running.running_config }}"
  delegate_to: localhost
# The site's vsftpd (role ftp_archive) denies DELE and MKD: its own timer rotates the archive and the role
# makes each device's directory. retention_days is for an archive account that may delete.
"""

RETURN = r"""
path:
  description: File written (or that would be written, in check mode), or the identical newest file when nothing was uploaded.
  type: str
  returned: always
  sample: "switch1/switch1-20250101-213000-042137.cfg"
deleted:
  description: Files removed by retention (or that would be), as C(<directory>/<file>).
  type: list
  elements: str
  returned: always
  sample: ["switch1/switch1-20240901-213000.cfg"]
"""

import ftplib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import ssl  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402

STAMP = "%Y%m%d-%H%M%S-%f"  # fixed width: names sort in time order


def _now() -> datetime:
    return datetime.now(UTC)


def _dated(name: str, files: list[str]) -> list[tuple[datetime, str]]:
    """The device's archive files, oldest first (names to the microsecond, and the older ones to the second)."""
    rx = re.compile(rf"^{re.escape(name)}-(\d{{8}}-\d{{6}})(-\d{{6}})?\.cfg$")
    out = []
    for f in files:
        m = rx.match(f.rsplit("/", 1)[-1])
        if m:
            stamp = datetime.strptime(m.group(1) + (m.group(2) or "-000000"), STAMP).replace(tzinfo=UTC)
            out.append((stamp, f.rsplit("/", 1)[-1]))
    return sorted(out)


def _free_name(name: str, when: datetime, taken: set[str]) -> tuple[datetime, str]:
    """The file name for an archive made at ``when``, moved on by a microsecond while the directory has it."""
    while f"{name}-{when.strftime(STAMP)}.cfg" in taken:
        when += timedelta(microseconds=1)
    return when, f"{name}-{when.strftime(STAMP)}.cfg"


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
    now, filename = _free_name(p["name"], _now(), set())
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
            listing = [f.rsplit("/", 1)[-1] for f in ftp.nlst()]
            existing = _dated(p["name"], listing)
            now, filename = _free_name(p["name"], now, set(listing))
            result["path"] = f"{p['directory']}/{filename}"
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
                        if not module.check_mode:
                            ftp.delete(f)  # an account that may not delete fails here, reporting what it did
                        result["deleted"].append(f"{p['directory']}/{f}")
                        result["changed"] = True
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

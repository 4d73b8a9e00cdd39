#!/usr/bin/env python3
"""Build the GLPI STAND-IN archive used by the glpi role's tests (CI has no GLPI archive).

``glpi-<version>-STANDIN.tgz`` has GLPI's layout (``glpi/`` with ``public/index.php``, ``inc/``,
``config/``, ``files/``, ``marketplace/``, ``install/``, ``bin/console``, ``front/cron.php`` and the
``version/<version>`` marker) but none of GLPI's code: ``standin/`` re-implements, from GLPI's source,
what the glpi role relies on (console commands, options and exit codes, install/update, requirements,
automatic actions; see tests/glpi/README.md). VERSION picks the line: 10.0.x or 11.0.x.
``--failing-update`` builds ``glpi-<version>-STANDIN-FAILING-UPDATE.tgz``, whose ``db:update`` fails
half-way like a broken migration (for upgrade/restore tests).
The archive is reproducible (fixed mtimes and owners), so its sha256 is stable; it is written next
to the archive as ``<archive>.sha256``.

Usage: build_standin.py VERSION [OUTDIR] [--failing-update]   (prints the archive path and its sha256)
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "standin"
MTIME = 1_700_000_000
NOTICE = b"GLPI STAND-IN built by sitekit tests/glpi/build_standin.py. This is NOT GLPI.\n"
DATA_DIRS = ["_cache", "_cron", "_dumps", "_graphs", "_inventories", "_locales", "_lock", "_log", "_pictures",
             "_plugins", "_rss", "_sessions", "_tmp", "_uploads"]
EMPTY_DIRS = ["config", "files", "marketplace", "plugins", "version"] + [f"files/{d}" for d in DATA_DIRS]
ELEVEN_SCHEMA = "install/mysql/glpi-empty-11.0.sql"
DENY = b"<IfModule mod_authz_core.c>\nRequire all denied\n</IfModule>\n"


def _info(name: str, size: int = 0, mode: int = 0o644, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(f"glpi/{name}".rstrip("/"))
    info.size, info.mode, info.type, info.mtime = size, mode, kind, MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _sources(version: str, failing_update: bool) -> dict[str, bytes]:
    """The stand-in's files for one release: version markers written, the 11.0 schema appended for 11.0.x."""
    files = {str(p.relative_to(SOURCES)): p.read_bytes() for p in sorted(SOURCES.rglob("*")) if p.is_file()}
    eleven = files.pop(ELEVEN_SCHEMA)
    if version.startswith("11."):
        files["install/mysql/glpi-empty.sql"] += eleven
    files["inc/define.php"] = (files["inc/define.php"]
                               .replace(b"@STANDIN_VERSION@", version.encode())
                               .replace(b"@STANDIN_FAILING_UPDATE@", b"yes" if failing_update else b"no"))
    return files


def build(version: str, outdir: Path, failing_update: bool = False) -> tuple[Path, str]:
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ValueError(f"version must look like 10.0.20, got {version!r}")
    if not re.fullmatch(r"(10|11)\.0\.\d+", version):
        raise ValueError(f"the stand-in reproduces GLPI 10.0.x and 11.0.x only, got {version!r}")
    files = _sources(version, failing_update)
    files["STANDIN-README.txt"] = NOTICE
    files["config/.htaccess"] = DENY
    files["files/.htaccess"] = DENY
    files[f"version/{version}"] = b""
    dirs = sorted({str(Path(f).parent) for f in files if "/" in f} | set(EMPTY_DIRS))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(_info("", mode=0o755, kind=tarfile.DIRTYPE))
        for d in dirs:
            tar.addfile(_info(d + "/", mode=0o755, kind=tarfile.DIRTYPE))
        for name in sorted(files):
            data = files[name]
            mode = 0o755 if name == "bin/console" else 0o644
            tar.addfile(_info(name, len(data), mode), io.BytesIO(data))
    outdir.mkdir(parents=True, exist_ok=True)
    suffix = "-FAILING-UPDATE" if failing_update else ""
    archive = outdir / f"glpi-{version}-STANDIN{suffix}.tgz"
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    data = packed.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if not archive.exists() or archive.read_bytes() != data:
        archive.write_bytes(data)
    sha_file = archive.with_name(archive.name + ".sha256")
    if not sha_file.exists() or sha_file.read_text() != digest + "\n":
        sha_file.write_text(digest + "\n")
    return archive, digest


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "--failing-update"]
    if len(args) not in (1, 2) or any(a.startswith("-") for a in args):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    outdir = Path(args[1]) if len(args) == 2 else HERE.parents[1] / ".cache" / "glpi-standin"
    archive, digest = build(args[0], outdir, failing_update="--failing-update" in argv)
    print(archive)
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

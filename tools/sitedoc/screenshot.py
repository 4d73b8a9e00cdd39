"""Screenshots of pages in headless Chromium (Debian's ``chromium``), offline and in a fresh profile.

Used by the tests (each page of the pack is photographed and the picture's size checked) and by
``make docs-summary`` for the README's thumbnail. Nothing is fetched: background networking is off
and the pages reference only files beside them.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--hide-scrollbars", "--disable-extensions", "--disable-sync", "--mute-audio"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 1400, scale: float = 1.0, timeout: int = 60) -> Path:
    """Photograph ``page`` (a local HTML file) into ``png``; raises when Chromium writes no picture."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed (tools/bootstrap-host.sh installs it)")
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="sitedoc-chromium-") as profile:
        subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                        f"--force-device-scale-factor={scale}", f"--screenshot={png}", page.resolve().as_uri()],
                       capture_output=True, timeout=timeout, check=False)
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot of {page}")
    return png


def png_size(png: Path) -> tuple[int, int]:
    """(width, height) from the PNG header."""
    data = png.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{png} is not a PNG")
    return struct.unpack(">II", data[16:24])

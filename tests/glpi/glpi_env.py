"""What the GLPI stand-in tests know of this host: root or not, and PHP's shared extensions.

A module of its own, not conftest: `from conftest import …` resolves to whichever conftest.py
was imported first (tests/network has one too).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

IS_ROOT = os.geteuid() == 0
CONF_D = Path("/etc/php/8.2/cli/conf.d")


def php_extensions(without: tuple[str, ...] = ()) -> list[str]:
    """`-d extension=...` arguments for `php -n`: Debian's shared extensions minus some (a host lacking them)."""
    args = []
    for ini in sorted(CONF_D.glob("*.ini")):
        for name in re.findall(r"^extension=(\w+)\.so", ini.read_text(), re.M):
            if name not in without:
                args += ["-d", f"extension={name}"]
    return args

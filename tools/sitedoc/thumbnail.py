"""``python -m sitedoc.thumbnail PAGE.html OUT.png``: the README's half-size picture of a page."""

from __future__ import annotations

import sys
from pathlib import Path

from sitedoc.screenshot import screenshot

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(screenshot(Path(sys.argv[1]), Path(sys.argv[2]), width=1400, height=1150, scale=0.5))

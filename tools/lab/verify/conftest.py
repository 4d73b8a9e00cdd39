"""The lab's verification (make lab runs it after the second converge): the harness's modules on the path."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

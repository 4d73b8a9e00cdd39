"""Shared test set-up: the project's collection on sys.path, repository paths."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "collections"))

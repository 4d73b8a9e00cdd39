"""A bench script of bench/ imported as a module, for the unit tests of its pure functions."""

from __future__ import annotations

import importlib.util

from sitekit_paths import REPO


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""Shared test set-up: the project's collection on sys.path (see sitekit_paths)."""

import sitekit_paths  # noqa: F401  (puts collections/ on sys.path)

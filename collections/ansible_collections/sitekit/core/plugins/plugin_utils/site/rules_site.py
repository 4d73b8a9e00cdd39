"""Rules of the site as a whole: its identity, its times and service levels, and the proxy against Cegid's needs."""

from __future__ import annotations

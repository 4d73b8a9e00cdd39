"""A simulated IOS peer: Catalyst 2960-X/2960-S (IOS 15.2E) and CISCO1941 (IOS 15.4) over SSH.

See README.md for what it models and where each rule comes from.
"""

from .peer import IosPeer, from_file, platform_of, stored_config, stored_vlans  # noqa: F401
from .platform import catalyst, isr1941  # noqa: F401

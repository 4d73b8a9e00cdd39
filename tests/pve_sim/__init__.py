"""A Proxmox VE API simulator that checks every request against the official schema.

See README.md. ``PveSim(version=8|9).start()`` serves ``/api2/json`` on 127.0.0.1.
"""

from .schema import Schema
from .server import PveSim
from .state import ApiError, Cluster
from .tasks import TaskControl

__all__ = ["ApiError", "Cluster", "PveSim", "Schema", "TaskControl"]

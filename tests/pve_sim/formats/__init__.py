"""PVE's named formats, each registered by the module of the upstream package that defines it.

``REGISTRY[name]`` is a ``Format`` (check function or property-string hash, upstream source).
jsonschema.check_format applies them as pve-common's JSONSchema.pm check_format does.
"""

from . import access, common, firewall, lxc, misc, qemu, sdn, storage  # noqa: F401  (they register)
from .base import INLINE, IPRE, IPV4RE, IPV6RE, REGISTRY, VERSION, Format, FormatError, split_list

__all__ = ["INLINE", "IPRE", "IPV4RE", "IPV6RE", "REGISTRY", "VERSION", "Format", "FormatError", "split_list"]

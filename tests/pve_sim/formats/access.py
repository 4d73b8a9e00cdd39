"""Formats registered by pve-access-control (src/PVE/AccessControl.pm, src/PVE/Auth/Plugin.pm).

Privilege names per version: AccessControl.pm $privgroups at the 8.4 (bookworm) and 9.1 commits.
"""

from __future__ import annotations

import re

from .base import VERSION, FormatError, regex_format, register

AC = "pve-access-control src/PVE/AccessControl.pm"
AUTH = "pve-access-control src/PVE/Auth/Plugin.pm"
REALM_RE = r"[A-Za-z][A-Za-z0-9.\-_]+"  # Auth/Plugin.pm $realm_regex
USER_RE = r"[^\s:/]+"  # Auth/Plugin.pm $user_regex
GROUP_RE = r"[A-Za-z0-9.\-_]+"  # Auth/Plugin.pm $groupname_regex

_PRIVS_COMMON = set(["Permissions.Modify", "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit", "Group.Allocate", "Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Pool.Allocate", "Pool.Audit", "Realm.Allocate", "Realm.AllocateUser", "SDN.Allocate", "SDN.Audit", "SDN.Use", "Sys.AccessNetwork", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog", "User.Modify", "VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Console", "VM.Migrate", "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback"])
PRIVS = {8: _PRIVS_COMMON | {"VM.Monitor"},
         9: _PRIVS_COMMON | {"VM.Replicate", "VM.GuestAgent.Audit", "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt",
                             "VM.GuestAgent.FileWrite", "VM.GuestAgent.Unrestricted"}}

regex_format("pve-tokenid", rf"({USER_RE})@({REALM_RE})!({REALM_RE})", "value '{v}' does not look like a valid token ID",
             f"{AC} pve_verify_tokenid")
regex_format("pve-groupid", GROUP_RE, "group name '{v}' contains invalid characters", f"{AC} verify_groupname")
regex_format("pve-roleid", r"[A-Za-z0-9.\-_]+", "role name '{v}' contains invalid characters", f"{AC} verify_rolename")
regex_format("pve-realm", REALM_RE, "value does not look like a valid realm", f"{AUTH} pve_verify_realm")


@register("pve-poolid", f"{AC} verify_poolname")
def poolid(value):
    if len([p for p in value.split("/") if p] or [""]) > 3:
        raise FormatError(f"pool name '{value}' nested too deeply (max levels = 3)\n")
    if not re.fullmatch(r"[A-Za-z0-9.\-_]+(?:/[A-Za-z0-9.\-_]+){0,2}", value):
        raise FormatError(f"pool name '{value}' contains invalid characters\n")
    return value


@register("pve-priv", f"{AC} verify_privname ($privgroups)")
def priv(value):
    if value not in PRIVS[VERSION.get()]:
        raise FormatError(f"invalid privilege '{value}'\n")
    return value


@register("pve-userid", f"{AUTH} verify_username")
def userid(value):
    if len(value) < 3:
        raise FormatError(f"user name '{value}' is too short\n")
    if len(value) > 64:
        raise FormatError(f"user name '{value}' is too long ({len(value)} > 64)\n")
    if not re.fullmatch(rf"({USER_RE})@({REALM_RE})", value):
        raise FormatError(f"value '{value}' does not look like a valid user name\n")
    return value


_REMOVE = "(?:acl|properties|entry)"
register("realm-sync-options", f"{AUTH} $realm_sync_options_desc")({
    "scope": {"type": "string", "enum": ["users", "groups", "both"], "optional": "1"},
    "remove-vanished": {"type": "string", "pattern": f"(?:(?:{_REMOVE};)*{_REMOVE})|none", "optional": "1"},
    "full": {"type": "boolean", "optional": "1"},
    "enable-new": {"type": "boolean", "optional": "1"},
    "purge": {"type": "boolean", "optional": "1"},
})
register("pve-tfa-config", f"{AUTH} $tfa_format")({
    "type": {"type": "string", "enum": ["yubico", "oath"]},
    "id": {"type": "string", "optional": 1},
    "key": {"type": "string", "optional": 1},
    "url": {"type": "string", "optional": 1},
    "digits": {"type": "integer", "minimum": 6, "maximum": 8, "optional": 1},
    "step": {"type": "integer", "minimum": 10, "optional": 1},
})

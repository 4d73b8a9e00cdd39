"""JSON Schemas of every site variable and every per-host fact.

One schema per inventory variable; ``site_rules.check_schema`` applies them and
turns each violation into a Problem naming the file, host and key path. Semantic
checks that cross variables (addresses in subnets, sizing, HA votes…) live in
``site_rules``.
"""

HHMM = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}
DAYS = {"type": "array", "minItems": 1, "uniqueItems": True,
        "items": {"enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}}
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
NAME = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"}
STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
VLAN_ROLES = ["servers", "management", "clients"]
OU_PURPOSES = ("servers", "workstations", "thin_clients", "users", "groups", "service_accounts")
SECRET_REF = {"type": "string", "pattern": r"\{\{.*\}\}"}
IPV4 = {"type": "string", "pattern": r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$"}


def obj(properties: dict, required: list | None = None, extra: bool = False) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties),
            "additionalProperties": extra}


SITE = {
    "site_name": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,30}$"},
    "site_description": {"type": "string"},
    "site_domain": {"type": "string", "pattern": r"^([a-z0-9-]+\.)+[a-z]{2,}$"},
    "site_netbios": {"type": "string", "pattern": r"^[A-Z0-9-]{1,15}$"},
    "site_timezone": {"type": "string", "pattern": r"^[A-Za-z]+/[A-Za-z_]+$"},
    "site_infra": {"type": "object", "additionalProperties": {"type": "string"}},
    "site_ntp_external": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^[A-Za-z0-9.-]+$"}},
    "site_vlans": {"type": "array", "minItems": 1, "items": obj({
        "id": {"type": "integer", "minimum": 1, "maximum": 4094},
        "name": {"type": "string", "pattern": r"^[A-Z0-9_-]{1,32}$"},
        "subnet": {"type": "string"},
        "role": {"enum": VLAN_ROLES}})},
    "site_glbp": obj({
        "virtual_host": {"type": "integer", "minimum": 1, "maximum": 254},
        "primary": obj({"host": {"type": "integer", "minimum": 1, "maximum": 254},
                        "priority": {"type": "integer", "minimum": 1, "maximum": 255}}),
        "secondary": obj({"host": {"type": "integer", "minimum": 1, "maximum": 254},
                          "priority": {"type": "integer", "minimum": 1, "maximum": 255}}),
        "preempt": {"type": "boolean"},
        "load_balancing": {"enum": ["round-robin", "weighted", "host-dependent"]},
        "weighting": obj({"lower": {"type": "integer", "minimum": 1, "maximum": 100},
                          "upper": {"type": "integer", "minimum": 1, "maximum": 100},
                          "track_decrement": {"type": "integer", "minimum": 1, "maximum": 254}})},
        ["virtual_host", "primary", "secondary", "preempt", "load_balancing"]),
    "site_port_profiles": {"type": "object", "minProperties": 1, "additionalProperties": obj(
        {"vlan": {"type": "integer", "minimum": 1, "maximum": 4094}, "portfast": {"type": "boolean"}}, ["vlan"])},
    "site_spanning_tree": obj({
        "mode": {"enum": ["rapid-pvst", "pvst", "mst"]},
        "root_priority": {"type": "integer", "minimum": 0, "maximum": 61440, "multipleOf": 4096},
        "access_priority": {"type": "integer", "minimum": 0, "maximum": 61440, "multipleOf": 4096}}),
    "site_switching": obj({
        "port_channel_load_balance": {"enum": ["src-mac", "dst-mac", "src-dst-mac", "src-ip", "dst-ip", "src-dst-ip"]},
        "parking_vlan": obj({"id": {"type": "integer", "minimum": 2, "maximum": 1001},
                             "name": {"type": "string", "pattern": r"^[A-Z0-9_-]{1,32}$"}}),
        "storm_control": obj({"broadcast_level": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                              "action": {"enum": ["shutdown", "trap"]}}, ["broadcast_level"]),
        "errdisable_recovery": obj({"causes": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {
            "enum": ["bpduguard", "storm-control", "link-flap", "udld", "psecure-violation", "channel-misconfig"]}},
            "interval": {"type": "integer", "minimum": 30, "maximum": 86400}}, ["causes"])}, []),
    "site_links": {"type": "array", "items": obj({
        "a": NAME, "b": NAME,
        "a_ports": {**STRINGS, "minItems": 1}, "b_ports": {**STRINGS, "minItems": 1},
        "channel": {"type": "integer", "minimum": 1, "maximum": 128},
        "media": {"enum": ["fibre", "copper"]}}, ["a", "b", "a_ports", "b_ports", "media"])},
    "site_backup": obj({
        "storage": NAME, "schedule": HHMM, "days": DAYS,
        "mode": {"enum": ["snapshot", "suspend", "stop"]},
        "compress": {"enum": ["zstd", "lzo", "gzip", "0"]},
        "retention": obj({k: {"type": "integer", "minimum": 0} for k in ("keep_daily", "keep_weekly", "keep_monthly")}
                         | {"keep_yearly": {"type": "integer", "minimum": 0}, "keep_last": {"type": "integer", "minimum": 0}},
                         ["keep_daily", "keep_weekly", "keep_monthly"]),
        "mailto": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"}},
        "restore_target_minutes": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        # The second copy in another place (seeds 001 art. 9, 002 art. 6): its own storage, days, time, retention.
        "second_copy": obj({
            "storage": NAME, "schedule": HHMM, "days": DAYS,
            "mode": {"enum": ["snapshot", "suspend", "stop"]}, "compress": {"enum": ["zstd", "lzo", "gzip", "0"]},
            "retention": obj({k: {"type": "integer", "minimum": 0}
                              for k in ("keep_daily", "keep_weekly", "keep_monthly", "keep_yearly", "keep_last")},
                             ["keep_weekly", "keep_monthly"])},
            ["storage", "schedule", "days", "retention"])},
        ["storage", "schedule", "days", "mode", "compress", "retention", "mailto"]),
    "site_maintenance_windows": {"type": "array", "minItems": 1, "items": obj(
        {"name": NAME, "days": DAYS, "start": HHMM, "end": HHMM})},
    "site_business_hours": obj({"days": DAYS, "start": HHMM, "end": HHMM,
                                "availability_pct": {"type": "number", "minimum": 0, "maximum": 100}}),
    "site_sla": {"type": "array", "minItems": 1, "items": obj({
        "name": NAME, "priority": {"type": "integer", "minimum": 1, "maximum": 6},
        "resolve_hours": {"type": "number", "exclusiveMinimum": 0}})},
    "site_client_shutdown_time": HHMM,
    "site_security": obj({
        "ssh_version": {"const": 2},
        "vty_allowed_vlan_roles": {"type": "array", "items": {"enum": VLAN_ROLES}},
        "vty_allowed_vlans": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4094}},
        "network_admins": {"type": "array", "minItems": 1, "items": obj({
            "name": NAME, "privilege": {"type": "integer", "minimum": 0, "maximum": 15}, "secret_hash": SECRET_REF})},
        "snmp": obj({"user": NAME, "group": NAME, "auth_password": SECRET_REF, "priv_password": SECRET_REF}),
        "enable_secret_hash": SECRET_REF,
        # One line, no caret (IOS prints a banner between ^C delimiters).
        "login_banner": {"type": "string", "pattern": r"^[^\^\n]{1,200}$"},
        "linux_admin_user": NAME,
        "linux_admin_vlans": {"type": "array", "minItems": 1, "uniqueItems": True,
                              "items": {"type": "integer", "minimum": 1, "maximum": 4094}}},
        ["ssh_version", "network_admins", "snmp", "linux_admin_user", "linux_admin_vlans"]),
    "site_required_secrets": {"type": "array", "minItems": 1, "uniqueItems": True,
                              "items": {"type": "string", "pattern": r"^vault_[a-z0-9_]+$"}},
    "site_cegid": obj({
        "version": {"type": "string"},
        "concurrent_users": {"type": "integer", "minimum": 1},
        "database_server": obj({k: {"type": "integer", "minimum": 1} for k in (
            "min_windows", "recommended_windows", "min_memory_mb", "recommended_memory_mb")}),
        "presentation_server": obj({k: {"type": "integer", "minimum": 1} for k in (
            "min_windows", "recommended_windows", "min_memory_mb", "recommended_memory_mb", "memory_per_user_mb",
            "users_per_vcpu_max", "users_per_vcpu_recommended", "rds_mandatory_above_users")}),
        "sql": obj({"version": {"type": "string"}, "edition": {"enum": ["Standard", "Enterprise"]},
                    "instance": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_]{0,15}$"},
                    "tcp_port": PORT, "collation": {"type": "string", "pattern": r"^[A-Za-z0-9_]+$"},
                    "authentication": {"enum": ["windows", "mixed"]}}),
        "users_group": {"type": "string", "minLength": 1},
        "administrators_group": {"type": "string", "minLength": 1},
        "generic_login": {"type": "string", "minLength": 1, "maxLength": 128},
        "update_login": {"type": "string", "pattern": r"^[A-Za-z0-9_-]+\\[A-Za-z0-9_.$-]+$"},
        "update_share": obj({"name": {"type": "string", "pattern": r"^[A-Za-z0-9_$-]+$"},
                             "path": {"type": "string", "pattern": r"^[A-Za-z]:\\"}}),
        "remove_generic_account": {"type": "boolean"},
        "regional": obj({"locale": {"type": "string", "pattern": r"^[a-z]{2}-[A-Z]{2}$"}, "short_date": {"type": "string"},
                         "long_time": {"type": "string"}, "decimal_symbol": {"type": "string", "minLength": 1}}),
        "vendor_domains": {**STRINGS, "minItems": 1}},
        ["version", "concurrent_users", "database_server", "presentation_server", "sql", "users_group", "update_login",
         "update_share", "remove_generic_account", "regional", "vendor_domains"]),
    "site_cegid_firewall": {"type": "array", "minItems": 1, "items": obj({
        "name": NAME, "direction": {"enum": ["in", "out"]}, "protocol": {"enum": ["tcp", "udp"]},
        "ports": {"type": "array", "minItems": 1, "uniqueItems": True, "items": PORT},
        "scope": {"type": "array", "minItems": 1, "items": {"enum": [*VLAN_ROLES, "internet"]}},
        "hosts_groups": {**STRINGS, "minItems": 1}, "addition": {"type": "string"}},
        ["name", "direction", "protocol", "ports", "scope", "hosts_groups"])},
    "site_windows": obj({  # Windows tier decisions (inventories/*/group_vars/all/windows.yml, site_windows.py)
        "ous": {"type": "array", "minItems": 1, "items": obj({
            "name": {"type": "string", "minLength": 1}, "path": {"type": "string"},
            "purpose": {"enum": list(OU_PURPOSES)}}, ["name", "path"])},
        "groups": {"type": "object", "required": ["sql_admins"], "additionalProperties": obj(
            {"name": {"type": "string", "minLength": 1},
             "members": {"type": "array", "items": {"oneOf": [{"type": "string", "minLength": 1},
                                                              obj({"rid": {"type": "integer", "minimum": 500}})]}},
             "local_admin_on": STRINGS}, ["name"])},
        "service_accounts": {"type": "array", "items": obj({
            "name": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,15}$"}, "kind": {"enum": ["gmsa", "user"]},
            "hosts_groups": STRINGS, "vault_var": {"type": "string", "pattern": r"^vault_[a-z0-9_]+$"},
            "description": {"type": "string"}}, ["name", "kind"])},
        "update_rings": {"type": "array", "minItems": 2, "items": obj({
            "name": NAME, "selection": {"enum": ["second_of_each_group", "others"]},
            "defer_quality_days": {"type": "integer", "minimum": 0, "maximum": 30},
            "defer_feature_days": {"type": "integer", "minimum": 0, "maximum": 365}})},
        "update_install_hour": {"type": "integer", "minimum": 0, "maximum": 23},
        "wsus_url": {"type": ["string", "null"]},
        "dhcp": obj({"range_first_host": {"type": "integer", "minimum": 1, "maximum": 254},
                     "range_last_host": {"type": "integer", "minimum": 1, "maximum": 254},
                     "lease_hours": {"type": "integer", "minimum": 1},
                     "failover": obj({"mode": {"enum": ["load_balance", "hot_standby"]},
                                      "split_percent": {"type": "integer", "minimum": 0, "maximum": 100}})}, ["range_first_host", "range_last_host"]),
        "shutdown_gpo": obj({"name": {"type": "string", "minLength": 1},
                             "target_purposes": {"type": "array", "minItems": 1, "uniqueItems": True,
                                                 "items": {"enum": list(OU_PURPOSES)}},
                             "warning_seconds": {"type": "integer", "minimum": 0, "maximum": 3600}}, ["name", "target_purposes"]),
        "new_computers": {"enum": list(OU_PURPOSES)},
        "rds": obj({
            "collection": obj({"name": NAME, "description": {"type": "string"}}, ["name"]),
            "remote_app": obj({"alias": NAME, "display_name": {"type": "string"}, "file_path": {"type": "string", "pattern": r"^[A-Za-z]:\\"}}),
            "licensing_mode": {"enum": ["PerUser", "PerDevice"]},
            "gateway_external_fqdn": {"type": "string", "pattern": r"^([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$"},
            "broker_ha": obj({"client_access_name": NAME, "database_host": NAME, "database": NAME, "odbc_driver": {"type": "string", "pattern": r"^ODBC Driver \d+ for SQL Server$"},
                              "odbc_msi": {"type": "string", "pattern": r"^[A-Za-z]:\\.+\.msi$"}},
                             ["client_access_name", "database_host", "database", "odbc_driver", "odbc_msi"]),
            "certificates": {"type": "array", "items": obj({
                "role": {"enum": ["RDGateway", "RDWebAccess", "RDRedirector", "RDPublishing"]}, "pfx": {"type": "string"},
                "vault_var": {"type": "string", "pattern": r"^vault_[a-z0-9_]+$"}})}},
            ["collection", "remote_app", "licensing_mode"]),
        "sql": obj({
            "media": {"type": "string"}, "features": {**STRINGS, "minItems": 1},
            "service_account": {"oneOf": [obj({"kind": {"const": "virtual"}}),
                                          obj({"kind": {"enum": ["gmsa", "domain"]}, "name": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,15}\$?$"}})]},
            "product_key": {"oneOf": [obj({"source": {"const": "vault"}, "vault_var": {"type": "string", "pattern": r"^vault_[a-z0-9_]+$"}}),
                                      obj({"source": {"const": "media"}})]},
            "data_dir": {"type": "string"}, "log_dir": {"type": "string"}, "backup_dir": {"type": "string"}, "tempdb_dir": {"type": "string"},
            "databases": STRINGS,
            "database_roles": {"type": "object", "propertyNames": {"enum": ["users_group", "update_login"]},
                               "additionalProperties": STRINGS}}, ["media", "features", "service_account", "product_key"]),
        "file_server": obj({
            "data_volume": {"type": "string", "pattern": r"^[D-Zd-z]:$"},
            "shares": {"type": "array", "items": obj({
                "name": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,80}$"}, "path": {"type": "string", "pattern": r"^[A-Za-z]:\\"},
                "description": {"type": "string"}, "change": STRINGS, "read": STRINGS}, ["name", "path"])},
            "shadow_copies": obj({"days": DAYS, "times": {"type": "array", "minItems": 1, "uniqueItems": True, "items": HHMM},
                                  "max_size_percent": {"type": "integer", "minimum": 1, "maximum": 100}})})},
        ["ous", "groups", "service_accounts", "update_rings", "dhcp", "shutdown_gpo", "rds", "sql"]),
    # Debian tier (plugin_utils/site/debian/): the proxy, the FTP archive, GLPI.
    "site_proxy": obj({
        "port": PORT, "ftp_port": PORT,
        "allowed_vlan_roles": {"type": "array", "minItems": 1, "items": {"enum": VLAN_ROLES}},
        "blocked_domains": STRINGS,
        "internal_networks": STRINGS,
        "auth": {"oneOf": [
            obj({"backend": {"const": "active_directory"}, "bind_user": NAME, "bind_password": SECRET_REF,
                 "realm": {"type": "string"}}, ["backend", "bind_user", "bind_password"]),
            obj({"backend": {"const": "local"}, "realm": {"type": "string"},
                 "users": {"type": "array", "minItems": 1, "items": obj({"name": NAME, "password": SECRET_REF})}},
                ["backend", "users"])]},
        "service_hosts_groups": STRINGS, "shared_hosts_groups": STRINGS},
        ["port", "allowed_vlan_roles", "blocked_domains", "auth"]),
    "site_config_archive": obj({"primary": NAME, "backup": NAME, "user": NAME,
                                "passive_ports": {"type": "array", "items": PORT, "minItems": 2, "maxItems": 2},
                                "ftps": {"type": "boolean"}, "retention_days": {"type": "integer", "minimum": 1},
                                "controller_accounts": obj({role: obj({"user": NAME, "password": SECRET_REF})
                                                            for role in ("primary", "backup")})}),
    "site_glpi": obj({"version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"}, "url_host": {"type": "string"},
                      "sha256": {"type": ["string", "null"], "pattern": r"^[0-9a-f]{64}$"},
                      "archive_path": {"type": "string", "pattern": r"^/"},
                      "allowed_vlan_roles": {"type": "array", "minItems": 1, "items": {"enum": VLAN_ROLES}},
                      "tls_certificate": {"type": "string", "pattern": r"^[^/]"},
                      "tls_self_signed": {"type": "boolean"}}, ["version", "url_host", "sha256", "allowed_vlan_roles"]),
    "site_proxmox": obj({
        "cluster_name": {"type": "string", "pattern": r"^[A-Za-z0-9-]{1,15}$"},
        "version": {"enum": [8, 9]}, "api_port": PORT,
        "qdevice": {"anyOf": [{"type": "null"}, obj({"host": NAME})]},
        "bridge": {"type": "string", "pattern": r"^vmbr\d+$"},
        "storage": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "type", "content"],
            "properties": {"id": NAME, "type": {"enum": ["iscsi", "lvm", "nfs", "dir", "zfspool", "rbd"]},
                           "content": {"type": "array", "minItems": 1,
                                       "items": {"enum": ["none", "images", "rootdir", "backup", "iso", "vztmpl", "snippets"]}},
                           "shared": {"type": "boolean"},
                           # where the storage is (building, off-site): two backup copies need two places
                           "location": {"type": "string", "minLength": 1}}}},
        "vm_storage": NAME, "spread_groups": STRINGS,
        "templates": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 100}},
        # API endpoint (optional): default the first node's site_ip, root@pam, certificates checked.
        "api_host": {"type": "string", "minLength": 1}, "api_user": {"type": "string", "pattern": r"^[^@\s]+@[A-Za-z][\w.-]*$"},
        "api_validate_certs": {"type": "boolean"},
        # How the API certificate is checked: the cluster CA's file on the controller (/etc/pve/pve-root-ca.pem
        # of a node), or the certificate's SHA-256 fingerprint (pvenode cert info); neither: the system CAs.
        "api_ca_path": {"type": "string", "minLength": 1},
        "api_fingerprint": {"type": "string", "pattern": r"^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$"}},
        ["cluster_name", "version", "api_port", "qdevice", "bridge", "storage", "vm_storage", "spread_groups", "templates"]),
}

# Facts of one host, checked on the hosts of the groups that need them.
HOST = {
    "site_vlan": {"type": "integer", "minimum": 1, "maximum": 4094},
    "site_ip": {"type": "string"},
    "vm": obj({
        "vmid": {"type": "integer", "minimum": 100, "maximum": 999999999},
        "tier": {"enum": ["ad", "rds", "sql", "files", "itsm", "network", "proxy"]},
        "os": {"enum": ["windows2016", "windows2019", "windows2022", "windows2025", "debian12", "debian13"]},
        "vcpu": {"type": "integer", "minimum": 1, "maximum": 128},
        "memory_mb": {"type": "integer", "minimum": 512},
        "disks": {"type": "array", "minItems": 1, "items": obj({"size_gb": {"type": "integer", "minimum": 1},
                                                                "storage": NAME}, ["size_gb"])},
        "node": NAME, "ha": {"type": "boolean"},
        "mac": {"type": "string"}, "cpu": {"type": "string"}, "shadow_copies": {"type": "boolean"}},
        ["vmid", "tier", "os", "vcpu", "memory_mb", "disks", "node", "ha"]),
    "switch": obj({
        "role": {"enum": ["core", "access"]}, "location": {"type": "string"},
        "stack": {"type": "array", "minItems": 1, "maxItems": 8, "items": obj({
            "member": {"type": "integer", "minimum": 1, "maximum": 8},
            "model": {"type": "string", "pattern": r"^WS-C2960"},
            "priority": {"type": "integer", "minimum": 1, "maximum": 15}})},
        "access_ports": {"type": "array", "items": obj({"ports": {"type": "string"}, "profile": NAME})}},
        ["role", "stack", "access_ports"]),
    "router": obj({"model": {"type": "string"}, "role": {"enum": ["primary", "secondary"]},
                   "lan_interface": {"type": "string"}, "wan_interface": {"type": "string"}}, ["model", "role", "lan_interface"]),
    "pve_node": obj({"cores": {"type": "integer", "minimum": 1}, "memory_mb": {"type": "integer", "minimum": 1024},
                     "corosync_links": {"type": "array", "minItems": 1, "maxItems": 8, "items": IPV4}},
                    ["cores", "memory_mb", "corosync_links"]),
}

# Which groups need which host facts (every inventory host needs an address).
HOST_FACTS_BY_GROUP = {
    "proxmox_vms": "vm",
    "cisco_switches": "switch",
    "cisco_routers": "router",
    "proxmox_nodes": "pve_node",
}
# Site variables every site must declare.
REQUIRED_SITE_VARS = [
    "site_name", "site_domain", "site_vlans", "site_glbp", "site_port_profiles", "site_links", "site_backup",
    "site_maintenance_windows", "site_security", "site_required_secrets", "site_cegid", "site_cegid_firewall",
    "site_proxy", "site_config_archive", "site_proxmox",
]

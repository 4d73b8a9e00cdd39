#!/usr/bin/python
"""Set the password of GLPI's local accounts, or disable them, in GLPI's database.

Gap filled: community.mysql manages MariaDB users, not the rows of an application's
``glpi_users`` table, and cannot compare a wanted password with a stored bcrypt hash
(``password_verify``), which idempotence needs. GLPI's web UI and console have no
non-interactive, idempotent way to do it either.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: glpi_account
short_description: Set or disable GLPI local accounts (glpi_users) idempotently
description:
  - For each account, reads C(password) and C(is_active) from GLPI's C(glpi_users) table.
  - C(state=present) - checks the wanted password against the stored bcrypt hash and writes a new hash
    (C($2y$), PHP C(password_hash) compatible, cost 10) only when it does not match; an inactive account is
    made active again (C(is_active=1)).
  - C(state=disabled) - sets C(is_active=0) when the account is active; the password is left as it is.
  - An account missing from C(glpi_users) is not created; it is listed in RV(missing_accounts).
  - All updates are committed together at the end; a database error fails the task.
  - Connects as the MariaDB C(root) user over the unix socket, without a password (C(unix_socket)
    authentication), so it runs as root on the GLPI host.
  - "Gap filled: community.mysql manages MariaDB users, not the rows of an application's C(glpi_users) table,
    and cannot compare a wanted password with a stored bcrypt hash, which idempotence needs."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  database:
    description: GLPI database name.
    type: str
    default: glpi
  login_unix_socket:
    description: MariaDB socket.
    type: str
    default: /run/mysqld/mysqld.sock
  accounts:
    description: Accounts to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: GLPI login (C(glpi_users.name)).
        type: str
        required: true
      state:
        description: V(present) (active, with this password) or V(disabled).
        type: str
        choices: [present, disabled]
        default: present
      password:
        description: Wanted password; required when O(accounts[].state=present). Never logged.
        type: str
requirements:
  - PyMySQL and bcrypt on the GLPI host (Debian python3-pymysql, python3-bcrypt)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reads and compares; runs no C(UPDATE).
  diff_mode:
    support: full
    details: Before and after per existing account - C(active), and C(password) as C(unchanged), C(other) or C(set from vault) (never a secret).
  platform:
    platforms: debian
    details: The GLPI host, as root (MariaDB unix_socket authentication).
"""

EXAMPLES = r"""
- name: Replace GLPI's default passwords, disable the post-only account
  sitekit.core.glpi_account:
    accounts:
      - {name: glpi, password: "{{ vault_glpi_admin_password }}"}
      - {name: post-only, state: disabled}
  become: true
  no_log: true
"""

RETURN = r"""
changed_accounts:
  description: Logins that were (or would be, in check mode) changed.
  type: list
  elements: str
  returned: always
  sample: [glpi, post-only]
missing_accounts:
  description: Wanted logins absent from C(glpi_users), left alone.
  type: list
  elements: str
  returned: always
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402 (Ansible module layout)

try:
    import bcrypt
    import pymysql
except ImportError:
    bcrypt = pymysql = None


def _matches(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("$2"):
        return False
    try:
        return bcrypt.checkpw(password.encode(), stored.encode())
    except ValueError:
        return False


def _hash(password: str) -> str:
    # PHP's password_hash(PASSWORD_DEFAULT) writes $2y$; both prefixes are the same algorithm.
    return "$2y$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()[4:]


def main():
    module = AnsibleModule(
        argument_spec={
            "database": {"type": "str", "default": "glpi"},
            "login_unix_socket": {"type": "str", "default": "/run/mysqld/mysqld.sock"},
            "accounts": {"type": "list", "elements": "dict", "required": True, "options": {
                "name": {"type": "str", "required": True},
                "state": {"type": "str", "choices": ["present", "disabled"], "default": "present"},
                "password": {"type": "str", "no_log": True},
            }, "required_if": [("state", "present", ["password"])]},
        },
        supports_check_mode=True,
    )
    if pymysql is None:
        module.fail_json(msg=missing_required_lib("pymysql and bcrypt (python3-pymysql python3-bcrypt)"))
    p = module.params
    conn = pymysql.connect(unix_socket=p["login_unix_socket"], user="root", database=p["database"], autocommit=False)
    changed, missing, before, after = [], [], {}, {}
    try:
        with conn.cursor() as cur:
            for acc in p["accounts"]:
                cur.execute("SELECT password, is_active FROM glpi_users WHERE name = %s", (acc["name"],))
                row = cur.fetchone()
                if row is None:
                    missing.append(acc["name"])
                    continue
                stored, active = row[0], bool(row[1])
                if acc["state"] == "disabled":
                    before[acc["name"]], after[acc["name"]] = {"active": active}, {"active": False}
                    if active:
                        changed.append(acc["name"])
                        if not module.check_mode:
                            cur.execute("UPDATE glpi_users SET is_active = 0 WHERE name = %s", (acc["name"],))
                    continue
                ok = _matches(acc["password"], stored)
                before[acc["name"]] = {"active": active, "password": "unchanged" if ok else "other"}
                after[acc["name"]] = {"active": True, "password": "unchanged" if ok else "set from vault"}
                if not ok or not active:
                    changed.append(acc["name"])
                    if not module.check_mode:
                        cur.execute("UPDATE glpi_users SET password = %s, is_active = 1 WHERE name = %s",
                                    (_hash(acc["password"]) if not ok else stored, acc["name"]))
        conn.commit()
    except pymysql.MySQLError as exc:
        module.fail_json(msg=f"glpi_account: database error: {exc}")
    finally:
        conn.close()
    module.exit_json(changed=bool(changed), changed_accounts=changed, missing_accounts=missing,
                     diff={"before": before, "after": after})


if __name__ == "__main__":
    main()

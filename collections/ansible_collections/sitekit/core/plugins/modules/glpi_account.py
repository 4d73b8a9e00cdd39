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
  - Compares each wanted password with the bcrypt hash stored in C(glpi_users.password)
    and writes a new hash (PHP C(password_hash) compatible, C($2y$)) only when it differs.
  - C(state=disabled) sets C(is_active=0). Supports check mode and diff mode (no secret in the diff).
  - Connects as the local MariaDB root over the unix socket (unix_socket authentication).
options:
  database: {description: GLPI database name., type: str, default: glpi}
  login_unix_socket: {description: MariaDB socket., type: str, default: /run/mysqld/mysqld.sock}
  accounts:
    description: Accounts to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      name: {description: GLPI login., type: str, required: true}
      state: {description: C(present) (active with this password) or C(disabled)., type: str,
              choices: [present, disabled], default: present}
      password: {description: Wanted password (required when state=present)., type: str}
requirements: [python3-pymysql, python3-bcrypt]
"""

EXAMPLES = r"""
- name: Replace GLPI's default passwords
  glpi_account:
    accounts:
      - {name: glpi, password: "{{ vault_glpi_admin_password }}"}
      - {name: post-only, state: disabled}
  no_log: true
"""

RETURN = r"""
changed_accounts: {description: Logins that were (or would be) changed., type: list, returned: always}
missing_accounts: {description: Wanted logins absent from glpi_users (left alone)., type: list, returned: always}
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

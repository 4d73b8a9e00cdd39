"""What a first real run does with what is not ready yet: it reports it PENDING and goes on, never
fails on it. Read from the roles themselves (the behaviour needs a Windows host; these tests prove the
roles are wired to the site model's decisions and would fail on the roles the review found)."""

from __future__ import annotations

import re

import yaml
from windows_testlib import REPO


def tasks(path: str) -> list[dict]:
    out = []
    for task in yaml.safe_load((REPO / path).read_text()) or []:
        out.append(task)
        out.extend(task.get("block") or [])
    return out


def named(path: str, start: str) -> dict:
    return next(t for t in tasks(path) if t.get("name", "").startswith(start))


def when(task: dict) -> str:
    condition = task.get("when") or []
    return " and ".join(condition) if isinstance(condition, list) else str(condition)


def test_gmsa_are_created_only_once_the_kds_root_key_is_usable():
    objects = "roles/ad_domain/tasks/objects.yml"
    assert named(objects, "Create the KDS root key")["register"] == "ad_domain_kds"
    create = next(t for t in tasks(objects) if "microsoft.ad.service_account" in t)
    assert "sitekit.core.windows_gmsa_phase" in when(create) and ".ready" in when(create)
    pending = named(objects, "Say when the group managed service accounts can be created")
    assert "PENDING" in pending["ansible.builtin.debug"]["msg"] and "not ad_domain_gmsa_phase.ready" in when(pending)


def test_sql_server_waits_for_its_gmsa_without_failing():
    install = "roles/sqlserver_cegid/tasks/install.yml"
    names = [t.get("name", "") for t in tasks(install)]
    stop = names.index("Stop here until the gMSA exists (the run succeeds; the next one after that time continues)")
    assert stop < names.index("Run SQL Server setup unattended")
    assert tasks(install)[stop]["ansible.builtin.meta"] == "end_host"
    assert "not sqlserver_cegid_gmsa.output[0].gmsa_exists" in when(tasks(install)[stop])
    read = named(install, "Read the KDS root key and the gMSA")
    assert read["delegate_to"] == "{{ groups['ad_domain_controllers'] | first }}", "read on a DC: no second hop"


def _case(script: str, action: str) -> str:
    body = script.split(f"'{action}' {{", 1)[1]
    return body.split("\n    '", 1)[0]


def test_broker_ha_waits_for_its_database_and_compares_its_settings():
    script = (REPO / "roles/rds_deployment/files/rds_step.ps1").read_text()
    case = _case(script, "set_broker_ha")
    assert case.index("if (-not $Step.database_reachable)") < case.index("break") < case.index("Set-RDConnectionBrokerHighAvailability")
    assert "Set-RDClientAccessName" in case and "Set-RDDatabaseConnectionString" in case, "settings compared, not only existence"
    main = (REPO / "roles/rds_deployment/tasks/main.yml").read_text()
    assert "database_reachable: \"{{ rds_deployment_database_probe.output[0]" in main


def test_the_remote_app_is_published_only_when_cegid_is_on_every_session_host():
    script = (REPO / "roles/rds_deployment/files/rds_step.ps1").read_text()
    case = _case(script, "new_collection")
    assert case.index("if (-not $Step.publish_remote_app)") < case.index("New-RDRemoteApp")
    look = tasks("roles/rds_deployment/tasks/remote_app.yml")[0]
    assert look["ansible.windows.win_stat"]["path"] == "{{ rds_deployment_remote_app.file_path }}"
    assert look["loop"] == "{{ rds_deployment_remote_app.required_on }}" and look["delegate_to"] == "{{ item }}"
    defaults = yaml.safe_load((REPO / "roles/rds_deployment/defaults/main.yml").read_text())
    assert "rejectattr('stat.exists')" in defaults["rds_deployment_cegid_missing"]
    assert "publish_remote_app: \"{{ rds_deployment_cegid_missing | length == 0 }}\"" in (
        REPO / "roles/rds_deployment/tasks/main.yml").read_text()


def test_dhcp_failover_compares_partner_mode_and_percentage():
    script = (REPO / "roles/ad_domain/files/dhcp_scopes.ps1").read_text()
    existing = script.split("else {", 2)[2]
    assert "$failover.PartnerServer -ne $PartnerServer" in existing and "Set-DhcpServerv4Failover" in existing
    assert re.search(r"\$failover\.Mode.*-ne \$mode", existing) and "LoadBalancePercent" in existing


def test_the_generic_login_is_reported_while_it_stays():
    report = named("roles/sqlserver_cegid/tasks/security.yml", "Say that the generic Cegid login is still there")
    assert "PENDING" in report["ansible.builtin.debug"]["msg"] and "generic_login_present" in when(report)


def test_no_role_names_a_built_in_windows_principal_in_one_language():
    """Built-in accounts and groups are named in the install language (Administrateur, Administrateurs,
    Utilisateurs…): the roles find them by SID. The review found windows_base addressing `Administrateur`."""
    localised = re.compile(r"^(?:.*\\)?(Administrat(?:or|eur)s?|Utilisateurs|Users|Tout le monde|Everyone|Domain Admins|"
                           r"Admins du domaine)$", re.I)
    principal_keys = {"name", "user", "username", "members", "become_user", "group", "change", "read", "full"}

    def values(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from values(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from values(v, key)
        elif isinstance(node, str):
            yield key, node

    found = []
    for path in sorted((REPO / "roles").glob("*/tasks/*.yml")):
        for task in tasks(str(path.relative_to(REPO))):
            module = next((k for k in task if "." in k), None)
            args = task.get(module) if isinstance(task.get(module), dict) else {}
            found += [f"{path.name}: {task.get('name')}: {k}={v}" for k, v in values(args)
                      if k in principal_keys and localised.match(v.strip())]
            if localised.match(str(task.get("become_user", "")).strip()):
                found.append(f"{path.name}: {task.get('name')}: become_user")
    for path in sorted((REPO / "roles").glob("*/defaults/main.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        found += [f"{path}: {k}: {v}" for k, v in values(data) if localised.match(v.strip())]
    assert not found, found
    read = named("roles/windows_base/tasks/main.yml", "Read the local names of the built-in administrator")
    assert "-500" in read["ansible.windows.win_powershell"]["script"] and "S-1-5-32-544" in read["ansible.windows.win_powershell"]["script"]
    admin = named("roles/windows_base/tasks/main.yml", "Set the built-in local administrator's password")
    assert admin["ansible.windows.win_user"]["name"] == "{{ windows_base_builtin.output[0].administrator }}"


def test_the_sql_product_key_reaches_setup_from_the_vault():
    setup = named("roles/sqlserver_cegid/tasks/install.yml", "Run SQL Server setup unattended")
    assert setup["vars"]["sqlserver_cegid_key_argv"] == ["/PID={{ lookup('ansible.builtin.vars', sqlserver_cegid_setup.product_key.vault_var) }}"]
    assert "sqlserver_cegid_key_argv" in setup["ansible.windows.win_command"]["argv"] and setup["no_log"] is True
    assert setup["vars"]["ansible_become_password"] == "{{ sqlserver_cegid_become_password }}"
    ini = (REPO / "roles/sqlserver_cegid/templates/ConfigurationFile.ini.j2").read_text()
    assert "PID=" not in ini, "the key never lands in a file on the host"

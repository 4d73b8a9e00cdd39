"""No entry point skips validation (issue 10): a broken inventory is refused before any connection.

Every command runs inside a network namespace with no interface (``unshare -n``), and every host's
connection is forced to ``ssh`` through a recorder executable that writes down each host it is asked
to reach: a refused run must leave no record, print the same problem line as ``make validate`` and
start no play. The same commands on the valid rcr inventory do reach the recorder (so the check can fail).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sites
import yaml
from sitekit_paths import REPO
from validation.mutate import apply_case

BIN = Path(sys.executable).parent
CASE = {"file": "host_vars/sql01.yml", "set": {"vm.memory_mb": 4096}}
PROBLEM = "host sql01: vm.memory_mb: 4096 MB is below the Cegid minimum 8192 MB for a database server [cegid-sql]"

# (command, args): site.yml with play selection, tier and task playbooks run alone, ad hoc.
ENTRIES = {
    "site --limit host": ("ansible-playbook", ["playbooks/site.yml", "--limit", "pve1"]),
    "site --limit group": ("ansible-playbook", ["playbooks/site.yml", "--limit", "proxmox_nodes"]),
    "site --tags role": ("ansible-playbook", ["playbooks/site.yml", "--tags", "role::proxmox_node"]),
    "site --tags tier, skip always": ("ansible-playbook", ["playbooks/site.yml", "--tags", "tier::linux",
                                                           "--skip-tags", "always"]),
    "site --start-at-task": ("ansible-playbook", ["playbooks/site.yml", "--start-at-task", "Node preparation"]),
    "site --step": ("ansible-playbook", ["playbooks/site.yml", "--step"]),
    "proxmox.yml": ("ansible-playbook", ["playbooks/proxmox.yml"]),
    "network.yml": ("ansible-playbook", ["playbooks/network.yml"]),
    "windows.yml": ("ansible-playbook", ["playbooks/windows.yml"]),
    "linux.yml": ("ansible-playbook", ["playbooks/linux.yml"]),
    "backup_network.yml": ("ansible-playbook", ["playbooks/backup_network.yml"]),
    "restore_glpi.yml": ("ansible-playbook", ["playbooks/restore_glpi.yml"]),
    "pra_drill.yml": ("ansible-playbook", ["playbooks/pra_drill.yml", "-e", "pra_vm=dc01", "-e", "pra_node=pve2"]),
    "ad hoc": ("ansible", ["proxmox_nodes:debian", "-m", "ansible.builtin.ping"]),
}
RECORDER = """#!/bin/sh
# Stands in for ssh: writes down the host it was asked to reach, then fails like an unreachable host.
echo "$*" >> "$GATE_TEST_CONNECTION_LOG"
exit 255
"""


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    return apply_case(REPO / "inventories/rcr", tmp_path_factory.mktemp("gate") / "rcr-broken", CASE)


@functools.cache
def recorder() -> Path:
    """One recorder per process, each test's log given by the environment: the ``-e`` arguments stay the same, so
    the runs on one inventory share the gate's verdict kept by content (gate_cache.py), as an operator's do."""
    path = Path(tempfile.mkdtemp(prefix="gate-recorder-")) / "ssh"
    path.write_text(RECORDER)
    path.chmod(0o755)
    return path


def isolated(tmp_path: Path, tool: str, inventory: Path | None, args: list[str],
             more_env: dict | None = None) -> tuple[subprocess.CompletedProcess, list]:
    """Run an ansible tool in a namespace with no network; every connection goes to the recorder. ``inventory``
    None: no ``-i``, the configured default inventory."""
    log = tmp_path / "connections.log"
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "PATH": f"{BIN}:{os.environ['PATH']}",
           "ANSIBLE_NOCOLOR": "1", "SITEKIT_JOURNAL_DIR": str(tmp_path / "journal"), "GATE_TEST_CONNECTION_LOG": str(log),
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_FACT_CACHING": "memory", **(more_env or {})}
    force = ["-e", "ansible_connection=ssh", "-e", f"ansible_ssh_executable={recorder()}", "-e", "ansible_port=22"]
    sources = ["-i", str(inventory)] if inventory is not None else []
    cmd = ["unshare", "--net", str(BIN / tool), *sources, *args, *force]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, input="y\n" * 50)
    return done, (log.read_text().splitlines() if log.exists() else [])


def test_the_namespace_has_no_network():
    done = subprocess.run(["unshare", "--net", sys.executable, "-c",
                           "import socket; s = socket.socket(); s.settimeout(2); s.connect(('127.0.0.1', 22))"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "Network is unreachable" in done.stderr, done.stderr


@pytest.mark.parametrize("entry", ENTRIES)
def test_broken_inventory_is_refused_before_any_connection(tmp_path, broken, entry):
    tool, args = ENTRIES[entry]
    done, reached = isolated(tmp_path, tool, broken, args)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert reached == [], f"{entry}: connections attempted to {reached}"
    edited = broken / CASE["file"]
    line = next(n for n, text in enumerate(edited.read_text().splitlines(), 1) if "memory_mb:" in text)
    assert f"{edited}:{line}: {PROBLEM}" in out, out  # the wording of `make validate`
    assert "PLAY [" not in out and "TASK [" not in out and "Traceback" not in out, out



@pytest.mark.parametrize("entry", ["site --limit host", "ad hoc"])
def test_the_configured_default_inventory_is_gated_too(tmp_path, broken, entry):
    """No ``-i``: the inventory ansible.cfg (or ANSIBLE_INVENTORY) names, a new user's first command."""
    tool, args = ENTRIES[entry]
    done, reached = isolated(tmp_path, tool, None, args, {"ANSIBLE_INVENTORY": str(broken)})
    out = done.stdout + done.stderr
    assert done.returncode != 0 and reached == [], out
    assert PROBLEM in out and "PLAY [" not in out, out

@pytest.mark.parametrize("entry", ["site --limit host", "site --start-at-task", "ad hoc"])
def test_the_same_entries_on_a_valid_inventory_do_reach_the_hosts(tmp_path, entry):
    tool, args = ENTRIES[entry]
    done, reached = isolated(tmp_path, tool, REPO / "inventories/rcr", args)
    assert reached, f"{entry}: the recorder saw no connection on a valid inventory:\n{done.stdout}{done.stderr}"
    assert "sitekit: inventory refused" not in done.stdout + done.stderr


@pytest.mark.parametrize("args", [["--syntax-check"], ["--list-hosts", "-v"], ["--list-tasks", "--tags", "tier::proxmox"]])
def test_listing_a_valid_inventory_still_works(tmp_path, args):
    done, reached = isolated(tmp_path, "ansible-playbook", REPO / "inventories/rcr", ["playbooks/site.yml", *args])
    assert done.returncode == 0, done.stdout + done.stderr
    assert reached == []
    if "-v" in args:  # the summary counts every warning `make validate` finds (computed only when -v shows them)
        warnings = [p for p in sites.problems("inventories/rcr") if p.severity == "warning"]
        assert f"0 errors, {len(warnings)} warning(s)" in done.stdout + done.stderr, done.stdout + done.stderr


def test_ansible_inventory_refuses_the_broken_copy_and_lists_the_valid_one(tmp_path, broken):
    done, _ = isolated(tmp_path, "ansible-inventory", broken, ["--list"])
    assert done.returncode != 0 and PROBLEM in done.stderr
    done, _ = isolated(tmp_path, "ansible-inventory", REPO / "inventories/rcr", ["--graph"])
    assert done.returncode == 0 and "@proxmox_nodes:" in done.stdout, done.stderr


def test_an_inventory_without_a_site_model_is_left_alone(tmp_path):
    done, reached = isolated(tmp_path, "ansible", Path("somehost,"), ["all", "-m", "ansible.builtin.ping"])
    assert "sitekit: inventory refused" not in done.stdout + done.stderr
    assert reached and all(" somehost " in line for line in reached), reached


@pytest.mark.parametrize("group", ["../../../../../../..", "loop", "loop-at-start"])
def test_an_inventory_ansible_would_read_for_ever_is_refused_first(tmp_path, group):
    """ansible-core's host_group_vars would read group_vars/<name> as a directory ('/': the whole filesystem) and
    follow links back into it without end; the gate runs first (ansible.cfg) and refuses such an inventory even
    where it declares no site (loader_guard.py)."""
    scratch = tmp_path / "scratch"
    (scratch / "group_vars" / "loop").mkdir(parents=True)
    (scratch / "hosts.yml").write_text(f'all:\n  children:\n    "{group}":\n      hosts:\n        somehost:\n')
    if group.startswith("loop"):
        for name in ("a", "b"):
            (scratch / "group_vars" / "loop" / name).symlink_to(".")
    env = {"ANSIBLE_RUN_VARS_PLUGINS": "start"} if group == "loop-at-start" else {}  # group_vars read while parsing
    done, reached = isolated(tmp_path, "ansible", scratch, ["all", "-m", "ansible.builtin.ping"], env)
    out = done.stdout + done.stderr
    assert done.returncode != 0 and reached == [], out
    if group.startswith("loop"):
        assert f"{scratch / 'group_vars/loop/a'}: this link leads back to group_vars/loop" in out, out
    else:
        assert f"{scratch / 'hosts.yml'}:3: {group}: a group name holding '/', or '.' or '..', is a path" in out, out


@pytest.mark.parametrize("stage", ["demand", "start"])
def test_a_name_walking_out_of_the_inventory_is_refused_before_ansible_reads_there(tmp_path, stage):
    """Under run_vars_plugins = start, host_group_vars runs while an inventory is parsed, the gate's own parse
    included: the gate parses first and runs the vars plugins once the names are refused or safe."""
    scratch = tmp_path / "scratch"
    (scratch / "inventory" / "group_vars").mkdir(parents=True)
    (scratch / "inventory" / "hosts.yml").write_text('all:\n  children:\n    "../../outside":\n      hosts:\n        somehost:\n')
    (scratch / "outside").mkdir()
    (scratch / "outside" / "trap.yml").write_text("read: [by Ansible\n")  # a YAML error names it once read
    done, reached = isolated(tmp_path, "ansible", scratch / "inventory", ["all", "-m", "ansible.builtin.ping"],
                             {"ANSIBLE_RUN_VARS_PLUGINS": stage})
    out = done.stdout + done.stderr
    assert done.returncode != 0 and reached == [], out
    assert f"{scratch / 'inventory/hosts.yml'}:3: ../../outside: a group name holding '/'" in out, out
    assert "trap.yml" not in out and "YAML" not in out, out


VAULT_PASSWORD = "gate-test-password"
BAD_VLAN_PLAN = "---\nsite_vlans:\n  - {id: 5000, name: SERVEURS, subnet: 192.0.2.0/24, role: servers}\n"


@pytest.mark.parametrize("content", ["---\nzz_note: a value no rule reads\n", BAD_VLAN_PLAN])
def test_a_whole_file_vault_is_validated_with_the_runs_vault_password(tmp_path, content):
    """Ansible opens it with the run's password, so the gate does (and keeps no verdict computed with it)."""
    required = yaml.safe_load((REPO / "inventories/rcr/group_vars/all/security.yml").read_text())["site_required_secrets"]
    files = {"group_vars/all/vault.yml": "---\n" + "".join(f"{name}: x\n" for name in required),
             "group_vars/all/zz_vaulted.yml": content}
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "vaulted", {"file": "group_vars/all/zz_vaulted.yml",
                           "write": files, "vault_encrypt": dict.fromkeys(files, VAULT_PASSWORD)})
    secret = tmp_path / "vault-password"
    secret.write_text(VAULT_PASSWORD + "\n")
    done, reached = isolated(tmp_path, "ansible", inventory, ["pve1", "-m", "ansible.builtin.ping",
                                                              "--vault-password-file", str(secret)])
    out = done.stdout + done.stderr
    if content == BAD_VLAN_PLAN:
        assert done.returncode != 0 and reached == [], out
        assert f"{inventory / 'group_vars/all/zz_vaulted.yml'}:3: site_vlans[0].id: 5000" in out, out
    else:
        assert "sitekit: inventory refused" not in out and reached, out


def test_an_inventory_path_with_a_comma_is_a_path(tmp_path, broken):
    """ansible-core takes a source holding ',' for a host list only when no such path exists."""
    inventory = tmp_path / "rcr,copy"
    shutil.copytree(broken, inventory)
    done, reached = isolated(tmp_path, "ansible", inventory, ["proxmox_nodes", "-m", "ansible.builtin.ping"])
    assert done.returncode != 0 and reached == [] and PROBLEM in done.stderr, done.stdout + done.stderr


def test_a_connection_overlay_beside_the_site_is_not_validated_as_a_site(tmp_path, broken):
    overlay = tmp_path / "overlay.yml"
    overlay.write_text("all:\n  hosts:\n    pve1:\n      ansible_port: 2222\n")
    done, _ = isolated(tmp_path, "ansible-playbook", REPO / "inventories/rcr", ["-i", str(overlay), "playbooks/site.yml",
                                                                               "--list-hosts"])
    assert done.returncode == 0, done.stdout + done.stderr
    done, reached = isolated(tmp_path, "ansible-playbook", broken, ["-i", str(overlay), "playbooks/site.yml", "--limit", "pve1"])
    assert done.returncode != 0 and PROBLEM in done.stderr and reached == []


def test_the_gate_leaves_ansible_version_to_ansible(tmp_path):
    """The gate loads the site before ansible-playbook's own VariableManager; ansible-core keeps the first options
    vars of the process, so the site loader must give the version too, else ansible_version is 'Unknown' for the
    whole run (molecule-plugins' docker create/destroy playbooks read ansible_version.full)."""
    playbook = tmp_path / "version.yml"
    playbook.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                        "    - ansible.builtin.assert:\n        that: ansible_version.full is version('2.0', '>=')\n")
    done, _ = isolated(tmp_path, "ansible-playbook", REPO / "inventories/lab", [str(playbook)])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.parametrize("beside", [{"host_vars/sql01.yml": "---\nvm:\n  memory_mb: 4096\n"},
                                    {"group_vars/all.yml": "---\nansible_user: admin\n"}])
def test_site_keys_beside_a_playbook_are_refused(tmp_path, beside):
    """ansible-core reads group_vars/host_vars beside the playbook over the inventory's, and no validation reads them:
    a site key there is refused before any connection; connection settings there are left alone."""
    playbooks = tmp_path / "playbooks"
    for rel, text in beside.items():
        (playbooks / rel).parent.mkdir(parents=True, exist_ok=True)
        (playbooks / rel).write_text(text)
    (playbooks / "ping.yml").write_text("- hosts: pve1\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
    done, reached = isolated(tmp_path, "ansible-playbook", REPO / "inventories/rcr", [str(playbooks / "ping.yml")])
    out = done.stdout + done.stderr
    if "host_vars/sql01.yml" in beside:
        assert done.returncode != 0 and reached == [], out
        assert f"- {playbooks / 'host_vars/sql01.yml'}:2: vm: a site key beside the playbook" in out, out
        assert "TASK [" not in out, out  # the play's own vars are computed once it starts, before its first task
    else:
        assert "sitekit: inventory refused" not in out and reached, out


def test_an_inventory_edited_during_a_run_is_refused_before_a_later_play_reads_it(tmp_path):
    """ansible-core reads a host's host_vars when a task first needs its variables, long after the gate validated the
    inventory: an edit made meanwhile (an editor saving, a git checkout in the same tree; here the first play stands in
    for the operator) stops the run before a host is reached with it."""
    inventory = tmp_path / "rcr"
    shutil.copytree(REPO / "inventories/rcr", inventory)
    edited = inventory / "host_vars/pve1.yml"
    assert "site_ip: 10.0.10.11\n" in edited.read_text()
    playbook = tmp_path / "edit_then_ping.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        f"    - ansible.builtin.debug:\n        msg: \"{{{{ lookup('ansible.builtin.pipe', "
        f"'sed -i s/10.0.10.11$/10.0.40.11/ {edited}') }}}}\"\n"
        "- hosts: pve1\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
    done, reached = isolated(tmp_path, "ansible-playbook", inventory, [str(playbook)])
    out = done.stdout + done.stderr
    assert "site_ip: 10.0.40.11" in edited.read_text(), out  # the first play ran
    assert done.returncode != 0 and reached == [], out
    assert f"sitekit: the inventory {inventory} changed after it was validated at the start of this run ({edited})" \
        in out, out


@pytest.mark.parametrize("extra", [["-e", "site_ip=192.0.2.250"], ["-e", '{"site_ip": "192.0.2.250"}'], "file"],
                         ids=["key=value", "json", "@file"])
def test_a_problem_in_extra_vars_is_placed_there_not_at_the_inventory_line_it_overrides(tmp_path, extra):
    """-e overrides every file, so the gate validates the value the run uses; the key it replaced still carries the
    inventory's file and line, which hold another value: key=value and JSON are placed at "extra vars (-e)", a file's
    values at their own line (review of stop 33)."""
    if extra == "file":
        (tmp_path / "extra.yml").write_text("---\nsite_ip: 192.0.2.250\n")
        extra = ["-e", f"@{tmp_path / 'extra.yml'}"]
    done, reached = isolated(tmp_path, "ansible", REPO / "inventories/rcr", ["rt-01", "-m", "ping", *extra])
    out = done.stdout + done.stderr
    assert done.returncode != 0 and reached == [], out
    where = f"{tmp_path / 'extra.yml'}:2" if "@" in extra[1] else "extra vars (-e)"
    assert f"- {where}: host rt-01: site_ip: 192.0.2.250 is outside VLAN 20" in out, out
    assert "host_vars/rt-01.yml" not in out, out

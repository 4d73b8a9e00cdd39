"""sitekit.core as any Galaxy collection: built, installed into an empty path, used from outside the repository.

Processes only (ansible-galaxy, ansible-playbook, ansible-doc, python), no container and no network: the one
connection attempt is to a closed port on 127.0.0.1. The documentation is checked against the code it describes:
each module's argument_spec (its main() run with AnsibleModule replaced) and each filter's Python signature.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from sitekit_paths import COLLECTION, REPO
from validation.mutate import apply_case

BIN = Path(sys.executable).parent
FQCN = "sitekit.core"
CACHES = (".pytest_cache", ".ruff_cache", ".mypy_cache", ".cache", "__pycache__")

# Run in a fresh interpreter on the installed copy: the AnsibleModule(...) arguments of each module (its main() run
# with AnsibleModule replaced), the signature of each filter, the arguments each action accepts.
INTROSPECT = """
import importlib, inspect, json, pathlib, sys
root, pkg = pathlib.Path(sys.argv[1]), "ansible_collections.sitekit.core.plugins"
class Captured(Exception):
    pass
def capture(**kwargs):
    raise Captured(kwargs)
out = {"modules": {}, "filters": {}, "actions": {}}
for path in sorted((root / "plugins/modules").glob("*.py")):
    module = importlib.import_module(f"{pkg}.modules.{path.stem}")
    if hasattr(module, "main"):
        module.AnsibleModule = capture
        try:
            module.main()
        except Captured as got:
            out["modules"][path.stem] = got.args[0]
for path in sorted((root / "plugins/filter").glob("*.py")):
    for name, func in importlib.import_module(f"{pkg}.filter.{path.stem}").FilterModule().filters().items():
        out["filters"][name] = [[p.name, p.default is inspect.Parameter.empty]
                                for p in inspect.signature(func).parameters.values()]
for path in sorted((root / "plugins/action").glob("*.py")):
    out["actions"][path.stem] = sorted(importlib.import_module(f"{pkg}.action.{path.stem}").ActionModule._VALID_ARGS)
out["files"] = [m.__file__ for n, m in sys.modules.items() if n.startswith("ansible_collections.sitekit")]
print(json.dumps(out, default=repr))
"""


def environment(**extra: str) -> dict:
    """This process's environment without Ansible, Proxmox, proxy or Python path settings."""
    dropped = ("ANSIBLE_", "PROXMOX_", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped) and "proxy" not in k.lower()}
    return {**env, "PATH": f"{BIN}:{env['PATH']}", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
            "NO_PROXY": "127.0.0.1,localhost", **extra}


def run(args: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def source_files(root: Path) -> set[str]:
    """Files of a collection directory a build must ship (galaxy.yml becomes MANIFEST.json)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "galaxy.yml"
            and not p.name.endswith(".pyc") and not set(p.relative_to(root).parts) & set(CACHES)}


def build(collection: Path, out: Path) -> Path:
    done = run([BIN / "ansible-galaxy", "collection", "build", collection, "--output-path", out], out, environment())
    assert done.returncode == 0, done.stderr
    return next(out.glob("sitekit-core-*.tar.gz"))


def members(tarball: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(tarball) as tar:
        return {m.name: m for m in tar.getmembers() if not m.isdir()}


def filter_names() -> set[str]:
    """Every filter the collection defines: the keys of each FilterModule.filters() dict (read, not imported)."""
    names = set()
    for path in (COLLECTION / "plugins/filter").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name == "filters":
                returned = next(n.value for n in ast.walk(node) if isinstance(n, ast.Return))
                names |= {key.value for key in returned.keys}
    return names


def expected_plugins() -> dict[str, set[str]]:
    def stems(kind):
        return {p.stem for p in (COLLECTION / "plugins" / kind).glob("*.py") if p.stem != "__init__"}
    return {"module": stems("modules"), "filter": filter_names(), "callback": stems("callback"), "action": stems("action"),
            "lookup": stems("lookup")}


class Outside:
    """A project directory of its own: a minimal ansible.cfg and the collection installed under ./collections."""

    def __init__(self, root: Path, tarball: Path):
        self.root, self.installed = root, root / "collections"
        (root / "ansible.cfg").write_text(
            "[defaults]\ncollections_path = ./collections\ncollections_scan_sys_path = False\n"
            f"callbacks_enabled = {FQCN}.run_summary\n")
        self.env = environment(ANSIBLE_CONFIG=str(root / "ansible.cfg"), SITEKIT_RUN_LOG_DIR=str(root / "runs"))
        done = run([BIN / "ansible-galaxy", "collection", "install", "--offline", tarball, "-p", self.installed],
                   root, self.env)
        assert done.returncode == 0, done.stdout + done.stderr
        self.collection = self.installed / "ansible_collections/sitekit/core"

    def playbook(self, name: str, *args) -> subprocess.CompletedProcess:
        return run([BIN / "ansible-playbook", *args, name], self.root, self.env)

    def doc(self, plugin_type: str, names) -> dict:
        done = run([BIN / "ansible-doc", "-t", plugin_type, "--json", *[f"{FQCN}.{n}" for n in sorted(names)]],
                   self.root, self.env)
        assert done.returncode == 0, done.stderr
        return {name.split(".")[-1]: data for name, data in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    return build(COLLECTION, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def outside(tmp_path_factory, tarball) -> Outside:
    root = tmp_path_factory.mktemp("elsewhere")
    assert not root.resolve().is_relative_to(REPO)
    return Outside(root, tarball)


@pytest.fixture(scope="module")
def code(outside) -> dict:
    done = run([sys.executable, "-c", INTROSPECT, outside.collection], outside.root,
               {**outside.env, "PYTHONPATH": str(outside.installed)})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["files"] and all(Path(f).is_relative_to(outside.collection) for f in found["files"] if f)
    return found


# ---- (a, e) the build ------------------------------------------------------------------------------------------------
def test_tarball_ships_every_file_of_the_collection_dir_and_nothing_else(tarball):
    shipped, expected = members(tarball), source_files(COLLECTION)
    assert {"templates/ios/switch.j2", "templates/ios/router.j2", "plugins/action/site_validate.py",
            "plugins/callback/run_summary.py", "plugins/doc_fragments/proxmox.py", "meta/runtime.yml"} <= expected
    assert set(shipped) - {"MANIFEST.json", "FILES.json"} == expected
    assert not [p for p in COLLECTION.rglob("*") if p.is_symlink()], "a symlink could pull in files from elsewhere"
    with tarfile.open(tarball) as tar:
        for name in expected:
            assert shipped[name].isfile(), name
            assert tar.extractfile(name).read() == (COLLECTION / name).read_bytes(), name


def test_build_ignore_leaves_caches_out(tmp_path):
    copy = tmp_path / "src/ansible_collections/sitekit/core"
    shutil.copytree(COLLECTION, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".pytest_cache/v/cache/nodeids", "plugins/.ruff_cache/0.17/x", "plugins/filter/.mypy_cache/x.json",
                 ".cache/runs/run.json", "plugins/modules/__pycache__/pve_ha.cpython-311.pyc", "tests/output/.tmp/x",
                 "plugins/filter/site.py~", "plugins/modules/.pve_ha.py.swp"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text("cache\n")
    assert set(members(build(copy, tmp_path))) - {"MANIFEST.json", "FILES.json"} == source_files(COLLECTION)


def test_built_size_and_plugin_counts_for_the_closing_note(tarball, capsys):
    shipped = members(tarball)
    counts = {kind: len([n for n in shipped if re.fullmatch(rf"plugins/{kind}/[^/]+\.py", n)])
              for kind in ("modules", "action", "callback", "lookup", "doc_fragments", "module_utils")}
    counts["filters"] = len(filter_names())
    counts["filter docs"] = len([n for n in shipped if re.fullmatch(r"plugins/filter/[^/]+\.yml", n)])
    counts["plugin_utils files"] = len([n for n in shipped if n.startswith("plugins/plugin_utils/") and n.endswith(".py")])
    counts["templates"] = len([n for n in shipped if n.startswith("templates/")])
    templates = {n for n in shipped if n.startswith("templates/")}
    assert templates == {f"templates/ios/{t}.j2" for t in ("switch", "router", "_head", "_tail", "bootstrap")}
    assert counts["filters"] == counts["filter docs"] and counts["modules"] >= 10
    with capsys.disabled():
        print(f"\n{tarball.name}: {tarball.stat().st_size} bytes, {len(shipped)} files; "
              + ", ".join(f"{kind} {n}" for kind, n in counts.items()))


# ---- (b, c) installed, used from a directory outside the repository ---------------------------------------------------
def test_installed_copy_validates_rcr_and_names_the_host_count(outside, rcr_site):
    shutil.copy(REPO / "playbooks/validate.yml", outside.root / "validate.yml")
    done = outside.playbook("validate.yml", "-i", REPO / "inventories/rcr")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"inventories/rcr: {len(rcr_site.hosts)} hosts, " in done.stdout
    assert ", 0 errors," in done.stdout
    records = [json.loads(p.read_text()) for p in (outside.root / "runs").glob("*.json")]
    assert "validate.yml" in [r["playbook"] for r in records], "the installed run_summary callback wrote no record"


def test_installed_copy_refuses_broken_rcr_with_file_and_line(outside, tmp_path):
    corpus = yaml.safe_load((REPO / "tests/validation/broken_inventories.yml").read_text())
    case = next(c for c in corpus["cases"] if c["id"] == "host-ip-outside-vlan")
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "rcr-broken", case)
    shutil.copy(REPO / "playbooks/validate.yml", outside.root / "validate.yml")
    done = outside.playbook("validate.yml", "-i", inventory)
    assert done.returncode != 0
    edited = inventory / case["file"]
    line = next(i for i, text in enumerate(edited.read_text().splitlines(), 1) if text.startswith("site_ip:"))
    assert f"{edited}:{line}: {case['expect']}" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_installed_filters_render_a_device_as_its_reviewed_golden_file(outside):
    network = REPO / "tests/network"
    dummies = re.search(r"^DUMMY_SECRETS = (\{.*?^\})", (network / "netlab.py").read_text(), re.S | re.M).group(1)
    vault = (REPO / "inventories/rcr/group_vars/all/vault.yml").read_text()
    secrets = {name: f"dummy-{name}" for name in re.findall(r"^(vault_\w+):", vault, re.M)} | ast.literal_eval(dummies)
    (outside.root / "secrets.json").write_text(json.dumps(secrets))
    (outside.root / "render.yml").write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ansible.builtin.copy:\n"
        "        content: \"{{ hostvars | sitekit.core.network_intent(groups, 'sw-core') | sitekit.core.ios_render }}\"\n"
        "        dest: \"{{ playbook_dir }}/sw-core.cfg\"\n        mode: '0600'\n")
    done = outside.playbook("render.yml", "-i", REPO / "inventories/rcr", "-c", "local", "-e", "@secrets.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (outside.root / "sw-core.cfg").read_text() == (network / "golden/sw-core.cfg").read_text()


def test_module_defaults_group_sets_the_proxmox_connection_once(outside):
    with socket.socket() as closed:  # bound, never listening: a connection to it is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        (outside.root / "defaults.yml").write_text(
            "- hosts: localhost\n  gather_facts: false\n  module_defaults:\n    group/sitekit.core.proxmox:\n"
            f"      api_host: 127.0.0.1\n      api_port: {port}\n      api_token_id: probe\n"
            "      api_token_secret: not-a-secret\n      api_timeout: 5\n"
            "  vars:\n    ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
            "  tasks:\n    - sitekit.core.pve_cluster_info:\n")
        done = outside.playbook("defaults.yml", "-i", "localhost,", "-c", "local")
    assert done.returncode != 0
    assert f"GET /version: cannot reach the Proxmox VE API: HTTPSConnectionPool(host='127.0.0.1', port={port})" \
        in done.stdout, done.stdout


def test_site_loader_of_the_installed_copy_finds_its_own_collection(outside):
    package = "ansible_collections.sitekit.core.plugins.plugin_utils.site"
    # Imports first, as the action plugin and the tools do: a sitekit module first imported after load_site() has
    # set up Ansible's collection loader fails ("collection metadata was not loaded"), in the repository too.
    script = ("import json, sys\n"
              f"from {package}.loader import load_site\n"
              f"from {package}.registry import validate\n"
              f"site = load_site({str(REPO / 'inventories/rcr')!r})\n"
              "errors = [p for p in validate(site) if p.severity == 'error']\n"
              "files = [m.__file__ for n, m in sys.modules.items() if n.startswith('ansible_collections.sitekit')]\n"
              "print(json.dumps({'hosts': len(site.hosts), 'errors': len(errors), 'files': files}))\n")
    done = run([sys.executable, "-c", script], outside.root, {**outside.env, "PYTHONPATH": str(outside.installed)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["hosts"] > 0 and result["errors"] == 0
    assert result["files"] and all(Path(f).is_relative_to(outside.collection) for f in result["files"] if f)


# ---- (d) documentation -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("plugin_type", ["module", "filter", "callback", "lookup"])
def test_ansible_doc_lists_each_plugin_once_with_a_description(plugin_type):
    env = environment(ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False")
    done = run([BIN / "ansible-doc", "-t", plugin_type, "-l", "--json"], REPO, env)
    assert done.returncode == 0, done.stderr
    listed, expected = json.loads(done.stdout), expected_plugins()[plugin_type]
    ours = {name: text for name, text in listed.items() if name.startswith(f"{FQCN}.")}
    assert set(ours) == {f"{FQCN}.{n}" for n in expected}
    # the same name in ansible-core is a different plugin (sitekit.core.template stands in for the builtin lookup)
    duplicates = [name for name in listed if name.split(".")[-1] in expected
                  and not name.startswith((f"{FQCN}.", "ansible.builtin."))]
    assert duplicates == [], "listed under another name too (legacy plugin paths?)"
    assert [n for n, text in ours.items() if not text or "UNDOCUMENTED" in text] == []


def documented(doc_options: dict) -> dict:
    """{option: (type, default, required, choices, elements, suboptions)} as ansible-doc shows them."""
    return {name: (o.get("type", "str"), o.get("default"), bool(o.get("required", False)), o.get("choices"),
                   o.get("elements"), documented(o.get("suboptions") or {})) for name, o in doc_options.items()}


def specified(spec: dict) -> dict:
    """The same tuple from an argument_spec."""
    return {name: (o.get("type", "str"), o.get("default"), bool(o.get("required", False)), o.get("choices"),
                   o.get("elements"), specified(o.get("options") or {})) for name, o in spec.items()}


PLUGINS_PKG = f"ansible_collections.{FQCN}.plugins."


def code_of(plugin: Path) -> list[ast.Module]:
    """A plugin's source and that of the collection's module_utils and modules it imports, transitively (a result may
    be built in a helper, or by the module whose run() an action runs)."""
    seen, todo, trees = set(), [plugin], []
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        trees.append(ast.parse(path.read_text()))
        for node in ast.walk(trees[-1]):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    (PLUGINS_PKG + "module_utils", PLUGINS_PKG + "modules")):
                base = COLLECTION / "plugins" / node.module[len(PLUGINS_PKG):].replace(".", "/")
                todo += [base.with_suffix(".py"), *(base / f"{alias.name}.py" for alias in node.names)]
    return trees


def returns_diff(trees: list[ast.Module]) -> bool:
    """Whether the code puts a ``diff`` in its result: ``diff=…``, ``{"diff": …}`` or ``result["diff"] = …``."""
    def is_diff(node) -> bool:
        return ((isinstance(node, ast.keyword) and node.arg == "diff")
                or (isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "diff" for k in node.keys))
                or (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.slice, ast.Constant) and node.slice.value == "diff"))
    return any(is_diff(node) for tree in trees for node in ast.walk(tree))


def never_changes(trees: list[ast.Module]) -> bool:
    """Whether every ``changed=`` the code passes is the constant False (an info module)."""
    values = [n.value for tree in trees for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "changed"]
    return bool(values) and all(isinstance(v, ast.Constant) and v.value is False for v in values)


def diff_support_claim_holds(support: str, trees: list[ast.Module]) -> bool:
    """full/partial only for code that returns a diff; none for code that changes things without one; N/A (Ansible's
    info_module fragment) only for code that never reports a change."""
    if returns_diff(trees):
        return support in ("full", "partial")
    return support == "none" or (support == "N/A" and never_changes(trees))


def test_diff_claim_check_tells_apart_code_with_and_without_a_diff():
    with_diff = [ast.parse("module.exit_json(changed=changed, diff={'before': b, 'after': a})")]
    in_result = [ast.parse("result['diff'] = {'before': b}\nmodule.exit_json(**result)")]
    without = [ast.parse("module.exit_json(changed=True, archive=a)")]
    info = [ast.parse("module.exit_json(changed=False, major=8)")]
    assert diff_support_claim_holds("full", with_diff) and diff_support_claim_holds("partial", in_result)
    assert not diff_support_claim_holds("none", with_diff) and not diff_support_claim_holds("N/A", in_result)
    assert diff_support_claim_holds("none", without) and not diff_support_claim_holds("full", without)
    assert not diff_support_claim_holds("N/A", without) and not diff_support_claim_holds("partial", without)
    assert diff_support_claim_holds("N/A", info) and diff_support_claim_holds("none", info)


def test_module_docs_match_their_argument_specs(outside, code):
    # An action's module file is a documentation stub, but for the modules whose action runs their run() inside
    # Ansible's worker (plugin_utils/in_process.py): modules too, checked here against their spec and there against
    # what the action accepts.
    in_worker = {"ios_remediate", "files", "pve_backup_job", "pve_cluster_info", "pve_ha", "pve_restore", "pve_storage",
                 "pve_vms"}
    assert set(code["modules"]) == expected_plugins()["module"] - expected_plugins()["action"] | in_worker
    docs = outside.doc("module", code["modules"])
    for name, spec in code["modules"].items():
        doc = docs[name]["doc"]
        assert Path(doc["filename"]).is_relative_to(outside.collection), doc["filename"]
        assert documented(doc.get("options") or {}) == specified(spec["argument_spec"]), name
        assert (doc["attributes"]["check_mode"]["support"] != "none") == bool(spec.get("supports_check_mode")), name
        support = doc["attributes"]["diff_mode"]["support"]
        trees = code_of(COLLECTION / "plugins/modules" / f"{name}.py")
        assert diff_support_claim_holds(support, trees), \
            f"{name}: diff_mode {support!r}, the code returns a diff: {returns_diff(trees)}, never changes: {never_changes(trees)}"
        assert docs[name]["examples"].strip() and docs[name]["return"], name


def test_every_action_has_a_stub_documenting_exactly_the_arguments_it_accepts(outside, code):
    assert set(code["actions"]) == expected_plugins()["action"] and code["actions"]
    docs = outside.doc("module", code["actions"])
    for name, accepted in code["actions"].items():
        assert sorted(docs[name]["doc"]["options"]) == accepted, name
        assert docs[name]["doc"]["attributes"]["action"]["support"] == "full", name
        support = docs[name]["doc"]["attributes"]["diff_mode"]["support"]
        assert diff_support_claim_holds(support, code_of(COLLECTION / "plugins/action" / f"{name}.py")), (name, support)


def test_filter_docs_match_their_signatures(outside, code):
    assert set(code["filters"]) == filter_names()
    docs = outside.doc("filter", code["filters"])
    for name, params in code["filters"].items():
        doc = docs[name]["doc"]
        args = [p for p, _ in params[1:]]
        assert set(doc["options"]) == {"_input", *args}, name
        assert [a.strip() for a in (doc.get("positional") or "").split(",") if a.strip()] == args, name
        required = {p if i else "_input" for i, (p, mandatory) in enumerate(params) if mandatory}
        assert {k for k, o in doc["options"].items() if o.get("required")} == required, name
        assert doc["short_description"] and docs[name]["examples"].strip() and docs[name]["return"]["_value"], name

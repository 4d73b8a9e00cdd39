"""The site gate keeps its verdicts across processes by content (plugin_utils/site/gate_cache.py): a kept verdict is
reused only for the same bytes, a refusal is refused again, any edit is validated again.

The gate's own entry points (every ansible tool, play selection, the namespace without network) are proven by
test_validation_gate.py, which runs with the cache as make unit does.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import gate_cache, outcome_cache
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources
from ansible_collections.sitekit.core.plugins.vars import site_gate
from sitekit_paths import REPO
from validation.mutate import apply_case

CASE = {"file": "host_vars/sql01.yml", "set": {"vm.memory_mb": 4096}}
PROBLEM = "host sql01: vm.memory_mb: 4096 MB is below the Cegid minimum 8192 MB for a database server [cegid-sql]"
VARS = ["ansible.builtin.host_group_vars", "sitekit.core.site_gate"]


@pytest.fixture
def gate(tmp_path, monkeypatch):
    """site_gate.verdict as a new process sees it (nothing in memory), the cache under tmp_path; ``gate.runs`` lists
    the sources each validation (cache miss) was run on."""
    monkeypatch.setenv("SITEKIT_GATE_CACHE_DIR", str(tmp_path / "cache"))
    runs: list = []
    validate = site_gate._validate

    def counted(sources, vault_secrets=None):
        runs.append(sources)
        return validate(sources, vault_secrets)

    monkeypatch.setattr(site_gate, "_validate", counted)

    def verdict(source: Path):
        site_gate._VERDICTS.clear()  # a new process
        return site_gate.verdict((str(source),))

    verdict.runs = runs
    yield verdict
    site_gate._VERDICTS.clear()


def copy_of_rcr(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "inventories/rcr", tmp_path / "rcr"))


def test_a_refusal_is_kept_and_refused_again(tmp_path, gate):
    broken = apply_case(REPO / "inventories/rcr", tmp_path / "broken", CASE)
    first = gate(broken)
    assert first and PROBLEM in first
    assert gate(broken) == first and len(gate.runs) == 1  # the second process refused it from the cache


def test_an_edit_breaking_a_kept_valid_inventory_is_refused_and_the_fix_accepted(tmp_path, gate):
    inventory = copy_of_rcr(tmp_path)
    original = (inventory / CASE["file"]).read_text()
    assert gate(inventory) is None and gate(inventory) is None and len(gate.runs) == 1
    apply_case(REPO / "inventories/rcr", tmp_path / "scratch", CASE)
    (inventory / CASE["file"]).write_text((tmp_path / "scratch" / CASE["file"]).read_text())
    refused = gate(inventory)
    assert refused and PROBLEM in refused and len(gate.runs) == 2
    (inventory / CASE["file"]).write_text(original)
    assert gate(inventory) is None


def test_a_file_read_outside_the_inventory_is_hashed_again_on_each_hit(tmp_path):
    """A GLPI certificate given by path may lie outside the inventory: the rule names it, the cache checks it."""
    certificate = tmp_path / "glpi.pem"
    certificate.write_text("-----BEGIN CERTIFICATE-----\n")
    inventory = apply_case(
        REPO / "inventories/rcr",
        tmp_path / "rcr",
        {"file": "group_vars/all/glpi.yml", "set": {"site_glpi.tls_certificate": "../glpi.pem"}},
    )
    read = validate_sources([str(inventory)]).outside
    assert [Path(p).resolve() for p in read] == [certificate]
    directory = tmp_path / "cache"
    gate_cache.store(directory, "k", None, [str(inventory)], read)
    assert gate_cache.lookup(directory, "k") == (True, None)
    certificate.unlink()
    assert gate_cache.lookup(directory, "k") == (False, None)


def _vault_byte(inventory: Path) -> None:
    vault = inventory / "group_vars/all/vault.yml"
    text = vault.read_text()
    at = text.index("$ANSIBLE_VAULT")
    digits = len(text) - len(text[text.index("\n", at) :].lstrip())  # the first hex digit of the ciphertext
    vault.write_text(text[:digits] + ("1" if text[digits] != "1" else "2") + text[digits + 1 :])


EDITS = {
    "a byte of a vault value": _vault_byte,
    "a byte of a host's vars": lambda inv: (inv / "host_vars/sql01.yml").write_text(
        (inv / "host_vars/sql01.yml").read_text().replace("memory_mb: 16384", "memory_mb: 16385")
    ),
    "a new empty file": lambda inv: (inv / "host_vars/nobody.yml").write_text(""),
    "a file renamed": lambda inv: (inv / "host_vars/sql01.yml").rename(inv / "host_vars/sql01.yaml"),
    "an empty directory": lambda inv: (inv / "group_vars/nobody").mkdir(),
}


@pytest.mark.parametrize("edit", EDITS)
def test_any_edit_of_the_inventory_is_another_key(tmp_path, edit):
    inventory = copy_of_rcr(tmp_path)
    before = gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), VARS)
    assert gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), VARS) == before
    EDITS[edit](inventory)
    assert gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), VARS) != before


def test_the_code_the_settings_and_the_extra_vars_are_in_the_key(tmp_path, monkeypatch):
    source, config = (str(REPO / "inventories/lab"),), str(REPO / "ansible.cfg")
    collection = Path(shutil.copytree(gate_cache.COLLECTION / "plugins/plugin_utils/site", tmp_path / "code"))
    monkeypatch.setattr(gate_cache, "COLLECTION", collection)
    base = gate_cache.key(source, (), config, VARS)
    (collection / "timing.py").write_text((collection / "timing.py").read_text() + "\n")
    assert gate_cache.key(source, (), config, VARS) != base
    base = gate_cache.key(source, (), config, VARS)
    monkeypatch.setenv("ANSIBLE_NOCOLOR", "1")  # output settings are not inputs of a verdict
    monkeypatch.setenv("SITEKIT_JOURNAL_DIR", str(tmp_path))
    monkeypatch.setenv("SITEKIT_RUN_ID", "lab-converge-2")  # make lab's passes: each its own run id and report
    monkeypatch.setenv("SITEKIT_REPORT_HTML", str(tmp_path / "report-converge.html"))
    assert gate_cache.key(source, (), config, VARS) == base
    monkeypatch.setenv("ANSIBLE_INVENTORY_ENABLED", "ini")
    assert gate_cache.key(source, (), config, VARS) != base
    monkeypatch.delenv("ANSIBLE_INVENTORY_ENABLED")
    extra = tmp_path / "extra.yml"
    extra.write_text("ansible_host: 127.0.0.61\n")
    with_file = gate_cache.key(source, (f"@{extra}",), config, VARS)
    assert with_file != base != gate_cache.key(source, ("ansible_host=127.0.0.61",), config, VARS)
    extra.write_text("ansible_host: 127.0.0.62\n")
    assert gate_cache.key(source, (f"@{extra}",), config, VARS) != with_file


def test_a_vars_tree_beyond_any_inventorys_size_is_not_hashed(tmp_path, monkeypatch):
    """A link to a large directory (/): the key must not read every file below it before the loader refuses it
    (loader_guard.py); the limit is ten times the loader's, so a large site and its .git stay cached."""
    inventory = copy_of_rcr(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for n in range(30):
        (elsewhere / f"f{n}.yml").write_text("x: 1\n")
    (inventory / "group_vars" / "all" / "home").symlink_to(elsewhere)
    monkeypatch.setattr(gate_cache, "MAX_VARS_ENTRIES", 6)  # 10 x: rcr's 58 entries pass, with the 30 more they do not
    with pytest.raises(gate_cache.NotCacheable, match="more than 60 entries"):
        gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), VARS)
    monkeypatch.setattr(gate_cache, "MAX_VARS_ENTRIES", 20)
    assert gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), VARS)


@pytest.mark.parametrize("why", ["executable", "plugin", "vars plugin"])
def test_what_ansible_would_run_or_query_is_never_cached(tmp_path, why):
    inventory = copy_of_rcr(tmp_path)
    plugins = VARS
    if why == "executable":
        (inventory / "hosts.yml").chmod(0o755)
    elif why == "plugin":
        (inventory / "proxmox.yml").write_text("plugin: community.proxmox.proxmox\nurl: https://pve.invalid:8006\n")
    else:
        plugins = [*VARS, "community.sops.sops"]
    with pytest.raises(gate_cache.NotCacheable):
        gate_cache.key((str(inventory),), (), str(REPO / "ansible.cfg"), plugins)


def test_a_damaged_entry_is_a_miss(tmp_path):
    for text in ("{", '{"verdict": 3, "outside": {}}', '{"verdict": null}', '{"verdict": null, "outside": []}'):
        (tmp_path / "k.json").write_text(text)
        assert gate_cache.lookup(tmp_path, "k") == (False, None)


# Every place the site model's code touches the file system, and why the cache key covers what it reads: the
# inventory's own files (hashed by bytes), the collection (hashed by metadata), or Sources.outside (hashed again on
# each hit). A new file access in the validation code fails here until its author says which.
FILE_ACCESS = re.compile(
    r"open\(|\.is_file\(|\.exists\(|\.is_dir\(|read_text\(|read_bytes\(|os\.path\.(exists|isfile|isdir|getsize)\(|"
    r"os\.(stat|lstat|listdir|scandir|walk)\(|glob\(|iterdir\("
)
COVERED = {
    ("debian_rules.py", "if site.source and not path.is_file():"): "Sources.outside (the GLPI certificate)",
    ("loader.py", "loader = CheckingLoader(root if os.path.isdir(root) else os.path.dirname(root))"): "the source",
    ("secrets_rules.py", 'with open(path, encoding="ascii", errors="replace") as handle:'): "sealed vaults: inventory",
    ("network_rules.py", "text = _SWITCH_TEMPLATE.read_text()"): "the collection's templates",
    ("wording.py", 'with open(path, encoding="utf-8", errors="replace") as handle:'): "a value's origin: inventory",
    ("loader_inventory.py", "if not os.path.exists(source):"): "the source",
    ("loader_inventory.py", "if os.path.isdir(source):"): "the source",
    ("loader_inventory.py", "candidates = [os.path.realpath(os.path.join(source, name)) for name in sorted(os.listdir(source))"): "the source",
    ("loader_inventory.py", "if not IGNORED.search(to_bytes(name)) and os.path.isfile(os.path.join(source, name))]"): "the source",
    ("loader_inventory.py", "if not os.path.isdir(base):"): "group_vars/host_vars of the source",
    ("loader_inventory.py", "for entry in sorted(os.listdir(base)):"): "group_vars/host_vars of the source",
    ("loader_inventory.py", "inside = os.path.isdir(full)"): "group_vars/host_vars of the source",
    ("loader_inventory.py", "files = [os.path.join(d, f) for d, _, fs in os.walk(full) for f in sorted(fs)"): "the source",
    ("loader_inventory.py", "elif not inside and os.path.isdir(os.path.join(base, stem)):"): "the source",
    ("loader_inventory.py", 'with open(path, encoding="utf-8") as handle:'): "the source's files",
    ("loader_files.py", "raw = Path(path).read_bytes()"): "the source's files",
    ("loader_guard.py", "if not os.path.isdir(base):"): "group_vars/host_vars of the source (hashed through links)",
    ("loader_guard.py", "names = sorted(os.listdir(path))"): "group_vars/host_vars of the source (hashed through links)",
    ("loader_guard.py", "if (not top and os.path.splitext(name)[1]) or not os.path.isdir(full):"): "the same trees, as hashed",
    ("overlay.py", 'with open(self.path_dwim(file_name), "rb") as handle:'): "the sources' own files (a vault's header), hashed",
}


def test_every_file_access_of_the_validation_code_is_covered_by_the_key():
    site_package = Path(gate_cache.__file__).parent
    found = {
        (path.name, line.strip())
        for path in site_package.rglob("*.py")
        if path.name != "gate_cache.py"
        for line in path.read_text().splitlines()
        if FILE_ACCESS.search(line)
    }
    assert found - set(COVERED) == set(), "a new file access: add it to Sources.outside or say why the key covers it"
    assert set(COVERED) - found == set(), "a covered access is gone: remove it from COVERED"


def _break_vlan_plan(network: Path) -> None:
    network.write_text(network.read_text().replace("id: 10, name: SERVEURS", "id: 5000, name: SERVEURS", 1))


def test_the_vars_beside_a_linked_inventory_file_are_the_ones_hashed(tmp_path, gate):
    """Ansible reads group_vars/ beside the source as given (unfrackpath(follow=False)), not beside its target."""
    target, site = tmp_path / "target", copy_of_rcr(tmp_path)
    target.mkdir()
    (site / "hosts.yml").rename(target / "hosts.yml")
    (site / "hosts.yml").symlink_to(target / "hosts.yml")
    assert gate(site / "hosts.yml") is None
    _break_vlan_plan(site / "group_vars/all/network.yml")
    refused = gate(site / "hosts.yml")
    assert refused and "site_vlans[0].id: 5000" in refused, refused


def test_vars_under_a_pycache_directory_are_hashed(tmp_path, gate):
    """Ansible's _get_dir_vars_files reads group_vars/all/__pycache__/*.yml; only the collection's code skips it."""
    site = copy_of_rcr(tmp_path)
    (site / "group_vars/all/__pycache__").mkdir()
    (site / "group_vars/all/network.yml").rename(site / "group_vars/all/__pycache__/network.yml")
    assert gate(site) is None
    _break_vlan_plan(site / "group_vars/all/__pycache__/network.yml")
    refused = gate(site)
    assert refused and "site_vlans[0].id: 5000" in refused, refused


# site_validate (site.yml's first play) keeps its whole outcome under the same key (plugin_utils/site/outcome_cache.py)
@pytest.fixture
def kept(tmp_path, monkeypatch):
    """outcome_cache.validate_sources_kept as a new process calls it, the cache under tmp_path; ``kept.runs`` lists the
    validations run (cache misses)."""
    monkeypatch.setenv("SITEKIT_GATE_CACHE_DIR", str(tmp_path / "cache"))
    runs: list = []
    validate = outcome_cache.validate_sources

    def counted(sources, **options):
        runs.append((sources, options["strict"]))
        return validate(sources, **{**options, "vault_secrets": None})  # a test's secrets are only a marker

    monkeypatch.setattr(outcome_cache, "validate_sources", counted)

    def outcome(source: Path, strict: bool = False, secrets=None):
        return outcome_cache.validate_sources_kept([str(source)], strict, secrets, (), str(REPO / "ansible.cfg"), VARS)

    outcome.runs = runs
    return outcome


def _said(outcome) -> tuple:
    return ([str(p) for p in outcome.errors], [str(p) for p in outcome.warnings], outcome.message(),
            outcome.sources, outcome.hosts, outcome.site_declared, outcome.checked_rules())


def test_site_validate_reads_back_its_outcome_word_for_word_warnings_and_rules_included(tmp_path, kept):
    broken = apply_case(REPO / "inventories/rcr", tmp_path / "broken", CASE)
    first = kept(broken)
    assert PROBLEM in first.message() and first.warnings and len(kept.runs) == 1
    again = kept(broken)
    assert len(kept.runs) == 1  # from the cache
    assert _said(again) == _said(first)
    assert again.checked_rules() == describe_rules()


def test_site_validate_validates_an_edit_and_another_strictness_again(tmp_path, kept):
    inventory = copy_of_rcr(tmp_path)
    lenient = kept(inventory)
    assert not lenient.errors and any("public example placeholders" in str(w) for w in lenient.warnings)
    strict = kept(inventory, strict=True)  # the placeholders are errors under strict: never the lenient outcome
    assert len(kept.runs) == 2 and any("public example placeholders" in str(e) for e in strict.errors)
    assert _said(kept(inventory)) == _said(lenient) and len(kept.runs) == 2
    EDITS["a byte of a host's vars"](inventory)
    kept(inventory)
    assert len(kept.runs) == 3


def test_site_validate_keeps_nothing_with_a_vault_password_and_never_reads_the_gates_verdict(tmp_path, kept, gate):
    inventory = copy_of_rcr(tmp_path)
    kept(inventory, secrets=["a vault secret"])
    kept(inventory, secrets=["a vault secret"])
    assert len(kept.runs) == 2
    assert gate(inventory) is None  # the gate's verdict kept for the same bytes…
    kept(inventory)
    assert len(kept.runs) == 3  # …is not an outcome: the action validates


@pytest.mark.parametrize("damage", ['{"sources": [], "outcome": {"problems": [{"rule": 1}]}, "outside": {}}',
                                    '{"outcome": {"sources": ["x"]}, "outside": {}}', "{"])
def test_a_damaged_kept_outcome_is_validated_again(tmp_path, kept, damage):
    inventory = copy_of_rcr(tmp_path)
    first = kept(inventory)
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text(damage)
    assert _said(kept(inventory)) == _said(first) and len(kept.runs) == 2

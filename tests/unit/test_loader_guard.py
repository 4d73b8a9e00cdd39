"""What would make Ansible read outside the inventory or for ever is refused before any variable is read.

Each refusal has its acceptance beside it: a name with a dot is a name, a link to a sibling directory is not a
loop, a tree of an ordinary size is read. The refusing cases ran without end before loader_guard.py (each runs
under a time guard so that a regression fails instead of hanging the suite).
"""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import loader_guard
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from time_guard import within

pytestmark = pytest.mark.unit


def _errors(path) -> list[str]:
    with within(30):
        site = load_site(str(path))
    return [str(p) for p in validate(site) if p.severity == "error"]


@pytest.mark.parametrize("name", ["..", ".", "../../..", "ftp01/ftp02", "a/"])
def test_a_host_named_like_a_path_is_refused_at_its_line(rcr_copy, name):
    hosts = rcr_copy / "hosts.yml"
    hosts.write_text(hosts.read_text().replace("            proxy01:\n", f'            proxy01:\n            "{name}":\n', 1))
    line = hosts.read_text().splitlines().index(f'            "{name}":') + 1
    errors = _errors(rcr_copy)
    assert errors == [f"{hosts}:{line}: {name}: a host name holding '/', or '.' or '..', is a path: Ansible would read "
                      f"host_vars/{name} as a directory ('..' is the directory above host_vars); name the host with "
                      f"letters, digits, '-' and '_' [inventory]"], errors


@pytest.mark.parametrize("name", ["proxy02.rcr.local", "/", "/srv/chroot"])
def test_a_dotted_name_and_a_chroot_are_names(rcr_copy, name):
    """ansible-core reads no vars for a name starting with '/' (a chroot host); nor does the loader: '/' once
    made it walk the whole filesystem."""
    hosts = rcr_copy / "hosts.yml"
    hosts.write_text(hosts.read_text().replace("            proxy01:\n", f'            proxy01:\n            "{name}":\n', 1))
    errors = _errors(rcr_copy)
    assert not any("is a path" in e for e in errors), errors


@pytest.mark.parametrize("links", [{"all/common": "../all"}, {"windows/up": ".."}, {"all/a": ".", "all/b": "."},
                                   {"web.yml/a": ".", "web.yml/b": "."}, {".x/a": ".", ".x/b": "."}])
def test_a_vars_directory_linking_back_to_itself_is_refused_at_the_link(rcr_copy, links):
    for link, target in links.items():
        (rcr_copy / "group_vars" / link).parent.mkdir(exist_ok=True)  # web.yml/, .x/: directories Ansible reads
        (rcr_copy / "group_vars" / link).symlink_to(target)
    errors = _errors(rcr_copy)
    assert len(errors) == len(links), errors
    for link in links:
        assert f"{rcr_copy / 'group_vars' / link}: this link leads back to" in "\n".join(errors), errors


def test_a_link_to_another_groups_directory_is_read(rcr_copy):
    (rcr_copy / "group_vars" / "debian").mkdir(exist_ok=True)
    (rcr_copy / "group_vars" / "debian" / "shared").symlink_to("../windows")  # not an ancestor: no loop
    errors = _errors(rcr_copy)
    assert not any("link leads back" in e or "holds more than" in e for e in errors), errors


def test_a_vars_tree_beyond_any_inventorys_size_is_refused(rcr_copy, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for n in range(30):
        (elsewhere / f"d{n}").mkdir()
    (rcr_copy / "group_vars" / "all" / "home").symlink_to(elsewhere)
    monkeypatch.setattr(loader_guard, "MAX_VARS_ENTRIES", 40)  # rcr's own 23 entries of group_vars pass, 31 more do not
    errors = _errors(rcr_copy)
    assert errors == [f"{rcr_copy / 'group_vars'}: group_vars/ holds more than 40 files and directories: Ansible "
                      "would read them all as variables; is a link pointing outside the inventory? [inventory]"], errors
    monkeypatch.setattr(loader_guard, "MAX_VARS_ENTRIES", 100)
    assert not any("holds more than" in e for e in _errors(rcr_copy))

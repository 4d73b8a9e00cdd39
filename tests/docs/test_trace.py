"""The traceability markers are read where the convention puts them, and name known requirements."""

from __future__ import annotations

import textwrap

import pytest
from sitedoc import trace
from sitekit_paths import REPO


@pytest.fixture(scope="module")
def repo_trace():
    return trace.build(REPO)


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_role_steps_playbooks_and_tests_are_read_from_their_markers(tmp_path):
    write(tmp_path, "roles/sqlserver_cegid/tasks/0020-install.yml", "---\n# req: SPEC-5-collation SPEC-5-windows-auth\n")
    write(tmp_path, "roles/squid/tasks/main.yml", "---\n- name: X  # req: SPEC-4-squid\n")
    write(tmp_path, "roles/glpi/tasks/web.yml", "---\n# no marker here: SPEC-6-glpi is only mentioned\n")
    write(tmp_path, "playbooks/pra_drill.yml", "---\n# req: SPEC-1-pra\n")
    write(tmp_path, "tests/x/test_a.py", '''
        import pytest
        pytestmark = [pytest.mark.integration, pytest.mark.requirement("SPEC-3-ha")]

        @pytest.mark.requirement("SPEC-5-collation", "SPEC-5-bulkadmin")
        def test_one():
            pass

        def test_two():
            pytest.mark.requirement("SPEC-9-not-a-decorator")

        @pytest.mark.requirement("SPEC-4-squid")
        class TestProxy:
            pass
        ''')
    assert trace.applier_markers(tmp_path) == {
        "SPEC-5-collation": ["role::sqlserver_cegid:install"], "SPEC-5-windows-auth": ["role::sqlserver_cegid:install"],
        "SPEC-4-squid": ["role::squid"], "SPEC-1-pra": ["playbooks/pra_drill.yml"]}
    assert trace.marked_tests(tmp_path) == {
        "SPEC-3-ha": ["tests/x/test_a.py"], "SPEC-5-collation": ["tests/x/test_a.py::test_one"],
        "SPEC-5-bulkadmin": ["tests/x/test_a.py::test_one"], "SPEC-4-squid": ["tests/x/test_a.py::TestProxy"]}


def test_rule_markers_name_the_registered_rule(repo_trace):
    assert "cegid-sql" in repo_trace.rules["SPEC-5-collation"]
    assert repo_trace.rules["SPEC-3-retention"] == ["retention"]


def test_every_marker_names_a_requirement_of_the_catalogue(repo_trace):
    assert repo_trace.unknown == []


def test_an_unknown_marker_is_reported(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/requirements.yml").write_text("requirements:\n  - {id: SPEC-1-pra, section: '1', source: x, statement: y}\n")
    write(tmp_path, "roles/a/tasks/main.yml", "---\n# req: SPEC-1-pra SPEC-1-typo\n")
    monkeypatch.setattr(trace, "rule_markers", dict)
    found = trace.build(tmp_path)
    assert found.unknown == [("SPEC-1-typo", "role/task role::a")]
    assert found.gaps("SPEC-1-pra") == ["validation rule", "test"]


def test_catalogue_ids_are_unique_and_well_formed(repo_trace):
    ids = [r["id"] for r in repo_trace.requirements]
    assert len(ids) == len(set(ids))
    assert all(trace.REQ_ID.fullmatch(i) for i in ids)
    assert {r["section"] for r in repo_trace.requirements} == {"1", "2", "3", "4", "5", "6", "7"}


def test_the_requirement_marker_is_registered():
    assert "requirement(*ids)" in (REPO / "pyproject.toml").read_text()

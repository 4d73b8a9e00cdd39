"""Check 2: every PowerShell script of the Windows tier (roles/*/files/*.ps1 and the inline scripts of
win_powershell / win_shell tasks, Jinja rendered first) parses with the PowerShell grammar of
tree-sitter-powershell; the grammar's known false positives are tolerated only through
data/grammar_allowlist.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import ws_findings
import ws_powershell as ps
from ws_scripts import rcr_windows_scripts, script_keys, scripts
from ws_specs import module_spec, site_packages
from ws_tasks import load, rcr_windows_task_list

SEEDED = Path(__file__).parent / "data/seeded"


def grammar_findings(source: str) -> list[str]:
    errors, _ = ps.syntax_errors(source)
    return [f"[syntax] {e}" for e in errors]


# Parametrized on the scripts as written; rendered (once per process) when the first test runs.
@pytest.mark.parametrize("key", [ws_findings.param("powershell-grammar", file, unit, (file, unit), f"{file}::{unit}")
                                 for file, unit in script_keys(rcr_windows_task_list())])
def test_script_parses_with_the_powershell_grammar(key):
    script = rcr_windows_scripts()[key]
    ws_findings.verify("powershell-grammar", script.file, script.unit, grammar_findings(script.source))


def test_every_script_of_the_tier_is_parsed():
    tier = list(rcr_windows_scripts().values())
    files = {s.file for s in tier if s.file.endswith(".ps1")}
    assert files == {str(p.relative_to(ps.DATA.parents[2])) for p in ps.DATA.parents[2].glob("roles/*/files/*.ps1")}
    inline = [s for s in tier if not s.file.endswith(".ps1")]
    assert len(inline) >= 6, [s.unit for s in inline]
    assert sum(len(s.calls) for s in tier) >= 30, "the scripts' calls were not found"


def test_allow_list_entries_are_few_explained_and_each_needed():
    entries = ps.allowlist()
    assert len(entries) <= 5
    assert all(e["reason"].strip() and e["reference"].startswith("https://learn.microsoft.com/") for e in entries)
    used = set()
    for script in rcr_windows_scripts().values():
        used |= {t.rule for t in ps.syntax_errors(script.source)[1]}
    # The module sources read for their argument specs (ws_specs) go through the same allow-list.
    user_ps1 = module_spec("microsoft.ad.user").source.split(" ")[0]
    used |= {t.rule for t in ps.syntax_errors((site_packages() / user_ps1).read_text(encoding="utf-8-sig"))[1]}
    assert used == {e["id"] for e in entries}


# ---- the check catches seeded faults and accepts the correct forms ----------------------------------
@pytest.mark.parametrize("name", ["unclosed_block", "missing_parenthesis", "unterminated_string", "hashtable_entry",
                                  "bare_word_list_and_error"])
def test_seeded_syntax_error_is_reported(name):
    findings = grammar_findings((SEEDED / "powershell" / f"{name}.ps1").read_text())
    assert findings and all(f.startswith("[syntax] line ") for f in findings)


@pytest.mark.parametrize("name", ["correct", "bare_word_list"])
def test_seeded_correct_script_is_accepted(name):
    assert grammar_findings((SEEDED / "powershell" / f"{name}.ps1").read_text()) == []


def test_allow_list_is_what_accepts_the_bare_word_list():
    source = (SEEDED / "powershell/bare_word_list.ps1").read_text()
    errors, tolerated = ps.syntax_errors(source, entries=[])
    assert len(errors) == 2 and not tolerated
    errors, tolerated = ps.syntax_errors(source)
    assert not errors and [t.rule for t in tolerated] == ["bare-word-list", "bare-word-list"]


INLINE = load(SEEDED / "powershell_inline.yml", hosts=["dc01"])


@pytest.mark.parametrize("task", INLINE, ids=[t.name for t in INLINE])
def test_seeded_inline_script_is_rendered_then_parsed(task):
    [script] = scripts([task], files=False)
    findings = grammar_findings(script.source)
    assert "{{" not in script.source  # O'Brien ends the string only once rendered
    assert bool(findings) == task.name.startswith("fault"), findings

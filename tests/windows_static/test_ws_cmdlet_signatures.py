"""Check 3: every command call of the tier's PowerShell, and every win_powershell `parameters` passed to a
script, bound against the signatures of data/cmdlets.yml (Microsoft's documentation) or the script's
own param() block (ws_cmdlets)."""

from __future__ import annotations

import re
from pathlib import Path

import build_cmdlet_table
import pytest
import ws_cmdlets
import ws_findings
import ws_powershell as ps
import yaml
from ws_scripts import rcr_windows_scripts, script_keys, scripts
from ws_tasks import load, rcr_windows_task_list

SEEDED = Path(__file__).parent / "data/seeded"


def signature_findings(script) -> list[str]:
    findings = list(ws_cmdlets.check_script(script.source))
    signature = ps.script_signature(ps.parse(ps.syntax_errors_and_source(script.source)[2]))
    for task, host, parameters, sensitive in script.calls:
        if signature is None:
            if parameters:
                findings.append(f"[unknown-parameter] {task.name}: the script has no param() block for {sorted(parameters)}")
            continue
        findings += [f"{f} (task {task.name!r}, {host})" for f in
                     ws_cmdlets.bind_script_parameters(script.unit, signature, parameters, sensitive)]
    return sorted(set(findings))


# Parametrized on the scripts as written; rendered (once per process) when the first test runs.
@pytest.mark.parametrize("key", [ws_findings.param("cmdlet-signatures", file, unit, (file, unit), f"{file}::{unit}")
                                 for file, unit in script_keys(rcr_windows_task_list())])
def test_every_call_binds_to_the_documented_signature(key):
    script = rcr_windows_scripts()[key]
    ws_findings.verify("cmdlet-signatures", script.file, script.unit, signature_findings(script))


def test_the_table_lists_the_cmdlets_the_scripts_call_with_their_documentation():
    table = yaml.safe_load((Path(__file__).parent / "data/cmdlets.yml").read_text())["cmdlets"]
    assert set(table) == set(build_cmdlet_table.used_cmdlets()), "regenerate data/cmdlets.yml (build_cmdlet_table.py)"
    for name, entry in table.items():
        assert entry["url"].startswith("https://learn.microsoft.com/powershell/module/"), name
        assert name.lower() in entry["url"], name
        assert re.match(r"MicrosoftDocs/(windows-powershell-docs|PowerShell-Docs)@[0-9a-f]{12}:", entry["source"]), name
        assert entry["sets"] and isinstance(entry["parameters"], dict), name


def test_scripts_and_calls_are_found():
    scripts = rcr_windows_scripts().values()
    calls = sum(len(ps.commands(ps.parse(ps.syntax_errors_and_source(s.source)[2]))) for s in scripts)
    assert calls >= 100
    assert {len(s.calls) > 0 for s in scripts} == {True}, "a script no task runs"


# ---- the docs parser reads PlatyPS markdown (a synthetic page in that format) --------------------------
PAGE = """---
Module Name: Sample
online version: https://learn.microsoft.com/powershell/module/sample/set-sample?view=windowsserver2022-ps&wt.mc_id=ps-gethelp
---

# Set-Sample

## SYNTAX

### ById (Default)
```
Set-Sample [-Id] <Int32> [[-Path] <String[]>] [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]
```

### ByName - All providers
```
Set-Sample -Name <String> [-Path] <String[]> [-Mode <String>] [-WhatIf] [-Confirm] [<CommonParameters>]
```

### ByName - Registry provider
```
Set-Sample -Name <String> [-Hive <String>] [-WhatIf] [-Confirm] [<CommonParameters>]
```

## PARAMETERS

### -Id
```yaml
Type: System.Int32
Parameter Sets: ById
Aliases: Identity

Required: True
Position: 0
Default value: [int32]::MaxValue
Accept pipeline input: True (ByPropertyName)
```

### -Name
```yaml
Type: String
Parameter Sets: ByName
Aliases:

Required: True
Position: Named
Accept pipeline input: True (ByValue, ByPropertyName)
```

### -Path
```yaml
Type: System.String[]
Parameter Sets: ById, ByName
Aliases:

Required: True (ByName), False (ById)
Position: 1
Accept pipeline input: ByValue (False), ByName (False)
```

### -Mode
```yaml
Type: String
Parameter Sets: ByName
Aliases:
Accepted values: Fast, Safe

Required: False
Position: Named
```

### -Hive
```yaml
Type: String
Parameter Sets: ByName
Aliases:

Required: True
Position: Named
```

### -Force
```yaml
Type: SwitchParameter
Parameter Sets: (All)
Aliases:

Required: False
Position: Named
```

## INPUTS

### System.String

## OUTPUTS

### Microsoft.Management.Infrastructure.CimInstance#root/Sample/MSFT_Sample

The sample.

## NOTES
"""


def test_docs_parser_reads_sets_mandatory_positions_and_provider_parameters():
    entry = build_cmdlet_table.parse(PAGE)
    assert entry["url"] == "https://learn.microsoft.com/powershell/module/sample/set-sample?view=windowsserver2022-ps"
    assert entry["sets"] == ["ById", "ByName"] and entry["default_set"] == "ById" and entry["should_process"]
    assert entry["parameters"]["Id"] == {"type": "Int32", "aliases": ["Identity"], "sets": ["ById"],
                                         "mandatory_in": ["ById"], "position": 0, "pipeline": ["ByPropertyName"]}
    assert entry["parameters"]["Name"]["pipeline"] == ["ByPropertyName", "ByValue"]
    # a field given per set (Get-CimInstance's -ResourceUri, New-Item's -Path); New-Item's "ByValue (False), ByName
    # (False)" is no pipeline input
    assert entry["parameters"]["Path"] == {"type": "String[]", "mandatory_in": ["ByName"], "position": 1}
    assert entry["outputs"] == ["Microsoft.Management.Infrastructure.CimInstance#root/Sample/MSFT_Sample"]
    assert entry["parameters"]["Mode"]["accepted_values"] == ["Fast", "Safe"]
    assert "mandatory_in" not in entry["parameters"]["Hive"] and "Registry" in entry["parameters"]["Hive"]["dynamic"]
    assert "sets" not in entry["parameters"]["Force"]


# ---- the check catches each seeded fault and accepts the correct forms ----------------------------------
FAULT_LINES = [(number, line.rsplit("# ", 1)[1].split()[0])
               for number, line in enumerate((SEEDED / "cmdlets/faults.ps1").read_text().splitlines(), 1)
               if "  # " in line]


@pytest.mark.parametrize(("line", "rule"), FAULT_LINES, ids=[f"line{n}-{r}" for n, r in FAULT_LINES])
def test_seeded_call_fault_is_reported(line, rule):
    findings = ws_cmdlets.check_script((SEEDED / "cmdlets/faults.ps1").read_text())
    assert any(f.startswith(f"[{rule}] line {line}:") for f in findings), findings


def test_seeded_faults_report_nothing_else():
    findings = ws_cmdlets.check_script((SEEDED / "cmdlets/faults.ps1").read_text())
    assert len(findings) == len(FAULT_LINES), findings


def test_seeded_correct_calls_are_accepted():
    assert ws_cmdlets.check_script((SEEDED / "cmdlets/correct.ps1").read_text()) == []


PARAMETER_TASKS = load(SEEDED / "script_parameters.yml", hosts=["dc01"])


@pytest.mark.parametrize("task", PARAMETER_TASKS, ids=[t.name for t in PARAMETER_TASKS])
def test_seeded_script_parameters(task):
    [script] = scripts([task], files=False)
    findings = signature_findings(script)
    verdict, *expected = task.name.split()
    if verdict == "ok":
        assert findings == []
    else:
        assert any(f.startswith(f"[{expected[0]}]") and expected[1] in f for f in findings), findings


# ---- the parameter set the binder settles on (CmdletParameterBinderController.cs ValidateParameterSets) -----
SET_CASES = [
    # several sets left, the default not among them, none with its mandatory parameters bound: AmbiguousParameterSet
    ("Get-CimInstance -CimSession $s -Filter \"DriveLetter = 'D:'\"", "ambiguous-parameter-set"),
    ("Grant-SmbShareAccess -AccountName 'RCR\\Domain Users' -AccessRight Read -Force", "ambiguous-parameter-set"),
    ("Import-Module -PSSession $s", "ambiguous-parameter-set"),
    # the default set is among those left: it is chosen, and prompts for its own mandatory parameters
    ("Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -SharedSecret $s", None),
    ("Set-DhcpServerv4OptionValue -ScopeId 10.0.40.0", "missing-mandatory"),
    # no default among those left, exactly one with its mandatory parameters bound: chosen
    ("Get-CimInstance -CimSession $s -ResourceUri $uri -Namespace root/cimv2", None),
    # pipeline input: a set left takes it, the choice waits for the piped values
    ("Get-SmbShare -Name data | Grant-SmbShareAccess -AccountName 'RCR\\Domain Users' -AccessRight Read -Force", None),
    ("$classes | Get-CimInstance -CimSession $s -Filter \"DriveLetter = 'D:'\"", None),
    # one set left that is not the default
    ("Get-ADDomain -Identity rcr.example", None),
    # a documented set no documented parameter names (Get-GPO's GetAll): not judged beyond a complete set left
    ("Get-GPO -All", None),
    # Get-CimInstance -ResourceUri is mandatory only in the ResourceUri sets (Required: True (…), False (…))
    ("Get-CimInstance -Query 'SELECT * FROM Win32_Share'", None),
    ("Get-CimInstance -CimSession $s -Query 'SELECT * FROM Win32_Share'", None),
    ("Get-CimInstance -ResourceUri $uri", None),
    ("Get-CimInstance -InputObject $instance", None),
    ("Get-CimInstance -Namespace root/cimv2", "missing-mandatory"),  # the default ClassNameComputerSet prompts
    ("New-Item -Name staging -ItemType Directory", None),  # nameSet: -Path optional there
    # pipeline input bound as the binder binds it, then the set resolved (the upstream type known)
    ("'Default Domain Policy' | Get-GPO", None),  # -Name ByValue: ByName chosen over the default ByGUID
    ("5 | Get-GPO -Domain rcr.example", None),  # an Int32 converts to -Name's String (coercion)
    ("'Default Domain Policy' | Get-GPO -Guid $id", "pipeline-input"),  # a string has no Domain property
    ("'staging' | New-Item -ItemType Directory", "missing-mandatory"),  # -Value binds, -Path (pathSet) cannot
    ("'C:\\data' | Split-Path -Leaf", None),
    # the upstream type not known: judged against the sets that take pipeline input
    ("$gpos | Get-GPO -Guid $id -Domain rcr.example", "pipeline-input"),
    ("$keys | Get-KdsRootKey", "pipeline-input"),
    ("$gpos | Get-GPO -Server dc01", None),
    # a module's object: ByPropertyName not known (its properties are not in the table), the binder defers
    ("Get-GPO -Name a | Get-GPO -Guid $id", None),
    ("Get-GPO -All | Get-KdsRootKey", "pipeline-input"),
    ("Get-ADServiceAccount -Identity gmsa_sql | Test-ADServiceAccount", None),  # -Identity ByValue, same type
    ("Get-ADComputer -Identity sql01 | Test-ADServiceAccount", None),  # another AD class: may convert (not known)
    # a string may convert to -CimSession (not known), but cannot give -ClassName or -ResourceUri (no such property):
    # each set that may take it lacks its mandatory parameter
    ("'Win32_Share' | Get-CimInstance -Filter \"Name = 'data'\"", "missing-mandatory"),
    ("'Win32_Share' | Get-CimInstance -CimSession $s", None),  # -InputObject: a string may convert to a CimInstance
]


@pytest.mark.parametrize(("call", "rule"), SET_CASES,
                         ids=[f"{n}-{c.split('| ')[-1].split(' -')[0]}-{r or 'accepted'}" for n, (c, r) in enumerate(SET_CASES)])
def test_parameter_set_resolution_follows_the_binder(call, rule):
    findings = ws_cmdlets.check_script(call)
    if rule is None:
        assert findings == []
    else:
        assert [f.split("]")[0][1:] for f in findings] == [rule], findings
    if rule == "ambiguous-parameter-set":
        assert ws_cmdlets.AMBIGUOUS in findings[0]


def test_upstream_type_is_a_literal_or_the_documented_output():
    def upstream(source):
        return ws_cmdlets.upstream_type([c for c in ps.commands(ps.parse(source)) if c.piped][-1])
    assert upstream("'a', 'b' | Out-Null") == "System.String"
    assert upstream('"$x" | Out-Null') == "System.String"
    assert upstream("5 | Out-Null") == "System.Int32"
    assert upstream("$x | Out-Null") is None
    assert upstream("Get-GPO -All | Out-Null") == "Microsoft.GroupPolicy.Gpo"
    assert ws_cmdlets._short(upstream("Get-SmbShare | Out-Null")) == "ciminstance"
    assert upstream("Get-Acl C:\\ | Out-Null") is None  # three documented output types
    assert upstream("Get-GPO -All | Where-Object { $_ } | Out-Null") is None  # Where-Object: System.Object


# ---- entries re-checked against their help source, pinned ----------------------------------------------------
TABLE = yaml.safe_load((Path(__file__).parent / "data/cmdlets.yml").read_text())["cmdlets"]


def test_get_gpo_entry_is_its_documentation():
    """docset/winserver2022-ps/GroupPolicy/Get-GPO.md (the 2016, 2019 and 2025 pages give the same): three sets,
    ByGUID the default; -All is documented in every set ("Parameter Sets: (All)", and [-All] in each syntax block)
    although a set GetAll exists that no parameter is documented in alone."""
    entry = TABLE["Get-GPO"]
    assert entry["sets"] == ["ByGUID", "ByName", "GetAll"] and entry["default_set"] == "ByGUID"
    assert entry["parameters"] == {
        "All": {"type": "SwitchParameter"},
        "Domain": {"type": "String", "aliases": ["DomainName"], "position": 1, "pipeline": ["ByPropertyName"]},
        "Guid": {"type": "Guid", "aliases": ["Id"], "sets": ["ByGUID"], "mandatory_in": ["ByGUID"], "position": 0,
                 "pipeline": ["ByPropertyName"]},
        "Name": {"type": "String", "aliases": ["DisplayName"], "sets": ["ByName"], "mandatory_in": ["ByName"],
                 "position": 0, "pipeline": ["ByValue"]},
        "Server": {"type": "String", "aliases": ["DC"], "position": 2},
    }
    assert entry["outputs"] == ["Microsoft.GroupPolicy.Gpo"] and not entry["should_process"]


def test_get_ciminstance_entry_is_its_documentation():
    """reference/5.1/CimCmdlets/Get-CimInstance.md; the per-set mandatory flag of -ResourceUri ("Required: True
    (ResourceUriSessionSet, ResourceUriComputerSet), False (QuerySessionSet, …)") was read as mandatory in all six of
    its sets before: `Get-CimInstance -Query …` was refused. PowerShell's source agrees
    (src/Microsoft.Management.Infrastructure.CimCmdlets/GetCimInstanceCommand.cs: Mandatory only in the ResourceUri
    sets; DefaultParameterSetName ClassNameComputerSet)."""
    entry = TABLE["Get-CimInstance"]
    assert entry["default_set"] == "ClassNameComputerSet" and len(entry["sets"]) == 8
    p = entry["parameters"]
    session_sets = ["CimInstanceSessionSet", "ClassNameSessionSet", "QuerySessionSet", "ResourceUriSessionSet"]
    assert p["ResourceUri"]["mandatory_in"] == ["ResourceUriComputerSet", "ResourceUriSessionSet"]
    assert len(p["ResourceUri"]["sets"]) == 6 and "position" not in p["ResourceUri"]
    assert p["CimSession"] == {"type": "CimSession[]", "sets": session_sets, "mandatory_in": session_sets,
                               "pipeline": ["ByValue"]}
    assert p["ClassName"] == {"type": "String", "sets": ["ClassNameComputerSet", "ClassNameSessionSet"],
                              "mandatory_in": ["ClassNameComputerSet", "ClassNameSessionSet"], "position": 0,
                              "pipeline": ["ByPropertyName"]}
    assert p["InputObject"] == {"type": "CimInstance", "aliases": ["CimInstance"],
                                "sets": ["CimInstanceComputerSet", "CimInstanceSessionSet"],
                                "mandatory_in": ["CimInstanceComputerSet", "CimInstanceSessionSet"], "position": 0,
                                "pipeline": ["ByValue"]}
    assert p["Query"]["mandatory_in"] == ["QueryComputerSet", "QuerySessionSet"]
    assert p["ComputerName"]["aliases"] == ["CN", "ServerName"] and "mandatory_in" not in p["ComputerName"]
    assert p["OperationTimeoutSec"] == {"type": "UInt32", "aliases": ["OT"]}
    assert p["Property"]["aliases"] == ["SelectProperties"]
    assert {n for n, v in p.items() if "mandatory_in" in v} == {"CimSession", "ClassName", "InputObject", "Query",
                                                                 "ResourceUri"}
    assert entry["outputs"] == ["Microsoft.Management.Infrastructure.CimInstance"]


def test_new_item_path_is_mandatory_only_in_path_set():
    """reference/5.1/Microsoft.PowerShell.Management/New-Item.md: "Required: True (pathSet), False (nameSet)"."""
    assert TABLE["New-Item"]["parameters"]["Path"]["mandatory_in"] == ["pathSet"]

# Gives a folder exactly the wanted NTFS rights, compared by SID: inheritance from the volume off,
# Full Control for the owners' SIDs (SYSTEM, Administrators), Modify or Read for the named groups,
# each inherited by subfolders and files; any other explicit rule is removed. Nothing is written
# when the folder already has exactly these rules, so a second run reports no change.
# Check mode: ShouldProcess, nothing written.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$Path,
    [string[]]$FullSids = @(),
    [string[]]$Modify = @(),
    [string[]]$Read = @()
)
$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
$none = [System.Security.AccessControl.PropagationFlags]::None
$allow = [System.Security.AccessControl.AccessControlType]::Allow

function New-Rule([string]$Sid, [string]$Rights) {
    $identity = New-Object System.Security.Principal.SecurityIdentifier -ArgumentList $Sid
    New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $identity, $Rights, $inherit, $none, $allow
}

function ConvertTo-Sid([string]$Account) {
    ([System.Security.Principal.NTAccount]$Account).Translate([System.Security.Principal.SecurityIdentifier]).Value
}

$wanted = [System.Collections.Generic.List[object]]@()
foreach ($sid in $FullSids) { $wanted.Add((New-Rule $sid 'FullControl')) }
foreach ($account in $Modify) { $wanted.Add((New-Rule (ConvertTo-Sid $account) 'Modify')) }
foreach ($account in $Read) { $wanted.Add((New-Rule (ConvertTo-Sid $account) 'ReadAndExecute')) }

function Get-Key($Rule) {
    $sid = $Rule.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value
    '{0}|{1}|{2}|{3}|{4}' -f $sid, [int]$Rule.FileSystemRights, [int]$Rule.InheritanceFlags, [int]$Rule.PropagationFlags, $Rule.AccessControlType
}

if (-not (Test-Path -LiteralPath $Path)) {
    # Check mode before the folder exists: everything would be written.
    $Ansible.Changed = $true
    return @{ path = $Path; was = @(); now = @() }
}
$acl = Get-Acl -LiteralPath $Path
$current = @($acl.Access | Where-Object { -not $_.IsInherited } | ForEach-Object { Get-Key $_ } | Sort-Object -Unique)
$target = @($wanted | ForEach-Object { Get-Key $_ } | Sort-Object -Unique)
$differs = (-not $acl.AreAccessRulesProtected) -or (Compare-Object $current $target -SyncWindow 0)
if ($differs) {
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($Path, 'Set-Acl')) {
        $acl.SetAccessRuleProtection($true, $false)
        foreach ($rule in @($acl.Access | Where-Object { -not $_.IsInherited })) { [void]$acl.RemoveAccessRuleSpecific($rule) }
        foreach ($rule in $wanted) { $acl.AddAccessRule($rule) }
        Set-Acl -LiteralPath $Path -AclObject $acl
    }
}
@{ path = $Path; was = $current; now = $target }

# Gives a share exactly the wanted permissions, compared by SID: Change or Read for the named
# accounts, nothing for anyone else (New-SmbShare's default Everyone Read included). Account names
# are translated to SIDs on both sides, so a name spelled differently (case, domain prefix, language)
# is no difference; a second run reports no change. Check mode: ShouldProcess, nothing written.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$Name,
    [string[]]$Change = @(),
    [string[]]$Read = @()
)
$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$report = [System.Collections.Generic.List[string]]@()

function ConvertTo-Sid([string]$Account) {
    ([System.Security.Principal.NTAccount]$Account).Translate([System.Security.Principal.SecurityIdentifier]).Value
}

if (-not (Get-SmbShare -Name $Name -ErrorAction SilentlyContinue)) {
    # Check mode before the share exists: every permission would be written.
    $Ansible.Changed = $true
    return @{ share = $Name; changes = @('share not created yet') }
}
$wanted = @{}
foreach ($account in $Read) { $wanted[(ConvertTo-Sid $account)] = @{ account = $account; right = 'Read' } }
foreach ($account in $Change) { $wanted[(ConvertTo-Sid $account)] = @{ account = $account; right = 'Change' } }
foreach ($entry in @(Get-SmbShareAccess -Name $Name)) {
    $sid = $null
    try { $sid = ConvertTo-Sid $entry.AccountName } catch { $sid = $entry.AccountName }
    $want = $wanted[$sid]
    if ($want -and "$($entry.AccessControlType)" -eq 'Allow' -and "$($entry.AccessRight)" -eq $want.right) {
        $wanted.Remove($sid)
        continue
    }
    $report.Add("$($entry.AccountName) $($entry.AccessControlType) $($entry.AccessRight) removed")
    if ($PSCmdlet.ShouldProcess($Name, "remove $($entry.AccountName)")) {
        if ("$($entry.AccessControlType)" -eq 'Deny') {
            [void](Unblock-SmbShareAccess -Name $Name -AccountName $entry.AccountName -Force)
        }
        else {
            [void](Revoke-SmbShareAccess -Name $Name -AccountName $entry.AccountName -Force)
        }
    }
}
foreach ($sid in @($wanted.Keys)) {
    $want = $wanted[$sid]
    $report.Add("$($want.account) $($want.right) granted")
    if ($PSCmdlet.ShouldProcess($Name, "grant $($want.account) $($want.right)")) {
        [void](Grant-SmbShareAccess -Name $Name -AccountName $want.account -AccessRight $want.right -Force)
    }
}
$Ansible.Changed = $report.Count -gt 0
@{ share = $Name; changes = @($report) }

# The daily shutdown GPO: a Group Policy Preferences scheduled task (computer side).
# Each piece of state is read before it is written; a second run changes nothing.
# Everything happens on this domain controller: the GPO object through -Server (this DC), its
# files in this DC's own SYSVOL folder (local path, read from the Netlogon service's SysVol
# setting): no UNC path, no other machine. DFS Replication carries the files to the other DCs.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$GpoName,
    [Parameter(Mandatory = $true)][string]$Domain,
    [Parameter(Mandatory = $true)][string[]]$TargetOus,
    [Parameter(Mandatory = $true)][string]$TaskXml
)
$ErrorActionPreference = 'Stop'
Import-Module GroupPolicy, ActiveDirectory
$Ansible.Changed = $false
$report = [System.Collections.Generic.List[string]]@()
$server = "$env:COMPUTERNAME.$Domain"
# Client-side extension of Scheduled Tasks preferences, with the GPMC tool extension.
$extensions = '[{00000000-0000-0000-0000-000000000000}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}]' +
    '[{AADCED64-746C-4633-A97C-D61349046527}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}]'

$gpo = Get-GPO -Name $GpoName -Domain $Domain -Server $server -ErrorAction SilentlyContinue
if (-not $gpo) {
    $report.Add("GPO $GpoName created")
    $Ansible.Changed = $true
    if (-not $PSCmdlet.ShouldProcess($GpoName, 'New-GPO')) { return @{ changes = @($report) } }
    $gpo = New-GPO -Name $GpoName -Domain $Domain -Server $server -Comment 'sitekit: daily shutdown of workstations and thin clients'
}
$guid = '{' + $gpo.Id.ToString().ToUpper() + '}'
$sysvol = (Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Services\Netlogon\Parameters' -Name SysVol).SysVol
$gpt = Join-Path $sysvol "$Domain\Policies\$guid"
$file = Join-Path $gpt 'Machine\Preferences\ScheduledTasks\ScheduledTasks.xml'
$current = if (Test-Path -LiteralPath $file) { [System.IO.File]::ReadAllText($file) } else { '' }
$adObject = Get-ADObject -Identity $gpo.Path -Server $server -Properties versionNumber, gPCMachineExtensionNames
if ($current -ne $TaskXml -or $adObject.gPCMachineExtensionNames -ne $extensions) {
    $report.Add('scheduled task preference written')
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($file, 'write ScheduledTasks.xml')) {
        [void](New-Item -ItemType Directory -Force -Path (Split-Path -Parent $file))
        [System.IO.File]::WriteAllText($file, $TaskXml, (New-Object System.Text.UTF8Encoding $false))
        # Computer version is the low 16 bits: +1 tells clients to apply the GPO again.
        $version = [int]$adObject.versionNumber + 1
        Set-ADObject -Identity $gpo.Path -Server $server -Replace @{ versionNumber = $version; gPCMachineExtensionNames = $extensions }
        [System.IO.File]::WriteAllText((Join-Path $gpt 'GPT.INI'), "[General]`r`nVersion=$version`r`n")
    }
}
foreach ($ou in $TargetOus) {
    $linked = @((Get-GPInheritance -Target $ou -Domain $Domain -Server $server).GpoLinks | Where-Object { $_.GpoId -eq $gpo.Id })
    if (-not $linked) {
        $report.Add("linked to $ou")
        $Ansible.Changed = $true
        if ($PSCmdlet.ShouldProcess($ou, 'New-GPLink')) {
            [void](New-GPLink -Guid $gpo.Id -Target $ou -Domain $Domain -Server $server -LinkEnabled Yes)
        }
    }
}
@{ changes = @($report); gpo_id = $guid }

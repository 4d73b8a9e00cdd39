# Reads the RDS deployment managed by a connection broker: servers and their roles,
# collections, licensing. Read only; an absent deployment is reported, not an error.
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory = $true)][string]$ConnectionBroker)
$ErrorActionPreference = 'Stop'
Import-Module RemoteDesktop
$Ansible.Changed = $false
try {
    $servers = @(Get-RDServer -ConnectionBroker $ConnectionBroker -ErrorAction Stop)
}
catch {
    return @{ exists = $false; servers = @(); collections = @(); licensing = $null }
}
$licensing = Get-RDLicenseConfiguration -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue
@{
    exists = $true
    servers = @($servers | ForEach-Object { @{ server = $_.Server; roles = @($_.Roles) } })
    collections = @(Get-RDSessionCollection -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue |
            ForEach-Object { $_.CollectionName })
    licensing = if ($licensing) { @{ mode = "$($licensing.Mode)"; servers = @($licensing.LicenseServer) } } else { $null }
}

# Imports the certificate of one RDS role from a PFX when the thumbprint in use differs.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$ConnectionBroker,
    [Parameter(Mandatory = $true)][string]$Role,
    [Parameter(Mandatory = $true)][string]$Path,
    [Parameter(Mandatory = $true)][securestring]$Password
)
$ErrorActionPreference = 'Stop'
Import-Module RemoteDesktop
$Ansible.Changed = $false
$plain = [System.Net.NetworkCredential]::new('', $Password).Password
$wanted = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $Path, $plain
$current = Get-RDCertificate -Role $Role -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue
if (-not $current -or $current.Thumbprint -ne $wanted.Thumbprint) {
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($Role, 'Set-RDCertificate')) {
        Set-RDCertificate -Role $Role -ImportPath $Path -Password $Password -ConnectionBroker $ConnectionBroker -Force
    }
}
@{ role = $Role; thumbprint = $wanted.Thumbprint; was = if ($current) { $current.Thumbprint } else { $null } }

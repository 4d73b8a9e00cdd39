# Prepares a GitHub-hosted Windows Server runner for tests/windows/ci (the windows-real workflow):
# a CA made for this job and a WinRM HTTPS listener whose certificate it signs (the controller
# checks it), a local administrator for Ansible with a password made here, the local groups the
# CI shares grant rights to, and the runner's name as the inventory's NetBIOS domain (a lone
# runner is its own authority). Nothing here runs outside that job.
[CmdletBinding()]
param([Parameter(Mandatory = $true)][string]$Inventory)
$ErrorActionPreference = 'Stop'

$password = -join ((48..57) + (65..90) + (97..122) | Get-Random -Count 24 | ForEach-Object { [char]$_ }) + '!9a'
Write-Output "::add-mask::$password"
"SITEKIT_CI_PASSWORD=$password" | Out-File -FilePath $env:GITHUB_ENV -Append -Encoding utf8
# Environment variables that WSL passes to the controller's shell.
'WSLENV=SITEKIT_CI_PASSWORD:SITEKIT_WINDOWS_TESTS:SITEKIT_WINDOWS_INVENTORY:SITEKIT_WINRM_USER:SITEKIT_WINRM_PASSWORD:SITEKIT_WINRM_CA:SITEKIT_WINRM_ADDRESS' |
    Out-File -FilePath $env:GITHUB_ENV -Append -Encoding utf8

$secure = ConvertTo-SecureString $password -AsPlainText -Force
New-LocalUser -Name 'sitekit-ci' -Password $secure -PasswordNeverExpires | Out-Null
Add-LocalGroupMember -SID 'S-1-5-32-544' -Member 'sitekit-ci'
# A local administrator other than the built-in one gets a full token over the network only so.
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -Name LocalAccountTokenFilterPolicy -Value 1 -Type DWord
foreach ($group in 'CI-Partage-RW', 'CI-Partage-RO') { New-LocalGroup -Name $group | Out-Null }

$ca = New-SelfSignedCertificate -Subject 'CN=sitekit CI WinRM CA' -CertStoreLocation 'Cert:\LocalMachine\My' `
    -KeyUsage CertSign, CRLSign -TextExtension @('2.5.29.19={critical}{text}ca=1&pathlength=0') -NotAfter (Get-Date).AddDays(2)
$server = New-SelfSignedCertificate -Subject 'CN=localhost' -DnsName 'localhost' -Signer $ca -CertStoreLocation 'Cert:\LocalMachine\My' `
    -TextExtension @('2.5.29.37={text}1.3.6.1.5.5.7.3.1') -NotAfter (Get-Date).AddDays(2)
New-Item -Path 'WSMan:\localhost\Listener' -Transport HTTPS -Address * -CertificateThumbPrint $server.Thumbprint -Force | Out-Null
Restart-Service WinRM

$certs = Join-Path $Inventory 'files/certs'
New-Item -ItemType Directory -Force -Path $certs | Out-Null
$pem = "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($ca.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----`n"
[System.IO.File]::WriteAllText((Join-Path $certs 'winrm-ca.pem'), $pem.Replace("`r`n", "`n"))
[System.IO.File]::WriteAllText((Join-Path $Inventory 'group_vars/all/zz_ci.yml'),
    "---`n# Written by prepare-runner.ps1: the runner's name stands for the NetBIOS domain.`nsite_netbios: $($env:COMPUTERNAME.ToUpper())`n")

# The correct forms the cmdlet-signature check must accept.
[CmdletBinding(SupportsShouldProcess)]
param([string]$Path, [hashtable]$Extra = @{})
$ErrorActionPreference = 'Stop'
Get-ADObject -Identity 'CN=x' -Prop name, description  # an unambiguous abbreviation
Get-ADObject -Identity:'CN=x' -Properties:@('name')  # colon syntax
Get-ADObject 'CN=x' -ea SilentlyContinue  # a positional Identity and a common parameter's alias
Set-RDCertificate -Role RDGateway -ImportPath C:\c.pfx -Force  # the Import set
New-GPLink -Guid $id -Target 'OU=x' -LinkEnabled Yes
Join-Path $Path 'ScheduledTasks.xml'
Split-Path -Parent $Path
$acl = Get-Acl -LiteralPath $Path
$acl.Access | Where-Object { $_.IsInherited } | ForEach-Object { $_.IdentityReference }
'x' | Out-Null
$Extra = @{ GatewayExternalFqdn = 'rds.example.org' }
Add-RDServer -Server rdgw01 -Role RDS-GATEWAY -ConnectionBroker rdcb01 @Extra  # a splatted hashtable
Add-DhcpServerv4Scope -Name clients -StartRange 10.0.40.10 -EndRange 10.0.40.200 -SubnetMask 255.255.255.0 -State Active
& klist.exe -li 0x3e7 purge
if ($PSCmdlet.ShouldProcess($Path, 'Set-Acl')) { Set-Acl -LiteralPath $Path -AclObject $acl -WhatIf }
Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -AutoStateTransition $true -LoadBalancePercent 50
Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -AutoStateTransition 1 -LoadBalancePercent '50'
$later = @{ Server = 'rdgw01'; Role = 'RDS-GATEWAY' }
$later['ConnectionBroker'] = 'rdcb01'
$later.Add('GatewayExternalFqdn', 'rds.example.org')
Add-RDServer @later  # keys added after the literal, each a parameter
Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -SharedSecret $Path  # two sets left, the default LoadBalance among them
Get-CimInstance -CimSession $session -ResourceUri $Path -Namespace root/cimv2  # two sets left, one with its mandatory parameters bound
Get-SmbShare -Name data | Grant-SmbShareAccess -AccountName 'RCR\Domain Users' -AccessRight Read -Force  # piped: the set waits for the share
Get-ADDomain -Identity rcr.example  # one set left, not the default
'Default Domain Policy' | Get-GPO -Domain rcr.example  # the piped string binds -Name ByValue (with coercion): ByName, its mandatory -Name bound
Get-GPO -Name 'Default Domain Policy' | Get-GPO -Server dc01  # a Gpo may bind -Guid by its Id property: the binder defers
Get-CimInstance -Query 'SELECT * FROM Win32_Share'  # QueryComputerSet: -ResourceUri is optional there
New-Item -Name staging -ItemType Directory  # nameSet: -Path is optional there
'C:\data' | Get-Acl  # the string binds -Path ByValue
'C:\data' | Split-Path -Leaf  # -Path ByValue, LeafSet

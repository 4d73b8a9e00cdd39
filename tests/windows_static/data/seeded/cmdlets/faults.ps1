# Seeded faults for the cmdlet-signature check: one per line; the comment names the rule it breaks.
Get-DhcpServerv4Scope -ScopeId 10.0.40.0 -Bogus 1  # unknown-parameter
Get-ADObject -Identity 'CN=x' -P name  # ambiguous-parameter (-Partition, -Properties)
Add-DhcpServerv4Scope -Name clients -StartRange 10.0.40.10 -EndRange 10.0.40.200  # missing-mandatory (SubnetMask)
Set-RDCertificate -Role RDGateway -ImportPath C:\c.pfx -Thumbprint ABCD  # parameter-set (Import and Thumbprint)
Join-Path 'C:\' 'Windows' 'System32'  # positional (Windows PowerShell 5.1 has no -AdditionalChildPath)
New-GPLink -Guid $id -Target 'OU=x' -LinkEnabled True  # bad-value (Yes, No, Unspecified)
Get-GPO -Name a -Name b  # duplicate-parameter
Get-GPO -Name  # missing-argument
Get-SitekitThing -Name x  # unknown-command
function Test-Role([string]$Server, [string]$Role) { $Server, $Role }
Test-Role -Servr rdsh01  # unknown-parameter (a simple function: the value lands in $args)
function Add-Server {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Server, [string]$Role)
    $Server, $Role
}
Add-Server -Role RDS-RD-SERVER  # missing-mandatory (Server)
Add-Server rdsh01 RDS-RD-SERVER extra  # positional
Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -AutoStateTransition yes  # bad-argument (Boolean: a bare word is a string)
Add-DhcpServerv4Failover -ComputerName dc01 -Name f -PartnerServer dc02 -ScopeId 10.0.40.0 -LoadBalancePercent abc  # bad-argument (UInt32)
$byIndex = @{ Server = 'rdgw01'; Role = 'RDS-GATEWAY'; ConnectionBroker = 'rdcb01' }
$byIndex['Rolez'] = 'RDS-GATEWAY'
Add-RDServer @byIndex  # unknown-parameter (a key added by index after the literal)
$byMember = @{ Server = 'rdgw01'; Role = 'RDS-GATEWAY'; ConnectionBroker = 'rdcb01' }
$byMember.Gatewayz = 'rds.example.org'
Add-RDServer @byMember  # unknown-parameter (a key added as a member)
$byAdd = @{ Server = 'rdgw01'; Role = 'RDS-GATEWAY'; ConnectionBroker = 'rdcb01' }
$byAdd.Add('Brokerz', 'rdcb01')
Add-RDServer @byAdd  # unknown-parameter (a key added with .Add)
Get-CimInstance -CimSession $session -Filter "DriveLetter = 'D:'"  # ambiguous-parameter-set (two session sets left, neither the default nor complete)
Set-DhcpServerv4OptionValue -ScopeId 10.0.40.0  # missing-mandatory (the default set OptionIds is chosen over the complete CommonOptions)
$gpos | Get-GPO -Guid $id -Domain rcr.example  # pipeline-input (ByGUID is left and both its pipeline parameters, Guid and Domain, are bound)
'Default Domain Policy' | Get-GPO -Guid $id  # pipeline-input (ByGUID left; a string has no Domain/DomainName property, and -Name, which takes it ByValue, is in ByName)
$keys | Get-KdsRootKey  # pipeline-input (no parameter takes pipeline input)
'C:\data' | Set-Acl -AclObject $acl  # pipeline-input (-AclObject, the ByValue parameter, is bound; a string has no Path, PSPath, InputObject or CentralAccessPolicy property)
'staging' | New-Item -ItemType Directory  # missing-mandatory (the string binds -Value ByValue in the default pathSet, whose -Path takes pipeline input only ByPropertyName)

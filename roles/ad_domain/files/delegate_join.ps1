# Grants an account Create Child / Delete Child on computer objects in one OU (the
# delegation "Join computers" of the AD wizard), after reading the ACL: no change when the
# two rules are there. Runs in check mode (ShouldProcess) and reports what it would do.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$OrganizationalUnit,
    [Parameter(Mandatory = $true)][string]$Account
)
$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory
$computerClass = [Guid]'bf967a86-0de6-11d0-a285-00aa003049e2'
$sid = ([System.Security.Principal.NTAccount]$Account).Translate([System.Security.Principal.SecurityIdentifier])
$path = "AD:\$OrganizationalUnit"
$acl = Get-Acl -Path $path
$Ansible.Changed = $false
foreach ($right in @('CreateChild', 'DeleteChild')) {
    $present = $acl.Access | Where-Object {
        $_.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]) -eq $sid -and
        $_.ObjectType -eq $computerClass -and $_.ActiveDirectoryRights -match $right -and
        $_.AccessControlType -eq 'Allow'
    }
    if (-not $present) {
        $rule = New-Object System.DirectoryServices.ActiveDirectoryAccessRule(
            $sid, [System.DirectoryServices.ActiveDirectoryRights]$right, 'Allow', $computerClass, 'All')
        $acl.AddAccessRule($rule)
        $Ansible.Changed = $true
    }
}
if ($Ansible.Changed -and $PSCmdlet.ShouldProcess($OrganizationalUnit, 'Set-Acl')) {
    Set-Acl -Path $path -AclObject $acl
}

# Correct: the grammar accepts it as written.
[CmdletBinding(SupportsShouldProcess)]
param([Parameter(Mandatory = $true)][string]$Path)
$acl = Get-Acl -LiteralPath $Path
if ($PSCmdlet.ShouldProcess($Path, 'Set-Acl')) { Set-Acl -LiteralPath $Path -AclObject $acl }

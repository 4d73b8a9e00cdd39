# Shadow copy storage of a volume on the volume itself, limited to a share of its size (the oldest
# copies are deleted beyond it). Read first (Win32_ShadowStorage), written with vssadmin only when
# the storage is missing or its limit differs. Check mode: ShouldProcess, nothing written.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$Volume,
    [Parameter(Mandatory = $true)][int]$MaxSizePercent
)
$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$root = $Volume.TrimEnd('\') + '\'
$target = Get-CimInstance -ClassName Win32_Volume | Where-Object { $_.Name -eq $root }
if (-not $target) { throw "volume $root does not exist on this host (the file server's data volume)" }
$wantedBytes = [uint64]([math]::Floor($target.Capacity * $MaxSizePercent / 100))
$storage = Get-CimInstance -ClassName Win32_ShadowStorage |
    Where-Object { $_.Volume.DeviceID -eq $target.DeviceID -and $_.DiffVolume.DeviceID -eq $target.DeviceID }
$action = $null
if (-not $storage) { $action = 'add' }
elseif ([math]::Abs([double]$storage.MaxSpace - [double]$wantedBytes) -gt 0.01 * $target.Capacity) { $action = 'resize' }
if ($action) {
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($root, "vssadmin $action shadowstorage")) {
        $out = & vssadmin.exe $action shadowstorage "/For=$($root.TrimEnd('\'))" "/On=$($root.TrimEnd('\'))" "/MaxSize=$MaxSizePercent%" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "vssadmin $action shadowstorage failed: $out" }
    }
}
@{ volume = $root; action = $action; max_bytes = $wantedBytes; was = if ($storage) { [uint64]$storage.MaxSpace } else { $null } }

# DHCP scopes of the client VLANs, their options (router, DNS servers, DNS domain) and the
# failover relationship with the partner DC (partner, mode, percentage and scopes compared).
# State is read first; only differences are written, so a second run reports no change.
# Check mode: ShouldProcess, nothing written. The failover cmdlets configure the partner server
# too: the task runs with `become` (the administrator's credentials reach the partner).
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][object[]]$Scopes,
    [string]$PartnerServer = '',
    [string]$FailoverMode = 'load_balance',
    [int]$SplitPercent = 50
)
$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$report = [System.Collections.Generic.List[string]]@()

function Set-Changed([string]$What) {
    $report.Add($What)
    $Ansible.Changed = $true
}

foreach ($scope in $Scopes) {
    $scopeId = [ipaddress]$scope.scope_id
    $lease = New-TimeSpan -Hours ([int]$scope.lease_hours)
    $current = Get-DhcpServerv4Scope -ScopeId $scopeId -ErrorAction SilentlyContinue
    if (-not $current) {
        if ($PSCmdlet.ShouldProcess($scope.name, 'Add-DhcpServerv4Scope')) {
            Add-DhcpServerv4Scope -Name $scope.name -StartRange $scope.start -EndRange $scope.end `
                -SubnetMask $scope.subnet_mask -LeaseDuration $lease -State Active
        }
        Set-Changed "scope $($scope.name) created"
    }
    elseif ($current.StartRange.ToString() -ne $scope.start -or $current.EndRange.ToString() -ne $scope.end -or
        $current.LeaseDuration -ne $lease -or $current.Name -ne $scope.name -or $current.State -ne 'Active') {
        if ($PSCmdlet.ShouldProcess($scope.name, 'Set-DhcpServerv4Scope')) {
            Set-DhcpServerv4Scope -ScopeId $scopeId -Name $scope.name -StartRange $scope.start -EndRange $scope.end `
                -LeaseDuration $lease -State Active
        }
        Set-Changed "scope $($scope.name) updated"
    }
    $options = @{}
    if ($current) {
        Get-DhcpServerv4OptionValue -ScopeId $scopeId -ErrorAction SilentlyContinue | ForEach-Object { $options[[int]$_.OptionId] = @($_.Value) }
    }
    $wanted = @{ 3 = @($scope.router); 6 = @($scope.dns_servers); 15 = @($scope.dns_domain) }
    $same = $true
    foreach ($id in $wanted.Keys) {
        if (-not $options.ContainsKey($id) -or (Compare-Object $options[$id] $wanted[$id] -SyncWindow 0)) { $same = $false }
    }
    if (-not $same) {
        if ($PSCmdlet.ShouldProcess($scope.name, 'Set-DhcpServerv4OptionValue')) {
            # -Force: do not require the DNS servers to answer (a DC being built may not yet).
            Set-DhcpServerv4OptionValue -ScopeId $scopeId -Router $scope.router -DnsServer $scope.dns_servers `
                -DnsDomain $scope.dns_domain -Force
        }
        Set-Changed "options of $($scope.name) set"
    }
}

if ($PartnerServer) {
    $name = 'sitekit-dhcp-failover'
    $mode = if ($FailoverMode -eq 'load_balance') { 'LoadBalance' } else { 'HotStandby' }
    $failover = Get-DhcpServerv4Failover -Name $name -ErrorAction SilentlyContinue
    $scopeIds = @($Scopes | ForEach-Object { [ipaddress]$_.scope_id })
    if (-not $failover) {
        if ($PSCmdlet.ShouldProcess($PartnerServer, 'Add-DhcpServerv4Failover')) {
            if ($mode -eq 'LoadBalance') {
                Add-DhcpServerv4Failover -Name $name -PartnerServer $PartnerServer -ScopeId $scopeIds `
                    -LoadBalancePercent $SplitPercent -AutoStateTransition $true -Force
            }
            else {
                Add-DhcpServerv4Failover -Name $name -PartnerServer $PartnerServer -ScopeId $scopeIds `
                    -ServerRole Active -ReservePercent $SplitPercent -AutoStateTransition $true -Force
            }
        }
        Set-Changed "failover with $PartnerServer created"
    }
    else {
        # The partner of a relationship cannot be changed in place: removing it would stop DHCP
        # failover on the site, so a different partner is an error for the operator to resolve.
        if ($failover.PartnerServer -ne $PartnerServer) {
            throw "DHCP failover $name is with $($failover.PartnerServer), the inventory says $PartnerServer: " +
                'remove the relationship (Remove-DhcpServerv4Failover) in a maintenance window, then run again'
        }
        $percent = if ($mode -eq 'LoadBalance') { [uint32]$failover.LoadBalancePercent } else { [uint32]$failover.ReservePercent }
        if ("$($failover.Mode)" -ne $mode -or $percent -ne $SplitPercent -or -not $failover.AutoStateTransition) {
            if ($PSCmdlet.ShouldProcess($name, 'Set-DhcpServerv4Failover')) {
                if ($mode -eq 'LoadBalance') {
                    Set-DhcpServerv4Failover -Name $name -Mode $mode -LoadBalancePercent $SplitPercent -AutoStateTransition $true -Force
                }
                else {
                    Set-DhcpServerv4Failover -Name $name -Mode $mode -ReservePercent $SplitPercent -AutoStateTransition $true -Force
                }
            }
            Set-Changed "failover $name set to $mode $SplitPercent %"
        }
        $missing = @($scopeIds | Where-Object { @($failover.ScopeId | ForEach-Object { $_.ToString() }) -notcontains $_.ToString() })
        if ($missing) {
            if ($PSCmdlet.ShouldProcess($name, 'Add-DhcpServerv4FailoverScope')) {
                Add-DhcpServerv4FailoverScope -Name $name -ScopeId $missing
            }
            Set-Changed "scopes $($missing -join ', ') added to the failover"
        }
    }
}
@{ changes = @($report) }

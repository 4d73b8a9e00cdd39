# One step of the RDS plan (plugins/plugin_utils/site/windows/rds.py rds_plan). The deployment is
# read first and only what is missing or different is written: a partial deployment is completed,
# never recreated; broker HA settings are compared with the plan; a second run reports no change.
# What cannot be done yet (HA database down, Cegid missing on a session host) is returned as
# pending, not attempted. Check mode: ShouldProcess, nothing written.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$ConnectionBroker,
    [Parameter(Mandatory = $true)]$Step
)
$ErrorActionPreference = 'Stop'
Import-Module RemoteDesktop
$Ansible.Changed = $false
$report = [System.Collections.Generic.List[string]]@()
$pending = [System.Collections.Generic.List[string]]@()

try { $servers = @(Get-RDServer -ConnectionBroker $ConnectionBroker -ErrorAction Stop) } catch { $servers = $null }
if ($null -eq $servers -and $Step.action -ne 'new_session_deployment') {
    if ($WhatIfPreference) {
        # Check mode before the deployment exists: every later step would change.
        $Ansible.Changed = $true
        return @{ step = $Step.step; changes = @("would run after the session deployment is created"); pending = @() }
    }
    throw "No RDS deployment on $ConnectionBroker: step $($Step.step) needs the session deployment first"
}

function ConvertFrom-ConnectionString([string]$Text) {
    # Keys and values without case, spaces around them and the driver's braces.
    $pairs = @{}
    foreach ($part in ($Text -split ';')) {
        $key, $value = $part -split '=', 2
        if ($key.Trim()) { $pairs[$key.Trim().ToLowerInvariant()] = "$value".Trim().Trim('{', '}').ToLowerInvariant() }
    }
    $pairs
}

function Test-SameConnectionString([string]$Current, [string]$Wanted) {
    $a = ConvertFrom-ConnectionString $Current
    $b = ConvertFrom-ConnectionString $Wanted
    foreach ($key in @('driver', 'server', 'database', 'trusted_connection')) {
        if ($a[$key] -ne $b[$key]) { return $false }
    }
    $true
}

function Test-Role([string]$Server, [string]$Role) {
    [bool]($servers | Where-Object { $_.Server -eq $Server -and $_.Roles -contains $Role })
}

function Add-MissingServer([string]$Server, [string]$Role, [hashtable]$Extra = @{}) {
    if (Test-Role $Server $Role) { return }
    $report.Add("$Role added on $Server")
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($Server, "Add-RDServer $Role")) {
        Add-RDServer -Server $Server -Role $Role -ConnectionBroker $ConnectionBroker @Extra
    }
}

switch ($Step.action) {
    'new_session_deployment' {
        if ($null -eq $servers) {
            $report.Add('session deployment created')
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($Step.connection_broker, 'New-RDSessionDeployment')) {
                New-RDSessionDeployment -ConnectionBroker $Step.connection_broker -WebAccessServer $Step.web_access_server `
                    -SessionHost @($Step.session_hosts)
            }
        }
        else {
            Add-MissingServer $Step.web_access_server 'RDS-WEB-ACCESS'
            foreach ($server in @($Step.session_hosts)) { Add-MissingServer $server 'RDS-RD-SERVER' }
        }
    }
    'set_broker_ha' {
        if (-not $Step.database_reachable) {
            $pending.Add("broker high availability waits for its database server $($Step.database_server):$($Step.database_port), " +
                'which does not answer yet (SQL Server not installed?): run playbooks/windows.yml again once it does')
            break
        }
        $ha = Get-RDConnectionBrokerHighAvailability -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue
        if (-not $ha -or -not $ha.ClientAccessName) {
            $report.Add("broker high availability as $($Step.client_access_name)")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($ConnectionBroker, 'Set-RDConnectionBrokerHighAvailability')) {
                Set-RDConnectionBrokerHighAvailability -ConnectionBroker $ConnectionBroker `
                    -DatabaseConnectionString $Step.database_connection_string -ClientAccessName $Step.client_access_name
            }
        }
        else {
            # HA exists: compare its settings with the plan, change only what differs.
            if ($ha.ClientAccessName -ne $Step.client_access_name) {
                $report.Add("client access name $($ha.ClientAccessName) -> $($Step.client_access_name)")
                $Ansible.Changed = $true
                if ($PSCmdlet.ShouldProcess($ConnectionBroker, 'Set-RDClientAccessName')) {
                    Set-RDClientAccessName -ConnectionBroker $ConnectionBroker -ClientAccessName $Step.client_access_name
                }
            }
            if (-not (Test-SameConnectionString $ha.DatabaseConnectionString $Step.database_connection_string)) {
                $report.Add('database connection string set')
                $Ansible.Changed = $true
                if ($PSCmdlet.ShouldProcess($ConnectionBroker, 'Set-RDDatabaseConnectionString')) {
                    Set-RDDatabaseConnectionString -ConnectionBroker $ConnectionBroker -DatabaseConnectionString $Step.database_connection_string
                }
            }
        }
        foreach ($server in @($Step.servers)) { Add-MissingServer $server 'RDS-CONNECTION-BROKER' }
    }
    'add_server' {
        $extra = @{}
        if ($Step.role -eq 'RDS-GATEWAY') { $extra = @{ GatewayExternalFqdn = $Step.gateway_external_fqdn } }
        foreach ($server in @($Step.servers)) { Add-MissingServer $server $Step.role $extra }
    }
    'set_licensing' {
        $current = Get-RDLicenseConfiguration -ConnectionBroker $ConnectionBroker
        $differs = "$($current.Mode)" -ne $Step.mode -or
            (Compare-Object @($current.LicenseServer | Where-Object { $_ }) @($Step.license_servers))
        if ($differs) {
            $report.Add("licensing $($Step.mode) on $($Step.license_servers -join ', ')")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($ConnectionBroker, 'Set-RDLicenseConfiguration')) {
                Set-RDLicenseConfiguration -ConnectionBroker $ConnectionBroker -Mode $Step.mode `
                    -LicenseServer @($Step.license_servers) -Force
            }
        }
    }
    'new_collection' {
        $name = $Step.name
        $collection = Get-RDSessionCollection -CollectionName $name -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue
        if (-not $collection) {
            $report.Add("collection $name created")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($name, 'New-RDSessionCollection')) {
                New-RDSessionCollection -CollectionName $name -CollectionDescription $Step.description `
                    -SessionHost @($Step.session_hosts) -ConnectionBroker $ConnectionBroker
            }
        }
        else {
            $members = @(Get-RDSessionHost -CollectionName $name -ConnectionBroker $ConnectionBroker | ForEach-Object { $_.SessionHost })
            $missing = @($Step.session_hosts | Where-Object { $members -notcontains $_ })
            if ($missing) {
                $report.Add("session hosts $($missing -join ', ') added to $name")
                $Ansible.Changed = $true
                if ($PSCmdlet.ShouldProcess($name, 'Add-RDSessionHost')) {
                    Add-RDSessionHost -CollectionName $name -SessionHost $missing -ConnectionBroker $ConnectionBroker
                }
            }
        }
        $groups = if ($collection) {
            @((Get-RDSessionCollectionConfiguration -CollectionName $name -UserGroup -ConnectionBroker $ConnectionBroker).UserGroup)
        } else { @() }
        if (Compare-Object $groups @($Step.user_groups)) {
            $report.Add("user groups of $name set")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($name, 'Set-RDSessionCollectionConfiguration')) {
                Set-RDSessionCollectionConfiguration -CollectionName $name -UserGroup @($Step.user_groups) -ConnectionBroker $ConnectionBroker
            }
        }
        $app = $Step.remote_app
        if (-not $Step.publish_remote_app) {
            $pending.Add("RemoteApp $($app.alias) waits for $($app.file_path) on $(@($Step.missing_on) -join ', '): " +
                'install Cegid on every session host, then run playbooks/windows.yml again')
            break
        }
        $existing = if ($collection) {
            Get-RDRemoteApp -CollectionName $name -Alias $app.alias -ConnectionBroker $ConnectionBroker -ErrorAction SilentlyContinue
        }
        if (-not $existing) {
            $report.Add("RemoteApp $($app.alias) published")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($app.alias, 'New-RDRemoteApp')) {
                New-RDRemoteApp -CollectionName $name -Alias $app.alias -DisplayName $app.display_name -FilePath $app.file_path `
                    -UserGroups @($app.user_groups) -ConnectionBroker $ConnectionBroker
            }
        }
        elseif ($existing.FilePath -ne $app.file_path -or $existing.DisplayName -ne $app.display_name -or
            (Compare-Object @($existing.UserGroups) @($app.user_groups))) {
            $report.Add("RemoteApp $($app.alias) updated")
            $Ansible.Changed = $true
            if ($PSCmdlet.ShouldProcess($app.alias, 'Set-RDRemoteApp')) {
                Set-RDRemoteApp -CollectionName $name -Alias $app.alias -DisplayName $app.display_name -FilePath $app.file_path `
                    -UserGroups @($app.user_groups) -ConnectionBroker $ConnectionBroker
            }
        }
    }
    default { throw "unknown RDS step action $($Step.action)" }
}
@{ step = $Step.step; changes = @($report); pending = @($pending) }

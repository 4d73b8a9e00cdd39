# Runs one T-SQL batch of the sqlserver_cegid role on the local instance (Windows
# authentication) and returns its rows. A mutating batch ends with `SELECT @changes AS
# changes`; the task is changed only when that count is above zero. In check mode the
# role renders the batch with @apply = 0, so the batch only counts.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory = $true)][string]$ServerInstance,
    [Parameter(Mandatory = $true)][string]$Query,
    [string]$Database = 'master',
    [bool]$Mutating = $false
)
$ErrorActionPreference = 'Stop'
$builder = New-Object -TypeName System.Data.SqlClient.SqlConnectionStringBuilder
$builder['Data Source'] = $ServerInstance
$builder['Initial Catalog'] = $Database
$builder['Integrated Security'] = $true
$builder['Application Name'] = 'sitekit sqlserver_cegid'
$connection = New-Object -TypeName System.Data.SqlClient.SqlConnection -ArgumentList $builder.ConnectionString
$table = New-Object -TypeName System.Data.DataTable
try {
    $connection.Open()
    $command = $connection.CreateCommand()
    $command.CommandText = $Query
    $command.CommandTimeout = 300
    $reader = $command.ExecuteReader()
    $table.Load($reader)
}
finally {
    $connection.Dispose()
}
$rows = @(foreach ($row in $table.Rows) {
        $item = [ordered]@{}
        foreach ($column in $table.Columns) {
            $value = $row[$column]
            $item[$column.ColumnName] = if ($value -is [System.DBNull]) { $null } else { $value }
        }
        [pscustomobject]$item
    })
$Ansible.Changed = $Mutating -and (@($rows | Where-Object { $_.changes -gt 0 }).Count -gt 0)
$rows

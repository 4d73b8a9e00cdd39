# Seeded fault: the if block is never closed.
param([string]$Name)
if ($Name) {
    Write-Output $Name

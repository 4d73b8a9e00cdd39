# Seeded fault: the condition misses its closing parenthesis.
param([int]$Count)
if ($Count -gt 1 {
    Write-Output $Count
}

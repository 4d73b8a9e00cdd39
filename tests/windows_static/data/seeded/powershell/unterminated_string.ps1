# Seeded fault: a string is never terminated.
$message = 'unterminated
Write-Output $message

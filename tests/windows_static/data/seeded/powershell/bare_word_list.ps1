# Correct, through the allow-list: a bare-word list argument (bare-word-list).
Import-Module GroupPolicy, ActiveDirectory
Get-ADObject -Identity $Path -Properties versionNumber, gPCMachineExtensionNames

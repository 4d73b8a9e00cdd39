# Seeded fault the allow-list must not hide: a bare-word list on a line that also has a real error.
Import-Module GroupPolicy, ActiveDirectory (

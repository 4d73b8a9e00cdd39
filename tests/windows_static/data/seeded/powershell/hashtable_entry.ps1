# Seeded fault: the hashtable entry has no = sign.
$options = @{ Name 'value' }

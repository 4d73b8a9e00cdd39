"""make drift: how the live site differs from its inventory (check + diff run of site.yml, read-only)."""

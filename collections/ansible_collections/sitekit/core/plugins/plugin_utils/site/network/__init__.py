"""Network view of the site model: the intended data of every switch and router.

``device_intent(site, host)`` turns the inventory (VLAN plan, port profiles, links, GLBP,
security, infrastructure services) into one typed intent per device (data.py: SwitchIntent,
RouterIntent); the filters hand it to the IOS templates (templates/ios/) as plain data with
``typed.to_vars``, and the templates only print it. Nothing here is typed per device: trunk
VLANs come from what is on the far side of each link (links.py), addresses from site_ip and
the VLAN plan.

Each intent carries what IOS prints for it (``forms``: the running-config forms of the
device's release, so that a second push finds nothing to send) and what a push owns on the
device (``push``: include, exclude and management-path rules), both in push.py.

One module per concern: names.py (interface names and ranges), secrets.py (vault references,
SNMPv3 keys, type 7), links.py (devices, link VLANs), clock.py, management.py (what every
device shares), push.py (push scope, release forms), switch.py, router.py. The public names
are re-exported here: ``from …site.network import device_intent`` keeps working.

Secrets arrive already resolved inside a play (hostvars templating); outside a play
``site_with_secrets`` replaces ``{{ vault_x }}`` references from a mapping (tests pass
dummy hashes, never plaintext passwords).
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import vlan_list
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.clock import clock
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import RouterIntent, SwitchIntent
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.links import (
    device_links,
    is_network_device,
    link_vlans,
    network_devices,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import (
    PREFIXES,
    NetworkModelError,
    expand_ports,
    full_name,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.push import (
    COMMON_FAMILIES,
    COMMON_MANAGEMENT,
    DOMAIN_FORMS,
    EDGE_PORTFAST,
    push_policy,
    switch_forms,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.router import (
    GLBP_DEFAULT_LOAD_BALANCING,
    GLBP_DEFAULT_PRIORITY,
    TRACK_UPLINK,
    router_intent,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.secrets import (
    SECRET_KEYS,
    engine_id,
    resolve_secrets,
    site_with_secrets,
    snmp_localized_key,
    type7,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.switch import (
    DEFAULT_STP_PRIORITY,
    PLAIN_2960_PORTS,
    PORT_LAYOUTS,
    is_plain_2960,
    switch_intent,
    switch_ports,
    switching,
)


def device_intent(site: Site, host: str) -> SwitchIntent | RouterIntent:
    """The intended data of one switch or router (what its template prints, once ``to_vars``)."""
    if site.in_group(host, "cisco_switches"):
        return switch_intent(site, host)
    if site.in_group(host, "cisco_routers"):
        return router_intent(site, host)
    raise NetworkModelError(f"host {host} is neither in cisco_switches nor in cisco_routers")


__all__ = [
    "COMMON_FAMILIES", "COMMON_MANAGEMENT", "DEFAULT_STP_PRIORITY", "DOMAIN_FORMS", "EDGE_PORTFAST",
    "GLBP_DEFAULT_LOAD_BALANCING", "GLBP_DEFAULT_PRIORITY", "PLAIN_2960_PORTS", "PORT_LAYOUTS", "PREFIXES", "SECRET_KEYS", "TRACK_UPLINK",
    "NetworkModelError", "RouterIntent", "SwitchIntent", "clock", "device_intent", "device_links", "engine_id",
    "expand_ports", "full_name", "is_network_device", "is_plain_2960", "link_vlans", "network_devices", "push_policy", "resolve_secrets",
    "router_intent", "site_with_secrets", "snmp_localized_key", "switch_forms", "switch_intent", "switch_ports",
    "switching", "type7", "vlan_list",
]

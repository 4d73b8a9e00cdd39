"""The network view's types: what a switch's or router's template prints (see ``typed.to_vars``)."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import optional, view


# ---- shared by every device -----------------------------------------------------------------
@view
class Clock:
    zone: str
    hours: int
    minutes: int
    summer: str | None  # `clock summer-time` arguments; None without daylight saving time


@view
class Admin:
    name: str
    privilege: int
    secret_hash: str


@view
class VtyNetwork:
    vlan: int
    network: str
    wildcard: str


@view
class Snmp:
    user: str | None
    group: str | None
    engine_id: str
    auth_key: str
    priv_key: str


@view
class Archive:
    url: str
    user: str | None
    password7: str


@view
class PushPolicy:
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    management: tuple[str, ...]


@view
class Forms:
    """How this device's release prints what the model declares (switch-only keys are None on a router)."""

    domain_name: str
    domain_lookup: str
    portfast: str | None = optional()
    portfast_trunk: str | None = optional()
    bpduguard_default: str | None = optional()


@view
class VlanName:
    id: int
    name: str


@view
class Mgmt:
    vlan: int
    name: str
    address: str
    netmask: str
    interface: str | None = optional()  # a router's management sub-interface


@view
class DeviceIntent:
    """What every switch and router declares: name, access, time, logging, SNMPv3, archive."""

    kind: str  # "switch" or "router"
    hostname: str
    domain: str | None
    clock: Clock | None
    enable_secret_hash: str | None
    banner: str | None
    ssh_version: int
    admins: tuple[Admin, ...]
    vty_acl: tuple[VtyNetwork, ...]
    ntp: tuple[str, ...]
    dns: tuple[str, ...]
    syslog: str | None
    snmp: Snmp | None
    archive: Archive | None
    forms: Forms
    push: PushPolicy


# ---- switches -----------------------------------------------------------------------------------
@view
class StackMember:
    member: int
    priority: int
    model: str


@view
class StormControl:
    level: str
    action: str | None


@view
class Errdisable:
    causes: tuple[str, ...]
    interval: int | None


@view
class Switching:
    load_balance: str | None
    parking: VlanName | None
    storm_control: StormControl | None
    errdisable: Errdisable | None


@view
class PortChannel:
    id: int
    description: str
    vlans: tuple[int, ...]
    allowed: str
    members: tuple[str, ...]
    edge: bool


@view
class AccessPort:
    name: str
    mode: str  # "access"
    vlan: int
    description: str
    portfast: bool


@view
class TrunkPort:
    name: str
    mode: str  # "trunk"
    vlans: tuple[int, ...]
    allowed: str
    channel: int | None
    description: str
    edge: bool  # towards a server (no bridge behind it): PortFast on the trunk


@view
class UnusedPort:
    name: str
    mode: str  # "unused"
    vlan: int | None  # the parking VLAN


@view
class Stp:
    mode: str
    vlans: str
    priority: int | None  # None: IOS's default, not printed


@view
class SwitchIntent(DeviceIntent):
    location: str | None
    role: str | None
    stack: tuple[StackMember, ...]
    stack_master: int | None
    vlans: tuple[VlanName, ...]
    switching: Switching
    port_channels: tuple[PortChannel, ...]
    interfaces: tuple[AccessPort | TrunkPort | UnusedPort, ...]
    mgmt: Mgmt
    default_gateway: str
    stp: Stp
    # The model of a plain 2960 (one switch, it does not stack: no stack priorities, no `switch N provision`, ports
    # FastEthernet0/N and GigabitEthernet0/1-2); None (key left out) for a 2960-S/X stack.
    plain_2960: str | None = optional()


# ---- routers ------------------------------------------------------------------------------------
@view
class GlbpWeighting:
    maximum: int
    lower: int
    upper: int
    track: int
    decrement: int


@view
class Glbp:
    group: int
    ip: str
    priority: int | None  # None: IOS's default (100), not printed
    preempt: bool
    load_balancing: str | None  # None: IOS's default (round-robin), not printed
    weighting: GlbpWeighting | None


@view
class SubInterface:
    name: str
    vlan: int
    description: str
    address: str
    netmask: str
    glbp: Glbp
    helpers: tuple[str, ...]


@view
class Track:
    id: int
    interface: str


@view
class RouterIntent(DeviceIntent):
    model: str | None
    role: str | None
    lan_interface: str
    lan_description: str
    wan_interface: str | None
    track: Track | None
    mgmt: Mgmt
    subinterfaces: tuple[SubInterface, ...]
    vlans: tuple[VlanName, ...]

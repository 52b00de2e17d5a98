"""ARM-shaped resources (every API version) -> the common cluster model.

The only place that knows ARM property names. It serves ARM JSON templates, Bicep (which
evaluates to the same shapes) and Terraform `azapi_resource`s (through `azapi_to_arm`).
Property names are matched case-insensitively, as ARM does. Absent properties take the
documented Azure default where there is one (marked `default`), else stay None.

Links: an id string (`resourceId(...)`, a literal id) or a `reference()` result
(`ResourceRef`) whose `arm_resource_key` names a resource of the deployment becomes that
model object; an id pointing outside the deployment stays a string; anything unknown stays
`Unresolved`. An `existing` resource is kept with its id and name, but every property of it
is unknown.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar, cast

from aksnetlint.model import (
    ApiServer,
    Cluster,
    Deployment,
    DnsResolver,
    DnsZoneMode,
    Field,
    Firewall,
    Gateway,
    GatewayKind,
    Identity,
    NatGateway,
    NetworkProfile,
    NetworkSecurityGroup,
    NodePool,
    PrivateDnsZone,
    PublicIp,
    Route,
    RouteTable,
    SecurityRule,
    Subnet,
    SubnetUse,
    VirtualHub,
    VirtualNetwork,
    VnetPeering,
    VpnSite,
)
from aksnetlint.normalise.defaults import with_network_defaults
from aksnetlint.normalise.fields import (
    as_bool,
    as_int,
    as_str,
    field_from,
    first,
    get,
    provenance,
    ref_of,
    ref_target,
    string_list,
)
from aksnetlint.resolve.arm_functions import arm_resource_key
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved, sourced

__all__ = ["PARENT_ID", "SUPPORTED_TYPES", "azapi_to_arm", "normalise_arm"]

K = TypeVar("K")

CLUSTER = "microsoft.containerservice/managedclusters"
AGENT_POOL = f"{CLUSTER}/agentpools"
VNET = "microsoft.network/virtualnetworks"
SUBNET = f"{VNET}/subnets"
PEERING = f"{VNET}/virtualnetworkpeerings"
ROUTE_TABLE = "microsoft.network/routetables"
ROUTE = f"{ROUTE_TABLE}/routes"
NSG = "microsoft.network/networksecuritygroups"
SECURITY_RULE = f"{NSG}/securityrules"
DNS_ZONE = "microsoft.network/privatednszones"
DNS_ZONE_LINK = f"{DNS_ZONE}/virtualnetworklinks"
VNET_GATEWAY = "microsoft.network/virtualnetworkgateways"
DNS_RESOLVER = "microsoft.network/dnsresolvers"
DNS_RULESET = "microsoft.network/dnsforwardingrulesets"
FIREWALL = "microsoft.network/azurefirewalls"
PUBLIC_IP = "microsoft.network/publicipaddresses"
PUBLIC_IP_PREFIX = "microsoft.network/publicipprefixes"
NAT_GATEWAY = "microsoft.network/natgateways"
IDENTITY = "microsoft.managedidentity/userassignedidentities"

CONNECTION = "microsoft.network/connections"
HUB_CONNECTION = "microsoft.network/virtualhubs/hubvirtualnetworkconnections"
LOCAL_GATEWAY = "microsoft.network/localnetworkgateways"
VIRTUAL_HUB = "microsoft.network/virtualhubs"
VPN_SITE = "microsoft.network/vpnsites"
VPN_GATEWAY = "microsoft.network/vpngateways"
VPN_CONNECTION = f"{VPN_GATEWAY}/vpnconnections"

GATEWAY_TYPES = {
    LOCAL_GATEWAY: GatewayKind.LOCAL,
    "microsoft.network/expressroutecircuits": GatewayKind.EXPRESS_ROUTE_CIRCUIT,
    CONNECTION: GatewayKind.CONNECTION,
    "microsoft.network/expressroutegateways/expressrouteconnections": GatewayKind.CONNECTION,
    HUB_CONNECTION: GatewayKind.VIRTUAL_HUB_CONNECTION,
}
_HUB_NAME_RE = re.compile(r"/virtualHubs/([^/]+)", re.IGNORECASE)

_CONFIGS = ("properties", "ipConfigurations", "*", "properties", "subnet", "id")
SUBNET_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "microsoft.network/networkinterfaces": ("network interface", _CONFIGS),
    "microsoft.network/privateendpoints": ("private endpoint", ("properties", "subnet", "id")),
    "microsoft.compute/virtualmachinescalesets": (
        "scale set", ("properties", "virtualMachineProfile", "networkProfile",
                      "networkInterfaceConfigurations", "*", *_CONFIGS)),
    "microsoft.network/privatelinkservices": ("private link service", _CONFIGS),
    "microsoft.network/loadbalancers": (
        "internal load balancer",
        ("properties", "frontendIPConfigurations", "*", "properties", "subnet", "id")),
    "microsoft.network/applicationgateways": (
        "application gateway",
        ("properties", "gatewayIPConfigurations", "*", "properties", "subnet", "id")),
}
"""Resources other than node pools that place addresses in a subnet: (role, the path of
their subnet ids; `*` walks every entry of a list)."""

SUPPORTED_TYPES = frozenset({
    CLUSTER, AGENT_POOL, VNET, SUBNET, PEERING, ROUTE_TABLE, ROUTE, NSG, SECURITY_RULE,
    DNS_ZONE, DNS_ZONE_LINK, VNET_GATEWAY, DNS_RESOLVER, DNS_RULESET, FIREWALL, PUBLIC_IP,
    PUBLIC_IP_PREFIX, NAT_GATEWAY, IDENTITY, *GATEWAY_TYPES, *SUBNET_USERS,
    VIRTUAL_HUB, VPN_SITE, VPN_GATEWAY, VPN_CONNECTION,
})
"""Lower-cased ARM types the normaliser reads; everything else is ignored."""

PARENT_ID = "parent_id"
"""Body key `azapi_to_arm` uses for a child resource's parent reference when the parent's
id is not a known string (a Terraform reference); ARM itself never writes this key."""

_ID_ATTRIBUTES = ("id", "<full>")
"""`ResourceRef` attributes that stand for the resource itself (`x.id`, `reference(x,
api, 'Full')`): links follow these; any other attribute is a deployment-time value."""


def normalise_arm(resources: list[ResolvedResource], root: str, format: str = "arm",
                  known: Mapping[str, object] | None = None,
                  resource_key: Callable[[str], str | None] = arm_resource_key,
                  resource_ids: Mapping[str, str] | None = None) -> Deployment:
    """Build the deployment model from ARM-shaped resources. `format` ("arm", "bicep" or
    "azure-resources") is recorded on the deployment and every model object; `known` maps
    addresses to model objects built elsewhere (a Terraform deployment mixing azurerm and
    azapi resources) that references may link to. `resource_key` turns an id into the key
    links are looked up by (for templates `arm_resource_key`, which ignores the
    subscription and resource group chosen at deployment; deployed resources pass one that
    keeps them); `resource_ids` maps model keys to the exact resource IDs to report."""
    return _Normaliser(resources, format, known or {}, resource_key,
                       resource_ids or {}).deployment(root)


# ---------------------------------------------------------------------------------------
# Reading one resource

def _get(value: Sourced | None, *path: str | int) -> Sourced | None:
    return get(value, *path, ci=True)


def _first(value: Sourced | None, *candidates: tuple[str | int, ...]) -> Sourced | None:
    """The first candidate that holds a value; else the first written as `null` (deployed
    resources write every unset property so: a finding points at that line)."""
    found = first(value, *candidates, ci=True)
    if found is None:
        found = next((item for item in (_get(value, *path) for path in candidates)
                      if item is not None and item.loc is not None), None)
    return found


def _is_existing(res: ResolvedResource) -> bool:
    flag = get(res.body, "existing", ci=True)
    return flag is not None and flag.data is True


def _body(res: ResolvedResource) -> Sourced:
    """The resource object; for an `existing` resource every property is unknown."""
    if _is_existing(res):
        return Sourced(Unresolved(f"'{res.address}' is an existing resource: its properties "
                                  "are not in the scanned files", res.decl), res.decl)
    return res.body


def _props(res: ResolvedResource) -> Sourced | None:
    return _get(_body(res), "properties")


def _usable(res: ResolvedResource) -> bool:
    """False when `properties` is written but is not an object (the resolver reports it)."""
    props = _get(res.body, "properties")
    return props is None or isinstance(props.data, dict | Unresolved) or props.data is None


def _entries(value: Sourced | None) -> list[Sourced]:
    """The entries of a list value (an unknown or absent list has none)."""
    if value is None or not isinstance(value.data, list):
        return []
    return value.data


def _pluck(value: Sourced | None, *path: str) -> Sourced | None:
    """A list of the values at `path` inside each entry of a list value (entries without
    one are skipped); an unknown list stays unknown, an absent one stays absent."""
    if value is None or value.data is None or not isinstance(value.data, list):
        return value
    found = [item for item in (_get(entry, *path) for entry in value.data)
             if item is not None and item.data is not None]
    return Sourced(found, value.loc, value.at)


def _plural(value: Sourced | None, plural: str, single: str) -> Sourced | None:
    """`addressPrefixes` / `addressPrefix` style pairs: the list when it has entries (or is
    unknown), else the single value, else the (empty) list. Exported templates write both."""
    many = _get(value, plural)
    one = _get(value, single)
    if many is not None and (not isinstance(many.data, list) or many.data) \
            and many.data is not None:
        return many
    if one is not None and one.data is not None and one.data != "":
        return one
    return many if many is not None else one


def _last_segment(field: Field[str]) -> Field[str]:
    """A child resource's own name (`vnet/snet` -> `snet`)."""
    if isinstance(field.value, str) and "/" in field.value:
        return replace(field, value=field.value.rstrip("/").rsplit("/", 1)[-1])
    return field


def _name_of(res: ResolvedResource) -> Field[str]:
    return _last_segment(field_from(res.name, as_str, res.address, res.decl))


def _parent_key(key: str | None) -> str | None:
    if key is None or key.count("/") < 4:
        return None
    return key.rsplit("/", 2)[0]


# ---------------------------------------------------------------------------------------
# The normaliser

class _Normaliser:
    def __init__(self, resources: list[ResolvedResource], format: str,
                 known: Mapping[str, object], resource_key: Callable[[str], str | None],
                 resource_ids: Mapping[str, str]) -> None:
        self.format = format
        self.resource_key = resource_key
        self.resource_ids = resource_ids
        self.by_type: dict[str, list[ResolvedResource]] = defaultdict(list)
        for res in resources:
            rtype = res.type.lower()
            if rtype in SUPPORTED_TYPES and _usable(res):
                self.by_type[rtype].append(res)
        self.objects: dict[str, object] = dict(known)
        self.id_keys: dict[str, str] = {}  # address -> id key, where they differ (azapi)

    # -- index and links --------------------------------------------------------------------

    def id_key(self, res: ResolvedResource) -> str | None:
        return self.resource_key(res.id) if isinstance(res.id, str) else None

    def add(self, res: ResolvedResource, obj: object) -> None:
        self.objects[res.address] = obj
        key = self.id_key(res)
        if key is not None:
            self.objects.setdefault(key, obj)
            self.id_keys[res.address] = key

    def lookup(self, key: str | None, kind: type[K]) -> K | None:
        found = self.objects.get(key) if key is not None else None
        return found if isinstance(found, kind) else None

    def link(self, value: Sourced | None, kind: type[K], owner_loc: Location | None
             ) -> Field[K | str | None]:
        """A reference property as a field holding the model object it names (when it is in
        the deployment), the id string (when it is outside), or Unresolved."""
        if value is None:
            return Field(None, owner_loc)
        loc, origin = provenance(value)
        loc = loc or owner_loc
        target = ref_target(value)
        if target is None or isinstance(target, Unresolved):
            return Field(target, loc, origin)
        if isinstance(target, ResourceRef):
            if target.attribute not in _ID_ATTRIBUTES:
                return Field(Unresolved(f"{target} is known only at deployment", loc), loc,
                             origin)
            obj = self.lookup(target.target, kind)
            if obj is None:
                return Field(Unresolved(f"{target.target} is not a {kind.__name__} in the "
                                        "scanned deployment", loc), loc, origin)
            return Field(obj, loc, origin)
        obj = self.lookup(self.resource_key(target), kind)
        return Field(obj if obj is not None else target, loc, origin)

    def link_id(self, holder: Sourced | None, kind: type[K], owner_loc: Location | None
                ) -> Field[K | str | None]:
        """A `{ "id": ... }` sub-resource reference (an unknown holder stays unknown)."""
        return self.link(_get(holder, "id"), kind, owner_loc)

    def parent(self, res: ResolvedResource, kind: type[K]) -> Field[K | None]:
        """A child resource's parent, from its id (or the key it is filed under), else from
        the `PARENT_ID` an azapi resource carries."""
        loc = res.name.at or res.name.loc or res.decl
        for key in (_parent_key(self.id_key(res)), _parent_key(res.address)):
            obj = self.lookup(key, kind)
            if obj is not None:
                return Field(obj, loc)
        written = get(res.body, PARENT_ID)
        if written is not None:
            linked = self.link(written, kind, res.decl)
            return cast(Field[K | None], linked if not isinstance(linked.value, str)
                        else Field(None, linked.loc, linked.origin))
        if isinstance(res.name.data, Unresolved):
            return Field(res.name.data, loc)
        if self.id_key(res) is None and isinstance(res.id, Unresolved):
            return Field(res.id, loc)
        return Field(None, loc)

    def base(self, res: ResolvedResource) -> dict[str, Any]:
        return {"key": res.address, "name": _name_of(res), "decl": res.decl,
                "format": self.format, "present": res.present,
                "resource_id": self.resource_ids.get(res.address)}

    def of(self, *types: str) -> Iterator[ResolvedResource]:
        for rtype in types:
            yield from self.by_type.get(rtype, [])

    # -- the deployment ---------------------------------------------------------------------

    def deployment(self, root: str) -> Deployment:
        vnets = self.vnets()
        route_tables = self.route_tables()
        nsgs = self.nsgs()
        public_ips = self.public_ips()
        nat_gateways = self.nat_gateways()
        subnets = self.subnets()
        peerings = self.peerings()
        gateways = self.gateways()
        resolvers = self.resolvers()
        firewalls = self.firewalls()
        zones = self.dns_zones()
        identities = self.identities()
        uses = self.subnet_uses()
        vpn_sites = self.vpn_sites()
        clusters = self.clusters()
        return Deployment(
            root=root, format=self.format, clusters=tuple(clusters), vnets=tuple(vnets),
            subnets=tuple(subnets), route_tables=tuple(route_tables), nsgs=tuple(nsgs),
            private_dns_zones=tuple(zones), gateways=tuple(gateways),
            dns_resolvers=tuple(resolvers), peerings=tuple(peerings),
            firewalls=tuple(firewalls), public_ips=tuple(public_ips),
            nat_gateways=tuple(nat_gateways), identities=tuple(identities),
            subnet_uses=tuple(uses), vpn_sites=tuple(vpn_sites))

    # -- virtual networks, subnets, peerings ------------------------------------------------

    def vnets(self) -> list[VirtualNetwork]:
        vnets = []
        for res in self.of(VNET):
            props = _props(res)
            vnet = VirtualNetwork(
                **self.base(res),
                address_space=cast(Field[tuple[Field[str], ...]], string_list(
                    _get(props, "addressSpace", "addressPrefixes"), res.decl)),
                dns_servers=cast(Field[tuple[Field[str], ...]], string_list(
                    _get(props, "dhcpOptions", "dnsServers"), res.decl)),
            )
            vnets.append(vnet)
            self.add(res, vnet)
        return vnets

    def subnets(self) -> list[Subnet]:
        """Subnets declared inline in their VNet and as child resources; a child resource
        with the same key as an inline subnet replaces it."""
        found: dict[str, Subnet] = {}
        for res in self.of(VNET):
            vnet = self.lookup(res.address, VirtualNetwork)
            for position, entry in enumerate(_entries(_get(_props(res), "subnets"))):
                subnet = self.inline_subnet(res, vnet, position, entry)
                found[subnet.key] = subnet
        for res in self.of(SUBNET):
            subnet = self.subnet(res.address, _name_of(res), res.decl, res.present,
                                 self.parent(res, VirtualNetwork), _props(res))
            found.pop(res.address, None)
            found[subnet.key] = subnet
            self.add(res, subnet)
        for key, subnet in found.items():
            self.objects.setdefault(key, subnet)
            owner = subnet.vnet.value
            if isinstance(owner, VirtualNetwork) and owner.key in self.id_keys \
                    and key.startswith(f"{owner.key}/"):
                # an inline subnet of an azapi VNet, by the id its VNet's id implies
                self.objects.setdefault(self.id_keys[owner.key] + key[len(owner.key):], subnet)
        return list(found.values())

    def inline_subnet(self, res: ResolvedResource, vnet: VirtualNetwork | None, position: int,
                      entry: Sourced) -> Subnet:
        decl = entry.loc or res.decl
        name = field_from(_get(entry, "name"), as_str, Unresolved("subnet name"), decl)
        key = f"{res.address}/subnets/{name.value.lower()}" if isinstance(name.value, str) \
            else f"{res.address}/subnets[{position}]"
        return self.subnet(key, name, decl, res.present, Field(vnet, res.decl),
                           _get(entry, "properties"))

    def subnet(self, key: str, name: Field[str], decl: Location, present: bool | None,
               vnet: Field[VirtualNetwork | None], props: Sourced | None) -> Subnet:
        delegations = _pluck(_get(props, "delegations"), "properties", "serviceName")
        return Subnet(
            key=key, name=name, decl=decl, format=self.format, present=present,
            resource_id=self.resource_ids.get(key), vnet=vnet,
            address_prefixes=cast(Field[tuple[Field[str], ...]], string_list(
                _plural(props, "addressPrefixes", "addressPrefix"), decl)),
            delegations=cast(Field[tuple[Field[str], ...]], string_list(delegations, decl)),
            route_table=cast(Field[RouteTable | None], self.link_id(
                _get(props, "routeTable"), RouteTable, decl)),
            nsg=cast(Field[NetworkSecurityGroup | None], self.link_id(
                _get(props, "networkSecurityGroup"), NetworkSecurityGroup, decl)),
            nat_gateway=cast(Field[NatGateway | None], self.link_id(
                _get(props, "natGateway"), NatGateway, decl)),
        )

    def peerings(self) -> list[VnetPeering]:
        found: dict[str, VnetPeering] = {}
        for res in self.of(VNET):
            vnet = self.lookup(res.address, VirtualNetwork)
            for position, entry in enumerate(_entries(_get(_props(res),
                                                           "virtualNetworkPeerings"))):
                decl = entry.loc or res.decl
                name = field_from(_get(entry, "name"), as_str, Unresolved("peering name"),
                                  decl)
                key = f"{res.address}/virtualnetworkpeerings/{name.value.lower()}" \
                    if isinstance(name.value, str) \
                    else f"{res.address}/virtualnetworkpeerings[{position}]"
                found[key] = VnetPeering(
                    key=key, name=name, decl=decl, format=self.format, present=res.present,
                    resource_id=self.resource_ids.get(key),
                    local_vnet=Field(vnet, res.decl),
                    remote_vnet=self.link_id(_get(entry, "properties", "remoteVirtualNetwork"),
                                             VirtualNetwork, decl))
        for res in self.of(PEERING):
            found.pop(res.address, None)
            found[res.address] = VnetPeering(
                **self.base(res), local_vnet=self.parent(res, VirtualNetwork),
                remote_vnet=self.link_id(_get(_props(res), "remoteVirtualNetwork"),
                                         VirtualNetwork, res.decl))
        return list(found.values())

    # -- route tables and NSGs --------------------------------------------------------------

    def route_tables(self) -> list[RouteTable]:
        extra = self.children(ROUTE, lambda res: _route(_name_of(res), _props(res), res.decl))
        tables = []
        for res in self.of(ROUTE_TABLE):
            routes = [_route(field_from(_get(entry, "name"), as_str, "", entry.loc or res.decl),
                             _get(entry, "properties"), entry.loc or res.decl)
                      for entry in _entries(_get(_props(res), "routes"))]
            table = RouteTable(**self.base(res),
                               routes=tuple(routes + extra.get(res.address, [])))
            tables.append(table)
            self.add(res, table)
        return tables

    def nsgs(self) -> list[NetworkSecurityGroup]:
        extra = self.children(SECURITY_RULE,
                              lambda res: _security_rule(_name_of(res), _props(res), res.decl))
        nsgs = []
        for res in self.of(NSG):
            rules = [_security_rule(field_from(_get(entry, "name"), as_str, "",
                                               entry.loc or res.decl),
                                    _get(entry, "properties"), entry.loc or res.decl)
                     for entry in _entries(_get(_props(res), "securityRules"))]
            nsg = NetworkSecurityGroup(**self.base(res),
                                       rules=tuple(rules + extra.get(res.address, [])))
            nsgs.append(nsg)
            self.add(res, nsg)
        return nsgs

    def children(self, rtype: str, build: Callable[[ResolvedResource], K]
                 ) -> dict[str, list[K]]:
        """Child resources (`routes`, `securityRules`) by the address of their parent."""
        parents = {res.address: res for res in self.of(rtype.rsplit("/", 1)[0])}
        by_id = {self.id_key(res): res.address for res in parents.values() if self.id_key(res)}
        found: dict[str, list[K]] = defaultdict(list)
        for res in self.of(rtype):
            key = _parent_key(self.id_key(res)) or _parent_key(res.address)
            parent = key if key in parents else by_id.get(key)
            if parent is None:
                written = ref_target(get(res.body, PARENT_ID))
                parent = written.target if isinstance(written, ResourceRef) else None
            if parent is not None:
                found[parent].append(build(res))
        return found

    # -- public IPs, NAT gateways -----------------------------------------------------------

    def public_ips(self) -> list[PublicIp]:
        ips = []
        for res in self.of(PUBLIC_IP, PUBLIC_IP_PREFIX):
            props = _props(res)
            is_prefix = res.type.lower() == PUBLIC_IP_PREFIX
            pip = PublicIp(
                **self.base(res), is_prefix=is_prefix,
                address=field_from(None if is_prefix else _get(props, "ipAddress"), as_str,
                                   None, res.decl),
                prefix=field_from(_get(props, "ipPrefix") if is_prefix else None, as_str,
                                  None, res.decl))
            ips.append(pip)
            self.add(res, pip)
        return ips

    def linked_ips(self, holders: Iterable[Sourced], decl: Location) -> tuple[PublicIp, ...]:
        """The public IPs (and prefixes) of the deployment that `{id}` holders name."""
        found = []
        for holder in holders:
            linked = self.link_id(holder, PublicIp, decl).value
            if isinstance(linked, PublicIp):
                found.append(linked)
        return tuple(found)

    def nat_gateways(self) -> list[NatGateway]:
        gateways = []
        for res in self.of(NAT_GATEWAY):
            props = _props(res)
            holders = _entries(_get(props, "publicIpAddresses")) + \
                _entries(_get(props, "publicIpPrefixes"))
            nat = NatGateway(**self.base(res), public_ips=self.linked_ips(holders, res.decl))
            gateways.append(nat)
            self.add(res, nat)
        return gateways

    # -- hybrid evidence ---------------------------------------------------------------------

    def gateways(self) -> list[Gateway]:
        gateways = []
        for res in self.of(VNET_GATEWAY):
            props = _props(res)
            subnet_holder = _get(props, "ipConfigurations", 0, "properties", "subnet")
            gateway = Gateway(
                **self.base(res),
                kind=field_from(_get(props, "gatewayType"), as_str,
                                Unresolved("gateway type is not written"), res.decl),
                vnet=self.vnet_of_subnet(subnet_holder, res.decl))
            gateways.append(gateway)
            self.add(res, gateway)
        for res in self.of(LOCAL_GATEWAY):
            local = Gateway(**self.base(res), kind=Field(GatewayKind.LOCAL.value, res.decl),
                            address_space=cast(Field[tuple[Field[str], ...]], string_list(
                                _get(_props(res), "localNetworkAddressSpace",
                                     "addressPrefixes"), res.decl)))
            gateways.append(local)
            self.add(res, local)
        for rtype, kind in GATEWAY_TYPES.items():
            if rtype == LOCAL_GATEWAY:
                continue
            for res in self.of(rtype):
                gateways.append(Gateway(**self.base(res), kind=Field(kind.value, res.decl),
                                        **self.connection_links(res)))
        return gateways

    def connection_links(self, res: ResolvedResource) -> dict[str, Any]:
        """What a connection links: the type of a gateway connection and, for `Vnet2Vnet`,
        the VNets of its two gateways; the hub and remote VNet of a hub connection."""
        rtype, props = res.type.lower(), _props(res)
        if rtype == CONNECTION:
            connection_type = field_from(_get(props, "connectionType"), as_str, None,
                                         res.decl)
            written = connection_type.value
            local = _get(props, "localNetworkGateway2")
            if local is not None and local.data is not None and not (
                    isinstance(written, str) and written.strip().lower() == "vnet2vnet"):
                # an IPsec connection: the local network gateway and the VNet of the
                # virtual network gateway it joins
                return {"connection_type": connection_type,
                        "local_gateway": self.link_id(local, Gateway, res.decl),
                        "connected_vnets": (self.gateway_vnet(
                            _get(props, "virtualNetworkGateway1"), res.decl),)}
            if not (isinstance(written, str) and written.strip().lower() == "vnet2vnet"):
                return {"connection_type": connection_type}
            return {"connection_type": connection_type, "connected_vnets": tuple(
                self.gateway_vnet(_get(props, holder), res.decl)
                for holder in ("virtualNetworkGateway1", "virtualNetworkGateway2"))}
        if rtype == HUB_CONNECTION:
            return {"hub": self.hub_of(res), "connected_vnets": (self.link_id(
                _get(props, "remoteVirtualNetwork"), VirtualNetwork, res.decl),)}
        return {}

    def vpn_sites(self) -> list[VpnSite]:
        """Virtual WAN VPN sites with their address ranges and the hubs whose VPN gateways
        connect to them (inline `connections` or `vpnConnections` children), each at the
        connection's `remoteVpnSite`; a gateway or connection that may not be deployed
        joins nothing."""
        hub_keys = {res.address: self.id_key(res) or res.address
                    for res in self.of(VIRTUAL_HUB)}
        gateway_hubs: dict[str, Field[VirtualHub | None]] = {}
        connections: list[tuple[str, Sourced | None]] = []
        for res in self.of(VPN_GATEWAY):
            if res.present is not True:
                continue
            named = self.hub_named(_get(_props(res), "virtualHub"), hub_keys, res.decl)
            for address in {res.address, self.id_key(res) or res.address}:
                gateway_hubs[address] = named
            connections.extend((res.address, _get(entry, "properties", "remoteVpnSite"))
                               for entry in _entries(_get(_props(res), "connections")))
        for res in self.of(VPN_CONNECTION):
            parent = _parent_key(self.id_key(res)) or _parent_key(res.address)
            if res.present is True and parent is not None:
                connections.append((parent, _get(_props(res), "remoteVpnSite")))
        site_hubs: dict[str, list[Field[VirtualHub | None]]] = defaultdict(list)
        for gateway, holder in connections:
            hub = gateway_hubs.get(gateway)
            site = ref_target(_get(holder, "id"))
            if hub is None or holder is None:
                continue
            site_key = site.target if isinstance(site, ResourceRef) else \
                self.resource_key(site) if isinstance(site, str) else None
            if site_key is not None:
                loc, _origin = provenance(holder)
                site_hubs[site_key].append(Field(hub.value, loc or hub.loc))
        sites = []
        for res in self.of(VPN_SITE):
            hubs = site_hubs.get(res.address, []) + (
                site_hubs.get(self.id_key(res) or "", [])
                if self.id_key(res) != res.address else [])
            sites.append(VpnSite(**self.base(res), hubs=tuple(hubs),
                                 address_space=cast(Field[tuple[Field[str], ...]], string_list(
                                     _get(_props(res), "addressSpace", "addressPrefixes"),
                                     res.decl))))
        return sites

    def hub_named(self, holder: Sourced | None, hub_keys: dict[str, str], decl: Location
                  ) -> Field[VirtualHub | None]:
        """The virtual WAN hub a `{id}` holder names (keyed like `hub_of` keys the hub of a
        hub connection: the hub's id key)."""
        value = _get(holder, "id")
        if value is None:
            return Field(None, decl)
        loc, origin = provenance(value)
        target = ref_target(value)
        if isinstance(target, ResourceRef):
            key = hub_keys.get(target.target, target.target)
        elif isinstance(target, str):
            key = self.resource_key(target) or target.strip().rstrip("/").lower()
        else:
            return Field(target, loc or decl, origin)
        return Field(VirtualHub(key, key.rstrip("/").rsplit("/", 1)[-1]), loc or decl, origin)

    def gateway_vnet(self, holder: Sourced | None, decl: Location
                     ) -> Field[VirtualNetwork | str | None]:
        """The VNet of the virtual network gateway a `{id}` holder names, at the holder; a
        gateway outside the deployment stays its id."""
        linked = self.link_id(holder, Gateway, decl)
        gateway = linked.value
        if not isinstance(gateway, Gateway):
            return cast(Field[VirtualNetwork | str | None], linked)
        vnet: VirtualNetwork | None | Unresolved = gateway.vnet.value
        if vnet is None:
            vnet = Unresolved(f"the VNet of gateway '{gateway.name.value}' is not in the scan")
        return Field(vnet, linked.loc, linked.origin)

    def hub_of(self, res: ResolvedResource) -> Field[VirtualHub | None]:
        """The virtual WAN hub a hub connection belongs to: its parent, from its id or the
        key it is filed under, else the `PARENT_ID` an azapi resource carries."""
        loc = res.name.at or res.name.loc or res.decl
        key = _parent_key(self.id_key(res)) or _parent_key(res.address)
        if key is None:
            written = ref_target(get(res.body, PARENT_ID))
            if isinstance(written, ResourceRef):
                key = written.target
            elif isinstance(written, str):
                key = arm_resource_key(written) or written.strip().rstrip("/").lower()
            elif isinstance(written, Unresolved):
                return Field(written, loc)
        if key is None:
            return Field(Unresolved("the virtual hub of the connection is unknown"), loc)
        match = _HUB_NAME_RE.search(res.id) if isinstance(res.id, str) else None
        written_name = res.name.data if isinstance(res.name.data, str) else ""
        if match:
            name = match.group(1)
        elif "/" in written_name:  # `vhub-weu/conn-spoke`
            name = written_name.split("/", 1)[0]
        else:
            name = key.rstrip("/").rsplit("/", 1)[-1]
        return Field(VirtualHub(key, name), loc)

    def vnet_of_subnet(self, holder: Sourced | None, decl: Location
                       ) -> Field[VirtualNetwork | None]:
        """The VNet a `{id}` subnet reference sits in: the subnet's VNet when the subnet is
        in the deployment, else the VNet its id names."""
        subnet = self.link_id(holder, Subnet, decl)
        if isinstance(subnet.value, Subnet):
            return subnet.value.vnet
        if isinstance(subnet.value, str):
            vnet = self.lookup(_parent_key(self.resource_key(subnet.value)), VirtualNetwork)
            return Field(vnet, subnet.loc, subnet.origin)
        return Field(subnet.value, subnet.loc, subnet.origin)

    def resolvers(self) -> list[DnsResolver]:
        resolvers = []
        for res in self.of(DNS_RESOLVER):
            vnet = self.link_id(_get(_props(res), "virtualNetwork"), VirtualNetwork, res.decl)
            resolvers.append(DnsResolver(**self.base(res), vnet=_object_or_none(vnet)))
        for res in self.of(DNS_RULESET):
            resolvers.append(DnsResolver(**self.base(res), vnet=Field(None, res.decl)))
        return resolvers

    def firewalls(self) -> list[Firewall]:
        firewalls = []
        for res in self.of(FIREWALL):
            props = _props(res)
            configs = _entries(_get(props, "ipConfigurations"))
            subnet_field: Field[Subnet | str | None] = Field(None, res.decl)
            private_ip = field_from(_get(props, "hubIPAddresses", "privateIPAddress"), as_str,
                                    None, res.decl)
            for config in configs:
                holder = _get(config, "properties", "subnet")
                if holder is not None:
                    subnet_field = self.link_id(holder, Subnet, res.decl)
                    written = _get(config, "properties", "privateIPAddress")
                    if written is not None:
                        private_ip = field_from(written, as_str, None, res.decl)
            holders = [h for h in (_get(c, "properties", "publicIPAddress") for c in configs)
                       if h is not None]
            firewalls.append(Firewall(
                **self.base(res), subnet=cast(Field[Subnet | None], subnet_field),
                public_ips=self.linked_ips(holders, res.decl), private_ip=private_ip))
        return firewalls

    def dns_zones(self) -> list[PrivateDnsZone]:
        links = self.children(DNS_ZONE_LINK, lambda res: self.link_id(
            _get(_props(res), "virtualNetwork"), VirtualNetwork, res.decl))
        zones = []
        for res in self.of(DNS_ZONE):
            zone = PrivateDnsZone(**self.base(res),
                                  linked_vnets=tuple(links.get(res.address, [])))
            zones.append(zone)
            self.add(res, zone)
        return zones

    def identities(self) -> list[Identity]:
        identities = []
        for res in self.of(IDENTITY):
            identity = Identity(**self.base(res))
            identities.append(identity)
            self.add(res, identity)
        return identities

    def subnet_uses(self) -> list[SubnetUse]:
        """One `SubnetUse` per subnet reference of a NIC, private endpoint, scale set, private
        link service, load balancer frontend or application gateway."""
        uses = []
        for rtype, (role, path) in SUBNET_USERS.items():
            for res in self.of(rtype):
                for ref in _walk(_body(res), path):
                    if ref.data is None:
                        continue
                    uses.append(SubnetUse(**self.base(res), role=role,
                                          subnet=self.link(ref, Subnet, res.decl)))
        return uses

    # -- clusters ---------------------------------------------------------------------------

    def clusters(self) -> list[Cluster]:
        child_pools: dict[str, list[NodePool]] = defaultdict(list)
        for res in self.of(AGENT_POOL):
            cluster_key = _parent_key(self.id_key(res)) or _parent_key(res.address)
            written = ref_target(get(res.body, PARENT_ID))
            if isinstance(written, ResourceRef):
                cluster_key = written.target
            child_pools[cluster_key or ""].append(self.node_pool(
                res.address, _name_of(res), _props(res), res, "User"))
        clusters = []
        for res in self.of(CLUSTER):
            pools = {pool.key: pool for pool in self.inline_pools(res)}
            keys = [res.address] + [k for k in (self.id_key(res),) if k and k != res.address]
            for key in keys:
                for pool in child_pools.get(key, []):
                    pools.pop(pool.key, None)
                    pools[pool.key] = pool
            clusters.append(self.cluster(res, tuple(pools.values())))
        return clusters

    def cluster(self, res: ResolvedResource, pools: tuple[NodePool, ...]) -> Cluster:
        body = _body(res)
        props = _get(body, "properties")
        return Cluster(
            **self.base(res),
            location=field_from(_get(body, "location"), as_str, None, res.decl),
            identity_type=_identity_type(body, props, res.decl),
            api_server=self.api_server(props, res.decl),
            network=self.network(props, res.decl),
            node_pools=pools,
            http_application_routing=field_from(
                _get(props, "addonProfiles", "httpApplicationRouting", "enabled"), as_bool,
                False, res.decl, default=True),
        )

    def network(self, props: Sourced | None, decl: Location) -> NetworkProfile:
        """The network profile with the public IPs of AKS's own egress linked: the load
        balancer's effective outbound IPs (deployed state), else the outbound IPs and
        prefixes chosen for it; the managed NAT gateway's effective outbound IPs."""
        profile = _get(props, "networkProfile")
        balancer = _get(profile, "loadBalancerProfile")
        chosen = _entries(_get(balancer, "effectiveOutboundIPs")) or [
            *_entries(_get(balancer, "outboundIPs", "publicIPs")),
            *_entries(_get(balancer, "outboundIPPrefixes", "publicIPPrefixes"))]
        nat = _entries(_get(profile, "natGatewayProfile", "effectiveOutboundIPs"))
        return replace(_network(props, decl),
                       load_balancer_egress=self.egress_ips(chosen, decl),
                       managed_nat_egress=self.egress_ips(nat, decl))

    def egress_ips(self, holders: list[Sourced], decl: Location
                   ) -> tuple[Field[PublicIp | str | None], ...]:
        return tuple(cast(Field[PublicIp | str | None], self.link_id(holder, PublicIp, decl))
                     for holder in holders)

    def inline_pools(self, res: ResolvedResource) -> Iterator[NodePool]:
        for position, entry in enumerate(_entries(_get(_props(res), "agentPoolProfiles"))):
            decl = entry.loc or res.decl
            name = field_from(_get(entry, "name"), as_str, Unresolved("pool name"), decl)
            key = f"{res.address}/agentpools/{name.value.lower()}" \
                if isinstance(name.value, str) else f"{res.address}/agentpools[{position}]"
            yield self.node_pool(key, name, entry, res, "System" if position == 0 else "User",
                                 decl)

    def node_pool(self, key: str, name: Field[str], props: Sourced | None,
                  res: ResolvedResource, default_mode: str,
                  decl: Location | None = None) -> NodePool:
        decl = decl or res.decl
        return NodePool(
            key=key, name=name, decl=decl, format=self.format, present=res.present,
            resource_id=self.resource_ids.get(key),
            mode=field_from(_get(props, "mode"), as_str, default_mode, decl, default=True),
            subnet=cast(Field[Subnet | str | None],
                        self.link(_get(props, "vnetSubnetID"), Subnet, decl)),
            pod_subnet=cast(Field[Subnet | str | None],
                            self.link(_get(props, "podSubnetID"), Subnet, decl)),
            max_pods=field_from(_get(props, "maxPods"), as_int, None, decl),
            count=field_from(_get(props, "count"), as_int, 1, decl, default=True),
            min_count=field_from(_get(props, "minCount"), as_int, None, decl),
            max_count=field_from(_get(props, "maxCount"), as_int, None, decl),
            autoscaling=field_from(_get(props, "enableAutoScaling"), as_bool, False, decl,
                                   default=True),
            max_surge=field_from(_get(props, "upgradeSettings", "maxSurge"), as_str, None,
                                 decl),
            node_public_ip=field_from(_get(props, "enableNodePublicIP"), as_bool, False, decl,
                                      default=True),
        )

    def api_server(self, props: Sourced | None, decl: Location) -> ApiServer:
        profile = _get(props, "apiServerAccessProfile")
        private = field_from(_get(profile, "enablePrivateCluster"), as_bool, False, decl,
                             default=True)
        ranges = string_list(_first(props, ("apiServerAccessProfile", "authorizedIPRanges"),
                                    ("apiServerAuthorizedIPRanges",)), decl, absent=None)
        zone_attr = _get(profile, "privateDNSZone")
        zone_id = field_from(zone_attr, as_str, None, decl)
        mode, zone = self.dns_zone_mode(private, zone_attr, zone_id, decl)
        return ApiServer(
            private=private,
            authorized_ip_ranges=ranges,
            private_dns_zone_mode=mode,
            private_dns_zone_id=zone_id,
            private_dns_zone=zone,
            public_fqdn_enabled=field_from(_get(profile, "enablePrivateClusterPublicFQDN"),
                                           as_bool, True, decl, default=True),
            vnet_integration=field_from(_get(profile, "enableVnetIntegration"), as_bool,
                                        False, decl, default=True),
            subnet=cast(Field[Subnet | str | None],
                        self.link(_get(profile, "subnetId"), Subnet, decl)),
        )

    def dns_zone_mode(self, private: Field[bool], zone_attr: Sourced | None,
                      zone_id: Field[str | None], decl: Location
                      ) -> tuple[Field[DnsZoneMode | None], Field[PrivateDnsZone | None]]:
        """`system` (also when absent on a private cluster: the documented default),
        `none`, or a custom zone linked to the deployment's `privateDnsZones`."""
        no_zone: Field[PrivateDnsZone | None] = Field(None, zone_id.loc, zone_id.origin)
        if zone_attr is None or zone_attr.data is None:
            if isinstance(private.value, Unresolved):
                return Field(private.value, decl, None, True), no_zone
            return Field(DnsZoneMode.SYSTEM if private.value is True else None, decl, None,
                         True), no_zone
        if isinstance(ref_target(zone_attr), ResourceRef) or isinstance(zone_id.value, str):
            text = zone_id.value if isinstance(zone_id.value, str) else ""
            if text.strip().lower() in ("system", "none"):
                chosen = DnsZoneMode(text.strip().lower())
                return Field(chosen, zone_id.loc, zone_id.origin), no_zone
            # an id outside the deployment stays a string, as in every normaliser
            zone = cast(Field[PrivateDnsZone | None], self.link(zone_attr, PrivateDnsZone,
                                                                decl))
            return Field(DnsZoneMode.CUSTOM, zone_id.loc, zone_id.origin), zone
        return Field(zone_id.value, zone_id.loc, zone_id.origin), no_zone


def _walk(value: Sourced | None, path: tuple[str, ...]) -> Iterator[Sourced]:
    """The values at `path` (`*` = every entry of a list); an unknown step yields the
    unknown value itself."""
    if value is None:
        return
    if not path or isinstance(value.data, Unresolved):
        yield value
        return
    step, rest = path[0], path[1:]
    if step == "*":
        for entry in _entries(value):
            yield from _walk(entry, rest)
        return
    yield from _walk(_get(value, step), rest)


def _object_or_none(field: Field[K | str | None]) -> Field[K | None]:
    """A link whose target outside the deployment does not matter (an id string -> None)."""
    if isinstance(field.value, str):
        return Field(None, field.loc, field.origin)
    return cast(Field[K | None], field)


def _route(name: Field[str], props: Sourced | None, decl: Location) -> Route:
    return Route(
        name=name,
        address_prefix=field_from(_get(props, "addressPrefix"), as_str,
                                  Unresolved("no address prefix"), decl),
        next_hop_type=field_from(_get(props, "nextHopType"), as_str,
                                 Unresolved("no next hop type"), decl),
        next_hop_ip=field_from(_get(props, "nextHopIpAddress"), as_str, None, decl),
        decl=decl,
        next_hop_ref=ref_of(_get(props, "nextHopIpAddress")),
    )


def _security_rule(name: Field[str], props: Sourced | None, decl: Location) -> SecurityRule:
    return SecurityRule(
        name=name,
        direction=field_from(_get(props, "direction"), as_str, Unresolved("no direction"),
                             decl),
        access=field_from(_get(props, "access"), as_str, Unresolved("no access"), decl),
        priority=field_from(_get(props, "priority"), as_int, None, decl),
        protocol=field_from(_get(props, "protocol"), as_str, None, decl),
        source_prefixes=cast(Field[tuple[Field[str], ...]], string_list(
            _plural(props, "sourceAddressPrefixes", "sourceAddressPrefix"), decl)),
        destination_ports=cast(Field[tuple[Field[str], ...]], string_list(
            _plural(props, "destinationPortRanges", "destinationPortRange"), decl)),
        decl=decl,
    )


def _identity_type(body: Sourced, props: Sourced | None, decl: Location) -> Field[str | None]:
    """The cluster identity: `identity.type`, else a service principal when
    `servicePrincipalProfile` names a real client (`msi` is the managed-identity marker)."""
    identity = _get(body, "identity", "type")
    if identity is not None and identity.data is not None:
        return field_from(identity, as_str, None, decl)
    principal = _get(props, "servicePrincipalProfile")
    client = _get(principal, "clientId")
    if principal is None or principal.data is None:
        return field_from(identity, as_str, None, decl)
    if isinstance(principal.data, Unresolved):
        return Field(principal.data, principal.at or principal.loc)
    if client is not None and isinstance(client.data, str) and client.data.lower() == "msi":
        return Field(None, decl)
    return Field("ServicePrincipal", principal.at or principal.loc or decl)


def _network(props: Sourced | None, decl: Location) -> NetworkProfile:
    """The network profile, with AKS's documented address defaults; an attribute left out is
    anchored on the cluster declaration (AKS-RULES.md, Anchor)."""
    profile = _get(props, "networkProfile")
    pdecl = profile.loc if profile is not None and profile.loc is not None else decl

    def attr(*names: str) -> Sourced | None:
        return _first(profile, *((name,) for name in names))

    plugin = field_from(attr("networkPlugin"), as_str, None, decl)
    plugin_mode = field_from(attr("networkPluginMode"), as_str, None, decl)
    service_cidrs = cast(Field[tuple[Field[str], ...]],
                         string_list(attr("serviceCidrs"), decl))
    pod_cidrs = cast(Field[tuple[Field[str], ...]], string_list(attr("podCidrs"), decl))
    service_cidr, dns_service_ip, pod_cidr = with_network_defaults(
        plugin=plugin, plugin_mode=plugin_mode,
        service_cidr=field_from(attr("serviceCidr"), as_str, None, decl),
        service_cidrs=service_cidrs,
        dns_service_ip=field_from(attr("dnsServiceIP"), as_str, None, decl),
        pod_cidr=field_from(attr("podCidr"), as_str, None, decl),
        pod_cidrs=pod_cidrs,
        decl=decl)
    return NetworkProfile(
        plugin=plugin,
        plugin_mode=plugin_mode,
        policy=field_from(attr("networkPolicy"), as_str, None, decl),
        dataplane=field_from(attr("networkDataplane", "ebpfDataplane"), as_str, None, decl),
        outbound_type=field_from(attr("outboundType"), as_str, "loadBalancer", decl,
                                 default=True),
        pod_cidr=pod_cidr,
        service_cidr=service_cidr,
        dns_service_ip=dns_service_ip,
        load_balancer_sku=field_from(attr("loadBalancerSku"), as_str, "standard", decl,
                                     default=True),
        decl=pdecl,
        service_cidrs=service_cidrs,
        pod_cidrs=pod_cidrs,
    )


# ---------------------------------------------------------------------------------------
# azapi

def azapi_to_arm(res: ResolvedResource) -> ResolvedResource | None:
    """A Terraform `azapi_resource` of a supported ARM type in the ARM shape, or None.

    `type = "Microsoft.X/y@version"` gives the type and API version; `body` (an object, or a
    `jsonencode`d string) holds `properties` and the rest of the resource object; `name`,
    `location` and the `identity` block are added the way ARM writes them. The id is built
    from `parent_id` when that is a known string; otherwise the parent reference is kept
    under `PARENT_ID` so child resources (subnets, agent pools) still find their parent.
    The address stays the Terraform address, so Terraform references keep linking."""
    if res.type != "azapi_resource":
        return None
    written_type = get(res.body, "type")
    if written_type is None or not isinstance(written_type.data, str):
        return None
    arm_type, _, api_version = written_type.data.partition("@")
    if arm_type.lower() not in SUPPORTED_TYPES:
        return None
    body: dict[str, Sourced] = {}
    payload = _azapi_payload(get(res.body, "body"), res.decl)
    if isinstance(payload.data, dict):
        body.update(payload.data)
    elif isinstance(payload.data, Unresolved):
        body["properties"] = payload
    for attribute in ("location", "tags"):
        value = get(res.body, attribute)
        if value is not None:
            body[attribute] = value
    identity = _azapi_identity(get(res.body, "identity"))
    if identity is not None:
        body["identity"] = identity
    parent = get(res.body, "parent_id")
    if parent is not None:
        body[PARENT_ID] = parent
    body["name"] = res.name
    body["type"] = Sourced(arm_type, written_type.loc, written_type.at)
    return ResolvedResource(
        format="arm", type=arm_type, address=res.address, name=res.name,
        body=Sourced(body, res.decl), decl=res.decl, present=res.present,
        api_version=api_version or None, id=_azapi_id(arm_type, parent, res.name))


def _azapi_payload(body: Sourced | None, decl: Location) -> Sourced:
    """The `body` attribute as a Sourced object: azapi v2 writes an object, v1 a JSON
    string (whose values all sit at the attribute)."""
    if body is None:
        return Sourced({}, decl)
    if isinstance(body.data, str):
        loc = body.at or body.loc or decl
        try:
            decoded = json.loads(body.data)
        except ValueError:
            return Sourced(Unresolved("azapi body is not valid JSON", loc), loc)
        return sourced(decoded, loc)
    if isinstance(body.data, dict | Unresolved):
        return body
    loc = body.at or body.loc or decl
    return Sourced(Unresolved("azapi body is not an object", loc), loc)


def _azapi_identity(block: Sourced | None) -> Sourced | None:
    """The `identity` block (a list of one block) as ARM's `identity` object."""
    first_block = get(block, 0)
    if first_block is None or not isinstance(first_block.data, dict):
        return None
    result: dict[str, Sourced] = {}
    kind = get(first_block, "type")
    if kind is not None:
        result["type"] = kind
    ids = get(first_block, "identity_ids")
    if ids is not None and isinstance(ids.data, list):
        result["userAssignedIdentities"] = Sourced(
            {str(item.data): Sourced({}, item.loc) for item in ids.data
             if isinstance(item.data, str)}, ids.loc, ids.at)
    return Sourced(result, first_block.loc or (block.loc if block is not None else None))


def _azapi_id(arm_type: str, parent: Sourced | None, name: Sourced) -> str | Unresolved | None:
    """The resource id, when the parent id and the name are known strings."""
    if parent is None or not isinstance(parent.data, str) or not isinstance(name.data, str):
        return Unresolved("the resource id is known only after apply")
    segments = arm_type.split("/")
    base = parent.data.rstrip("/")
    if len(segments) > 2:
        return f"{base}/{segments[-1]}/{name.data}"
    return f"{base}/providers/{arm_type}/{name.data}"

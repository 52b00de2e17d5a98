"""azurerm resources (provider v3 and v4 spellings) -> the common cluster model.

The only place that knows azurerm attribute names. Absent attributes take the provider's
documented default where there is one (marked `default`), else stay None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

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
    ref_of,
    ref_target,
    string_list,
)
from aksnetlint.normalise.terraform_api_server import (
    delegations,
    firewall_private_ip,
    public_ip_address,
    subnet_uses,
)
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

K = TypeVar("K")
M = TypeVar("M")

_GATEWAY_TYPES = {  # local network gateways come first, on their own (connections name them)
    "azurerm_express_route_circuit": GatewayKind.EXPRESS_ROUTE_CIRCUIT,
    "azurerm_virtual_network_gateway_connection": GatewayKind.CONNECTION,
    "azurerm_express_route_connection": GatewayKind.CONNECTION,
    "azurerm_virtual_hub_connection": GatewayKind.VIRTUAL_HUB_CONNECTION,
}


@dataclass
class _Index:
    """Model objects by Terraform address (with instance key) and by name."""

    by_address: dict[str, object] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[object]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, res: ResolvedResource, obj: object) -> None:
        self.by_address[res.address] = obj
        name = res.name.data
        if isinstance(name, str):
            self.by_name[(kind, name)].append(obj)

    def link(self, value: Sourced | None, kind: type[K], owner_loc: Location
             ) -> Field[K | str | None]:
        """A reference attribute as a field holding the referenced model object (when it is
        in the deployment), the id string (when it is outside), or Unresolved."""
        target = ref_target(value)
        loc = (value.at or value.loc) if value is not None else owner_loc
        if target is None:
            return Field(None, loc)
        if isinstance(target, ResourceRef):
            obj = self.by_address.get(target.target)
            if isinstance(obj, kind):
                return Field(obj, loc)
            return Field(Unresolved(f"{target} does not name a {kind.__name__} in the scan"), loc)
        if isinstance(target, str):
            found = self._by_id(target, kind)
            return Field(found if isinstance(found, kind) else target, loc)
        return Field(target, loc)

    def _by_id(self, resource_id: str, kind: type) -> object | None:
        name = resource_id.rstrip("/").rsplit("/", 1)[-1]
        matches = [o for (k, n), objs in self.by_name.items() if n == name for o in objs
                   if isinstance(o, kind)]
        return matches[0] if len(matches) == 1 else None

    def by_name_of(self, kind: type, value: Sourced | None) -> Field[object]:
        if value is None:
            return Field(None)
        loc = value.at or value.loc
        if isinstance(value.data, Unresolved):
            return Field(value.data, loc)
        if not isinstance(value.data, str):
            return Field(Unresolved("name is known only after apply"), loc)
        matches = [o for o in self.by_name.get((kind.__name__, value.data), [])]
        if len(matches) == 1:
            return Field(matches[0], loc)
        return Field(None, loc)


def normalise_terraform(resources: list[ResolvedResource], root: str) -> Deployment:
    """Build the deployment model from resolved azurerm resources."""
    by_type: dict[str, list[ResolvedResource]] = defaultdict(list)
    for res in resources:
        by_type[res.type].append(res)
    index = _Index()

    def name_of(res: ResolvedResource) -> Field[str]:
        return field_from(res.name, as_str, res.address, res.decl)

    def base(res: ResolvedResource) -> dict[str, object]:
        return {"key": res.address, "name": name_of(res), "decl": res.decl,
                "format": "terraform", "present": res.present}

    vnets = []
    for res in by_type["azurerm_virtual_network"]:
        vnet = VirtualNetwork(
            **base(res),  # type: ignore[arg-type]
            address_space=string_list(get(res.body, "address_space"), res.decl),  # type: ignore[arg-type]
            dns_servers=string_list(get(res.body, "dns_servers"), res.decl),  # type: ignore[arg-type]
        )
        vnets.append(vnet)
        index.add("VirtualNetwork", res, vnet)

    route_tables = _route_tables(by_type, base, index)
    nsgs = _nsgs(by_type, base, index)
    public_ips = []
    for type_ in ("azurerm_public_ip", "azurerm_public_ip_prefix"):
        for res in by_type[type_]:
            address, prefix = public_ip_address(res)
            pip = PublicIp(**base(res), is_prefix=type_.endswith("prefix"),  # type: ignore[arg-type]
                           address=address, prefix=prefix)
            public_ips.append(pip)
            index.add("PublicIp", res, pip)
    nat_gateways = _nat_gateways(by_type, base, index)
    subnets = _subnets(by_type, base, index)

    gateways: list[Gateway] = []
    for res in by_type["azurerm_virtual_network_gateway"]:
        subnet = index.link(get(res.body, "ip_configuration", 0, "subnet_id"), Subnet, res.decl)
        vnet_field: Field[VirtualNetwork | None] = Field(None)
        if isinstance(subnet.value, Subnet):
            vnet_field = subnet.value.vnet
        kind = field_from(get(res.body, "type"), as_str, Unresolved("gateway type"), res.decl)
        gateway = Gateway(**base(res), kind=kind, vnet=vnet_field)  # type: ignore[arg-type]
        gateways.append(gateway)
        index.add("Gateway", res, gateway)
    hubs = {res.address: res.name.data for res in by_type["azurerm_virtual_hub"]
            if isinstance(res.name.data, str)}
    for res in by_type["azurerm_local_network_gateway"]:
        lng = Gateway(**base(res), kind=Field(GatewayKind.LOCAL.value, res.decl),  # type: ignore[arg-type]
                      address_space=string_list(get(res.body, "address_space"), res.decl))  # type: ignore[arg-type]
        gateways.append(lng)
        index.add("Gateway", res, lng)
    for type_, kind_value in _GATEWAY_TYPES.items():
        for res in by_type[type_]:
            connection_type, connected, hub = _connection_links(res, index, hubs)
            local_gateway = index.link(get(res.body, "local_network_gateway_id"), Gateway,
                                       res.decl)
            if local_gateway.value is not None and not connected:
                # an IPsec connection: the VNet of its virtual network gateway
                connected = (_gateway_vnet(index.link(get(res.body,
                                                          "virtual_network_gateway_id"),
                                                      Gateway, res.decl)),)
            gateways.append(Gateway(**base(res), kind=Field(kind_value.value, res.decl),  # type: ignore[arg-type]
                                    connection_type=connection_type,
                                    connected_vnets=connected, hub=hub,
                                    local_gateway=local_gateway))

    resolvers = [
        DnsResolver(**base(res),  # type: ignore[arg-type]
                    vnet=index.link(get(res.body, "virtual_network_id"), VirtualNetwork, res.decl))  # type: ignore[arg-type]
        for res in by_type["azurerm_private_dns_resolver"]
    ]
    peerings = []
    for res in by_type["azurerm_virtual_network_peering"]:
        local = index.by_name_of(VirtualNetwork, get(res.body, "virtual_network_name"))
        remote = index.link(get(res.body, "remote_virtual_network_id"), VirtualNetwork, res.decl)
        peerings.append(VnetPeering(**base(res), local_vnet=local, remote_vnet=remote))  # type: ignore[arg-type]

    firewalls = []
    for res in by_type["azurerm_firewall"]:
        configs = get(res.body, "ip_configuration")
        pips: list[PublicIp] = []
        subnet_field: Field[object] = Field(None)
        if configs is not None and isinstance(configs.data, list):
            for config in configs.data:
                linked = index.link(get(config, "public_ip_address_id"), PublicIp, res.decl)
                if isinstance(linked.value, PublicIp):
                    pips.append(linked.value)
                if get(config, "subnet_id") is not None:
                    subnet_field = index.link(get(config, "subnet_id"), Subnet, res.decl)
        firewalls.append(Firewall(**base(res), subnet=subnet_field, public_ips=tuple(pips),  # type: ignore[arg-type]
                                  private_ip=firewall_private_ip(res)))

    zones = _dns_zones(by_type, base, index)
    identities = []
    for res in by_type["azurerm_user_assigned_identity"]:
        identity = Identity(**base(res))  # type: ignore[arg-type]
        identities.append(identity)
        index.add("Identity", res, identity)

    clusters = _clusters(by_type, index, name_of)
    deployment = Deployment(
        root=root, format="terraform", clusters=tuple(clusters), vnets=tuple(vnets),
        subnets=tuple(subnets), route_tables=tuple(route_tables), nsgs=tuple(nsgs),
        private_dns_zones=tuple(zones), gateways=tuple(gateways),
        dns_resolvers=tuple(resolvers), peerings=tuple(peerings), firewalls=tuple(firewalls),
        public_ips=tuple(public_ips), nat_gateways=tuple(nat_gateways),
        identities=tuple(identities),
        subnet_uses=tuple(subnet_uses(by_type, base, index)),
        vpn_sites=tuple(_vpn_sites(by_type, base, hubs)),
    )
    return _with_azapi(deployment, by_type["azapi_resource"], index, root)


def _with_azapi(deployment: Deployment, azapi: list[ResolvedResource], index: _Index,
                root: str) -> Deployment:
    """`azapi_resource` bodies are ARM shapes: the ARM normaliser reads them, linking to
    the azurerm objects of the same module, and its objects join this deployment."""
    if not azapi:
        return deployment
    from dataclasses import fields, replace

    from aksnetlint.normalise.arm import azapi_to_arm, normalise_arm

    shaped = [arm for res in azapi if (arm := azapi_to_arm(res)) is not None]
    if not shaped:
        return deployment
    extra = normalise_arm(shaped, root, format="terraform", known=index.by_address)
    merged = {f.name: getattr(deployment, f.name) + getattr(extra, f.name)
              for f in fields(Deployment) if isinstance(getattr(deployment, f.name), tuple)}
    return replace(deployment, **merged)


def _connection_links(res: ResolvedResource, index: _Index, hubs: dict[str, str]
                      ) -> tuple[Field[str | None], tuple[Field[VirtualNetwork | str | None], ...],
                                 Field[VirtualHub | None]]:
    """What a connection links: the type of a gateway connection and, for `Vnet2Vnet`, the
    VNets of its two gateways; the hub and remote VNet of a virtual hub connection."""
    connection_type: Field[str | None] = Field(None, res.decl)
    connected: tuple[Field[VirtualNetwork | str | None], ...] = ()
    hub: Field[VirtualHub | None] = Field(None, res.decl)
    if res.type == "azurerm_virtual_network_gateway_connection":
        connection_type = field_from(get(res.body, "type"), as_str, None, res.decl)
        written = connection_type.value
        if isinstance(written, str) and written.strip().lower() == "vnet2vnet":
            connected = tuple(
                _gateway_vnet(index.link(get(res.body, attr), Gateway, res.decl))
                for attr in ("virtual_network_gateway_id", "peer_virtual_network_gateway_id"))
    elif res.type == "azurerm_virtual_hub_connection":
        connected = (index.link(get(res.body, "remote_virtual_network_id"), VirtualNetwork,
                                res.decl),)
        hub = _hub(get(res.body, "virtual_hub_id"), hubs, res.decl)
    return connection_type, connected, hub


def _vpn_sites(by_type: dict[str, list[ResolvedResource]], base: Callable[..., dict[str, object]],
               hubs: dict[str, str]) -> list[VpnSite]:
    """Virtual WAN VPN sites with their address ranges and the hubs whose VPN gateways a
    `azurerm_vpn_gateway_connection` joins them to (each at the connection's site reference);
    a connection or gateway that may not be deployed joins nothing."""
    gateway_hubs = {res.address: _hub(get(res.body, "virtual_hub_id"), hubs, res.decl)
                    for res in by_type["azurerm_vpn_gateway"] if res.present is True}

    def address_of(target: object, type_: str) -> str | None:
        """A reference's target address; an id names the one resource of that name."""
        if isinstance(target, ResourceRef):
            return target.target
        if isinstance(target, str):
            name = target.rstrip("/").rsplit("/", 1)[-1]
            named = [res.address for res in by_type[type_] if res.name.data == name]
            return named[0] if len(named) == 1 else None
        return None

    site_hubs: dict[str, list[Field[VirtualHub | None]]] = defaultdict(list)
    for res in by_type["azurerm_vpn_gateway_connection"]:
        site_ref = get(res.body, "remote_vpn_site_id")
        site = address_of(ref_target(site_ref), "azurerm_vpn_site")
        gateway = address_of(ref_target(get(res.body, "vpn_gateway_id")), "azurerm_vpn_gateway")
        if res.present is True and site is not None and gateway in gateway_hubs:
            hub = gateway_hubs[str(gateway)]
            loc = (site_ref.at or site_ref.loc) if site_ref is not None else res.decl
            site_hubs[site].append(Field(hub.value, loc))
    return [VpnSite(**base(res),  # type: ignore[arg-type]
                    address_space=string_list(get(res.body, "address_cidrs"), res.decl),  # type: ignore[arg-type]
                    hubs=tuple(site_hubs.get(res.address, ())))
            for res in by_type["azurerm_vpn_site"]]


def _gateway_vnet(linked: Field[Gateway | str | None]) -> Field[VirtualNetwork | str | None]:
    """The VNet of a virtual network gateway a connection names, at the attribute that
    names the gateway; a gateway outside the scan stays its id."""
    gateway = linked.value
    if not isinstance(gateway, Gateway):
        return Field(gateway, linked.loc, linked.origin)
    vnet = gateway.vnet.value
    if vnet is None:
        vnet = Unresolved(f"the VNet of gateway '{gateway.name.value}' is not in the scan")
    return Field(vnet, linked.loc, linked.origin)


def _hub(value: Sourced | None, hubs: dict[str, str], owner_loc: Location
         ) -> Field[VirtualHub | None]:
    """The virtual WAN hub a `virtual_hub_id` names: a hub of the module by its address (an
    id naming exactly one of them by name counts as that hub), else by its id."""
    target = ref_target(value)
    loc = (value.at or value.loc) if value is not None else owner_loc
    if isinstance(target, ResourceRef):
        return Field(VirtualHub(target.target, hubs.get(target.target, target.target)), loc)
    if isinstance(target, str):
        name = target.rstrip("/").rsplit("/", 1)[-1]
        named = [address for address, hub in hubs.items() if hub == name]
        key = named[0] if len(named) == 1 else target.strip().rstrip("/").lower()
        return Field(VirtualHub(key, name), loc)
    return Field(target, loc)


def _route(body: Sourced, decl: Location) -> Route:
    return Route(
        name=field_from(get(body, "name"), as_str, "", decl),
        address_prefix=field_from(get(body, "address_prefix"), as_str, Unresolved("no prefix"),
                                  decl),
        next_hop_type=field_from(get(body, "next_hop_type"), as_str, Unresolved("no hop"), decl),
        next_hop_ip=field_from(get(body, "next_hop_in_ip_address"), as_str, None, decl),
        decl=decl,
        next_hop_ref=ref_of(get(body, "next_hop_in_ip_address")),
    )


def _members(by_type: dict[str, list[ResolvedResource]], res: ResolvedResource, block: str,
             child_type: str, parent_attr: str,
             build: Callable[[Sourced, Location], M]) -> tuple[M, ...]:
    """A container's members, written inline (`route` blocks) or as child resources that
    name their parent (`azurerm_route.route_table_name`)."""
    members: list[M] = []
    blocks = get(res.body, block)
    if blocks is not None and isinstance(blocks.data, list):
        members = [build(b, b.loc or res.decl) for b in blocks.data]
    name = res.name.data
    if isinstance(name, str):
        for child in by_type[child_type]:
            parent = get(child.body, parent_attr)
            if parent is not None and parent.data == name:
                members.append(build(child.body, child.decl))
    return tuple(members)


def _route_tables(by_type: dict[str, list[ResolvedResource]], base: object,
                  index: _Index) -> list[RouteTable]:
    tables = []
    for res in by_type["azurerm_route_table"]:
        routes = _members(by_type, res, "route", "azurerm_route", "route_table_name", _route)
        table = RouteTable(**base(res), routes=routes)  # type: ignore[operator]
        tables.append(table)
        index.add("RouteTable", res, table)
    return tables


def _security_rule(body: Sourced, decl: Location) -> SecurityRule:
    sources = first(body, ("source_address_prefixes",), ("source_address_prefix",))
    ports = first(body, ("destination_port_ranges",), ("destination_port_range",))
    return SecurityRule(
        name=field_from(get(body, "name"), as_str, "", decl),
        direction=field_from(get(body, "direction"), as_str, Unresolved("no direction"), decl),
        access=field_from(get(body, "access"), as_str, Unresolved("no access"), decl),
        priority=field_from(get(body, "priority"), as_int, None, decl),
        protocol=field_from(get(body, "protocol"), as_str, None, decl),
        source_prefixes=string_list(sources, decl),  # type: ignore[arg-type]
        destination_ports=string_list(ports, decl),  # type: ignore[arg-type]
        decl=decl,
    )


def _nsgs(by_type: dict[str, list[ResolvedResource]], base: object,
          index: _Index) -> list[NetworkSecurityGroup]:
    nsgs = []
    for res in by_type["azurerm_network_security_group"]:
        rules = _members(by_type, res, "security_rule", "azurerm_network_security_rule",
                         "network_security_group_name", _security_rule)
        nsg = NetworkSecurityGroup(**base(res), rules=rules)  # type: ignore[operator]
        nsgs.append(nsg)
        index.add("NetworkSecurityGroup", res, nsg)
    return nsgs


def _nat_gateways(by_type: dict[str, list[ResolvedResource]], base: object,
                  index: _Index) -> list[NatGateway]:
    ips: dict[str, list[PublicIp]] = defaultdict(list)
    for type_, attr in (("azurerm_nat_gateway_public_ip_association", "public_ip_address_id"),
                        ("azurerm_nat_gateway_public_ip_prefix_association",
                         "public_ip_prefix_id")):
        for res in by_type[type_]:
            nat = ref_target(get(res.body, "nat_gateway_id"))
            pip = index.link(get(res.body, attr), PublicIp, res.decl)
            if isinstance(nat, ResourceRef) and isinstance(pip.value, PublicIp):
                ips[nat.target].append(pip.value)
    gateways = []
    for res in by_type["azurerm_nat_gateway"]:
        nat_gw = NatGateway(**base(res), public_ips=tuple(ips.get(res.address, [])))  # type: ignore[operator]
        gateways.append(nat_gw)
        index.add("NatGateway", res, nat_gw)
    return gateways


def _subnets(by_type: dict[str, list[ResolvedResource]], base: object,
             index: _Index) -> list[Subnet]:
    associations: dict[str, dict[str, Field[object]]] = defaultdict(dict)
    for type_, attr, kind, slot in (
        ("azurerm_subnet_route_table_association", "route_table_id", RouteTable, "route_table"),
        ("azurerm_subnet_network_security_group_association", "network_security_group_id",
         NetworkSecurityGroup, "nsg"),
        ("azurerm_subnet_nat_gateway_association", "nat_gateway_id", NatGateway, "nat_gateway"),
    ):
        for res in by_type[type_]:
            subnet_ref = ref_target(get(res.body, "subnet_id"))
            if isinstance(subnet_ref, ResourceRef):
                associations[subnet_ref.target][slot] = index.link(get(res.body, attr), kind,
                                                                   res.decl)
    subnets = []
    for res in by_type["azurerm_subnet"]:
        body = res.body
        delegations = get(body, "delegation")
        names: list[Sourced] = []
        if delegations is not None and isinstance(delegations.data, list):
            for block in delegations.data:
                service = get(block, "service_delegation", 0, "name")
                if service is not None:
                    names.append(service)
        delegation_field = string_list(Sourced(names, res.decl, None) if names else None, res.decl)
        vnet = index.by_name_of(VirtualNetwork, get(body, "virtual_network_name"))
        linked = associations.get(res.address, {})
        subnet = Subnet(
            **base(res),  # type: ignore[operator]
            vnet=vnet,  # type: ignore[arg-type]
            address_prefixes=string_list(first(body, ("address_prefixes",), ("address_prefix",)),
                                         res.decl),  # type: ignore[arg-type]
            delegations=delegation_field,  # type: ignore[arg-type]
            route_table=linked.get("route_table", Field(None)),  # type: ignore[arg-type]
            nsg=linked.get("nsg", Field(None)),  # type: ignore[arg-type]
            nat_gateway=linked.get("nat_gateway", Field(None)),  # type: ignore[arg-type]
        )
        subnets.append(subnet)
        index.add("Subnet", res, subnet)
    _inline_subnets(by_type, index, subnets)
    return subnets


def _inline_subnets(by_type: dict[str, list[ResolvedResource]], index: _Index,
                    subnets: list[Subnet]) -> None:
    for res in by_type["azurerm_virtual_network"]:
        blocks = get(res.body, "subnet")
        if blocks is None or not isinstance(blocks.data, list):
            continue
        vnet = index.by_address.get(res.address)
        for block in blocks.data:
            decl = block.loc or res.decl
            name = field_from(get(block, "name"), as_str, "", decl)
            subnet = Subnet(
                key=f"{res.address}.subnet[{name.value}]", name=name, decl=decl,
                format="terraform", present=res.present,
                vnet=Field(vnet if isinstance(vnet, VirtualNetwork) else None, res.decl),
                address_prefixes=string_list(
                    first(block, ("address_prefixes",), ("address_prefix",)), decl),  # type: ignore[arg-type]
                nsg=index.link(get(block, "security_group"), NetworkSecurityGroup, decl),  # type: ignore[arg-type]
                delegations=delegations(block, decl),  # type: ignore[arg-type]
            )
            subnets.append(subnet)
            if isinstance(name.value, str):
                index.by_name[("Subnet", name.value)].append(subnet)


def _dns_zones(by_type: dict[str, list[ResolvedResource]], base: object,
               index: _Index) -> list[PrivateDnsZone]:
    links: dict[str, list[Field[VirtualNetwork | str | None]]] = defaultdict(list)
    for res in by_type["azurerm_private_dns_zone_virtual_network_link"]:
        zone_name = get(res.body, "private_dns_zone_name")
        if zone_name is not None and isinstance(zone_name.data, str):
            links[zone_name.data].append(
                index.link(get(res.body, "virtual_network_id"), VirtualNetwork, res.decl))
    zones = []
    for res in by_type["azurerm_private_dns_zone"]:
        name = res.name.data
        zone = PrivateDnsZone(**base(res),  # type: ignore[operator]
                              linked_vnets=tuple(links.get(name, []) if isinstance(name, str)
                                                 else []))
        zones.append(zone)
        index.add("PrivateDnsZone", res, zone)
    return zones


def _clusters(by_type: dict[str, list[ResolvedResource]], index: _Index,
              name_of: object) -> list[Cluster]:
    extra_pools: dict[str, list[NodePool]] = defaultdict(list)
    for res in by_type["azurerm_kubernetes_cluster_node_pool"]:
        cluster_ref = ref_target(get(res.body, "kubernetes_cluster_id"))
        pool = _node_pool(res.body, res, index, default_mode="User")
        if isinstance(cluster_ref, ResourceRef):
            extra_pools[cluster_ref.target].append(pool)
    clusters = []
    for res in by_type["azurerm_kubernetes_cluster"]:
        body = res.body
        default_pool = get(body, "default_node_pool", 0)
        pools = []
        if default_pool is not None:
            pools.append(_node_pool(default_pool, res, index, default_mode="System",
                                    decl=default_pool.loc or res.decl))
        pools.extend(extra_pools.get(res.address, []))
        identity = get(body, "identity", 0, "type")
        identity_type = field_from(identity, as_str, None, res.decl)
        if identity is None and get(body, "service_principal", 0) is not None:
            identity_type = Field("ServicePrincipal", get(body, "service_principal", 0).loc)  # type: ignore[union-attr]
        clusters.append(Cluster(
            key=res.address, name=name_of(res), decl=res.decl, format="terraform",  # type: ignore[operator]
            present=res.present,
            location=field_from(get(body, "location"), as_str, None, res.decl),
            identity_type=identity_type,
            api_server=_api_server(body, res, index),
            network=_network(body, res),
            node_pools=tuple(pools),
            http_application_routing=field_from(
                first(body, ("http_application_routing_enabled",),
                      ("addon_profile", 0, "http_application_routing", 0, "enabled")),
                as_bool, False, res.decl, default=True),
        ))
    return clusters


def _api_server(body: Sourced, res: ResolvedResource, index: _Index) -> ApiServer:
    decl = res.decl
    private = field_from(get(body, "private_cluster_enabled"), as_bool, False, decl, default=True)
    ranges = string_list(first(body, ("api_server_access_profile", 0, "authorized_ip_ranges"),
                               ("api_server_authorized_ip_ranges",)), decl, absent=None)
    zone_attr = get(body, "private_dns_zone_id")
    zone_id = field_from(zone_attr, as_str, None, decl)
    mode: Field[DnsZoneMode | None]
    zone_obj: Field[PrivateDnsZone | None] = Field(None, zone_id.loc)
    if zone_attr is None or zone_attr.data is None:
        mode = Field(DnsZoneMode.SYSTEM if private.value is True else None, decl, None, True)
        if isinstance(private.value, Unresolved):
            mode = Field(private.value, decl, None, True)
    elif isinstance(zone_id.value, Unresolved):
        ref = ref_target(zone_attr)
        if isinstance(ref, ResourceRef):
            linked = index.link(zone_attr, PrivateDnsZone, decl)
            mode = Field(DnsZoneMode.CUSTOM, zone_id.loc, zone_id.origin)
            zone_obj = linked  # type: ignore[assignment]
        else:
            mode = Field(zone_id.value, zone_id.loc, zone_id.origin)
    else:
        text = str(zone_id.value)
        if text.lower() == "system":
            mode = Field(DnsZoneMode.SYSTEM, zone_id.loc, zone_id.origin)
        elif text.lower() == "none":
            mode = Field(DnsZoneMode.NONE, zone_id.loc, zone_id.origin)
        else:
            mode = Field(DnsZoneMode.CUSTOM, zone_id.loc, zone_id.origin)
            zone_obj = index.link(zone_attr, PrivateDnsZone, decl)  # type: ignore[assignment]
    subnet_attr = get(body, "api_server_access_profile", 0, "subnet_id")
    integration = field_from(
        first(body, ("api_server_access_profile", 0, "virtual_network_integration_enabled"),
              ("api_server_access_profile", 0, "vnet_integration_enabled")), as_bool,
        subnet_attr is not None, decl, default=True)
    return ApiServer(
        private=private,
        authorized_ip_ranges=ranges,
        private_dns_zone_mode=mode,
        private_dns_zone_id=zone_id,
        private_dns_zone=zone_obj,
        public_fqdn_enabled=field_from(get(body, "private_cluster_public_fqdn_enabled"), as_bool,
                                       False, decl, default=True),
        vnet_integration=integration,
        subnet=index.link(subnet_attr, Subnet, decl),
    )


def _network(body: Sourced, res: ResolvedResource) -> NetworkProfile:
    decl = res.decl
    profile = get(body, "network_profile", 0)
    pdecl = profile.loc if profile is not None and profile.loc else decl

    def attr(*names: str) -> Sourced | None:
        return first(profile, *((n,) for n in names))

    # an attribute left out is reported at the cluster declaration (AKS-RULES.md, Anchor)
    plugin = field_from(attr("network_plugin"), as_str, None, decl)
    plugin_mode = field_from(attr("network_plugin_mode"), as_str, None, decl)
    service_cidrs = string_list(attr("service_cidrs"), decl)
    pod_cidrs = string_list(attr("pod_cidrs"), decl)
    service_cidr, dns_service_ip, pod_cidr = with_network_defaults(
        plugin=plugin, plugin_mode=plugin_mode,
        service_cidr=field_from(attr("service_cidr"), as_str, None, decl),
        service_cidrs=service_cidrs,  # type: ignore[arg-type]
        dns_service_ip=field_from(attr("dns_service_ip"), as_str, None, decl),
        pod_cidr=field_from(attr("pod_cidr"), as_str, None, decl),
        pod_cidrs=pod_cidrs,  # type: ignore[arg-type]
        decl=decl)
    return NetworkProfile(
        plugin=plugin,
        plugin_mode=plugin_mode,
        policy=field_from(attr("network_policy"), as_str, None, decl),
        dataplane=field_from(attr("network_data_plane", "ebpf_data_plane"), as_str, None, decl),
        outbound_type=field_from(attr("outbound_type"), as_str, "loadBalancer", decl,
                                 default=True),
        pod_cidr=pod_cidr,
        service_cidr=service_cidr,
        dns_service_ip=dns_service_ip,
        load_balancer_sku=field_from(attr("load_balancer_sku"), as_str, "standard", decl,
                                     default=True),
        decl=pdecl,
        service_cidrs=service_cidrs,  # type: ignore[arg-type]
        pod_cidrs=pod_cidrs,  # type: ignore[arg-type]
    )


def _node_pool(body: Sourced, res: ResolvedResource, index: _Index, default_mode: str,
               decl: Location | None = None) -> NodePool:
    decl = decl or res.decl
    key = res.address if default_mode == "User" else f"{res.address}.default_node_pool"
    return NodePool(
        key=key,
        name=field_from(get(body, "name"), as_str, Unresolved("pool name"), decl),
        decl=decl, format="terraform", present=res.present,
        mode=field_from(get(body, "mode"), as_str, default_mode, decl, default=True),
        subnet=index.link(get(body, "vnet_subnet_id"), Subnet, decl),
        pod_subnet=index.link(get(body, "pod_subnet_id"), Subnet, decl),
        max_pods=field_from(get(body, "max_pods"), as_int, None, decl),
        count=field_from(get(body, "node_count"), as_int, None, decl),
        min_count=field_from(get(body, "min_count"), as_int, None, decl),
        max_count=field_from(get(body, "max_count"), as_int, None, decl),
        autoscaling=field_from(first(body, ("auto_scaling_enabled",), ("enable_auto_scaling",)),
                               as_bool, False, decl, default=True),
        max_surge=field_from(get(body, "upgrade_settings", 0, "max_surge"), as_str, None, decl),
        node_public_ip=field_from(first(body, ("node_public_ip_enabled",),
                                        ("enable_node_public_ip",)), as_bool, False, decl,
                                  default=True),
    )

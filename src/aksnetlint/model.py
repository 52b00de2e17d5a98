"""The common cluster model: one deployment as a network, whatever format it was written in.

Every attribute is a `Field`: the value (or `Unresolved`), the location of the attribute that
holds it, the location where the value was actually written when that is elsewhere (a
variable default, a tfvars or parameter file, a module caller), and whether the value is an
Azure or provider default. References are resolved to objects: a node pool's subnet *is*
the `Subnet`, a subnet's route table *is* the `RouteTable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

from aksnetlint.values import Location, Unresolved

T = TypeVar("T", covariant=True)


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """One model value with its provenance (immutable, so covariant in its value type)."""

    value: T | Unresolved
    loc: Location | None = None
    origin: Location | None = None
    default: bool = False

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unresolved)

    @property
    def where(self) -> Location | None:
        """Where a user changes this value: where it was written, else the attribute."""
        return self.origin or self.loc


class DnsZoneMode(str, Enum):
    SYSTEM = "system"
    NONE = "none"
    CUSTOM = "custom"


class GatewayKind(str, Enum):
    VPN = "Vpn"
    EXPRESS_ROUTE = "ExpressRoute"
    LOCAL = "LocalNetworkGateway"
    EXPRESS_ROUTE_CIRCUIT = "ExpressRouteCircuit"
    CONNECTION = "Connection"
    VIRTUAL_HUB_CONNECTION = "VirtualHubConnection"


@dataclass(frozen=True, slots=True)
class Resource:
    """What every model object has: its key in the deployment, name and declaration."""

    key: str
    name: Field[str]
    decl: Location
    format: str
    present: bool | None = True
    # the full Azure resource ID, when the input states it exactly (deployed resources read
    # from the az CLI or Resource Graph); None for templates, whose IDs are built at
    # deployment
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    name: Field[str]
    address_prefix: Field[str]
    next_hop_type: Field[str]
    next_hop_ip: Field[str | None]
    decl: Location
    # when the next hop is a reference to another resource's address (a firewall's private
    # IP, known only after apply): the model key of that resource's attribute
    next_hop_ref: str | None = None


@dataclass(frozen=True, slots=True)
class RouteTable(Resource):
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True, slots=True)
class SecurityRule:
    name: Field[str]
    direction: Field[str]
    access: Field[str]
    priority: Field[int | None]
    protocol: Field[str | None]
    source_prefixes: Field[tuple[Field[str], ...]]
    destination_ports: Field[tuple[Field[str], ...]]
    decl: Location


@dataclass(frozen=True, slots=True)
class NetworkSecurityGroup(Resource):
    rules: tuple[SecurityRule, ...] = ()


@dataclass(frozen=True, slots=True)
class PublicIp(Resource):
    address: Field[str | None] = field(default_factory=lambda: Field(None))
    prefix: Field[str | None] = field(default_factory=lambda: Field(None))
    is_prefix: bool = False


@dataclass(frozen=True, slots=True)
class NatGateway(Resource):
    public_ips: tuple[PublicIp, ...] = ()


@dataclass(frozen=True, slots=True)
class VirtualNetwork(Resource):
    address_space: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    dns_servers: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))


@dataclass(frozen=True, slots=True)
class Subnet(Resource):
    vnet: Field[VirtualNetwork | None] = field(default_factory=lambda: Field(None))
    address_prefixes: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    delegations: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    route_table: Field[RouteTable | None] = field(default_factory=lambda: Field(None))
    nsg: Field[NetworkSecurityGroup | None] = field(default_factory=lambda: Field(None))
    nat_gateway: Field[NatGateway | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class VnetPeering(Resource):
    local_vnet: Field[VirtualNetwork | None] = field(default_factory=lambda: Field(None))
    remote_vnet: Field[VirtualNetwork | str | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class PrivateDnsZone(Resource):
    linked_vnets: tuple[Field[VirtualNetwork | str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class VirtualHub:
    """A virtual WAN hub as a connection names it: `key` identifies the hub across the
    connections of one deployment (the referenced resource's address, or the lower-cased
    resource key of its id), `name` is for messages."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Gateway(Resource):
    """VPN / ExpressRoute gateways, local network gateways, circuits and connections.

    For connections, what they link: `connection_type` is the written type of a gateway
    connection (`Vnet2Vnet`, `IPsec`, `ExpressRoute`); `connected_vnets` are the VNets a
    `Vnet2Vnet` connection joins (the VNets of its two virtual network gateways) or the
    remote VNet of a virtual hub connection, each located at the attribute that names it
    (a VNet object, an id outside the scan, or Unresolved); `hub` is the virtual WAN hub
    of a virtual hub connection.

    On-premises ranges: `address_space` is what a local network gateway says lies behind
    it (each prefix where it is written); `local_gateway` is the local network gateway an
    IPsec connection joins, and then `connected_vnets` holds the one VNet of the
    connection's virtual network gateway."""

    kind: Field[str] = field(default_factory=lambda: Field(""))
    vnet: Field[VirtualNetwork | None] = field(default_factory=lambda: Field(None))
    connection_type: Field[str | None] = field(default_factory=lambda: Field(None))
    connected_vnets: tuple[Field[VirtualNetwork | str | None], ...] = ()
    hub: Field[VirtualHub | None] = field(default_factory=lambda: Field(None))
    address_space: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    local_gateway: Field[Gateway | str | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class VpnSite(Resource):
    """A virtual WAN VPN site: the on-premises ranges behind it (`address_space`, each
    prefix where it is written) and the virtual WAN hubs whose VPN gateways connect to it
    (each located at the connection's reference to the site)."""

    address_space: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    hubs: tuple[Field[VirtualHub | None], ...] = ()


@dataclass(frozen=True, slots=True)
class DnsResolver(Resource):
    vnet: Field[VirtualNetwork | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class Firewall(Resource):
    subnet: Field[Subnet | None] = field(default_factory=lambda: Field(None))
    public_ips: tuple[PublicIp, ...] = ()
    private_ip: Field[str | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class Identity(Resource):
    pass


@dataclass(frozen=True, slots=True)
class SubnetUse(Resource):
    """A resource other than a node pool that places addresses in a subnet: a network
    interface, a private endpoint, a scale set, a private link service, an internal load
    balancer or application gateway frontend. `role` says which (for messages); `subnet`
    is the subnet reference (its location is the attribute that names the subnet)."""

    role: str = ""
    subnet: Field[Subnet | str | None] = field(default_factory=lambda: Field(None))


@dataclass(frozen=True, slots=True)
class ApiServer:
    private: Field[bool]
    authorized_ip_ranges: Field[tuple[Field[str], ...] | None]
    private_dns_zone_mode: Field[DnsZoneMode | None]
    private_dns_zone_id: Field[str | None]
    private_dns_zone: Field[PrivateDnsZone | None]
    public_fqdn_enabled: Field[bool]
    vnet_integration: Field[bool]
    subnet: Field[Subnet | str | None]


@dataclass(frozen=True, slots=True)
class NetworkProfile:
    plugin: Field[str | None]
    plugin_mode: Field[str | None]
    policy: Field[str | None]
    dataplane: Field[str | None]
    outbound_type: Field[str]
    pod_cidr: Field[str | None]
    service_cidr: Field[str | None]
    dns_service_ip: Field[str | None]
    load_balancer_sku: Field[str]
    decl: Location | None = None
    # dual-stack: every service / pod range (IPv4 and IPv6); empty when only the single
    # `service_cidr` / `pod_cidr` is written
    service_cidrs: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    pod_cidrs: Field[tuple[Field[str], ...]] = field(default_factory=lambda: Field(()))
    # the public IPs (and prefixes) of AKS's own egress: the load balancer's and the managed
    # NAT gateway's outbound IPs, when the input names them (deployed state reports the
    # effective ones; a template may name its own load-balancer outbound IPs). Each entry is
    # the PublicIp in the scan, its ID outside the scan, or Unresolved
    load_balancer_egress: tuple[Field[PublicIp | str | None], ...] = ()
    managed_nat_egress: tuple[Field[PublicIp | str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class NodePool(Resource):
    mode: Field[str] = field(default_factory=lambda: Field("User"))
    subnet: Field[Subnet | str | None] = field(default_factory=lambda: Field(None))
    pod_subnet: Field[Subnet | str | None] = field(default_factory=lambda: Field(None))
    max_pods: Field[int | None] = field(default_factory=lambda: Field(None))
    count: Field[int | None] = field(default_factory=lambda: Field(None))
    min_count: Field[int | None] = field(default_factory=lambda: Field(None))
    max_count: Field[int | None] = field(default_factory=lambda: Field(None))
    autoscaling: Field[bool] = field(default_factory=lambda: Field(False))
    max_surge: Field[str | None] = field(default_factory=lambda: Field(None))
    node_public_ip: Field[bool] = field(default_factory=lambda: Field(False))


@dataclass(frozen=True, slots=True)
class Cluster(Resource):
    location: Field[str | None] = field(default_factory=lambda: Field(None))
    identity_type: Field[str | None] = field(default_factory=lambda: Field(None))
    api_server: ApiServer | None = None
    network: NetworkProfile | None = None
    node_pools: tuple[NodePool, ...] = ()
    http_application_routing: Field[bool] = field(default_factory=lambda: Field(False))


@dataclass(frozen=True, slots=True)
class Deployment:
    """Everything one deployment (Terraform module, ARM template, Bicep file, deployed
    estate of Azure resource JSON) declares."""

    root: str
    format: str
    clusters: tuple[Cluster, ...] = ()
    vnets: tuple[VirtualNetwork, ...] = ()
    subnets: tuple[Subnet, ...] = ()
    route_tables: tuple[RouteTable, ...] = ()
    nsgs: tuple[NetworkSecurityGroup, ...] = ()
    private_dns_zones: tuple[PrivateDnsZone, ...] = ()
    gateways: tuple[Gateway, ...] = ()
    dns_resolvers: tuple[DnsResolver, ...] = ()
    peerings: tuple[VnetPeering, ...] = ()
    firewalls: tuple[Firewall, ...] = ()
    public_ips: tuple[PublicIp, ...] = ()
    nat_gateways: tuple[NatGateway, ...] = ()
    identities: tuple[Identity, ...] = ()
    subnet_uses: tuple[SubnetUse, ...] = ()
    vpn_sites: tuple[VpnSite, ...] = ()
    # which parameter variant this is, when the same files are deployed with several
    # (an environment's name, or the parameter / variable files applied); set by the loader
    variant: str | None = None

"""Graph facts for the API server and private DNS rules (AKS0xx, AKS1xx), added to the
document next to the model values they are derived from.

Per cluster:
- `egress.public_ips`: the public addresses or prefixes the nodes' outbound traffic leaves
  from, when the scan shows them. `userDefinedRouting`: the firewall that the node subnet's
  route table sends `0.0.0.0/0` to (the next hop is the firewall's private IP, or lies in
  the firewall's own subnet). `userAssignedNATGateway`: the NAT gateway on the node subnet.
  AKS-managed egress (`loadBalancer`, `managedNATGateway`): the outbound IPs the cluster
  names (deployed state reports the effective ones, which live in the node resource group;
  a template may name its load balancer's outbound IPs). An address Azure allocates at
  deployment, or a public IP outside the scan, stays Unresolved, with the reason.
  `egress.devices` are the firewalls and NAT gateways (for related locations).
- `api_server.private_dns_zone_name`: the custom zone's name, from the zone in the scan or
  the resource ID, located at the cluster's zone attribute.
- `api_server.subnet_users`: what else places addresses in the API Server VNet integration
  subnet: node or pod subnets of any pool, NICs, private endpoints and the like, or a
  delegation to another service. NSG, route table and NAT gateway associations are not uses.

Per private DNS zone: `aks_clusters` (private clusters that use it as their custom zone) and
`linked_to_hybrid_vnet` (True when a virtual network link reaches a VNet that itself hosts
hybrid evidence; Unresolved when a link target is unknown or outside the scan).
`network.evidence_vnets` lists the VNets that host hybrid evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnetlint.document import Leaf, Node, NodeList
from aksnetlint.facts import hybrid_evidence
from aksnetlint.model import (
    Cluster,
    Deployment,
    DnsZoneMode,
    Field,
    Firewall,
    NatGateway,
    PrivateDnsZone,
    PublicIp,
    RouteTable,
    Subnet,
    VirtualNetwork,
)
from aksnetlint.netmath import Range, contains, parse_range
from aksnetlint.values import Location, Unresolved

AKS_DELEGATION = "microsoft.containerservice/managedclusters"
_DEFAULT_ROUTE = parse_range("0.0.0.0/0")


@dataclass(frozen=True, slots=True)
class Described:
    """A derived fact worth naming in a message, and where it is written."""

    description: str
    location: Location


def annotate_api_server(root: Node, deployment: Deployment) -> None:
    """Add the derived facts to the document built from `deployment` (in place)."""
    hosts = evidence_vnets(deployment)
    network = root.get("network")
    if isinstance(network, Node):
        network.setdefault("evidence_vnets", NodeList(
            [_leaf(Field(_name(v.name.value), v.decl)) for v in hosts.values()]))
    cluster_nodes = root.get("clusters")
    if isinstance(cluster_nodes, NodeList):
        for cluster, node in zip(deployment.clusters, cluster_nodes, strict=False):
            if isinstance(node, Node):
                _annotate_cluster(deployment, cluster, node)
    zone_nodes = root.get("private_dns_zones")
    if isinstance(zone_nodes, NodeList):
        for zone, node in zip(deployment.private_dns_zones, zone_nodes, strict=False):
            if isinstance(node, Node):
                users = [c for c in deployment.clusters if _uses_zone(c, zone)]
                node.setdefault("aks_clusters", NodeList(
                    [_leaf(Field(_name(c.name.value), c.decl)) for c in users]))
                node.setdefault("linked_to_hybrid_vnet", _leaf(linked_to_hosts(zone, hosts)))


def _annotate_cluster(deployment: Deployment, cluster: Cluster, node: Node) -> None:
    ips, devices = egress(deployment, cluster)
    egress_node = Node("egress", cluster.decl)
    egress_node["public_ips"] = NodeList([_leaf(f) for f in ips])
    egress_node["devices"] = NodeList([_described(d) for d in devices])
    node.setdefault("egress", egress_node)
    api_node = node.get("api_server")
    if isinstance(api_node, Node) and cluster.api_server is not None:
        api_node.setdefault("private_dns_zone_name", _leaf(private_dns_zone_name(cluster)))
        api_node.setdefault("subnet_users", NodeList(
            [_described(u) for u in api_subnet_users(deployment, cluster)]))


def _leaf(field: Field[object]) -> Leaf:
    return Leaf(field.value, field)


def _described(item: Described) -> Node:
    node = Node("fact", item.location)
    node["description"] = Leaf(item.description, Field(item.description, item.location))
    return node


def _name(value: object) -> str:
    return value if isinstance(value, str) else "?"


# -- egress ---------------------------------------------------------------------------------


def node_subnets(cluster: Cluster) -> list[Subnet]:
    """The node subnets of the cluster's pools that are in the scan, each once."""
    seen: dict[str, Subnet] = {}
    for pool in cluster.node_pools:
        subnet = pool.subnet.value
        if isinstance(subnet, Subnet):
            seen.setdefault(subnet.key, subnet)
    return list(seen.values())


def egress(deployment: Deployment, cluster: Cluster
           ) -> tuple[list[Field[object]], list[Described]]:
    """(egress public IPs or prefixes, the devices they belong to) for the cluster's
    outbound type; empty when the egress is AKS-managed or not in the scan."""
    outbound = cluster.network.outbound_type.value if cluster.network is not None else None
    if not isinstance(outbound, str):
        return [], []
    ips: list[Field[object]] = []
    devices: list[Described] = []
    kind = outbound.strip().lower()
    if kind in ("loadbalancer", "managednatgateway") and cluster.network is not None:
        _managed_egress(cluster.network.load_balancer_egress if kind == "loadbalancer"
                        else cluster.network.managed_nat_egress,
                        "load balancer" if kind == "loadbalancer" else "managed NAT gateway",
                        ips, devices)
        return ips, devices
    for subnet in node_subnets(cluster):
        if kind == "userdefinedrouting":
            _firewall_egress(deployment, subnet, ips, devices)
        elif kind == "userassignednatgateway":
            _nat_egress(subnet, ips, devices)
    return ips, devices


def _managed_egress(entries: tuple[Field[PublicIp | str | None], ...], device: str,
                    ips: list[Field[object]], devices: list[Described]) -> None:
    """The outbound IPs of the cluster's own load balancer or managed NAT gateway."""
    for entry in entries:
        value, where = entry.value, entry.where
        if isinstance(value, PublicIp):
            ips.append(public_ip_field(value))
            if where is not None:
                devices.append(Described(f"the cluster's {device} (outbound IP "
                                         f"'{_name(value.name.value)}')", where))
        elif isinstance(value, str):
            ips.append(Field(Unresolved(f"outbound IP {value} of the cluster's {device} is "
                                        "not in the scan"), where))
        elif isinstance(value, Unresolved):
            ips.append(Field(value, where))


def _firewall_egress(deployment: Deployment, subnet: Subnet, ips: list[Field[object]],
                     devices: list[Described]) -> None:
    table = subnet.route_table.value
    if isinstance(table, Unresolved):
        ips.append(Field(table, subnet.route_table.where))
        return
    if not isinstance(table, RouteTable):
        return
    for route in table.routes:
        prefix = route.address_prefix.value
        hop_type = route.next_hop_type.value
        parsed = parse_range(prefix) if isinstance(prefix, str) else None
        if not (isinstance(parsed, Range) and isinstance(_DEFAULT_ROUTE, Range)
                and parsed.network == _DEFAULT_ROUTE.network):
            continue
        if not (isinstance(hop_type, str) and hop_type.lower() == "virtualappliance"):
            continue
        hop = route.next_hop_ip.value
        referenced = firewall_referenced(deployment, route.next_hop_ref)
        if referenced is not None:
            devices.append(Described(f"firewall '{_name(referenced.name.value)}' (next hop of "
                                     f"route '{_name(route.name.value)}')", referenced.decl))
            ips.extend(public_ip_field(pip) for pip in referenced.public_ips)
            continue
        if isinstance(hop, Unresolved):
            ips.append(Field(Unresolved(f"the next hop of route '{_name(route.name.value)}' "
                                        f"is not known: {hop.reason}"),
                             route.next_hop_ip.where or route.decl))
            continue
        firewall = firewall_at(deployment, hop) if isinstance(hop, str) else None
        if firewall is None:
            continue  # an appliance outside the scan: its public address is unknown
        devices.append(Described(f"firewall '{_name(firewall.name.value)}' (next hop {hop} "
                                 f"of route '{_name(route.name.value)}')", firewall.decl))
        ips.extend(public_ip_field(pip) for pip in firewall.public_ips)


def firewall_referenced(deployment: Deployment, ref: str | None) -> Firewall | None:
    """The firewall whose attribute a route's next hop refers to
    (`azurerm_firewall.hub.ip_configuration[0].private_ip_address`, ARM `reference(...)`)."""
    if not ref:
        return None
    for firewall in deployment.firewalls:
        if ref == firewall.key or ref.startswith((firewall.key + ".", firewall.key + "/")):
            return firewall
    return None


def firewall_at(deployment: Deployment, address: str) -> Firewall | None:
    """The firewall whose private IP is `address`: its known private IP, or the only
    firewall whose subnet (AzureFirewallSubnet, dedicated to it) contains the address."""
    parsed = parse_range(address)
    if not isinstance(parsed, Range) or not parsed.is_address:
        return None
    for firewall in deployment.firewalls:
        private = firewall.private_ip.value
        if isinstance(private, str):
            other = parse_range(private)
            if isinstance(other, Range) and other.network == parsed.network:
                return firewall
    matches = []
    for firewall in deployment.firewalls:
        subnet = firewall.subnet.value
        if not isinstance(subnet, Subnet) or not isinstance(subnet.address_prefixes.value, tuple):
            continue
        for entry in subnet.address_prefixes.value:
            block = parse_range(entry.value) if isinstance(entry.value, str) else None
            if isinstance(block, Range) and contains(block, parsed):
                matches.append(firewall)
                break
    return matches[0] if len(matches) == 1 else None


def _nat_egress(subnet: Subnet, ips: list[Field[object]], devices: list[Described]) -> None:
    nat = subnet.nat_gateway.value
    if isinstance(nat, Unresolved):
        ips.append(Field(nat, subnet.nat_gateway.where))
        return
    if isinstance(nat, str):
        ips.append(Field(Unresolved(f"NAT gateway {nat} is not in the scan"),
                         subnet.nat_gateway.where))
        return
    if not isinstance(nat, NatGateway):
        return
    devices.append(Described(f"NAT gateway '{_name(nat.name.value)}' on subnet "
                             f"'{_name(subnet.name.value)}'", nat.decl))
    ips.extend(public_ip_field(pip) for pip in nat.public_ips)


def public_ip_field(pip: PublicIp) -> Field[object]:
    """The public IP's address (or the prefix's range) where it is written, else
    Unresolved: Azure allocates it at deployment."""
    order = (pip.prefix, pip.address) if pip.is_prefix else (pip.address, pip.prefix)
    for candidate in order:
        value = candidate.value
        if isinstance(value, Unresolved):
            return Field(value, candidate.loc, candidate.origin)
        if isinstance(value, str) and value.strip():
            return Field(value, candidate.loc, candidate.origin)
    what = "public IP prefix" if pip.is_prefix else "public IP"
    return Field(Unresolved(f"the range of {what} '{_name(pip.name.value)}' is allocated by "
                            "Azure at deployment"), pip.decl)


# -- private DNS zone -----------------------------------------------------------------------


def private_dns_zone_name(cluster: Cluster) -> Field[object]:
    """The name of the cluster's custom private DNS zone, located at the zone attribute
    (None unless the zone mode is custom)."""
    api = cluster.api_server
    if api is None or api.private_dns_zone_mode.value != DnsZoneMode.CUSTOM:
        return Field(None)
    zone_id = api.private_dns_zone_id
    zone = api.private_dns_zone.value
    if isinstance(zone, PrivateDnsZone):
        return Field(zone.name.value, zone_id.loc, zone_id.origin)
    value = zone_id.value
    if isinstance(value, Unresolved):
        return Field(value, zone_id.loc, zone_id.origin)
    if isinstance(value, str):
        return Field(zone_name_from_id(value), zone_id.loc, zone_id.origin)
    return Field(None)


def zone_name_from_id(resource_id: str) -> str | Unresolved:
    """`…/providers/Microsoft.Network/privateDnsZones/<name>` -> `<name>`."""
    parts = [p for p in resource_id.strip().split("/") if p]
    for i, part in enumerate(parts[:-1]):
        if part.lower() == "privatednszones" and i + 2 == len(parts):
            return parts[i + 1]
    return Unresolved(f"{resource_id!r} is not a private DNS zone resource ID")


def _uses_zone(cluster: Cluster, zone: PrivateDnsZone) -> bool:
    api = cluster.api_server
    if api is None or api.private.value is not True:
        return False
    used = api.private_dns_zone.value
    return api.private_dns_zone_mode.value == DnsZoneMode.CUSTOM and \
        isinstance(used, PrivateDnsZone) and used.key == zone.key


def evidence_vnets(deployment: Deployment) -> dict[str, VirtualNetwork]:
    """VNets that themselves host hybrid evidence (gateway, resolver, custom DNS servers),
    by key; a VNet that is only peered to one does not count."""
    by_key = {vnet.key: vnet for vnet in deployment.vnets}
    hosts: dict[str, VirtualNetwork] = {}
    for piece in hybrid_evidence(deployment):
        if piece.hosted and piece.vnet_key in by_key:
            hosts.setdefault(piece.vnet_key, by_key[piece.vnet_key])
    return hosts


def linked_to_hosts(zone: PrivateDnsZone, hosts: dict[str, VirtualNetwork]) -> Field[object]:
    """True when one of the zone's links reaches a host VNet; Unresolved when none does
    but a link target is unknown or outside the scan; else False. At the zone."""
    unknown: Unresolved | None = None
    for link in zone.linked_vnets:
        target = link.value
        if isinstance(target, VirtualNetwork):
            if target.key in hosts:
                return Field(True, zone.decl)
        elif isinstance(target, Unresolved):
            unknown = unknown or target
        elif isinstance(target, str):
            unknown = unknown or Unresolved(f"link to VNet {target} outside the scan")
    if unknown is not None:
        return Field(unknown, zone.decl)
    return Field(False, zone.decl)


# -- API Server VNet integration subnet -----------------------------------------------------


def api_subnet_users(deployment: Deployment, cluster: Cluster) -> list[Described]:
    """Everything else that uses the cluster's API server subnet (see module doc)."""
    api = cluster.api_server
    subnet = api.subnet.value if api is not None else None
    if not isinstance(subnet, Subnet):
        return []
    users: list[Described] = []
    for other in deployment.clusters:
        for pool in other.node_pools:
            for ref, word in ((pool.subnet, "node"), (pool.pod_subnet, "pod")):
                target = ref.value
                if isinstance(target, Subnet) and target.key == subnet.key:
                    users.append(Described(
                        f"node pool '{_name(pool.name.value)}' of cluster "
                        f"'{_name(other.name.value)}' ({word} subnet)", ref.where or pool.decl))
    for use in deployment.subnet_uses:
        target = use.subnet.value
        if isinstance(target, Subnet) and target.key == subnet.key:
            users.append(Described(f"{use.role} '{_name(use.name.value)}'",
                                   use.subnet.where or use.decl))
    delegations = subnet.delegations.value
    if isinstance(delegations, tuple):
        for entry in delegations:
            service = entry.value
            if isinstance(service, str) and service.strip().lower() != AKS_DELEGATION:
                users.append(Described(f"delegation to {service}", entry.where or subnet.decl))
    return users

"""The address plan of a deployment: every range, how the VNets connect, what overlaps.

- **Entries**: every VNet address space, subnet prefix, service and pod CIDR (kubenet or
  overlay), and every on-premises range: the address spaces of local network gateways,
  the ranges of virtual WAN VPN sites, and the ranges the configuration declares
  (`network: {on_premises: [...]}`), each where it is written.
- **Links**, read once per deployment: VNet pairs joined by a peering (either direction) or a
  `Vnet2Vnet` gateway connection, VNets on each virtual WAN hub, local network gateways
  joined by an IPsec connection to the virtual network gateway of a VNet, VPN sites joined
  to a hub by its VPN gateway. A link whose ends, type or existence are unknown links
  nothing.
- **Overlaps** of each cluster's service and pod CIDRs (AKS-RULES.md, AKS205/AKS209): with its
  own VNets and subnets, the VNets peered or connected to them and their subnets, the
  on-premises ranges behind a gateway of one of those VNets or a VPN site on a hub its VNet
  connects to, the configuration's on-premises ranges (connected to every cluster), and its
  own pod / service CIDR. One `netmath.find_overlaps` sweep per deployment.
- **Connected networks**: VNets joined by links, transitively, with what lies behind their
  gateways; a **suggestion** is the first block of the wanted size in private space that no
  range of the cluster's connected network (nor an AKS-reserved range) touches.

Unknown stays unknown: an unresolved range that the answer depends on makes it Unresolved
(with the reason); a suggestion is made only when every range of the network is known.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from aksnetlint import netmath
from aksnetlint.model import (
    Cluster,
    Deployment,
    Field,
    Gateway,
    Resource,
    Subnet,
    VirtualHub,
    VirtualNetwork,
)
from aksnetlint.values import Location, Unresolved

KUBENET = "kubenet"
OVERLAY = "overlay"
AZURE = "azure"
NONE = "none"

ONPREM = "onprem"
CONFIG_KEY = "configuration"
CLUSTER_VNET = "the cluster's VNet"

SUGGESTION_SPACE: tuple[ipaddress.IPv4Network, ...] = tuple(
    ipaddress.IPv4Network(text) for text in ("172.16.0.0/12", "10.0.0.0/8", "192.168.0.0/16"))
"""Where suggested ranges come from, in this order (RFC 1918)."""

DEFAULT_SUGGESTED_PREFIX = 16


# -- entries ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One range of the address plan."""

    role: str  # vnet | subnet | service | pod | onprem
    text: Field[str]
    range: netmath.Range | Unresolved
    owner: str  # "VNet 'vnet-hub'", "local network gateway 'lgw-dc'", "the configuration"
    owner_key: str
    vnet_key: str | None = None  # the VNet a vnet/subnet range belongs to
    default: bool = False

    @property
    def shown(self) -> str:
        return self.text.value if isinstance(self.text.value, str) else "(unresolved)"

    @property
    def label(self) -> str:
        shown = self.shown
        default = " (the default)" if self.default else ""
        if self.role == ONPREM:
            if self.owner_key == CONFIG_KEY:
                return f"on-premises range {shown} declared in the configuration"
            return f"on-premises range {shown} of {self.owner}"
        what = {"service": "service CIDR", "pod": "pod CIDR"}.get(self.role)
        if what is None:
            return f"{self.owner} {shown}"
        return f"{what} {shown}{default} of {self.owner}"


def plan_entries(deployment: Deployment, on_premises: tuple[Field[str], ...] = ()
                 ) -> list[PlanEntry]:
    """Every range of the deployment, in declaration order (VNets, subnets, clusters'
    service then pod CIDRs, local network gateways, VPN sites, the configuration's)."""
    entries: list[PlanEntry] = []
    for vnet in deployment.vnets:
        entries.extend(_entries("vnet", vnet.address_space,
                                f"VNet '{_name(vnet)}'{_resource_id(vnet)}",
                                vnet.key, vnet.decl, vnet.key))
    for subnet in deployment.subnets:
        parent = subnet.vnet.value
        entries.extend(_entries(
            "subnet", subnet.address_prefixes, f"subnet '{_name(subnet)}'{_resource_id(subnet)}",
            subnet.key,
            subnet.decl, parent.key if isinstance(parent, VirtualNetwork) else None))
    for cluster in deployment.clusters:
        service, pod = cluster_entries(cluster, cluster_mode(cluster))
        entries.extend(service)
        entries.extend(pod)
    for gateway in deployment.gateways:
        if gateway.address_space.value:
            entries.extend(_entries(ONPREM, gateway.address_space,
                                    f"local network gateway '{_name(gateway)}'", gateway.key,
                                    gateway.decl, None))
    for site in deployment.vpn_sites:
        entries.extend(_entries(ONPREM, site.address_space, f"VPN site '{_name(site)}'",
                                site.key, site.decl, None))
    for configured in on_premises:
        entries.append(PlanEntry(ONPREM, configured, _parse(configured.value),
                                 "the configuration", CONFIG_KEY))
    return entries


def _entries(role: str, ranges: Field[tuple[Field[str], ...]], owner: str, owner_key: str,
             decl: Location, vnet_key: str | None) -> Iterator[PlanEntry]:
    value = ranges.value
    if isinstance(value, Unresolved):
        yield PlanEntry(role, Field(value, ranges.loc or decl, ranges.origin), value, owner,
                        owner_key, vnet_key)
        return
    for entry in value or ():
        yield PlanEntry(role, entry, _parse(entry.value), owner, owner_key, vnet_key)


def _parse(text: object) -> netmath.Range | Unresolved:
    if isinstance(text, Unresolved):
        return text
    if not isinstance(text, str):
        return Unresolved(f"expected an address range, found {text!r}")
    parsed = netmath.parse_range(text)
    if isinstance(parsed, netmath.InvalidRange):
        return Unresolved(f"not an address range: {parsed}")
    return parsed


def cluster_mode(cluster: Cluster) -> str | Unresolved:
    """`kubenet`, `overlay`, `azure` or `none`; Unresolved when the plugin is not written
    (AKS picks it by Kubernetes version), unresolved, or not a valid value."""
    network = cluster.network
    if network is None:
        return Unresolved("the cluster has no network profile")
    plugin = network.plugin.value
    if isinstance(plugin, Unresolved):
        return plugin
    if plugin is None:
        return Unresolved("no network plugin is written; AKS picks one by Kubernetes version")
    kind = plugin.strip().lower()
    if kind == KUBENET:
        return KUBENET
    if kind == NONE:
        return NONE
    if kind != AZURE:
        return Unresolved(f"{plugin!r} is not a network plugin")
    mode = network.plugin_mode.value
    if mode is None:
        return AZURE
    if isinstance(mode, Unresolved):
        return mode
    if mode.strip().lower() == OVERLAY:
        return OVERLAY
    return Unresolved(f"{mode!r} is not a network plugin mode")


def cluster_entries(cluster: Cluster, mode: str | Unresolved
                    ) -> tuple[list[PlanEntry], list[PlanEntry]]:
    """The cluster's service ranges and (kubenet / overlay) pod ranges."""
    network = cluster.network
    if network is None:
        return [], []
    owner = f"cluster '{_name(cluster)}'{_resource_id(cluster)}"

    def ranges(role: str, plural: Field[tuple[Field[str], ...]],
               single: Field[str | None]) -> list[PlanEntry]:
        if isinstance(plural.value, Unresolved) or plural.value:
            return list(_entries(role, plural, owner, cluster.key, cluster.decl, None))
        if single.value is None:
            return []
        text: Field[str] = single  # type: ignore[assignment]
        return [PlanEntry(role, text, _parse(single.value), owner, cluster.key,
                          default=single.default)]

    service = ranges("service", network.service_cidrs, network.service_cidr)
    pod = ranges("pod", network.pod_cidrs, network.pod_cidr) if mode in (KUBENET, OVERLAY) \
        else []
    return service, pod


# -- links -----------------------------------------------------------------------------------


@dataclass
class Links:
    """How the deployment's VNets and on-premises ranges are connected (keys are model
    keys; `how` texts are for messages)."""

    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    hub_vnets: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    vnet_hubs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    hub_names: dict[str, str] = field(default_factory=dict)
    # VNet -> (local network gateway, how it is joined to that VNet)
    vnet_onprem: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list))
    # hub -> VPN sites its VPN gateway connects
    hub_sites: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # VNets with a link to something outside the scan or unknown, and what
    outside: dict[str, str] = field(default_factory=dict)
    # peerings to a VNet named only by its id: (local VNet, the id, how)
    external_peers: list[tuple[str, str, str]] = field(default_factory=list)


def read_links(deployment: Deployment) -> Links:
    links = Links()
    for peering in deployment.peerings:
        local, remote = peering.local_vnet.value, peering.remote_vnet.value
        if isinstance(local, VirtualNetwork) and isinstance(remote, VirtualNetwork):
            links.pairs.append((local.key, remote.key,
                                f"peered through '{_text(peering.name.value)}'"))
        elif isinstance(local, VirtualNetwork) and remote is not None:
            links.outside.setdefault(local.key, f"peering '{_text(peering.name.value)}' "
                                     "leads outside the scan")
            if isinstance(remote, str):
                links.external_peers.append(
                    (local.key, remote, f"peered through '{_text(peering.name.value)}'"))
    for gateway in deployment.gateways:
        if gateway.present is not True:
            continue
        vnets = [v.value for v in gateway.connected_vnets
                 if isinstance(v.value, VirtualNetwork)]
        hub = gateway.hub.value
        joined = gateway.local_gateway.value
        if isinstance(hub, VirtualHub):
            links.hub_names[hub.key] = hub.name
            for vnet in vnets:
                links.hub_vnets[hub.key].append(
                    (vnet.key, f"on the same virtual WAN hub '{hub.name}'"))
                links.vnet_hubs[vnet.key].append(hub.key)
        elif isinstance(joined, Gateway) and len(vnets) == 1 == len(gateway.connected_vnets):
            if joined.present is True:
                links.vnet_onprem[vnets[0].key].append(
                    (joined.key, f"through gateway connection '{_text(gateway.name.value)}' "
                                f"to VNet '{_name(vnets[0])}'"))
        elif len(vnets) == 2 == len(gateway.connected_vnets):
            links.pairs.append((vnets[0].key, vnets[1].key, "connected through gateway "
                                f"connection '{_text(gateway.name.value)}'"))
    for site in deployment.vpn_sites:
        if site.present is not True:
            continue
        for hub_field in site.hubs:
            linked = hub_field.value
            if isinstance(linked, VirtualHub):
                links.hub_names.setdefault(linked.key, linked.name)
                if site.key not in links.hub_sites[linked.key]:
                    links.hub_sites[linked.key].append(site.key)
    return links


def related_vnets(cluster: Cluster, links: Links) -> tuple[dict[str, str], Unresolved | None]:
    """The cluster's VNets and the VNets peered or connected to them (key -> why it
    counts), and why the set may be incomplete."""
    related: dict[str, str] = {}
    unknown: Unresolved | None = None
    for key in cluster_vnet_refs(cluster):
        if isinstance(key, Unresolved):
            unknown = unknown or key
        else:
            related[key] = CLUSTER_VNET
    own = list(related)
    own_keys = set(own)
    for a, b, how in links.pairs:
        for near, far in ((a, b), (b, a)):
            if near in own_keys and far not in related:
                related[far] = how
    hubs = dict.fromkeys(hub for key in own for hub in links.vnet_hubs.get(key, ()))
    for hub in hubs:
        for far, how in links.hub_vnets[hub]:
            related.setdefault(far, how)
    return related, unknown


def related_onprem(related: dict[str, str], links: Links) -> dict[str, str]:
    """The on-premises sources a cluster reaches (source key -> why): local network
    gateways joined to a gateway of its VNets or of a VNet peered or connected to them,
    VPN sites on a hub its own VNets connect to, and the configuration."""
    found: dict[str, str] = {}
    for vnet_key, vnet_why in related.items():
        for source, how in links.vnet_onprem.get(vnet_key, ()):
            found.setdefault(source, how if vnet_why == CLUSTER_VNET else f"{how}, {vnet_why}")
    own = [key for key, why in related.items() if why == CLUSTER_VNET]
    for hub in dict.fromkeys(h for key in own for h in links.vnet_hubs.get(key, ())):
        for site in links.hub_sites.get(hub, ()):
            found.setdefault(site, f"on virtual WAN hub '{links.hub_names.get(hub, hub)}', "
                                   "which the cluster's VNet connects to")
    found[CONFIG_KEY] = "connected to every cluster of the scan"
    return found


def cluster_vnet_refs(cluster: Cluster) -> list[str | Unresolved]:
    """The VNet keys of the cluster's pool, pod and API server subnets (a subnet outside the
    scan: `external:<name>` from its ID), or why one is unknown."""
    refs: list[object] = []
    for pool in cluster.node_pools:
        if pool.present is not False:
            refs.extend((pool.subnet.value, pool.pod_subnet.value))
    if cluster.api_server is not None:
        refs.append(cluster.api_server.subnet.value)
    found: list[str | Unresolved] = []
    for ref in refs:
        key = subnet_vnet(ref)
        if key is not None and key not in found:
            found.append(key)
    return found


_SUBNET_ID_RE = re.compile(r"/virtualNetworks/([^/{}\[\]]+)/subnets/[^/]+/?$", re.IGNORECASE)


def subnet_vnet(value: object) -> str | Unresolved | None:
    """The VNet key of a subnet reference; None when there is no subnet reference."""
    if value is None:
        return None
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, str):
        # a subnet outside the scan: its ID still names its VNet
        match = _SUBNET_ID_RE.search(value)
        if match:
            return f"external:{match.group(1).lower()}"
        return Unresolved(f"subnet {value} is not in the scan")
    if isinstance(value, Subnet):
        vnet = value.vnet.value
        if isinstance(vnet, VirtualNetwork):
            return vnet.key
        if isinstance(vnet, Unresolved):
            return vnet
        return Unresolved(f"the VNet of subnet '{_name(value)}' is not in the scan")
    return Unresolved("not a subnet")


def subnet_labels(value: object) -> tuple[str | None, str | None]:
    """Readable names of a subnet and its VNet, for subnets in the scan and for subnet IDs
    that point outside it."""
    if isinstance(value, Subnet):
        vnet = value.vnet.value
        return _name(value), _name(vnet) if isinstance(vnet, VirtualNetwork) else None
    if isinstance(value, str):
        match = _SUBNET_ID_RE.search(value)
        if match:
            subnet = value.rstrip("/").rsplit("/", 1)[-1]
            return subnet, f"{match.group(1)} (outside the scan)"
    return None, None


# -- connected networks ----------------------------------------------------------------------


def connected_networks(vnet_keys: Iterable[str], links: Links) -> dict[str, str]:
    """Each VNet's connected network, named by its first VNet (in the order given): VNets
    joined by peerings, gateway connections or a shared hub, transitively."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    order = list(dict.fromkeys(vnet_keys))
    rank = {key: i for i, key in enumerate(order)}

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda k: rank.get(k, len(rank)))
            parent[second] = first

    for key in order:
        find(key)
    for a, b, _how in links.pairs:
        union(a, b)
    for members in links.hub_vnets.values():
        for other, _how in members[1:]:
            union(members[0][0], other)
    return {key: find(key) for key in order}


def onprem_sources(vnets: Iterable[str], links: Links) -> list[str]:
    """The on-premises sources behind the gateways of these VNets and on the hubs they
    connect to (the configuration's ranges reach every network)."""
    found: list[str] = []
    for key in vnets:
        found.extend(source for source, _how in links.vnet_onprem.get(key, ()))
        for hub in links.vnet_hubs.get(key, ()):
            found.extend(links.hub_sites.get(hub, ()))
    found.append(CONFIG_KEY)
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Network:
    """The ranges of one connected network, and why the list may be incomplete."""

    entries: tuple[PlanEntry, ...]
    unknown: str | None  # e.g. "VNet 'vnet-hub' has an unknown address range"


def network_ranges(vnets: set[str], entries: list[PlanEntry], links: Links,
                   cluster_vnets: dict[str, set[str]]) -> Network:
    """Every range in the connected network of `vnets`: their address spaces and subnets,
    the service and pod CIDRs of clusters in them, and the on-premises ranges they reach."""
    sources = set(onprem_sources(vnets, links))
    found: list[PlanEntry] = []
    unknown: str | None = None
    for vnet in sorted(vnets):
        if vnet.startswith("external:"):
            unknown = unknown or f"VNet '{vnet.removeprefix('external:')}' is outside the scan"
        elif vnet in links.outside:
            unknown = unknown or links.outside[vnet]
    for entry in entries:
        if entry.role in ("vnet", "subnet"):
            inside = entry.vnet_key in vnets
        elif entry.role == ONPREM:
            inside = entry.owner_key in sources
        else:
            inside = bool(cluster_vnets.get(entry.owner_key, set()) & vnets)
        if not inside:
            continue
        found.append(entry)
        if isinstance(entry.range, Unresolved):
            unknown = unknown or f"{entry.owner} has an unknown range"
    return Network(tuple(found), unknown)


# -- suggestions -----------------------------------------------------------------------------


def suggest_block(prefix_len: int, taken: Iterable[netmath.RangeLike],
                  within: Iterable[netmath.RangeLike] = SUGGESTION_SPACE
                  ) -> ipaddress.IPv4Network | None:
    """The first IPv4 block of `prefix_len` inside `within` (in order) that overlaps no
    `taken` range and no range AKS reserves."""
    blocked = [*taken, *netmath.AKS_RESERVED_RANGES]
    for space in within:
        found = netmath.free_block(space, prefix_len, blocked)
        if isinstance(found, ipaddress.IPv4Network):
            return found
    return None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A range to use instead, or why none can be proposed."""

    block: ipaddress.IPv4Network | None
    text: str  # ": use 172.17.0.0/16, free in this network" / " (none can be proposed: …)"


def suggest_cluster_range(own: tuple[PlanEntry, ...], network: Network,
                          also_taken: Iterable[netmath.RangeLike] = (),
                          dns_ip: bool = False) -> Suggestion:
    """A free range as large as the cluster's own (IPv4) range, for a service or pod CIDR
    that overlaps: free in the whole connected network (the cluster's own range of that
    role aside) and outside the AKS-reserved ranges. `dns_ip` adds the tenth address as
    the DNS service IP."""
    first = next((e for e in own if isinstance(e.range, netmath.Range) and e.range.version == 4),
                 None)
    if first is None:
        return Suggestion(None, " (none can be proposed: no IPv4 range to replace)")
    if network.unknown is not None:
        return Suggestion(None, f" (none can be proposed: {network.unknown})")
    assert isinstance(first.range, netmath.Range)
    size = first.range.prefix_len
    if not 12 < size <= 28:
        size = DEFAULT_SUGGESTED_PREFIX
    own_ids = {id(e) for e in own}
    taken = [e.range for e in network.entries
             if id(e) not in own_ids and isinstance(e.range, netmath.Range)]
    block = suggest_block(size, [*taken, *also_taken])
    if block is None:
        return Suggestion(None, f" (no /{size} is free in the private ranges of this network)")
    extra = f" (DNS service IP {block.network_address + 10})" if dns_ip else ""
    return Suggestion(block, f": use {block}{extra}, free in this network")


def subnet_prefix_for(addresses: int) -> int | None:
    """The longest IPv4 prefix whose usable addresses (5 reserved) hold `addresses`."""
    for prefix in range(29, 7, -1):
        if (1 << (32 - prefix)) - netmath.AZURE_RESERVED_PER_SUBNET >= addresses:
            return prefix
    return None


def suggest_subnet(subnet: Subnet, demand: int, entries: list[PlanEntry],
                   network: Network | None, keys: tuple[str, str] | None = None
                   ) -> Suggestion:
    """A subnet large enough for `demand`: the subnet enlarged in place when the space
    around it is free in its VNet, else a free block of the VNet, else a block free in the
    whole connected network to add to the VNet's address space. `keys` are the subnet's and
    its VNet's keys in `entries` (default: their model keys)."""
    prefix = subnet_prefix_for(demand)
    if prefix is None:
        return Suggestion(None, "")
    prefixes = subnet.address_prefixes.value
    vnet = subnet.vnet.value
    if not isinstance(prefixes, tuple) or len(prefixes) != 1 or \
            not isinstance(vnet, VirtualNetwork):
        return Suggestion(None, "")
    current = _parse(prefixes[0].value)
    if not isinstance(current, netmath.Range) or current.version != 4:
        return Suggestion(None, "")
    subnet_key, vnet_key = keys or (subnet.key, vnet.key)
    spaces = [e.range for e in entries if e.role == "vnet" and e.owner_key == vnet_key]
    others = [e.range for e in entries
              if e.role == "subnet" and e.vnet_key == vnet_key and e.owner_key != subnet_key]
    # service and pod CIDRs of the network's clusters: a subnet there would collide too
    others += [e.range for e in (network.entries if network is not None else ())
               if e.role in ("service", "pod")]
    if any(isinstance(r, Unresolved) for r in (*spaces, *others)):
        return Suggestion(None, "")
    known_spaces = [r for r in spaces if isinstance(r, netmath.Range)]
    known_others = [r for r in others if isinstance(r, netmath.Range)]
    usable = (1 << (32 - prefix)) - netmath.AZURE_RESERVED_PER_SUBNET
    size = f"a /{prefix} ({usable} usable addresses) holds it"
    vnet_name = f"VNet '{_name(vnet)}'"
    enlarged = current.network.supernet(new_prefix=prefix) if prefix < current.prefix_len \
        else current.network
    assert isinstance(enlarged, ipaddress.IPv4Network)
    if netmath.covered_by_any(enlarged, known_spaces) and \
            not any(netmath.overlaps(enlarged, other) for other in known_others):
        return Suggestion(enlarged, f" {size.capitalize()}: {enlarged} (the subnet enlarged) "
                                    f"is free in {vnet_name}.")
    for space in known_spaces:
        block = netmath.free_block(space.network, prefix, known_others)
        if isinstance(block, ipaddress.IPv4Network):
            return Suggestion(block, f" {size.capitalize()}: {block} is free in {vnet_name}.")
    if network is None or network.unknown is not None:
        return Suggestion(None, f" {size.capitalize()}, but {vnet_name} has no free /{prefix}.")
    taken = [e.range for e in network.entries if isinstance(e.range, netmath.Range)]
    # near the VNet's own space first (the /16 around it), then anywhere private
    near = [space.network.supernet(new_prefix=16) for space in known_spaces
            if space.version == 4 and space.prefix_len > 16]
    block = suggest_block(prefix, taken, [*near, *SUGGESTION_SPACE])
    if block is None:
        return Suggestion(None, f" {size.capitalize()}, but {vnet_name} has no free /{prefix}.")
    return Suggestion(block, f" {size.capitalize()}: add {block}, free in this network, to the "
                             f"address space of {vnet_name}.")


# -- overlaps --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overlap:
    own: PlanEntry
    other: PlanEntry
    why: str  # "the cluster's VNet", "peered through 'p'", "the same cluster", ...

    @property
    def description(self) -> str:
        return f"{self.other.label} ({self.why})"


@dataclass(frozen=True, slots=True)
class ClusterPlan:
    mode: str | Unresolved
    vnet_key: str | None | Unresolved
    service: tuple[PlanEntry, ...]
    pod: tuple[PlanEntry, ...]
    service_overlaps: tuple[Overlap, ...] | Unresolved
    pod_overlaps: tuple[Overlap, ...] | Unresolved
    service_suggestion: Suggestion | None = None
    pod_suggestion: Suggestion | None = None
    network: Network | None = None  # the cluster's connected network


@dataclass
class AddressPlan:
    entries: list[PlanEntry] = field(default_factory=list)
    clusters: dict[str, ClusterPlan] = field(default_factory=dict)
    links: Links = field(default_factory=Links)
    networks: dict[str, str] = field(default_factory=dict)  # VNet -> its connected network
    cluster_vnets: dict[str, set[str]] = field(default_factory=dict)

    def network_of(self, vnet_keys: Iterable[str]) -> Network:
        """Every range of the connected network(s) these VNets belong to."""
        names = {self.networks.get(key, key) for key in vnet_keys}
        members = {key for key, name in self.networks.items() if name in names}
        members |= {key for key in vnet_keys}
        return network_ranges(members, self.entries, self.links, self.cluster_vnets)


def address_plan(deployment: Deployment, on_premises: tuple[Field[str], ...] = ()
                 ) -> AddressPlan:
    plan = AddressPlan(entries=plan_entries(deployment, on_premises),
                       links=read_links(deployment))
    plan.networks = connected_networks([v.key for v in deployment.vnets], plan.links)
    known = [(e.range, i) for i, e in enumerate(plan.entries)
             if isinstance(e.range, netmath.Range)]
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in netmath.find_overlaps(known):
        neighbours[a].append(b)
        neighbours[b].append(a)
    position = {id(e): i for i, e in enumerate(plan.entries)}
    by_owner: dict[str, list[PlanEntry]] = defaultdict(list)
    for entry in plan.entries:
        if entry.role in ("service", "pod"):
            by_owner[entry.owner_key].append(entry)
    for cluster in deployment.clusters:
        plan.cluster_vnets[cluster.key] = {k for k in cluster_vnet_refs(cluster)
                                           if isinstance(k, str)}
    suggested: list[ipaddress.IPv4Network] = []  # earlier proposals stay free for them
    for cluster in deployment.clusters:
        own = by_owner.get(cluster.key, [])
        service = tuple(e for e in own if e.role == "service")
        pod = tuple(e for e in own if e.role == "pod")
        related, unknown_vnet = related_vnets(cluster, plan.links)
        context = _Context(plan.entries, neighbours, position, related,
                           related_onprem(related, plan.links), unknown_vnet, cluster.key)
        mode = cluster_mode(cluster)
        pod_unknown = mode if isinstance(mode, Unresolved) else None
        service_overlaps = context.overlaps(list(service), "pod", pod_unknown)
        pod_overlaps = context.overlaps(list(pod), "service", None) if pod else ()
        vnets = plan.cluster_vnets[cluster.key]
        network = plan.network_of(vnets) if vnets and unknown_vnet is None else \
            Network((), "the cluster's VNet is unknown")
        service_suggestion = pod_suggestion = None
        if isinstance(service_overlaps, tuple) and service_overlaps:
            service_suggestion = suggest_cluster_range(service, network, suggested,
                                                       dns_ip=True)
            if service_suggestion.block is not None:
                suggested.append(service_suggestion.block)
        if isinstance(pod_overlaps, tuple) and pod_overlaps:
            pod_suggestion = suggest_cluster_range(
                pod, network, [*suggested, *(e.range for e in service
                                             if isinstance(e.range, netmath.Range))])
            if pod_suggestion.block is not None:
                suggested.append(pod_suggestion.block)
        plan.clusters[cluster.key] = ClusterPlan(
            mode=mode, vnet_key=cluster_vnet(cluster), service=service, pod=pod,
            service_overlaps=service_overlaps, pod_overlaps=pod_overlaps,
            service_suggestion=service_suggestion, pod_suggestion=pod_suggestion,
            network=network)
    return plan


def cluster_vnet(cluster: Cluster) -> str | None | Unresolved:
    """The VNet of the cluster's first node pool (the default / system pool)."""
    if not cluster.node_pools:
        return None
    return subnet_vnet(cluster.node_pools[0].subnet.value)


@dataclass(frozen=True, slots=True)
class _Context:
    entries: list[PlanEntry]
    neighbours: dict[int, list[int]]
    position: dict[int, int]
    related: dict[str, str]
    onprem: dict[str, str]
    unknown_vnet: Unresolved | None
    cluster_key: str

    def in_scope(self, other: PlanEntry, sibling_role: str) -> bool:
        return (other.role == "vnet" and other.owner_key in self.related) or \
            (other.role == "subnet" and other.vnet_key in self.related) or \
            (other.role == ONPREM and other.owner_key in self.onprem) or \
            (other.role == sibling_role and other.owner_key == self.cluster_key)

    def overlaps(self, own: list[PlanEntry], sibling_role: str, sibling_unknown: Unresolved | None
                 ) -> tuple[Overlap, ...] | Unresolved:
        """What the cluster's own ranges (service or pod) overlap: its VNets and peered
        VNets (subnets only where their VNet's range does not already overlap), the
        on-premises ranges it reaches, and the cluster's sibling ranges (pod for service,
        service for pod)."""
        found: list[Overlap] = []
        unknown: Unresolved | None = sibling_unknown or self.unknown_vnet
        for entry in own:
            if isinstance(entry.range, Unresolved):
                unknown = unknown or entry.range
                continue
            others = [self.entries[j] for j in self.neighbours.get(self.position[id(entry)], [])]
            vnets_hit = set()
            for other in others:
                if other.role == "vnet" and other.owner_key in self.related:
                    vnets_hit.add(other.owner_key)
                    found.append(Overlap(entry, other, self.related[other.owner_key]))
                elif other.role == sibling_role and other.owner_key == self.cluster_key:
                    found.append(Overlap(entry, other, "the same cluster"))
                elif other.role == ONPREM and other.owner_key in self.onprem:
                    found.append(Overlap(entry, other, self.onprem[other.owner_key]))
            for other in others:
                if other.role == "subnet" and other.vnet_key in self.related and \
                        other.vnet_key not in vnets_hit:
                    found.append(Overlap(entry, other, self.related[str(other.vnet_key)]))
        if found:
            return tuple(found)
        for other in self.entries:
            if self.in_scope(other, sibling_role) and isinstance(other.range, Unresolved):
                unknown = unknown or other.range
        return unknown if unknown is not None else ()


def _name(obj: object) -> str:
    name = getattr(obj, "name", None)
    value = name.value if isinstance(name, Field) else None
    return value if isinstance(value, str) else "?"


def _resource_id(resource: Resource) -> str:
    """` (<resource ID>)` for a deployed resource (its exact ID is known), else nothing."""
    return f" ({resource.resource_id})" if resource.resource_id else ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else "?"

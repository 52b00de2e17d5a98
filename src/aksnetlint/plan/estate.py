"""The address plan of everything scanned, grouped by connected network.

Built from what the scan itself computes: `lint()` hands over the deployments it judged and
their findings; each deployment's address plan (`facts_address_plan`) and subnet capacity
(`facts_network.subnet_capacities`, the AKS301 arithmetic) are read as the rules read them.
The deployments are then joined into one estate:

- A VNet that a deployment only names (an `existing` resource, or a VNet whose address space
  is unknown there, a peering or subnet id to a VNet outside the deployment) is the VNet of
  that name another deployment declares with a known address space, when exactly one does;
  otherwise it stays a VNet outside the scan.
- Virtual WAN hubs are the same hub when their names are.
- Connected networks are VNets joined by peerings, `Vnet2Vnet` connections or a shared hub,
  transitively, with the on-premises ranges their gateways and hubs reach; the
  configuration's on-premises ranges belong to every network.

Overlaps are marked between ranges of one connected network that must not share addresses:
VNets and subnets of different VNets, on-premises ranges of different sources, and a
cluster's service or pod CIDR against any of those or its own other CIDR (a subnet inside its
VNet, and service or pod CIDRs of different clusters, are not conflicts). A cluster whose
service or pod CIDR is marked gets a suggestion free in its whole connected network (the
same predicate the rules' messages use).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from aksnetlint import netmath
from aksnetlint.facts_address_plan import (
    CONFIG_KEY,
    ONPREM,
    Links,
    Network,
    PlanEntry,
    Suggestion,
    address_plan,
    cluster_mode,
    connected_networks,
    network_ranges,
    onprem_sources,
    plan_entries,
    suggest_cluster_range,
    suggest_subnet,
)
from aksnetlint.facts_network import subnet_capacities
from aksnetlint.findings import Finding
from aksnetlint.model import Deployment, Field, Gateway, Subnet, VirtualNetwork, VpnSite
from aksnetlint.plan.model import (
    ROLES,
    Capacity,
    ConnectedNetwork,
    Estate,
    PinnedFinding,
    PlanCluster,
    PlanLink,
    PlanOnPrem,
    PlanOverlap,
    PlanRange,
    PlanSubnet,
    PlanVnet,
)
from aksnetlint.values import Unresolved

_GATEWAY_SUBNETS = {"gatewaysubnet"}
_FIREWALL_SUBNETS = {"azurefirewallsubnet", "azurefirewallmanagementsubnet"}
_VNET_ID_RE = re.compile(r"/virtualNetworks/([^/{}\[\]]+)", re.IGNORECASE)
DEPLOYED = "azure-resources"  # the format of deployed state (az CLI, Resource Graph)
_ID_SAFE = re.compile(r"[^a-z0-9._-]+")


# -- building it -----------------------------------------------------------------------------


class _Ids:
    """Readable, stable ids (`vnet:vnet-hub`), numbered on a clash in the order given."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, kind: str, name: str) -> str:
        base = f"{kind}:{_ID_SAFE.sub('-', name.lower()).strip('-') or 'unnamed'}"
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


@dataclass
class _Part:
    """One deployment's contribution, with its model keys mapped to estate ids."""

    index: int
    deployment: Deployment
    links: Links
    cluster_vnets: dict[str, set[str]]
    proposals: dict[str, dict[str, Suggestion | None]]  # cluster key -> role -> the rules'
    ids: dict[str, str] = field(default_factory=dict)  # model key -> estate id


def build_estate(deployments: list[Deployment], findings: list[Finding],
                 on_premises: tuple[Field[str], ...] = ()) -> Estate:
    """The estate plan of the deployments a scan judged, with its findings pinned."""
    return _Builder(deployments, on_premises).build(findings)


class _Builder:
    def __init__(self, deployments: list[Deployment], on_premises: tuple[Field[str], ...]
                 ) -> None:
        self.estate = Estate(deployments=len(deployments))
        self.ids = _Ids()
        self.on_premises = on_premises
        self.parts = []
        for i, deployment in enumerate(deployments):
            plan = address_plan(deployment)
            proposals = {key: {"service": c.service_suggestion, "pod": c.pod_suggestion}
                         for key, c in plan.clusters.items()}
            self.parts.append(_Part(i, deployment, plan.links, plan.cluster_vnets, proposals))
        roots = [d.root for d in deployments]
        self.varied = {root for root in roots if roots.count(root) > 1}
        self.declared: dict[str, list[str]] = defaultdict(list)  # lower name -> VNet ids
        self.subnet_ids: dict[tuple[str, str], str] = {}  # (VNet id, lower name) -> id
        self.deployed_clusters: set[str] = set()
        self.links = Links()
        self.entries: list[PlanEntry] = []
        self.range_of: dict[int, str] = {}  # id(entry) -> estate range id
        self.source_ids: dict[str, str] = {}  # on-premises source key -> estate id
        self.networks: dict[str, str] = {}
        self.cluster_vnets: dict[str, set[str]] = {}

    def build(self, findings: list[Finding]) -> Estate:
        self.declare_vnets()
        self.merge_links()
        self.declare_objects()
        self.declare_roles()
        self.cluster_vnets = {c.id: set(c.vnets) for c in self.estate.clusters.values()}
        self.networks = connected_networks(list(self.estate.vnets), self.links)
        self.mark_overlaps()
        self.suggest()
        self.free_space()
        self.group()
        self.pin(findings)
        return self.estate

    # -- VNets and links ----------------------------------------------------------------

    def declare_vnets(self) -> None:
        """Every VNet once: a VNet one deployment names and another declares (with a known
        address space) is the declared one."""
        estate = self.estate
        same: dict[tuple[str, tuple[str, ...]], str] = {}  # (name, address space) -> id
        # templates first: a VNet is at home where it is written; deployed state (what
        # Azure reports) of the same VNet joins it
        for part in sorted(self.parts, key=lambda p: p.deployment.format == DEPLOYED):
            own: set[str] = set()
            for vnet in part.deployment.vnets:
                if _known_space(vnet):
                    name = _vnet_name(vnet, part.deployment, self.varied)
                    key = (name.lower(), _space(vnet))
                    if key in same and same[key] not in own and \
                            part.deployment.format == DEPLOYED:
                        # what Azure reports of a VNet a template declares (same name and
                        # address space); two templates' VNets stay two VNets
                        part.ids[vnet.key] = same[key]
                        continue
                    vid = self.ids.make("vnet", name)
                    part.ids[vnet.key] = same[key] = vid
                    own.add(vid)
                    self.declared[name.lower()].append(vid)
                    estate.vnets[vid] = PlanVnet(vid, name, part.deployment.root,
                                                 part.deployment.format, vnet.decl)
        for part in self.parts:
            own = set(part.ids.values())
            for vnet in part.deployment.vnets:
                if vnet.key in part.ids:
                    continue
                name = _vnet_name(vnet, part.deployment, self.varied)
                others = [v for v in self.declared.get(name.lower(), []) if v not in own]
                if len(others) == 1:
                    part.ids[vnet.key] = others[0]
                    continue
                vid = self.ids.make("vnet", name)
                part.ids[vnet.key] = vid
                estate.vnets[vid] = PlanVnet(vid, name, part.deployment.root,
                                             part.deployment.format, vnet.decl)

    def outside_vnet(self, name: str) -> str:
        """The VNet a reference names by id: the one VNet of that name in the scan, else a
        VNet outside the scan (one per name; its id starts `external:` for the facts)."""
        found = self.declared.get(name.lower(), [])
        if len(found) == 1:
            return found[0]
        vid = f"external:{_ID_SAFE.sub('-', name.lower())}"
        if vid not in self.estate.vnets:
            self.ids.used.add(vid)
            self.estate.vnets[vid] = PlanVnet(vid, name, None, None, None)
        return vid

    def hub(self, key: str, links: Links) -> str:
        name = links.hub_names.get(key, key.rstrip("/").rsplit("/", 1)[-1])
        for hid, known in self.estate.hubs.items():
            if known.lower() == name.lower():
                return hid
        hid = self.ids.make("hub", name)
        self.estate.hubs[hid] = name
        self.links.hub_names[hid] = name
        return hid

    def merge_links(self) -> None:
        merged = self.links
        for part in self.parts:
            links, vid = part.links, part.ids
            for a, b, how in links.pairs:
                if a in vid and b in vid:
                    merged.pairs.append((vid[a], vid[b], how))
            for local, remote, how in links.external_peers:
                match = _VNET_ID_RE.search(remote)
                if local in vid and match:
                    merged.pairs.append((vid[local], self.outside_vnet(match.group(1)), how))
            peered_out = {local for local, _remote, _how in links.external_peers}
            for local, why in links.outside.items():
                if local in vid and local not in peered_out:
                    merged.outside.setdefault(vid[local], why)
            for key, members in links.hub_vnets.items():
                hid = self.hub(key, links)
                for vnet_key, how in members:
                    vnet = vid.get(vnet_key)
                    if vnet is not None and hid not in merged.vnet_hubs.get(vnet, []):
                        merged.hub_vnets[hid].append((vnet, how))
                        merged.vnet_hubs[vnet].append(hid)
            for key, sites in links.hub_sites.items():
                hid = self.hub(key, links)
                merged.hub_sites[hid].extend(f"{part.index}|{s}" for s in sites)
            for vnet_key, sources in links.vnet_onprem.items():
                if vnet_key in vid:
                    merged.vnet_onprem[vid[vnet_key]].extend(
                        (f"{part.index}|{s}", how) for s, how in sources)

    # -- subnets, clusters, on-premises sources and their ranges ---------------------------

    def declare_objects(self) -> None:
        estate, ids = self.estate, self.ids
        for part in self.parts:
            deployment, vid = part.deployment, part.ids
            suffix = variant_suffix(deployment, self.varied)
            for subnet in deployment.subnets:
                parent = subnet.vnet.value
                if isinstance(parent, VirtualNetwork) and parent.key in vid:
                    vnet = estate.vnets[vid[parent.key]]
                    known = self.subnet_ids.get((vnet.id, _name(subnet).lower()))
                    if known is not None and known not in vid.values():
                        vid[subnet.key] = known  # the same subnet, seen by another deployment
                        continue
                    sid = ids.make("subnet", f"{vnet.name}/{_name(subnet)}")
                    vid[subnet.key] = sid
                    self.subnet_ids[(vnet.id, _name(subnet).lower())] = sid
                    estate.subnets[sid] = PlanSubnet(sid, _name(subnet), vnet.id, [], [],
                                                     subnet.decl)
                    vnet.subnets.append(sid)
            for cluster in deployment.clusters:
                cid = ids.make("cluster", _name(cluster) + suffix)
                vid[cluster.key] = cid
                for pool in cluster.node_pools:
                    vid.setdefault(pool.key, cid)
                vnets = []
                for key in part.cluster_vnets.get(cluster.key, ()):
                    if key.startswith("external:"):
                        vnets.append(self.outside_vnet(key.removeprefix("external:")))
                    elif key in vid:
                        vnets.append(vid[key])
                mode = cluster_mode(cluster)
                if deployment.format == DEPLOYED:
                    self.deployed_clusters.add(cid)
                estate.clusters[cid] = PlanCluster(
                    cid, _name(cluster) + suffix, list(dict.fromkeys(vnets)),
                    None if isinstance(mode, Unresolved) else mode, cluster.decl)
            sources: list[tuple[Gateway | VpnSite, str]] = [
                (g, "local network gateway") for g in deployment.gateways
                if g.address_space.value]
            sources += [(site, "VPN site") for site in deployment.vpn_sites]
            for source, kind in sources:
                key = source.key
                oid = ids.make("onprem", _name(source) + suffix)
                vid[key] = oid
                self.source_ids[f"{part.index}|{key}"] = oid
                estate.onprem[oid] = PlanOnPrem(oid, _name(source) + suffix, kind,
                                                source.decl)
            for entry in plan_entries(deployment):
                owner = vid.get(entry.owner_key)
                if owner is None or (entry.role == "vnet" and not self.declares(part, entry)):
                    continue  # a VNet reference merged into the VNet another declares
                if entry.role == "subnet" and self.seen_prefix(owner, entry):
                    continue  # another deployment's view of the same subnet and prefix
                key = f"{part.index}|{entry.owner_key}" if entry.role == ONPREM else owner
                vnet_key = vid.get(entry.vnet_key) if entry.vnet_key else None
                self.add_range(replace(entry, owner_key=key, vnet_key=vnet_key), owner)
        if self.on_premises:
            oid = "onprem:configuration"
            ids.used.add(oid)
            self.source_ids[CONFIG_KEY] = oid
            estate.onprem[oid] = PlanOnPrem(oid, "configuration", "configuration",
                                            self.on_premises[0].loc)
            for configured in self.on_premises:
                self.add_range(PlanEntry(ONPREM, configured, _parse(configured.value),
                                         "the configuration", CONFIG_KEY), oid)

    def seen_prefix(self, subnet: str, entry: PlanEntry) -> bool:
        cidr = str(entry.range.network) if isinstance(entry.range, netmath.Range) else None
        return cidr is not None and any(self.estate.ranges[r].cidr == cidr
                                        for r in self.estate.subnets[subnet].ranges)

    def declares(self, part: _Part, entry: PlanEntry) -> bool:
        """Whether this VNet entry is the VNet's own (not a reference to a VNet another
        deployment declares)."""
        vnet = self.estate.vnets[part.ids[entry.owner_key]]
        return vnet.deployment == part.deployment.root and not (
            isinstance(entry.range, Unresolved) and any(
                self.estate.ranges[r].unknown is None for r in vnet.ranges))

    def add_range(self, entry: PlanEntry, owner: str) -> None:
        estate = self.estate
        suffix = f"-{entry.role}" if entry.role in ("service", "pod") else ""
        rid = self.ids.make("range", f"{owner.split(':', 1)[-1]}{suffix}")
        parsed = entry.range if isinstance(entry.range, netmath.Range) else None
        estate.ranges[rid] = PlanRange(
            rid, entry.role, str(parsed.network) if parsed else None, entry.shown,
            entry.label, owner, entry.text.where, entry.default,
            entry.range.reason if isinstance(entry.range, Unresolved) else None, parsed)
        if entry.role == "vnet":
            estate.vnets[owner].ranges.append(rid)
        elif entry.role == "subnet":
            estate.subnets[owner].ranges.append(rid)
        elif entry.role == ONPREM:
            estate.onprem[owner].ranges.append(rid)
        else:
            getattr(estate.clusters[owner], entry.role).append(rid)
        self.entries.append(entry)
        self.range_of[id(entry)] = rid

    def declare_roles(self) -> None:
        """Subnet roles (node pool, pod subnet, API server, firewall, gateway, other) and the
        capacity of node and pod subnets (the AKS301 arithmetic)."""
        for part in self.parts:
            vid = part.ids
            roles: dict[str, list[str]] = defaultdict(list)

            def mark(value: object, role: str, roles: dict[str, list[str]] = roles,
                     vid: dict[str, str] = vid) -> None:
                if isinstance(value, Subnet) and value.key in vid:
                    roles[vid[value.key]].append(role)

            for cluster in part.deployment.clusters:
                for pool in cluster.node_pools:
                    if pool.present is not False:
                        mark(pool.subnet.value, "nodes")
                        mark(pool.pod_subnet.value, "pods")
                api = cluster.api_server
                if api is not None and api.vnet_integration.value is True:
                    mark(api.subnet.value, "apiserver")
            for firewall in part.deployment.firewalls:
                mark(firewall.subnet.value, "firewall")
            for subnet in part.deployment.subnets:
                sid = vid.get(subnet.key)
                if sid is None:
                    continue
                name = _name(subnet).lower()
                if name in _GATEWAY_SUBNETS:
                    roles[sid].append("gateway")
                elif name in _FIREWALL_SUBNETS:
                    roles[sid].append("firewall")
                found = list(dict.fromkeys(roles.get(sid, [])))
                self.estate.subnets[sid].roles = sorted(found, key=ROLES.index) or ["other"]
            for key, capacity in subnet_capacities(part.deployment).items():
                sid = vid.get(key)
                if sid is None:
                    continue
                usable, demand, short = capacity.usable, capacity.demand, capacity.shortfall
                self.estate.subnets[sid].capacity = Capacity(
                    usable if isinstance(usable, int) else None,
                    demand if isinstance(demand, int) else None,
                    short if isinstance(short, int) else None, capacity.summary(), None, "")

    # -- overlaps, suggestions, free space ---------------------------------------------------

    def networks_of(self, entry: PlanEntry) -> set[str]:
        """The connected networks a range belongs to."""
        networks, links = self.networks, self.links
        if entry.role in ("vnet", "subnet"):
            key = entry.owner_key if entry.role == "vnet" else entry.vnet_key
            return {networks.get(key, key)} if key else set()
        if entry.role in ("service", "pod"):
            return {networks.get(v, v) for v in self.cluster_vnets.get(entry.owner_key, set())}
        if entry.owner_key == CONFIG_KEY:
            return set(networks.values())
        found = {networks.get(v, v) for v, sources in links.vnet_onprem.items()
                 if any(s == entry.owner_key for s, _how in sources)}
        for hub, sites in links.hub_sites.items():
            if entry.owner_key in sites:
                found |= {networks.get(v, v) for v, _how in links.hub_vnets.get(hub, ())}
        return found

    def mark_overlaps(self) -> None:
        """Conflicting pairs (see the module docstring), from one sweep over every range; a
        subnet's pair is left out when its VNet's range overlaps the same range."""
        entries = self.entries
        known = [(e.range, i) for i, e in enumerate(entries)
                 if isinstance(e.range, netmath.Range)]
        pairs = netmath.find_overlaps(known)
        overlapping = {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}
        vnet_entries: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            if e.role == "vnet":
                vnet_entries[e.owner_key].append(i)
        belongs = [self.networks_of(e) for e in entries]
        for a, b in pairs:
            ea, eb = entries[a], entries[b]
            if not belongs[a] & belongs[b] or not _conflict(ea, eb):
                continue
            if any(e.role == "subnet" and any((j, other) in overlapping
                                              for j in vnet_entries.get(str(e.vnet_key), []))
                   for e, other in ((ea, b), (eb, a))):
                continue
            ra = self.estate.ranges[self.range_of[id(ea)]]
            rb = self.estate.ranges[self.range_of[id(eb)]]
            ra.overlaps.append(rb.id)
            rb.overlaps.append(ra.id)

    def network(self, vnets: list[str]) -> Network:
        names = {self.networks.get(v, v) for v in vnets}
        members = {v for v, n in self.networks.items() if n in names} | set(vnets)
        return network_ranges(members, self.entries, self.links, self.cluster_vnets)

    def suggest(self) -> None:
        """Free ranges for marked cluster CIDRs and for subnets short of addresses, each free
        in the whole connected network (earlier proposals of that network count as taken).
        What a finding's message proposes is kept when it is free in the whole estate too,
        so the plan and the findings agree; the rest is proposed after those."""
        estate = self.estate
        entry_of = {self.range_of[id(e)]: e for e in self.entries}
        taken: dict[str, list[netmath.RangeLike]] = defaultdict(list)
        wanted: list[tuple[PlanCluster, str, Suggestion | None]] = []
        for part in self.parts:
            for model in part.deployment.clusters:
                cluster = estate.clusters[part.ids[model.key]]
                for role in ("service", "pod"):
                    if cluster.vnets and any(estate.ranges[r].overlaps
                                             for r in getattr(cluster, role)):
                        wanted.append((cluster, role, part.proposals[model.key][role]))
        # the findings' proposals first, templates' before deployed state's
        wanted.sort(key=lambda w: (w[2] is None or w[2].block is None,
                                   w[0].id in self.deployed_clusters))
        for cluster, role, proposal in wanted:
            network = self.network(cluster.vnets)
            name = self.networks.get(cluster.vnets[0], cluster.vnets[0])
            ids = getattr(cluster, role)
            sibling = cluster.pod if role == "service" else cluster.service
            also = [n for r in sibling if (n := estate.ranges[r].network) is not None]
            blocked = [*taken[name], *also, *netmath.AKS_RESERVED_RANGES,
                       *(e.range for e in network.entries if isinstance(e.range, netmath.Range)
                         and self.range_of[id(e)] not in ids)]
            if proposal is not None and proposal.block is not None and \
                    network.unknown is None and \
                    not any(netmath.overlaps(proposal.block, b) for b in blocked):
                found = proposal
            else:
                found = suggest_cluster_range(tuple(entry_of[r] for r in ids), network,
                                              [*taken[name], *also],
                                              dns_ip=role == "service")
            cluster.suggestions[role] = found
            if found.block is not None:
                taken[name].append(found.block)
        for part in self.parts:
            for subnet in part.deployment.subnets:
                plan_subnet = estate.subnets.get(part.ids.get(subnet.key, ""))
                capacity = plan_subnet.capacity if plan_subnet is not None else None
                if plan_subnet is None or capacity is None or capacity.demand is None or \
                        not capacity.shortfall or capacity.shortfall <= 0:
                    continue
                found = suggest_subnet(subnet, capacity.demand, self.entries,
                                       self.network([plan_subnet.vnet]),
                                       keys=(plan_subnet.id, plan_subnet.vnet))
                capacity.suggestion = str(found.block) if found.block else None
                capacity.suggestion_text = found.text.strip()

    def free_space(self) -> None:
        """The blocks of each VNet's address space that no subnet uses (unknown when a
        subnet prefix is)."""
        estate = self.estate
        for vnet in estate.vnets.values():
            subnets = [estate.ranges[r] for s in vnet.subnets for r in estate.subnets[s].ranges]
            if any(r.network is None for r in subnets):
                continue
            taken = [r.network for r in subnets if r.network is not None]
            for rid in vnet.ranges:
                space = estate.ranges[rid].network
                if space is not None:
                    vnet.free.extend(str(b) for b in netmath.uncovered(space, taken))

    # -- connected networks ----------------------------------------------------------------

    def group(self) -> None:
        estate, links = self.estate, self.links
        groups: dict[str, list[str]] = defaultdict(list)
        for vnet, name in self.networks.items():
            groups[name].append(vnet)
        ids = _Ids()
        for vnets in groups.values():
            members = set(vnets)
            clusters = [c.id for c in estate.clusters.values() if set(c.vnets) & members]
            onprem = list(dict.fromkeys(
                oid for s in onprem_sources(vnets, links)
                if (oid := self.source_ids.get(s)) is not None))
            hubs = sorted({h for v in vnets for h in links.vnet_hubs.get(v, ())})
            plan_links = [PlanLink("peering" if how.startswith("peered") else
                                   "gateway connection", a, b, how)
                          for a, b, how in links.pairs if a in members]
            plan_links += [PlanLink("virtual hub", v, h, f"virtual WAN hub '{estate.hubs[h]}'")
                           for h in hubs for v, _how in links.hub_vnets.get(h, ())
                           if v in members]
            for vnet in vnets:
                for source, how in links.vnet_onprem.get(vnet, ()):
                    if source in self.source_ids:
                        plan_links.append(PlanLink("IPsec", vnet, self.source_ids[source], how))
            for hub in hubs:
                for site in links.hub_sites.get(hub, ()):
                    if site in self.source_ids:
                        plan_links.append(PlanLink("VPN site", hub, self.source_ids[site],
                                                   "VPN connection of the hub's VPN gateway"))
            ranges = [r.id for r in estate.ranges.values()
                      if self.in_network(r, members, clusters, onprem)]
            ranges.sort(key=lambda rid: _address_order(estate.ranges[rid]))
            inside = set(ranges)
            seen: set[tuple[str, str]] = set()
            overlaps = []
            position = {rid: i for i, rid in enumerate(ranges)}
            for rid in ranges:
                for other in estate.ranges[rid].overlaps:
                    if other not in inside:
                        continue
                    pair = (rid, other) if position[rid] < position[other] else (other, rid)
                    if pair not in seen:
                        seen.add(pair)
                        overlaps.append(PlanOverlap(*pair))
            # named by its most connected VNet (the hub), which comes first
            degree = {v: sum(v in (link.a, link.b) for link in plan_links) for v in vnets}
            vnets = sorted(vnets, key=lambda v: (-degree[v], self.first_address(v),
                                                 estate.vnets[v].name))
            name = estate.vnets[vnets[0]].name
            estate.networks.append(ConnectedNetwork(
                ids.make("network", name), name, vnets, clusters, onprem, hubs, plan_links,
                ranges, overlaps))
        estate.networks.sort(key=lambda n: (-len(n.vnets), n.name))

    def first_address(self, vnet: str) -> tuple[int, int]:
        found = [r.network for rid in self.estate.vnets[vnet].ranges
                 if (r := self.estate.ranges[rid]).network is not None]
        return min(((n.version, n.first) for n in found), default=(9, 0))

    def in_network(self, rng: PlanRange, vnets: set[str], clusters: list[str],
                   onprem: list[str]) -> bool:
        if rng.role == "vnet":
            return rng.owner in vnets
        if rng.role == "subnet":
            return self.estate.subnets[rng.owner].vnet in vnets
        if rng.role in ("service", "pod"):
            return rng.owner in clusters
        return rng.owner in onprem

    # -- findings --------------------------------------------------------------------------

    def pin(self, findings: list[Finding]) -> None:
        """Each finding on the VNets, subnets, clusters and on-premises sources it concerns:
        the object the rule looked at, or for an NSG, route table, gateway or DNS zone the
        subnets, VNet or clusters that use it."""
        estate = self.estate
        candidates: dict[str, list[tuple[Deployment, list[str]]]] = defaultdict(list)
        for part in self.parts:
            deployment, vid = part.deployment, part.ids
            targets: dict[str, list[str]] = defaultdict(list)
            for key, oid in vid.items():
                targets[key].append(oid)
            for subnet in deployment.subnets:
                for attached in (subnet.nsg.value, subnet.route_table.value):
                    attached_key = getattr(attached, "key", None)
                    if isinstance(attached_key, str) and subnet.key in vid:
                        targets[attached_key].append(vid[subnet.key])
            for gateway in deployment.gateways:
                vnet = gateway.vnet.value
                if isinstance(vnet, VirtualNetwork) and vnet.key in vid:
                    targets[gateway.key].append(vid[vnet.key])
            for cluster in deployment.clusters:
                api = cluster.api_server
                zone = api.private_dns_zone.value if api is not None else None
                zone_key = getattr(zone, "key", None)
                if isinstance(zone_key, str):
                    targets[zone_key].append(vid[cluster.key])
            for key, found in targets.items():
                candidates[key].append((deployment, list(dict.fromkeys(found))))
        active = [f for f in findings if f.kind.value == "finding"]
        for index, finding in enumerate(active):
            key = finding.subject.split("@", 1)[0].split("#", 1)[0]
            options = candidates.get(key, [])
            paths = {finding.location.path, *(r.location.path for r in finding.related)}
            chosen = next((t for d, t in options if _touches(d, paths)), None)
            if chosen is None and options:
                chosen = options[0][1]
            pinned = PinnedFinding(index, finding, chosen or [])
            estate.findings.append(pinned)
            for target in pinned.targets:
                pinned_on = (estate.vnets.get(target) or estate.subnets.get(target) or
                             estate.clusters.get(target) or estate.onprem.get(target))
                if pinned_on is not None:
                    pinned_on.findings.append(index)


def variant_suffix(deployment: Deployment, varied: set[str]) -> str:
    """` [prod]` for a deployment whose files are deployed with several parameter variants
    (each variant is an estate of its own); nothing for files deployed one way."""
    if deployment.variant and deployment.root in varied:
        return f" [{deployment.variant}]"
    return ""


def _vnet_name(vnet: VirtualNetwork, deployment: Deployment, varied: set[str]) -> str:
    name = vnet.name.value if isinstance(vnet.name.value, str) else vnet.key
    return name + variant_suffix(deployment, varied)


def _space(vnet: VirtualNetwork) -> tuple[str, ...]:
    """A VNet's address space as sorted networks (the identity of a declared VNet, with its
    name)."""
    space = vnet.address_space.value
    found = []
    for entry in space if isinstance(space, tuple) else ():
        parsed = netmath.parse_range(str(entry.value))
        found.append(str(parsed.network) if isinstance(parsed, netmath.Range)
                     else str(entry.value))
    return tuple(sorted(found))


def _known_space(vnet: VirtualNetwork) -> bool:
    space = vnet.address_space.value
    return isinstance(space, tuple) and bool(space) and \
        all(isinstance(e.value, str) for e in space)


def _conflict(a: PlanEntry, b: PlanEntry) -> bool:
    """Whether two overlapping ranges of one network must not share addresses."""
    cluster_roles = ("service", "pod")
    if a.owner_key == b.owner_key and a.role == b.role:
        return False  # two ranges of one VNet, subnet, cluster role or source
    if {a.role, b.role} == {"vnet", "subnet"}:
        vnet, subnet = (a, b) if a.role == "vnet" else (b, a)
        return subnet.vnet_key != vnet.owner_key
    if a.role in cluster_roles and b.role in cluster_roles:
        return a.owner_key == b.owner_key  # service against pod of one cluster
    if a.role == ONPREM and b.role == ONPREM:
        return a.owner_key != b.owner_key
    return True


def _address_order(rng: PlanRange) -> tuple[int, int, int, str]:
    if rng.network is None:
        return (9, 0, 0, rng.id)
    return (rng.network.version, rng.network.first, rng.network.prefix_len, rng.id)


def _touches(deployment: Deployment, paths: set[str]) -> bool:
    decls = {o.decl.path for group in (deployment.clusters, deployment.vnets,
                                       deployment.subnets) for o in group}
    return bool(decls & paths)


def _parse(text: object) -> netmath.Range | Unresolved:
    if not isinstance(text, str):
        return Unresolved("not an address range")
    parsed = netmath.parse_range(text)
    return parsed if isinstance(parsed, netmath.Range) else Unresolved(str(parsed))


def _name(obj: object) -> str:
    name = getattr(obj, "name", None)
    value = name.value if isinstance(name, Field) else None
    return value if isinstance(value, str) else "?"

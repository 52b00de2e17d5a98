"""Network facts for the cluster-network, capacity and egress rules (AKS2xx, AKS3xx).

Derived from the model, format-independent, and exposed in the rule document so that rules
stay data (they compare these values with operators):

- **IP mode** of a cluster (`kubenet`, `overlay`, `azure`, `none`) and of each pool (`flat`,
  `pod-subnet`, `overlay`, `kubenet`).
- **Pool demand**: N = max nodes (max count with autoscaling, else count) + surge (a count,
  or a percentage of max nodes rounded up; 1 when absent). Flat Azure CNI needs
  N x (maxPods + 1) addresses in the node subnet; with a pod subnet the node subnet needs N
  and the pod subnet N x maxPods; overlay and kubenet need N. Default maxPods: flat 30, pod
  subnet 110, overlay 250, kubenet 110 (AKS-RULES.md, AKS301).
- **Subnet capacity**: usable addresses (Azure reserves 5 per prefix) against the sum of the
  demands of the pools sharing the subnet, with the arithmetic as text.
- **Address plan**: every VNet, subnet, service and pod range of the deployment, and for each
  cluster the ranges its service / pod CIDRs overlap among its own VNets, the VNets peered or
  connected to them (a peering in either direction, a `Vnet2Vnet` gateway connection, a
  shared virtual WAN hub), and its own service / pod ranges (one `netmath.find_overlaps`
  sweep per deployment; the links are read once per deployment).
- **Default route** of a subnet: its route table's `0.0.0.0/0` route (next hop type and
  address), none, or unknown.
- **NSGs on node subnets** and the **VNet of each node pool**.

Unknown stays unknown: a demand with any unresolved term, a plan with an unresolved range it
needs, a route table outside the scan are `Unresolved` with the reason, and never fire.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from aksnetlint import netmath
from aksnetlint.document import Leaf, Node, NodeList
from aksnetlint.facts_address_plan import (
    AZURE,  # Azure CNI without overlay: flat, or with pod subnets per pool
    KUBENET,
    NONE,  # bring your own CNI
    OVERLAY,
    AddressPlan,
    ClusterPlan,
    Overlap,
    PlanEntry,
    Suggestion,
    address_plan,
    cluster_mode,
    subnet_labels,
    subnet_vnet,
    suggest_subnet,
)
from aksnetlint.model import (
    Cluster,
    Deployment,
    Field,
    NetworkSecurityGroup,
    NodePool,
    Route,
    RouteTable,
    Subnet,
    VirtualNetwork,
)
from aksnetlint.values import Location, Unresolved

FLAT = "flat"
POD_SUBNET = "pod-subnet"

DEFAULT_MAX_PODS = {FLAT: 30, POD_SUBNET: 110, OVERLAY: 250, KUBENET: 110}
MODE_WORDS = {FLAT: "flat Azure CNI", POD_SUBNET: "Azure CNI with a pod subnet",
              OVERLAY: "Azure CNI Overlay", KUBENET: "kubenet"}
DEFAULT_SURGE = 1
FORWARDING_HOPS = ("virtualappliance", "virtualnetworkgateway")
_SURGE_RE = re.compile(r"(\d+)(%?)")
_DEFAULT_ROUTE_V4 = netmath.IPv4Network("0.0.0.0/0")

Number = int | Unresolved


# -- IP modes -------------------------------------------------------------------------------


def pool_mode(pool: NodePool, mode: str | Unresolved) -> str | Unresolved:
    """How one pool's pods get addresses: `flat`, `pod-subnet`, `overlay` or `kubenet`."""
    if isinstance(mode, Unresolved):
        return mode
    if mode == NONE:
        return Unresolved("bring-your-own CNI: pod addressing depends on the CNI")
    if mode != AZURE:
        return mode
    pod_subnet = pool.pod_subnet.value
    if isinstance(pod_subnet, Unresolved):
        return pod_subnet
    return FLAT if pod_subnet is None else POD_SUBNET


# -- pool demand ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A number in the arithmetic and how it reads (`max 5 nodes`, `30 maxPods (default)`)."""

    value: Number
    text: str
    short: str = ""  # in a list after the first pool: `max 20` for `max 20 nodes`
    default: bool = False  # the value is AKS's default, not written


@dataclass(frozen=True, slots=True)
class PoolDemand:
    pool: NodePool
    cluster: Cluster
    mode: str | Unresolved
    max_nodes: Term
    surge: Term
    max_pods: Term

    @property
    def nodes(self) -> Number:
        return _add(self.max_nodes.value, self.surge.value)

    def addresses(self, role: str) -> Number:
        """Addresses this pool takes in its node subnet (`nodes`) or pod subnet (`pods`)."""
        if isinstance(self.mode, Unresolved):
            return self.mode
        if self.pool.present is None:
            return Unresolved(f"node pool '{_name(self.pool)}' may not be deployed")
        nodes = self.nodes
        if role == "pods":
            return _mul(nodes, self.max_pods.value)
        if self.mode == FLAT:
            return _mul(nodes, _add(self.max_pods.value, 1))
        return nodes

    def formula(self, role: str) -> str:
        nodes = f"({self.max_nodes.text} + {self.surge.text})"
        if role == "pods":
            return f"{nodes} × {self.max_pods.text}"
        if self.mode == FLAT:
            return f"{nodes} × ({self.max_pods.text} + 1)"
        return nodes


def pool_demand(pool: NodePool, cluster: Cluster, mode: str | Unresolved) -> PoolDemand:
    pmode = pool_mode(pool, mode)
    max_nodes = _max_nodes(pool)
    return PoolDemand(pool=pool, cluster=cluster, mode=pmode, max_nodes=max_nodes,
                      surge=_surge(pool, max_nodes.value), max_pods=_max_pods(pool, pmode))


def _max_nodes(pool: NodePool) -> Term:
    autoscaling = pool.autoscaling.value
    if isinstance(autoscaling, Unresolved):
        return Term(autoscaling, "? nodes", "?")
    if autoscaling:
        top = pool.max_count.value
        if top is None:
            return Term(Unresolved("autoscaling without max_count"), "? nodes", "?")
        if isinstance(top, Unresolved):
            return Term(top, "? nodes", "?")
        return Term(top, f"max {top} nodes", f"max {top}")
    count = pool.count.value
    if count is None:
        return Term(1, "1 node (default count)", "1", True)
    if isinstance(count, Unresolved):
        return Term(count, "? nodes", "?")
    return Term(count, f"{count} node" + ("" if count == 1 else "s"), str(count))


def _surge(pool: NodePool, max_nodes: Number) -> Term:
    raw = pool.max_surge.value
    if raw is None:
        return Term(DEFAULT_SURGE, f"{DEFAULT_SURGE} default surge", str(DEFAULT_SURGE), True)
    if isinstance(raw, Unresolved):
        return Term(raw, "? surge", "?")
    match = _SURGE_RE.fullmatch(raw.strip())
    if match is None:
        return Term(Unresolved(f"max_surge {raw!r} is not a node count or a percentage"),
                    "? surge", "?")
    number, percent = int(match.group(1)), bool(match.group(2))
    if not percent:
        return Term(number, f"{number} surge", str(number))
    if isinstance(max_nodes, Unresolved):
        return Term(max_nodes, f"{number}% surge", f"{number}%")
    surge = math.ceil(max_nodes * number / 100)
    return Term(surge, f"{surge} surge ({number}% of {max_nodes}, rounded up)", str(surge))


def _max_pods(pool: NodePool, mode: str | Unresolved) -> Term:
    written = pool.max_pods.value
    if isinstance(written, Unresolved):
        return Term(written, "? maxPods")
    if written is not None:
        return Term(written, f"{written} maxPods")
    if isinstance(mode, Unresolved):
        return Term(mode, "? maxPods")
    default = DEFAULT_MAX_PODS[mode]
    return Term(default, f"{default} default maxPods", str(default), True)


# -- subnet capacity --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Use:
    """One pool's use of one subnet: for its nodes, or for its pods (pod subnet)."""

    demand: PoolDemand
    role: str  # "nodes" | "pods"

    @property
    def addresses(self) -> Number:
        return self.demand.addresses(self.role)


@dataclass(frozen=True, slots=True)
class SubnetCapacity:
    subnet: Subnet
    usable: Number
    usable_text: str
    uses: tuple[Use, ...]

    @property
    def demand(self) -> Number:
        total: Number = 0
        for use in self.uses:
            total = _add(total, use.addresses)
        return total

    @property
    def shortfall(self) -> Number:
        return _sub(self.demand, self.usable)

    def summary(self) -> str:
        """One line: which pools need how many addresses, and how that adds up."""
        uses = self.uses
        demand = self.demand
        total = "?" if isinstance(demand, Unresolved) else str(demand)
        shapes = {(u.role, u.demand.mode, u.demand.max_pods.value) for u in uses}
        if len(shapes) == 1 and not isinstance(uses[0].demand.mode, Unresolved):
            first = uses[0].demand
            role = uses[0].role
            names = _pool_list(uses)
            nodes: Number = 0
            for use in uses:
                nodes = _add(nodes, use.demand.nodes)
            n = "?" if isinstance(nodes, Unresolved) else str(nodes)
            pods = first.max_pods.value
            p = "?" if isinstance(pods, Unresolved) else str(pods)
            default = " (default)" if first.max_pods.default else ""
            need = "needs" if len(uses) == 1 else "need"
            if role == "pods":
                return (f"{names} {need} {n} × {p} = {total} pod addresses with a pod subnet "
                        f"and maxPods {p}{default}")
            if first.mode == FLAT:
                q = "?" if isinstance(pods, Unresolved) else str(pods + 1)
                return (f"{names} {need} {n} × {q} = {total} with flat Azure CNI and "
                        f"maxPods {p}{default}")
            word = MODE_WORDS.get(str(first.mode), str(first.mode))
            return f"{names} {need} {total} node addresses with {word}"
        parts = [f"pool {_name(u.demand.pool)} {u.demand.formula(u.role)} = "
                 f"{_num(u.addresses)}" for u in uses]
        return f"{' + '.join(parts)}; together {total}"

    def explain(self) -> str:
        lines = [f"subnet '{_name(self.subnet)}' {self.usable_text}"]
        for use in self.uses:
            mode = use.demand.mode
            how = "pod subnet" if use.role == "pods" else MODE_WORDS.get(str(mode), "?")
            if isinstance(mode, Unresolved):
                how = f"unknown: {mode.reason}"
            lines.append(f"  pool '{_name(use.demand.pool)}' of cluster "
                         f"'{_name(use.demand.cluster)}' ({how}): "
                         f"{use.demand.formula(use.role)} = {_num(use.addresses)}")
        demand, usable = self.demand, self.usable
        sums = " + ".join(_num(u.addresses) for u in self.uses)
        line = f"  demand {sums} = {_num(demand)}"
        if not isinstance(demand, Unresolved) and not isinstance(usable, Unresolved):
            relation = ">" if demand > usable else "<="
            line += f" {relation} {usable} usable"
            if demand > usable:
                line += f": {demand - usable} short"
        lines.append(line)
        return "\n".join(lines)


def usable_addresses(subnet: Subnet) -> tuple[Number, str]:
    """Usable addresses of a subnet (5 reserved per prefix by Azure) and how they were
    counted. A dual-stack subnet gives every node one address of each version, so the
    smaller version total is the capacity."""
    prefixes = subnet.address_prefixes.value
    if isinstance(prefixes, Unresolved):
        return prefixes, "(address prefixes unknown)"
    if not prefixes:
        return Unresolved(f"subnet '{_name(subnet)}' has no address prefix"), "(no prefix)"
    by_version: dict[int, int] = defaultdict(int)
    texts = []
    for entry in prefixes:
        text = entry.value
        if isinstance(text, Unresolved):
            return text, "(an address prefix is unknown)"
        parsed = netmath.parse_range(text)
        if isinstance(parsed, netmath.InvalidRange):
            return Unresolved(f"not an address range: {parsed}"), f"{text} (invalid)"
        by_version[parsed.version] += netmath.usable_addresses(parsed)
        texts.append(str(parsed.network))
    usable = min(by_version.values())
    if len(prefixes) == 1:
        size = netmath.address_count(netmath.parse_range(texts[0]))  # type: ignore[arg-type]
        how = (f"{texts[0]}: {size} addresses − {netmath.AZURE_RESERVED_PER_SUBNET} reserved "
               f"by Azure = {usable} usable")
    else:
        version = min(by_version, key=lambda v: by_version[v])
        how = (f"{', '.join(texts)}: {usable} usable IPv{version} addresses "
               f"({netmath.AZURE_RESERVED_PER_SUBNET} reserved by Azure per prefix)")
    return usable, how


def subnet_uses(deployment: Deployment) -> dict[str, list[Use]]:
    """Every pool's use of a subnet in the scan, by subnet key, in declaration order."""
    uses: dict[str, list[Use]] = defaultdict(list)
    for cluster in deployment.clusters:
        mode = cluster_mode(cluster)
        for pool in cluster.node_pools:
            if pool.present is False:
                continue
            demand = pool_demand(pool, cluster, mode)
            if isinstance(pool.subnet.value, Subnet):
                uses[pool.subnet.value.key].append(Use(demand, "nodes"))
            if isinstance(pool.pod_subnet.value, Subnet) and demand.mode == POD_SUBNET:
                uses[pool.pod_subnet.value.key].append(Use(demand, "pods"))
    return uses


def subnet_capacities(deployment: Deployment) -> dict[str, SubnetCapacity]:
    """Capacity of every subnet in the scan that node pools use (for nodes or pods)."""
    uses = subnet_uses(deployment)
    found = {}
    for subnet in deployment.subnets:
        if subnet.key in uses:
            usable, text = usable_addresses(subnet)
            found[subnet.key] = SubnetCapacity(subnet, usable, text, tuple(uses[subnet.key]))
    return found


# -- default route ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DefaultRoute:
    """What a subnet's `0.0.0.0/0` traffic does, from its route table."""

    next_hop_type: str | None | Unresolved  # None: no route table, or no 0.0.0.0/0 route
    next_hop_ip: str | None | Unresolved
    description: str
    table: RouteTable | None = None
    route: Route | None = None


def default_route(subnet: Subnet) -> DefaultRoute:
    table = subnet.route_table.value
    if isinstance(table, Unresolved):
        return DefaultRoute(table, None, "route table unknown")
    if isinstance(table, str):
        return DefaultRoute(Unresolved(f"route table {table} is not in the scan"), None,
                            "route table outside the scan")
    if table is None:
        return DefaultRoute(None, None, f"node subnet '{_name(subnet)}' has no route table")
    unknown: Unresolved | None = None
    for route in table.routes:
        prefix = route.address_prefix.value
        if isinstance(prefix, Unresolved):
            unknown = unknown or prefix
            continue
        parsed = netmath.parse_range(prefix)
        if isinstance(parsed, netmath.Range) and parsed.network == _DEFAULT_ROUTE_V4:
            hop = route.next_hop_type.value
            where = (f"route '{_text(route.name.value)}' in route table '{_name(table)}' of "
                     f"node subnet '{_name(subnet)}'")
            hop_text = "?" if isinstance(hop, Unresolved) else hop
            ip = route.next_hop_ip.value
            target = f" {ip}" if isinstance(ip, str) else ""
            return DefaultRoute(hop, ip, f"{where} sends 0.0.0.0/0 to {hop_text}{target}",
                                table, route)
    if unknown is not None:
        return DefaultRoute(unknown, None, "a route prefix is unknown", table)
    return DefaultRoute(None, None, f"route table '{_name(table)}' of node subnet "
                        f"'{_name(subnet)}' has no 0.0.0.0/0 route", table)


# -- the document -----------------------------------------------------------------------------


def attach_network_facts(root: Node, deployment: Deployment,
                         on_premises: tuple[Field[str], ...] = ()) -> None:
    """Add the facts to the rule document: `capacity`, `node_pools` and `default_route` on
    every subnet node, `node_subnets` on NSG nodes, `address_plan` and `vnet_key` on
    clusters and their pools, and `$.address_plan.ranges` (when the deployment has a
    cluster)."""
    capacities = subnet_capacities(deployment)
    plan = address_plan(deployment, on_premises)
    node_users: dict[str, list[Use]] = defaultdict(list)
    for key, uses in subnet_uses(deployment).items():
        node_users[key] = [u for u in uses if u.role == "nodes"]
    subnets = {s.key: s for s in deployment.subnets}
    nsg_subnets: dict[str, list[Subnet]] = defaultdict(list)
    for subnet in deployment.subnets:
        nsg = subnet.nsg.value
        if isinstance(nsg, NetworkSecurityGroup) and node_users.get(subnet.key):
            nsg_subnets[nsg.key].append(subnet)
    clusters = {c.key: c for c in deployment.clusters}
    for node, kind, found in list(_objects(root)):
        key = str(found)
        if kind == "subnet" and key in subnets:
            node["default_route"] = _route_node(default_route(subnets[key]), subnets[key])
            node["node_pools"] = NodeList([_pool_ref(u.demand) for u in node_users.get(key, [])])
            if key in capacities:
                node["capacity"] = _capacity_node(capacities[key], plan)
        elif kind == "networksecuritygroup":
            node["node_subnets"] = NodeList([_subnet_ref(s) for s in nsg_subnets.get(key, [])])
        elif kind == "cluster" and key in plan.clusters:
            node["address_plan"] = _plan_node(plan.clusters[key], clusters[key])
            pools = node.get("node_pools")
            if isinstance(pools, NodeList):
                for pool_node, pool in zip(pools, clusters[key].node_pools, strict=False):
                    if isinstance(pool_node, Node):
                        pool_node["vnet_key"] = Leaf(
                            _outside_vnet(subnet_vnet(pool.subnet.value), deployment),
                            pool.subnet)
                        subnet_name, vnet_name = subnet_labels(pool.subnet.value)
                        pool_node["subnet_name"] = Leaf(subnet_name, pool.subnet)
                        pool_node["vnet_name"] = Leaf(vnet_name, pool.subnet)
    ranges = NodeList([_range_node(e, i) for i, e in enumerate(plan.entries)]) \
        if deployment.clusters else NodeList([])
    summary = Node("address_plan", None)
    summary["ranges"] = ranges
    root["address_plan"] = summary


def _outside_vnet(key: str | Unresolved | None, deployment: Deployment
                  ) -> str | Unresolved | None:
    """A VNet known only from a subnet ID is another VNet than those in the scan, unless one
    of them carries the same name (the ID may point at it: which one cannot be told)."""
    if isinstance(key, str) and key.startswith("external:"):
        name = key.removeprefix("external:")
        if any(isinstance(v.name.value, str) and v.name.value.lower() == name
               for v in deployment.vnets):
            return Unresolved(f"a subnet ID names VNet '{name}', which the scan declares too")
    return key


def _objects(root: Node) -> Iterator[tuple[Node, str, object]]:
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            kind, key = item.get("kind"), item.get("key")
            yield item, str(kind), key.value if isinstance(key, Leaf) else None
            stack.extend(v for k, v in item.items() if k != "kind")
        elif isinstance(item, NodeList):
            stack.extend(item)


def _leaf(value: object, loc: Location | None) -> Leaf:
    return Leaf(value, Field(value, loc))


def _text_leaf(text: str | None) -> Leaf:
    return Leaf(text, None)


def _capacity_node(capacity: SubnetCapacity, plan: AddressPlan) -> Node:
    subnet = capacity.subnet
    node = Node("capacity", subnet.decl)
    where = subnet.address_prefixes.where or subnet.decl
    node["usable"] = _leaf(capacity.usable, where)
    node["demand"] = _leaf(capacity.demand, where)
    node["shortfall"] = _leaf(capacity.shortfall, where)
    node["usable_text"] = _text_leaf(capacity.usable_text)
    node["summary"] = _text_leaf(capacity.summary())
    node["explain"] = _text_leaf(capacity.explain())
    node["pools"] = NodeList([_pool_ref(u.demand, u.role) for u in capacity.uses])
    node["advice"] = _text_leaf(_capacity_advice(capacity))
    suggestion = capacity_suggestion(capacity, plan)
    node["suggestion"] = _text_leaf(suggestion.text)
    node["suggested_range"] = _text_leaf(str(suggestion.block) if suggestion.block else None)
    short = capacity.shortfall
    node["shortfall_text"] = _text_leaf(
        f"{_num(short)} address{'' if short == 1 else 'es'}" if isinstance(short, int | float)
        else "?")
    return node


def capacity_suggestion(capacity: SubnetCapacity, plan: AddressPlan) -> Suggestion:
    """Where a subnet large enough for its pools at full scale fits (only for a subnet that
    is short, and only when every range it depends on is known)."""
    short, demand = capacity.shortfall, capacity.demand
    if not isinstance(short, int) or short <= 0 or not isinstance(demand, int):
        return Suggestion(None, "")
    vnet = capacity.subnet.vnet.value
    network = plan.network_of([vnet.key]) if isinstance(vnet, VirtualNetwork) else None
    return suggest_subnet(capacity.subnet, demand, plan.entries, network)


def _capacity_advice(capacity: SubnetCapacity) -> str:
    """What to change, by how the pools on the subnet take addresses: maxPods and Azure
    CNI Overlay only help where every pod takes a subnet address."""
    modes = {u.demand.mode for u in capacity.uses if u.role == "nodes"}
    if modes and modes <= {FLAT}:
        return ("Enlarge the subnet, lower maxPods or max nodes, or move to Azure CNI Overlay "
                "(one address per node)")
    if any(u.role == "pods" for u in capacity.uses):
        return "Enlarge the subnet, or lower maxPods or max nodes of the pools that use it"
    return "Enlarge the subnet or lower the max nodes of the pools that use it"


def _pool_ref(demand: PoolDemand, role: str = "nodes") -> Node:
    pool = demand.pool
    node = Node("pool_demand", pool.decl)
    node["key"] = _text_leaf(pool.key)
    node["name"] = _text_leaf(_name(pool))
    node["cluster"] = _text_leaf(_name(demand.cluster))
    node["role"] = _text_leaf(role)
    node["mode"] = Leaf(demand.mode, None)
    node["nodes"] = Leaf(demand.nodes, None)
    node["max_pods"] = Leaf(demand.max_pods.value, None)
    node["addresses"] = Leaf(demand.addresses(role), None)
    node["description"] = _text_leaf(
        f"node pool '{_name(pool)}' ({demand.formula(role)} = {_num(demand.addresses(role))} "
        f"addresses{' in its pod subnet' if role == 'pods' else ''})")
    return node


def _subnet_ref(subnet: Subnet) -> Node:
    node = Node("subnet_ref", subnet.decl)
    node["key"] = _text_leaf(subnet.key)
    node["name"] = _text_leaf(_name(subnet))
    node["description"] = _text_leaf(f"node subnet '{_name(subnet)}'")
    return node


def _route_node(route: DefaultRoute, subnet: Subnet) -> Node:
    node = Node("default_route", route.route.decl if route.route else None)
    if route.route is not None:
        hop = route.route.next_hop_type
        node["next_hop_type"] = Leaf(hop.value, hop)
    else:
        loc = route.table.decl if route.table is not None else subnet.decl
        node["next_hop_type"] = _leaf(route.next_hop_type, loc)
    node["next_hop_ip"] = Leaf(route.next_hop_ip, None)
    node["description"] = _text_leaf(route.description)
    node["subnet"] = _leaf(_name(subnet), subnet.decl)
    table = route.table
    node["table"] = _leaf(_name(table), table.decl) if table is not None else Leaf(None, None)
    node["route"] = _leaf(_text(route.route.name.value), route.route.decl) \
        if route.route is not None else Leaf(None, None)
    return node


def _plan_node(plan: ClusterPlan, cluster: Cluster) -> Node:
    node = Node("address_plan", cluster.decl)
    node["mode"] = Leaf(plan.mode, None)
    node["vnet_key"] = Leaf(plan.vnet_key, None)
    node["service_ranges"] = NodeList([Leaf(e.text.value, e.text) for e in plan.service])
    node["pod_ranges"] = NodeList([Leaf(e.text.value, e.text) for e in plan.pod])
    node["service_overlaps"] = _overlaps_node(plan.service_overlaps)
    node["pod_overlaps"] = _overlaps_node(plan.pod_overlaps)
    for role, suggestion in (("service", plan.service_suggestion),
                             ("pod", plan.pod_suggestion)):
        node[f"{role}_suggestion"] = _text_leaf(suggestion.text if suggestion else "")
        node[f"{role}_suggested_range"] = _text_leaf(
            str(suggestion.block) if suggestion and suggestion.block else None)
    return node


def _overlaps_node(overlaps: tuple[Overlap, ...] | Unresolved) -> object:
    if isinstance(overlaps, Unresolved):
        return Leaf(overlaps, None)
    items: list[object] = []
    for overlap in overlaps:
        other = overlap.other
        item = Node("overlap", other.text.where)
        item["description"] = _text_leaf(overlap.description)
        item["range"] = Leaf(other.text.value, other.text)
        item["own"] = Leaf(overlap.own.text.value, overlap.own.text)
        item["role"] = _text_leaf(other.role)
        items.append(item)
    return NodeList(items)


def _range_node(entry: PlanEntry, index: int) -> Node:
    node = Node("plan_range", entry.text.where)
    node["key"] = _text_leaf(f"{entry.owner_key}#{entry.role}[{index}]")
    node["role"] = _text_leaf(entry.role)
    node["range"] = Leaf(entry.text.value, entry.text)
    node["owner"] = _text_leaf(entry.owner)
    node["description"] = _text_leaf(entry.label)
    return node


# -- helpers ---------------------------------------------------------------------------------


def _add(a: Number, b: Number) -> Number:
    if isinstance(a, Unresolved):
        return a
    if isinstance(b, Unresolved):
        return b
    return a + b


def _mul(a: Number, b: Number) -> Number:
    if isinstance(a, Unresolved):
        return a
    if isinstance(b, Unresolved):
        return b
    return a * b


def _sub(a: Number, b: Number) -> Number:
    if isinstance(a, Unresolved):
        return a
    if isinstance(b, Unresolved):
        return b
    return a - b


def _num(value: Number) -> str:
    return "?" if isinstance(value, Unresolved) else str(value)


def _pool_list(uses: tuple[Use, ...]) -> str:
    parts = []
    for i, use in enumerate(uses):
        demand = use.demand
        if i == 0:
            parts.append(f"{_name(demand.pool)} ({demand.max_nodes.text} + {demand.surge.text})")
        else:
            parts.append(f"{_name(demand.pool)} ({demand.max_nodes.short} + "
                         f"{demand.surge.short})")
    if len(parts) == 1:
        return f"pool {parts[0]}"
    return f"pools {', '.join(parts[:-1])} and {parts[-1]}"


def _name(obj: object) -> str:
    name = getattr(obj, "name", None)
    value = name.value if isinstance(name, Field) else None
    return value if isinstance(value, str) else "?"


def _text(value: object) -> str:
    return value if isinstance(value, str) else "?"

"""Azure resource JSON, as Azure's tools print deployed resources: recognition by content,
and conversion into the ARM resource shape that the ARM normaliser reads.

Two shapes reach us:
- the **ARM resource shape** (`id`, `name`, `type`, `location`, `properties` with ARM casing)
  that `az resource show|list`, `az rest`, the REST API and Azure Resource Graph print
  (Resource Graph lower-cases `type`);
- the **SDK shape** of the az CLI's own commands (`az aks show`, `az network vnet list`…):
  the Python SDK models serialised with their properties flattened beside `id`, `name` and
  `type`, in the SDK's camelCase (`authorizedIpRanges`, `vnetSubnetId`, `dnsServiceIp`) and
  with `null` for what is not set. Sub-resources inside a resource (a VNet's subnets, a
  route table's routes, an NSG's rules, IP configurations) are flattened the same way.

A file holds one resource object, an array of them (`az … list`), or a wrapper: Resource
Graph's `{"count", "data": [...], "skip_token", "total_records"}` (`az graph query -o json`)
or a REST list's `{"value": [...], "nextLink"}`. An object is a resource when its `id` is a
full Azure resource ID whose type is its `type`; a file is resource JSON when it has at
least one. Anything else (package.json, tsconfig, data files) is not.

Conversion keeps every value's location: the SDK shape is regrouped (envelope keys at the
top, the rest under a `properties` object located at the resource's `{`), keys take the
ARM spelling (`ARM_CASING`), and nulls stay nulls (the normaliser reads them as absent, so
the documented service defaults apply).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aksnetlint.normalise.arm import SUPPORTED_TYPES
from aksnetlint.parsers.arm import ArmDocument, JsonPath
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Sourced

FORMAT = "azure-resources"
"""The format tag of deployed resources (rules' `formats`, `Deployment.format`)."""

WRAPPERS = ("data", "value")
"""Keys of the objects that wrap a list of resources: Resource Graph (`data`) and REST list
responses (`value`)."""

ENVELOPE = frozenset({
    "id", "name", "type", "location", "tags", "sku", "identity", "kind", "etag", "zones",
    "extendedlocation", "plan", "managedby", "systemdata", "resourcegroup", "subscriptionid",
    "tenantid", "apiversion",
})
"""Keys that ARM writes beside `properties` (the az CLI adds `resourceGroup`, Resource
Graph `subscriptionId` and `tenantId`); in the SDK shape everything else is a property."""

SUB_ENVELOPE = frozenset({"id", "name", "type", "etag", "resourcegroup"})
"""Keys of a sub-resource (a subnet inside its VNet, a route) beside its `properties`."""

_ARM_SPELLINGS = (
    # envelope and shared
    "id", "name", "type", "location", "identity", "properties", "etag", "tags", "sku",
    "provisioningState",
    # virtual networks, subnets, peerings
    "addressSpace", "addressPrefixes", "addressPrefix", "dhcpOptions", "dnsServers",
    "subnets", "delegations", "serviceName", "routeTable", "networkSecurityGroup",
    "natGateway", "virtualNetworkPeerings", "remoteVirtualNetwork", "remoteAddressSpace",
    "remoteVirtualNetworkAddressSpace",
    # route tables and NSGs
    "routes", "nextHopType", "nextHopIpAddress", "securityRules", "defaultSecurityRules",
    "direction", "access", "priority", "protocol", "sourceAddressPrefixes",
    "sourceAddressPrefix", "destinationPortRanges", "destinationPortRange",
    # public IPs, NAT gateways, firewalls, gateways, connections, DNS
    "ipAddress", "ipPrefix", "publicIpAddresses", "publicIpPrefixes", "ipConfigurations",
    "subnet", "privateIPAddress", "publicIPAddress", "hubIPAddresses", "gatewayType",
    "vpnType", "connectionType", "virtualNetworkGateway1", "virtualNetworkGateway2",
    "localNetworkGateway2", "localNetworkAddressSpace", "gatewayIpAddress", "virtualNetwork",
    "registrationEnabled", "virtualHub", "connections", "remoteVpnSite",
    # subnet users
    "virtualMachineProfile", "networkProfile", "networkInterfaceConfigurations",
    "frontendIPConfigurations", "gatewayIPConfigurations",
    # managed clusters and agent pools
    "agentPoolProfiles", "mode", "vnetSubnetID", "podSubnetID", "maxPods", "count",
    "minCount", "maxCount", "enableAutoScaling", "upgradeSettings", "maxSurge",
    "enableNodePublicIP", "apiServerAccessProfile", "enablePrivateCluster",
    "authorizedIPRanges", "apiServerAuthorizedIPRanges", "privateDNSZone",
    "enablePrivateClusterPublicFQDN", "enableVnetIntegration", "subnetId", "addonProfiles",
    "httpApplicationRouting", "enabled", "servicePrincipalProfile", "clientId",
    "networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane",
    "ebpfDataplane", "outboundType", "podCidr", "podCidrs", "serviceCidr", "serviceCidrs",
    "dnsServiceIP", "loadBalancerSku", "loadBalancerProfile", "effectiveOutboundIPs",
    "outboundIPs", "publicIPs", "outboundIPPrefixes", "publicIPPrefixes",
    "natGatewayProfile", "fqdn", "privateFQDN", "nodeResourceGroup",
)
ARM_CASING: dict[str, str] = {name.lower(): name for name in _ARM_SPELLINGS}
"""ARM's spelling of every property the model reads, by its lower-cased name. The SDK's
camelCase differs from it only in case (`authorizedIpRanges` / `authorizedIPRanges`,
`vnetSubnetId` / `vnetSubnetID`, `enableNodePublicIp` / `enableNodePublicIP`, `privateFqdn` /
`privateFQDN`, `eTag` / `etag`), so the lower-cased name finds it; other keys are kept as
written. ARM property names are case-insensitive (and the normaliser matches them so): where
ARM itself spells a name two ways (`publicIpPrefixes` on a NAT gateway, `publicIPPrefixes`
in a cluster's load balancer profile), one spelling serves both."""

_Tree = dict[str, "tuple[bool, _Tree]"]


def _tree(*paths: str) -> _Tree:
    """Sub-resource collections as a tree. In each path, `.` steps through a plain object
    and the last step names a list of sub-resources; `a>b` is list `b` inside the entries of
    list `a`."""
    tree: _Tree = {}
    for path in paths:
        node = tree
        for part in path.split(">"):
            *objects, collection = part.split(".")
            for step in objects:
                node = node.setdefault(step.lower(), (False, {}))[1]
            node = node.setdefault(collection.lower(), (True, {}))[1]
    return tree


SUB_RESOURCES: dict[str, _Tree] = {
    "microsoft.network/virtualnetworks": _tree("subnets>delegations", "virtualNetworkPeerings"),
    "microsoft.network/virtualnetworks/subnets": _tree("delegations"),
    "microsoft.network/routetables": _tree("routes"),
    "microsoft.network/networksecuritygroups": _tree("securityRules", "defaultSecurityRules"),
    "microsoft.network/virtualnetworkgateways": _tree("ipConfigurations"),
    "microsoft.network/azurefirewalls": _tree("ipConfigurations"),
    "microsoft.network/vpngateways": _tree("connections"),
    "microsoft.network/networkinterfaces": _tree("ipConfigurations"),
    "microsoft.network/privatelinkservices": _tree("ipConfigurations"),
    "microsoft.network/loadbalancers": _tree("frontendIPConfigurations"),
    "microsoft.network/applicationgateways": _tree("gatewayIPConfigurations"),
    "microsoft.compute/virtualmachinescalesets": _tree(
        "virtualMachineProfile.networkProfile.networkInterfaceConfigurations>ipConfigurations"),
}
"""Per resource type, the collections whose entries are sub-resources with their own
`properties` in ARM (and flattened in the SDK shape). A managed cluster's
`agentPoolProfiles` are not: ARM writes them without `properties` too."""


# ---------------------------------------------------------------------------------------
# Resource IDs

def resource_key(resource_id: str) -> str | None:
    """The lower-cased full resource ID (`/subscriptions/…/providers/…`, empty segments
    dropped): the key deployed resources are linked by. Unlike templates, deployed IDs name
    their subscription and resource group, and two resources may differ only there. None
    when the text is not a resource ID."""
    if not isinstance(resource_id, str):
        return None
    segments = [part for part in resource_id.strip().split("/") if part]
    lowered = [part.lower() for part in segments]
    if resource_type_of(resource_id) is None:
        return None
    return "/" + "/".join(lowered)


def resource_type_of(resource_id: str) -> str | None:
    """The lower-cased resource type an ID names (`microsoft.network/virtualnetworks/
    subnets`), from its last `providers` segment; None when it is not a resource ID
    (`/subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>…`, or a
    subscription- or tenant-level one)."""
    segments = [part for part in resource_id.strip().split("/") if part]
    if not resource_id.lstrip().startswith("/") or not segments:
        return None
    lowered = [part.lower() for part in segments]
    if lowered[0] == "subscriptions":
        if len(lowered) < 4:
            return None
        if lowered[2] == "resourcegroups" and (len(lowered) < 6 or lowered[4] != "providers"):
            return None
        if lowered[2] not in ("resourcegroups", "providers"):
            return None
    elif lowered[0] != "providers":
        return None
    starts = [i for i, part in enumerate(lowered) if part == "providers"]
    start = starts[-1]
    rest = lowered[start + 1:]
    if len(rest) < 3 or len(rest) % 2 == 0 or "." not in rest[0]:
        return None
    return "/".join([rest[0], *rest[1::2]])


def is_resource(obj: object) -> bool:
    """An object with a full resource `id` whose type is its `type`."""
    if not isinstance(obj, dict):
        return False
    rid, rtype = obj.get("id"), obj.get("type")
    if not isinstance(rid, str) or not isinstance(rtype, str):
        return False
    return resource_type_of(rid) == rtype.strip().strip("/").lower()


# ---------------------------------------------------------------------------------------
# Recognition

def resource_paths(data: Any) -> list[JsonPath] | None:
    """Where the resources of a decoded JSON file are (`()` for a single object, `(3,)` for
    an array entry, `("data", 3)` in a Resource Graph result), or None when the file is not
    resource JSON. An ARM template is not (it has `$schema`); an array must hold only
    objects."""
    if isinstance(data, dict):
        if "$schema" in data:
            return None
        if is_resource(data):
            return [()]
        for wrapper in WRAPPERS:
            entries = data.get(wrapper)
            if isinstance(entries, list):
                found = _entries(entries, (wrapper,))
                if found:
                    return found
        return None
    if isinstance(data, list):
        return _entries(data, ()) or None
    return None


def _entries(entries: list[Any], prefix: JsonPath) -> list[JsonPath]:
    if not all(isinstance(entry, dict) for entry in entries):
        return []
    return [(*prefix, i) for i, entry in enumerate(entries) if is_resource(entry)]


# ---------------------------------------------------------------------------------------
# Conversion

def resources_of(document: ArmDocument, paths: list[JsonPath]) -> Iterator[ResolvedResource]:
    """The resources at `paths` that the model reads, in the ARM shape, every value
    located. Other types (storage accounts, VMs) are skipped without being converted."""
    reader = _Reader(document)
    for path in paths:
        raw = _at(document.data, path)
        rtype = str(raw["type"]).strip().strip("/")
        if rtype.lower() not in SUPPORTED_TYPES:
            continue
        rid = str(raw["id"]).strip()
        key = resource_key(rid)
        assert key is not None  # is_resource checked it
        span = document.source.span(path)
        body = reader.resource(span, raw, SUB_RESOURCES.get(rtype.lower(), {}), ENVELOPE)
        name = _get_ci(body, "name")
        decl = body.loc
        assert decl is not None
        if name is None or not isinstance(name.data, str):
            name = Sourced(rid.rstrip("/").rsplit("/", 1)[-1], decl)
        yield ResolvedResource(format="arm", type=rtype, address=key, name=name, body=body,
                               decl=decl, present=True, api_version=None, id=rid)


def sub_resource_ids(document: ArmDocument, path: JsonPath) -> Iterator[str]:
    """The `id` of every object inside the resource at `path` (its subnets, pools, rules),
    for reporting their exact IDs."""
    stack: list[Any] = [_at(document.data, path)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            rid = node.get("id")
            if isinstance(rid, str) and resource_key(rid) is not None:
                yield rid.strip()
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))


def arm_name(key: str) -> str:
    return ARM_CASING.get(key.lower(), key)


Span = tuple[int, int]


class _Reader:
    """Builds located values walking down from a known container (each position is found
    from its parent's offset, never from the top of the file again)."""

    def __init__(self, document: ArmDocument) -> None:
        self.source = document.source

    def child(self, span: Span, step: str | int) -> Span:
        return self.source.child_span(span[0], step)

    def resource(self, span: Span, raw: dict[str, Any], nested: _Tree,
                 envelope: frozenset[str]) -> Sourced:
        """A resource or sub-resource object in the ARM shape."""
        loc = self.source.location(*span)
        result: dict[str, Sourced] = {}
        written = next((k for k in raw if k.lower() == "properties"), None)
        if written is not None and isinstance(raw[written], dict):
            for key, value in raw.items():
                item = self.child(span, key)
                if key == written:
                    result["properties"] = self.properties(item, value, nested,
                                                           self.source.location(*item))
                else:
                    result[arm_name(key)] = self.value(item, value)
            return Sourced(result, loc)
        flattened: dict[str, Any] = {}
        for key, value in raw.items():
            if key.lower() in envelope:
                result[arm_name(key)] = self.value(self.child(span, key), value)
            else:
                flattened[key] = value
        # SDK shape: the properties sit beside the envelope; regrouped, located at the `{`
        result["properties"] = self.properties(span, flattened, nested, loc)
        return Sourced(result, loc)

    def properties(self, span: Span, raw: dict[str, Any], nested: _Tree, loc: Any) -> Sourced:
        """A `properties` object (or a plain object on the way to sub-resources): members
        of the object at `span`, sub-resource collections regrouped."""
        result: dict[str, Sourced] = {}
        for key, value in raw.items():
            item = self.child(span, key)
            spec = nested.get(key.lower())
            if spec is None:
                result[arm_name(key)] = self.value(item, value)
                continue
            is_list, inner = spec
            if is_list and isinstance(value, list):
                result[arm_name(key)] = Sourced([
                    self.resource(self.child(item, i), entry, inner, SUB_ENVELOPE)
                    if isinstance(entry, dict) else self.value(self.child(item, i), entry)
                    for i, entry in enumerate(value)], self.source.location(*item))
            elif not is_list and isinstance(value, dict):
                result[arm_name(key)] = self.properties(item, value, inner,
                                                        self.source.location(*item))
            else:
                result[arm_name(key)] = self.value(item, value)
        return Sourced(result, loc)

    def value(self, span: Span, raw: Any) -> Sourced:
        """A JSON value as written, every element located, keys in ARM spelling."""
        loc = self.source.location(*span)
        if isinstance(raw, list):
            return Sourced([self.value(self.child(span, i), item)
                            for i, item in enumerate(raw)], loc)
        if isinstance(raw, dict):
            return Sourced({arm_name(key): self.value(self.child(span, key), item)
                            for key, item in raw.items()}, loc)
        return Sourced(raw, loc)


def _get_ci(value: Sourced, key: str) -> Sourced | None:
    if not isinstance(value.data, dict):
        return None
    for name, item in value.data.items():
        if name.lower() == key:
            return item
    return None


def _at(data: Any, path: JsonPath) -> Any:
    node = data
    for step in path:
        node = node[step]
    return node

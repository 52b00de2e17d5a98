"""Azure resource JSON: recognised by content (precisely: other JSON is not), converted into
the ARM resource shape with every value's location, keys in ARM spelling."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from aksnetlint.parsers.arm import parse
from aksnetlint.parsers.azure_resources import (
    ARM_CASING,
    resource_key,
    resource_paths,
    resource_type_of,
    resources_of,
)
from aksnetlint.values import Sourced

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
CLUSTER_ID = f"{SUB}/resourcegroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks"
VNET_ID = f"{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke"


def sdk_cluster() -> dict[str, Any]:
    """`az aks show` output (SDK shape), trimmed to what matters here."""
    return {
        "agentPoolProfiles": [{"count": 3, "enableNodePublicIp": False, "mode": "System",
                               "name": "system", "vnetSubnetId": f"{VNET_ID}/subnets/nodes"}],
        "apiServerAccessProfile": {"authorizedIpRanges": ["203.0.113.0/24"],
                                   "enablePrivateCluster": False,
                                   "enablePrivateClusterPublicFqdn": None,
                                   "privateDnsZone": None},
        "eTag": "b3f1a485", "fqdn": "aks-1.hcp.westeurope.azmk8s.io", "id": CLUSTER_ID,
        "identity": {"type": "SystemAssigned"}, "location": "westeurope", "name": "aks",
        "networkProfile": {"dnsServiceIp": "10.0.0.10", "networkPlugin": "azure",
                           "serviceCidr": "10.0.0.0/16"},
        "resourceGroup": "rg-aks", "sku": {"name": "Base", "tier": "Free"},
        "type": "Microsoft.ContainerService/ManagedClusters",
    }


def sdk_vnet() -> dict[str, Any]:
    """`az network vnet show` output: subnets and their delegations flattened too."""
    return {
        "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]}, "id": VNET_ID,
        "location": "westeurope", "name": "vnet-spoke", "resourceGroup": "rg-net",
        "subnets": [{
            "addressPrefix": "10.10.0.0/22", "id": f"{VNET_ID}/subnets/nodes", "name": "nodes",
            "delegations": [{"id": f"{VNET_ID}/subnets/nodes/delegations/aks", "name": "aks",
                             "serviceName": "Microsoft.ContainerService/managedClusters",
                             "type": "Microsoft.Network/virtualNetworks/subnets/delegations"}],
            "routeTable": None, "type": "Microsoft.Network/virtualNetworks/subnets"}],
        "type": "Microsoft.Network/virtualNetworks", "virtualNetworkPeerings": [],
    }


def graph_vnet() -> dict[str, Any]:
    """A Resource Graph row: ARM shape, type lower-cased."""
    return {
        "id": VNET_ID, "name": "vnet-spoke", "type": "microsoft.network/virtualnetworks",
        "location": "westeurope", "resourceGroup": "rg-net", "subscriptionId": SUB[15:],
        "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                       "subnets": [{"name": "nodes", "id": f"{VNET_ID}/subnets/nodes",
                                    "properties": {"addressPrefix": "10.10.0.0/22"}}]},
    }


def _document(data: object) -> Any:
    return parse(json.dumps(data, indent=2), "estate.json")


# -- resource IDs -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rid", "rtype"), [
    (CLUSTER_ID, "microsoft.containerservice/managedclusters"),
    (f"{VNET_ID}/subnets/nodes", "microsoft.network/virtualnetworks/subnets"),
    (f"{SUB}/providers/Microsoft.Network/networkWatchers/nw", "microsoft.network/networkwatchers"),
    ("/providers/Microsoft.Management/managementGroups/mg",
     "microsoft.management/managementgroups"),
    (f"{VNET_ID}/providers/Microsoft.Authorization/locks/lock",
     "microsoft.authorization/locks"),
])
def test_resource_type_of_an_id(rid: str, rtype: str) -> None:
    assert resource_type_of(rid) == rtype


@pytest.mark.parametrize("text", [
    "", "/", "vnet-spoke", "subscriptions/x/resourceGroups/rg/providers/A.B/c/d",
    f"{SUB}", f"{SUB}/resourceGroups/rg", f"{SUB}/resourceGroups/rg/providers/Microsoft.Network",
    f"{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks",
    f"{SUB}/resourceGroups/rg/providers/network/virtualNetworks/v",
    "https://example.com/subscriptions/x",
])
def test_text_that_is_no_resource_id(text: str) -> None:
    assert resource_type_of(text) is None
    assert resource_key(text) is None


def test_resource_keys_keep_subscription_and_group_and_ignore_case() -> None:
    other_group = VNET_ID.replace("rg-net", "rg-other")
    assert resource_key(VNET_ID) == resource_key(VNET_ID.upper().replace("/SUBSCRIPTIONS",
                                                                          "/subscriptions"))
    assert resource_key(VNET_ID) != resource_key(other_group)
    assert resource_key(VNET_ID + "/") == resource_key(VNET_ID)


# -- recognition ------------------------------------------------------------------------------

def test_recognises_single_objects_lists_and_wrappers() -> None:
    assert resource_paths(sdk_cluster()) == [()]
    assert resource_paths([sdk_vnet(), sdk_cluster()]) == [(0,), (1,)]
    graph = {"count": 1, "data": [graph_vnet()], "skip_token": None, "total_records": 1}
    assert resource_paths(graph) == [("data", 0)]
    assert resource_paths({"value": [graph_vnet()], "nextLink": None}) == [("value", 0)]


def test_rows_without_a_resource_id_are_left_out() -> None:
    rows = [{"name": "x", "type": "microsoft.network/virtualnetworks"}, graph_vnet()]
    assert resource_paths({"data": rows}) == [("data", 1)]
    assert resource_paths({"data": rows[:1]}) is None  # a projection: names and types only


@pytest.mark.parametrize("data", [
    {"name": "my-app", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}},
    {"compilerOptions": {"strict": True, "paths": {"@/*": ["src/*"]}}},
    [1, 2, 3], [], {}, "text", 42, None,
    [{"id": 1, "type": "point"}],
    {"id": VNET_ID, "type": "Microsoft.Network/routeTables"},  # the id names another type
    {"id": VNET_ID},
    [sdk_vnet(), "stray"],
    {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
     "resources": [], "id": VNET_ID, "type": "Microsoft.Network/virtualNetworks"},
    {"data": {"columns": [], "rows": []}},
])
def test_other_json_is_not_resource_json(data: object) -> None:
    assert resource_paths(data) is None


# -- conversion -------------------------------------------------------------------------------

def _props(resource: Any) -> dict[str, Sourced]:
    props = resource.body.data["properties"]
    assert isinstance(props.data, dict)
    return props.data


def test_sdk_shape_is_regrouped_with_arm_spelling_and_lines_kept() -> None:
    document = _document(sdk_cluster())
    (cluster,) = resources_of(document, [()])
    assert cluster.type == "Microsoft.ContainerService/ManagedClusters"
    assert cluster.id == CLUSTER_ID and cluster.address == resource_key(CLUSTER_ID)
    assert set(cluster.body.data) == {"id", "name", "type", "location", "identity", "etag",
                                      "resourceGroup", "sku", "properties"}
    props = _props(cluster)
    profile = props["apiServerAccessProfile"].data
    assert isinstance(profile, dict)
    assert set(profile) == {"authorizedIPRanges", "enablePrivateCluster",
                            "enablePrivateClusterPublicFQDN", "privateDNSZone"}
    assert profile["privateDNSZone"].data is None
    ranges = profile["authorizedIPRanges"]
    text = json.dumps(sdk_cluster(), indent=2).splitlines()
    assert ranges.loc is not None and '"authorizedIpRanges"' in text[ranges.loc.line - 1]
    pool = props["agentPoolProfiles"].data[0].data  # type: ignore[index,union-attr]
    assert set(pool) >= {"vnetSubnetID", "enableNodePublicIP", "count"}  # no `properties`
    assert props["networkProfile"].data["dnsServiceIP"].data == "10.0.0.10"  # type: ignore
    assert props["fqdn"].data == "aks-1.hcp.westeurope.azmk8s.io"
    assert cluster.decl.line == 1


def test_sdk_sub_resources_get_their_own_properties() -> None:
    (vnet,) = resources_of(_document(sdk_vnet()), [()])
    subnet = _props(vnet)["subnets"].data[0]  # type: ignore[index]
    assert set(subnet.data) == {"id", "name", "type", "properties"}  # type: ignore[arg-type]
    inner = subnet.data["properties"].data  # type: ignore[index,union-attr]
    assert inner["addressPrefix"].data == "10.10.0.0/22"
    delegation = inner["delegations"].data[0].data
    assert delegation["properties"].data["serviceName"].data == \
        "Microsoft.ContainerService/managedClusters"


def test_arm_shape_passes_through() -> None:
    document = _document({"data": [graph_vnet()]})
    (vnet,) = resources_of(document, [("data", 0)])
    subnet = _props(vnet)["subnets"].data[0]  # type: ignore[index]
    assert subnet.data["properties"].data["addressPrefix"].data == "10.10.0.0/22"  # type: ignore
    assert vnet.type == "microsoft.network/virtualnetworks"


def test_unread_types_are_not_converted() -> None:
    account = {"id": f"{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
               "type": "Microsoft.Storage/storageAccounts", "name": "st"}
    assert resource_paths([account]) == [(0,)]
    assert list(resources_of(_document([account]), [(0,)])) == []


# -- the casing map covers what the model reads -----------------------------------------------

_READERS = {"_get", "_first", "_plural", "_pluck", "attr", "get", "_walk"}


def _read_names() -> set[str]:
    """Every property name `normalise/arm.py` reads (string arguments of its lookups and the
    string constants of its path tuples)."""
    source = Path(__file__).resolve().parents[2] / "src" / "aksnetlint" / "normalise" / "arm.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            if called in _READERS:
                names.update(a.value for a in ast.walk(node)
                             if isinstance(a, ast.Constant) and isinstance(a.value, str))
        elif isinstance(node, ast.Tuple):
            strings = [e.value for e in node.elts
                       if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) == len(node.elts) and len(strings) > 1:
                names.update(strings)
    return {n for n in names if n.isidentifier() and n[0].islower() and n != "ci"}


def test_every_property_the_normaliser_reads_has_its_arm_spelling() -> None:
    # the azapi bridge's Terraform attributes, a template's `existing` flag, and values
    ignored = {"parent_id", "body", "identity_ids", "existing", "system", "none"}
    missing = sorted(n for n in _read_names() - ignored if n.lower() not in ARM_CASING)
    assert not missing, ("add the ARM spelling of these properties to ARM_CASING in "
                         f"parsers/azure_resources.py: {missing}")

"""Network facts: pool demand, subnet capacity, address plan overlaps, default routes, and
their place in the rule document; unknown values stay unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnetlint.deployments import LoadOptions, load_terraform
from aksnetlint.discover import discover
from aksnetlint.document import Leaf, NodeList, build_document
from aksnetlint.facts_network import (
    address_plan,
    cluster_mode,
    default_route,
    pool_demand,
    subnet_capacities,
)
from aksnetlint.model import Deployment
from aksnetlint.values import Unresolved

VNET = """
resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = %s
}
"""
SUBNET = """
resource "azurerm_subnet" "%s" {
  name                 = "%s"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = %s
}
"""
CLUSTER = """
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name           = "system"
    vnet_subnet_id = azurerm_subnet.nodes.id
%s
  }
  network_profile {
%s
  }
}
"""


def _deployment(tmp_path: Path, text: str) -> Deployment:
    (tmp_path / "main.tf").write_text(text)
    unit = discover([tmp_path], tmp_path, ()).units[0]
    loaded = load_terraform(unit, LoadOptions(tmp_path))
    assert not loaded.errors, loaded.errors
    return loaded.deployments[0]


def _cluster(tmp_path: Path, pool: str, network: str = 'network_plugin = "azure"',
             prefixes: str = '["10.1.0.0/24"]', space: str = '["10.1.0.0/16"]',
             extra: str = "") -> Deployment:
    return _deployment(tmp_path, VNET % space + SUBNET % ("nodes", "snet-nodes", prefixes) +
                       CLUSTER % (pool, network) + extra)


@pytest.mark.parametrize(("network", "mode"), [
    ('network_plugin = "kubenet"', "kubenet"),
    ('network_plugin = "Azure"', "azure"),
    ('network_plugin = "azure"\nnetwork_plugin_mode = "Overlay"', "overlay"),
    ('network_plugin = "none"', "none"),
])
def test_cluster_mode(tmp_path: Path, network: str, mode: str) -> None:
    deployment = _cluster(tmp_path, "node_count = 1", network)
    assert cluster_mode(deployment.clusters[0]) == mode


@pytest.mark.parametrize("network", [
    'outbound_type = "loadBalancer"', 'network_plugin = "kubernet"',
    'network_plugin = "azure"\nnetwork_plugin_mode = "underlay"'])
def test_cluster_mode_unknown(tmp_path: Path, network: str) -> None:
    deployment = _cluster(tmp_path, "node_count = 1", network)
    assert isinstance(cluster_mode(deployment.clusters[0]), Unresolved)


@pytest.mark.parametrize(("pool", "network", "nodes", "addresses"), [
    ("node_count = 3", 'network_plugin = "azure"', 4, 4 * 31),
    ("node_count = 3\nmax_pods = 50", 'network_plugin = "azure"', 4, 4 * 51),
    ("auto_scaling_enabled = true\nmin_count = 1\nmax_count = 9", 'network_plugin = "azure"',
     10, 10 * 31),
    ("node_count = 3\nupgrade_settings {\nmax_surge = \"3\"\n}", 'network_plugin = "azure"',
     6, 6 * 31),
    ("auto_scaling_enabled = true\nmin_count = 1\nmax_count = 9\n"
     "upgrade_settings {\nmax_surge = \"50%\"\n}", 'network_plugin = "azure"', 14, 14 * 31),
    ("node_count = 3", 'network_plugin = "kubenet"', 4, 4),
    ("node_count = 3", 'network_plugin = "azure"\nnetwork_plugin_mode = "overlay"', 4, 4),
    ("", 'network_plugin = "azure"', 2, 2 * 31),  # count defaults to 1
])
def test_pool_demand(tmp_path: Path, pool: str, network: str, nodes: int,
                     addresses: int) -> None:
    deployment = _cluster(tmp_path, pool, network)
    cluster = deployment.clusters[0]
    demand = pool_demand(cluster.node_pools[0], cluster, cluster_mode(cluster))
    assert demand.nodes == nodes
    assert demand.addresses("nodes") == addresses


def test_pod_subnet_demand(tmp_path: Path) -> None:
    extra = SUBNET % ("pods", "snet-pods", '["10.1.4.0/22"]')
    deployment = _cluster(tmp_path, "node_count = 4\npod_subnet_id = azurerm_subnet.pods.id",
                          extra=extra)
    capacities = subnet_capacities(deployment)
    nodes = capacities["azurerm_subnet.nodes"]
    pods = capacities["azurerm_subnet.pods"]
    assert (nodes.usable, nodes.demand) == (251, 5)
    assert (pods.usable, pods.demand) == (1019, 5 * 110)
    assert "pod subnet" in pods.explain()


def test_capacity_arithmetic_text(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "auto_scaling_enabled = true\nmin_count = 1\nmax_count = 5",
                          prefixes='["10.1.0.0/26"]')
    capacity = subnet_capacities(deployment)["azurerm_subnet.nodes"]
    assert (capacity.usable, capacity.demand, capacity.shortfall) == (59, 186, 127)
    assert capacity.summary() == ("pool system (max 5 nodes + 1 default surge) needs 6 × 31 = "
                                  "186 with flat Azure CNI and maxPods 30 (default)")
    assert capacity.explain().splitlines()[-1] == "  demand 186 = 186 > 59 usable: 127 short"


def test_capacity_unknown_demand(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = var.n",
                          extra='variable "n" {\n  type = number\n}\n')
    capacity = subnet_capacities(deployment)["azurerm_subnet.nodes"]
    assert isinstance(capacity.demand, Unresolved)
    assert isinstance(capacity.shortfall, Unresolved)
    assert capacity.usable == 251


def test_dual_stack_capacity_is_the_smaller_version(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = 3",
                          'network_plugin = "azure"\nnetwork_plugin_mode = "overlay"',
                          prefixes='["10.1.0.0/28", "fd00:1::/64"]',
                          space='["10.1.0.0/16", "fd00:1::/48"]')
    capacity = subnet_capacities(deployment)["azurerm_subnet.nodes"]
    assert capacity.usable == 11
    assert "usable IPv4 addresses" in capacity.usable_text


def test_address_plan_overlaps_and_defaults(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = 1",
                          'network_plugin = "azure"\nnetwork_plugin_mode = "overlay"',
                          prefixes='["10.1.0.0/24"]', space='["10.0.0.0/8"]')
    plan = address_plan(deployment).clusters["azurerm_kubernetes_cluster.aks"]
    assert plan.mode == "overlay"
    assert [e.text.value for e in plan.service] == ["10.0.0.0/16"]
    assert plan.service[0].default and plan.pod[0].default
    assert isinstance(plan.service_overlaps, tuple)
    assert [o.other.label for o in plan.service_overlaps] == ["VNet 'vnet-spoke' 10.0.0.0/8"]
    assert isinstance(plan.pod_overlaps, tuple)
    assert [o.other.text.value for o in plan.pod_overlaps] == ["10.0.0.0/8"]


def test_address_plan_unknown_when_a_needed_range_is(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = 1", space="var.space",
                          extra='variable "space" {\n  type = list(string)\n}\n')
    plan = address_plan(deployment).clusters["azurerm_kubernetes_cluster.aks"]
    assert isinstance(plan.service_overlaps, Unresolved)


def test_address_plan_many_ranges_is_a_sweep(tmp_path: Path) -> None:
    subnets = "".join(SUBNET % (f"s{i}", f"s{i}", f'["10.{i // 256}.{i % 256}.0/24"]')
                      for i in range(400))
    text = VNET % '["10.0.0.0/8"]' + SUBNET % ("nodes", "snet-nodes", '["10.200.0.0/24"]') + \
        subnets + CLUSTER % ("node_count = 1", 'network_plugin = "azure"')
    deployment = _deployment(tmp_path, text)
    plan = address_plan(deployment)
    overlaps = plan.clusters["azurerm_kubernetes_cluster.aks"].service_overlaps
    assert isinstance(overlaps, tuple)
    # the VNet is reported; its subnets inside the service CIDR are not repeated
    assert [o.other.role for o in overlaps] == ["vnet"]
    assert len(plan.entries) == 1 + 401 + 1


ROUTE = """
resource "azurerm_route_table" "rt" {
  name                = "rt"
  location            = "westeurope"
  resource_group_name = "rg"
  route {
    name                   = "default"
    address_prefix         = "%s"
    next_hop_type          = "%s"
    next_hop_in_ip_address = "10.0.0.4"
  }
}
resource "azurerm_subnet_route_table_association" "a" {
  subnet_id      = azurerm_subnet.nodes.id
  route_table_id = azurerm_route_table.rt.id
}
"""


@pytest.mark.parametrize(("prefix", "hop", "expected"), [
    ("0.0.0.0/0", "VirtualAppliance", "VirtualAppliance"),
    ("0.0.0.0/0", "Internet", "Internet"),
    ("10.0.0.0/8", "VirtualAppliance", None),
])
def test_default_route(tmp_path: Path, prefix: str, hop: str, expected: str | None) -> None:
    deployment = _cluster(tmp_path, "node_count = 1", extra=ROUTE % (prefix, hop))
    subnet = next(s for s in deployment.subnets if s.key == "azurerm_subnet.nodes")
    route = default_route(subnet)
    assert route.next_hop_type == expected
    assert "snet-nodes" in route.description


def test_default_route_without_table(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = 1")
    route = default_route(deployment.subnets[0])
    assert route.next_hop_type is None
    assert route.description == "node subnet 'snet-nodes' has no route table"


def test_document_exposes_the_facts(tmp_path: Path) -> None:
    deployment = _cluster(tmp_path, "node_count = 1", prefixes='["10.1.0.0/29"]')
    root = build_document(deployment)
    subnets = root["subnets"]
    assert isinstance(subnets, NodeList)
    subnet = subnets[0]
    capacity = subnet["capacity"]
    assert capacity["usable"].value == 3 and capacity["demand"].value == 62
    assert capacity["usable"].location.line == 13  # the address_prefixes attribute
    pools = capacity["pools"]
    assert isinstance(pools, NodeList) and pools[0]["name"].value == "system"
    assert subnet["default_route"]["next_hop_type"].value is None
    cluster = root["clusters"][0]
    assert cluster["address_plan"]["vnet_key"].value == "azurerm_virtual_network.spoke"
    assert cluster["node_pools"][0]["vnet_key"].value == "azurerm_virtual_network.spoke"
    # the subnet referenced by the pool carries the same facts
    assert cluster["node_pools"][0]["subnet"]["capacity"]["demand"].value == 62
    ranges = root["address_plan"]["ranges"]
    assert {r["role"].value for r in ranges} == {"vnet", "subnet", "service"}
    assert all(isinstance(r["range"], Leaf) for r in ranges)

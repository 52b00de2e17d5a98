"""Terraform modules normalised into the cluster model: references become objects, v3 and v4
spellings meet in one field, defaults are marked, multiplicity expands."""

from __future__ import annotations

from pathlib import Path

from aksnetlint.deployments import LoadOptions, load_terraform
from aksnetlint.discover import discover
from aksnetlint.model import Deployment, DnsZoneMode, Subnet
from aksnetlint.values import Unresolved


def _deployment(tmp_path: Path, files: dict[str, str]) -> Deployment:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    units = [u for u in discover([tmp_path], tmp_path).units if u.format == "terraform"]
    loaded = load_terraform(units[0], LoadOptions(tmp_path))
    assert not loaded.errors, loaded.errors
    return loaded.deployments[0]


POOLS = '''
variable "pools" {
  default = {
    user1 = { max = 10, subnet = 1 }
    user2 = { max = 20, subnet = 2 }
  }
}
locals { base = "10.60.0.0/16" }
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  address_space = [local.base]
}
resource "azurerm_subnet" "pool" {
  for_each             = var.pools
  name                 = "snet-${each.key}"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [cidrsubnet(local.base, 8, each.value.subnet)]
}
resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks"
  default_node_pool {
    name       = "system"
    node_count = 3
    enable_auto_scaling = false
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each              = var.pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vnet_subnet_id        = azurerm_subnet.pool[each.key].id
  auto_scaling_enabled  = true
  min_count             = 1
  max_count             = each.value.max
  upgrade_settings {
    max_surge = "33%"
  }
}
'''


def test_for_each_node_pools_with_cidrsubnet_subnets(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, {"main.tf": POOLS})
    [cluster] = deployment.clusters
    pools = {p.name.value: p for p in cluster.node_pools}
    assert set(pools) == {"system", "user1", "user2"}
    assert pools["system"].mode.value == "System" and pools["system"].mode.default
    assert pools["system"].autoscaling.value is False
    user2 = pools["user2"]
    assert user2.max_count.value == 20 and user2.autoscaling.value is True
    assert user2.max_surge.value == "33%"
    subnet = user2.subnet.value
    assert isinstance(subnet, Subnet)
    assert subnet.name.value == "snet-user2"
    assert [p.value for p in subnet.address_prefixes.value] == ["10.60.2.0/24"]  # type: ignore[union-attr]
    assert subnet.vnet.value is not None and subnet.vnet.value.name.value == "vnet"  # type: ignore[union-attr]


def test_v3_and_v4_spellings_and_defaults(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, {"main.tf": '''
resource "azurerm_kubernetes_cluster" "v3" {
  name = "v3"
  api_server_authorized_ip_ranges = ["203.0.113.0/24"]
  default_node_pool {
    name = "a"
    enable_node_public_ip = true
  }
}
resource "azurerm_kubernetes_cluster" "v4" {
  name = "v4"
  private_cluster_enabled = true
  private_dns_zone_id = "None"
  api_server_access_profile {
    authorized_ip_ranges = ["198.51.100.0/24"]
  }
  default_node_pool {
    name = "a"
    node_public_ip_enabled = true
  }
  network_profile {
    network_plugin = "azure"
  }
}
'''})
    v3, v4 = sorted(deployment.clusters, key=lambda c: str(c.name.value))
    assert [r.value for r in v3.api_server.authorized_ip_ranges.value] == ["203.0.113.0/24"]  # type: ignore[union-attr]
    assert [r.value for r in v4.api_server.authorized_ip_ranges.value] == ["198.51.100.0/24"]  # type: ignore[union-attr]
    assert v3.node_pools[0].node_public_ip.value is True
    assert v4.node_pools[0].node_public_ip.value is True
    assert v3.api_server.private.value is False and v3.api_server.private.default
    assert v3.api_server.private_dns_zone_mode.value is None
    assert v4.api_server.private_dns_zone_mode.value is DnsZoneMode.NONE
    assert v4.network.outbound_type.value == "loadBalancer" and v4.network.outbound_type.default
    assert v4.network.load_balancer_sku.value == "standard"
    assert v4.network.plugin.value == "azure"
    assert v3.network.plugin.value is None  # absent: no default is assumed


def test_unknown_reference_stays_unresolved(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, {"main.tf": '''
variable "subnet_id" {}
resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks"
  default_node_pool {
    name = "a"
    vnet_subnet_id = var.subnet_id
  }
}
'''})
    subnet = deployment.clusters[0].node_pools[0].subnet
    assert isinstance(subnet.value, Unresolved)

# Shared tools spoke: done right. A private cluster with its own private DNS zone,
# linked to the hub VNet where the DNS resolver runs, and a user-assigned identity
# that manages the zone.

resource "azurerm_resource_group" "tools" {
  name     = "rg-aks-tools"
  location = var.location
}

resource "azurerm_virtual_network" "tools" {
  name                = "vnet-aks-tools"
  location            = var.location
  resource_group_name = azurerm_resource_group.tools.name
  address_space       = ["10.30.0.0/16"]
}

resource "azurerm_subnet" "tools_nodes" {
  name                 = "snet-aks-nodes"
  resource_group_name  = azurerm_resource_group.tools.name
  virtual_network_name = azurerm_virtual_network.tools.name
  address_prefixes     = ["10.30.0.0/22"]
}

resource "azurerm_private_dns_zone" "aks" {
  name                = "tools.privatelink.${var.location}.azmk8s.io"
  resource_group_name = azurerm_resource_group.hub.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "aks_hub" {
  name                  = "link-hub"
  resource_group_name   = azurerm_resource_group.hub.name
  private_dns_zone_name = azurerm_private_dns_zone.aks.name
  virtual_network_id    = azurerm_virtual_network.hub.id
}

resource "azurerm_user_assigned_identity" "tools" {
  name                = "id-aks-tools"
  location            = var.location
  resource_group_name = azurerm_resource_group.tools.name
}

resource "azurerm_kubernetes_cluster" "tools" {
  name                    = "aks-tools-${var.location}"
  location                = var.location
  resource_group_name     = azurerm_resource_group.tools.name
  dns_prefix              = "aks-tools"
  kubernetes_version      = var.kubernetes_version
  private_cluster_enabled = true
  private_dns_zone_id     = azurerm_private_dns_zone.aks.id

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 3
    vnet_subnet_id = azurerm_subnet.tools_nodes.id
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    network_data_plane  = "cilium"
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.tools.id]
  }
}

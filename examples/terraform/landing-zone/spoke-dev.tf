# Development spoke: a public cluster for the onboarding teams.

resource "azurerm_resource_group" "dev" {
  name     = "rg-aks-dev"
  location = var.location
}

resource "azurerm_virtual_network" "dev" {
  name                = "vnet-aks-dev"
  location            = var.location
  resource_group_name = azurerm_resource_group.dev.name
  address_space       = ["10.20.0.0/16"]
}

resource "azurerm_subnet" "dev_nodes" {
  name                 = "snet-aks-nodes"
  resource_group_name  = azurerm_resource_group.dev.name
  virtual_network_name = azurerm_virtual_network.dev.name
  address_prefixes     = ["10.20.0.0/24"]
}

resource "azurerm_kubernetes_cluster" "dev" {
  name                = "aks-dev-${var.location}"
  location            = var.location
  resource_group_name = azurerm_resource_group.dev.name
  dns_prefix          = "aks-dev"
  kubernetes_version  = var.kubernetes_version

  api_server_access_profile {
    authorized_ip_ranges = var.dev_api_ranges
  }

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 2
    vnet_subnet_id = azurerm_subnet.dev_nodes.id
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }

  identity {
    type = "SystemAssigned"
  }
}

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

# Sized for the two system nodes the team started with. Flat Azure CNI reserves
# maxPods + 1 addresses per node, so the autoscaling user pool added later does not fit.
resource "azurerm_subnet" "dev_nodes" {
  name                 = "snet-aks-nodes"
  resource_group_name  = azurerm_resource_group.dev.name
  virtual_network_name = azurerm_virtual_network.dev.name
  address_prefixes     = ["10.20.0.0/24"]
}

# The developers need the on-premises package mirror, so the spoke is peered to the hub.
resource "azurerm_virtual_network_peering" "dev_to_hub" {
  name                      = "peer-dev-to-hub"
  resource_group_name       = azurerm_resource_group.dev.name
  virtual_network_name      = azurerm_virtual_network.dev.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  use_remote_gateways       = true
}

# The platform team's policy sends every spoke's default route through the hub firewall.
resource "azurerm_route_table" "dev" {
  name                = "rt-aks-dev"
  location            = var.location
  resource_group_name = azurerm_resource_group.dev.name

  route {
    name                   = "default-via-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.254.4"
  }
}

resource "azurerm_subnet_route_table_association" "dev_nodes" {
  subnet_id      = azurerm_subnet.dev_nodes.id
  route_table_id = azurerm_route_table.dev.id
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

  # service_cidr is not set: AKS uses 10.0.0.0/16, the hub's own address space.
  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "dev_apps" {
  name                  = "apps"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.dev.id
  vm_size               = "Standard_D8s_v5"
  vnet_subnet_id        = azurerm_subnet.dev_nodes.id
  auto_scaling_enabled  = true
  min_count             = 1
  max_count             = 10

  upgrade_settings {
    max_surge = "10%"
  }
}

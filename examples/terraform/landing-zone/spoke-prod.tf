# Production spoke: a private cluster whose egress goes through the hub firewall.

resource "azurerm_resource_group" "prod" {
  name     = "rg-aks-prod"
  location = var.location
}

resource "azurerm_virtual_network" "prod" {
  name                = "vnet-aks-prod"
  location            = var.location
  resource_group_name = azurerm_resource_group.prod.name
  address_space       = ["10.10.0.0/16"]
  dns_servers         = azurerm_virtual_network.hub.dns_servers
}

resource "azurerm_subnet" "prod_nodes" {
  name                 = "snet-aks-nodes"
  resource_group_name  = azurerm_resource_group.prod.name
  virtual_network_name = azurerm_virtual_network.prod.name
  address_prefixes     = ["10.10.0.0/22"]
}

# Added for the batch workloads; the route table association was forgotten, so
# these nodes have no path to the internet through the firewall.
resource "azurerm_subnet" "prod_batch" {
  name                 = "snet-aks-batch"
  resource_group_name  = azurerm_resource_group.prod.name
  virtual_network_name = azurerm_virtual_network.prod.name
  address_prefixes     = ["10.10.4.0/24"]
}

resource "azurerm_route_table" "prod" {
  name                = "rt-aks-prod"
  location            = var.location
  resource_group_name = azurerm_resource_group.prod.name

  route {
    name                   = "default-via-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.254.4"
  }
}

resource "azurerm_subnet_route_table_association" "prod_nodes" {
  subnet_id      = azurerm_subnet.prod_nodes.id
  route_table_id = azurerm_route_table.prod.id
}

resource "azurerm_virtual_network_peering" "prod_to_hub" {
  name                      = "peer-prod-to-hub"
  resource_group_name       = azurerm_resource_group.prod.name
  virtual_network_name      = azurerm_virtual_network.prod.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  use_remote_gateways       = true
}

resource "azurerm_kubernetes_cluster" "prod" {
  name                    = "aks-prod-${var.location}"
  location                = var.location
  resource_group_name     = azurerm_resource_group.prod.name
  dns_prefix              = "aks-prod"
  kubernetes_version      = var.kubernetes_version
  private_cluster_enabled = true
  # private_dns_zone_id is not set: AKS creates a "System" zone that only the
  # spoke VNet can resolve, so the on-premises build agents cannot reach the API.

  default_node_pool {
    name                 = "system"
    vm_size              = "Standard_D4s_v5"
    vnet_subnet_id       = azurerm_subnet.prod_nodes.id
    auto_scaling_enabled = true
    min_count            = 3
    max_count            = 6
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    network_data_plane  = "cilium"
    outbound_type       = "userDefinedRouting"
    service_cidr        = "172.16.0.0/16"
    dns_service_ip      = "172.16.0.10"
    pod_cidr            = "192.168.128.0/17"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "prod_batch" {
  name                  = "batch"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.prod.id
  vm_size               = "Standard_F16s_v2"
  vnet_subnet_id        = azurerm_subnet.prod_batch.id
  auto_scaling_enabled  = true
  min_count             = 0
  max_count             = 20
}

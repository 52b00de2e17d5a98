# Hub: on-premises connectivity, central egress firewall and DNS forwarding.

locals {
  hub_name = "hub-${var.location}"
}

resource "azurerm_resource_group" "hub" {
  name     = "rg-${local.hub_name}"
  location = var.location
}

resource "azurerm_virtual_network" "hub" {
  name                = "vnet-${local.hub_name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  address_space       = ["10.0.0.0/16"]
  # DNS forwarders that on-premises conditional forwarders point at
  dns_servers = ["10.0.1.4", "10.0.1.5"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = azurerm_resource_group.hub.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.255.0/27"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  resource_group_name  = azurerm_resource_group.hub.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.254.0/26"]
}

resource "azurerm_subnet" "dns_inbound" {
  name                 = "snet-dns-inbound"
  resource_group_name  = azurerm_resource_group.hub.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/28"]

  delegation {
    name = "dns-resolver"
    service_delegation {
      name = "Microsoft.Network/dnsResolvers"
    }
  }
}

resource "azurerm_public_ip" "vpn" {
  name                = "pip-vgw-${local.hub_name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_virtual_network_gateway" "vpn" {
  name                = "vgw-${local.hub_name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw2AZ"

  ip_configuration {
    name                 = "default"
    subnet_id            = azurerm_subnet.gateway.id
    public_ip_address_id = azurerm_public_ip.vpn.id
  }
}

resource "azurerm_local_network_gateway" "datacenter" {
  name                = "lgw-datacenter"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  gateway_address     = "198.51.100.10"
  address_space       = var.onprem_address_space
}

resource "azurerm_virtual_network_gateway_connection" "datacenter" {
  name                       = "cn-datacenter"
  location                   = var.location
  resource_group_name        = azurerm_resource_group.hub.name
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.vpn.id
  local_network_gateway_id   = azurerm_local_network_gateway.datacenter.id
  shared_key                 = "replace-me-from-key-vault"
}

resource "azurerm_private_dns_resolver" "hub" {
  name                = "dnspr-${local.hub_name}"
  resource_group_name = azurerm_resource_group.hub.name
  location            = var.location
  virtual_network_id  = azurerm_virtual_network.hub.id
}

resource "azurerm_public_ip" "firewall" {
  name                = "pip-afw-${local.hub_name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_firewall" "hub" {
  name                = "afw-${local.hub_name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.hub.name
  sku_name            = "AZFW_VNet"
  sku_tier            = "Standard"

  ip_configuration {
    name                 = "default"
    subnet_id            = azurerm_subnet.firewall.id
    public_ip_address_id = azurerm_public_ip.firewall.id
  }
}

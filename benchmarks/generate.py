"""Write a synthetic but realistic estate of N AKS deployments for benchmarking.

Each deployment is one of three shapes, in rotation:
- Terraform: a root module calling a local network module and a local AKS module, with
  variables, locals, `cidrsubnet`, `for_each` node pools and a `terraform.tfvars`;
- ARM: a template with parameters, variables, a VNet with a `copy` loop of subnets, a route
  table, a private DNS zone and a cluster inside a nested deployment, plus a parameters file;
- Bicep: a main file with a `.bicepparam` and a local module holding the cluster.
About a third of them carry problems (public API server without ranges, system DNS zone in
a hybrid network, a node subnet too small), the rest are clean.

    python benchmarks/generate.py OUT_DIR N
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TF_ROOT = '''variable "environment" {{
  type    = string
  default = "env{i}"
}}

variable "api_ranges" {{
  type    = list(string)
  default = ["203.0.113.0/24"]
}}

locals {{
  base_cidr = "10.{octet}.0.0/16"
  name      = "aks-${{var.environment}}"
}}

module "network" {{
  source    = "./modules/network"
  name      = local.name
  base_cidr = local.base_cidr
  hybrid    = {hybrid}
}}

module "aks" {{
  source       = "./modules/aks"
  name         = local.name
  private      = {private}
  subnet_id    = module.network.nodes_subnet_id
  api_ranges   = var.api_ranges
  node_pools   = {{
    user  = {{ max = 10, vm = "Standard_D4s_v5" }}
    batch = {{ max = 5, vm = "Standard_D8s_v5" }}
  }}
}}
'''

TF_NETWORK = '''variable "name" {
  type = string
}

variable "base_cidr" {
  type = string
}

variable "hybrid" {
  type = bool
}

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  location            = "westeurope"
  resource_group_name = "rg-${var.name}"
  address_space       = [var.base_cidr]
  dns_servers         = var.hybrid ? ["10.0.1.4"] : []
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg-${var.name}"
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [cidrsubnet(var.base_cidr, 6, 0)]
}

resource "azurerm_route_table" "this" {
  name                = "rt-${var.name}"
  location            = "westeurope"
  resource_group_name = "rg-${var.name}"

  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.254.4"
  }
}

resource "azurerm_subnet_route_table_association" "nodes" {
  subnet_id      = azurerm_subnet.nodes.id
  route_table_id = azurerm_route_table.this.id
}

output "nodes_subnet_id" {
  value = azurerm_subnet.nodes.id
}
'''

TF_AKS = '''variable "name" {
  type = string
}

variable "private" {
  type = bool
}

variable "subnet_id" {
  type = string
}

variable "api_ranges" {
  type = list(string)
}

variable "node_pools" {
  type = map(object({ max = number, vm = string }))
}

resource "azurerm_kubernetes_cluster" "this" {
  name                    = var.name
  location                = "westeurope"
  resource_group_name     = "rg-${var.name}"
  dns_prefix              = var.name
  private_cluster_enabled = var.private

  dynamic "api_server_access_profile" {
    for_each = var.private ? [] : [1]
    content {
      authorized_ip_ranges = var.api_ranges
    }
  }

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 3
    vnet_subnet_id = var.subnet_id
  }

  network_profile {
    network_plugin = "azure"
    outbound_type  = "userDefinedRouting"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  for_each              = var.node_pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = each.value.vm
  auto_scaling_enabled  = true
  min_count             = 1
  max_count             = each.value.max
  vnet_subnet_id        = var.subnet_id
}
'''


def arm_template(i: int, octet: int, private: bool) -> dict[str, object]:
    inner_cluster = {
        "type": "Microsoft.ContainerService/managedClusters",
        "apiVersion": "2024-05-01",
        "name": "[parameters('clusterName')]",
        "location": "[parameters('location')]",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "dnsPrefix": "[parameters('clusterName')]",
            "apiServerAccessProfile": {
                "enablePrivateCluster": "[parameters('private')]",
                "authorizedIPRanges": "[if(parameters('private'), createArray(), parameters('ranges'))]",
            },
            "agentPoolProfiles": [{
                "name": "system", "mode": "System", "count": 3,
                "vmSize": "Standard_D4s_v5", "vnetSubnetID": "[parameters('subnetId')]",
            }],
            "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay",
                               "networkPolicy": "cilium", "networkDataplane": "cilium"},
        },
    }
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "location": {"type": "string", "defaultValue": "westeurope"},
            "clusterName": {"type": "string", "defaultValue": f"aks-arm-{i}"},
            "private": {"type": "bool", "defaultValue": private},
            "ranges": {"type": "array", "defaultValue": []},
            "subnetCount": {"type": "int", "defaultValue": 4},
        },
        "variables": {
            "vnetName": "[format('vnet-{0}', parameters('clusterName'))]",
            "addressSpace": f"10.{octet}.0.0/16",
        },
        "resources": [
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2023-11-01",
                "name": "[variables('vnetName')]",
                "location": "[parameters('location')]",
                "properties": {
                    "addressSpace": {"addressPrefixes": ["[variables('addressSpace')]"]},
                    "dhcpOptions": {"dnsServers": ["10.0.1.4"]},
                    "copy": [{
                        "name": "subnets",
                        "count": "[parameters('subnetCount')]",
                        "input": {
                            "name": "[format('snet-{0}', copyIndex('subnets'))]",
                            "properties": {"addressPrefix": "[cidrSubnet(variables('addressSpace'), 24, copyIndex('subnets'))]"},
                        },
                    }],
                },
            },
            {
                "type": "Microsoft.Network/privateDnsZones",
                "apiVersion": "2020-06-01",
                "name": "privatelink.westeurope.azmk8s.io",
                "location": "global",
            },
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": "cluster",
                "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"],
                "properties": {
                    "mode": "Incremental",
                    "expressionEvaluationOptions": {"scope": "inner"},
                    "parameters": {
                        "clusterName": {"value": "[parameters('clusterName')]"},
                        "location": {"value": "[parameters('location')]"},
                        "private": {"value": "[parameters('private')]"},
                        "ranges": {"value": "[parameters('ranges')]"},
                        "subnetId": {"value": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'snet-0')]"},
                    },
                    "template": {
                        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                        "contentVersion": "1.0.0.0",
                        "parameters": {
                            "clusterName": {"type": "string"}, "location": {"type": "string"},
                            "private": {"type": "bool"}, "ranges": {"type": "array"},
                            "subnetId": {"type": "string"},
                        },
                        "resources": [inner_cluster],
                    },
                },
            },
        ],
    }


BICEP_MAIN = '''param location string = 'westeurope'
param clusterName string
param privateCluster bool = {private}
param ranges array = []

var addressSpace = '10.{octet}.0.0/16'

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {{
  name: 'vnet-${{clusterName}}'
  location: location
  properties: {{
    addressSpace: {{
      addressPrefixes: [
        addressSpace
      ]
    }}
    subnets: [for i in range(0, 4): {{
      name: 'snet-${{i}}'
      properties: {{
        addressPrefix: cidrSubnet(addressSpace, 24, i)
      }}
    }}]
  }}
}}

module aks './aks.bicep' = {{
  name: 'aks'
  params: {{
    clusterName: clusterName
    location: location
    privateCluster: privateCluster
    ranges: ranges
    subnetId: vnet.properties.subnets[0].id
  }}
}}
'''

BICEP_AKS = '''param clusterName string
param location string
param privateCluster bool
param ranges array
param subnetId string

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: clusterName
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: clusterName
    apiServerAccessProfile: {
      enablePrivateCluster: privateCluster
      authorizedIPRanges: privateCluster ? [] : ranges
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: 3
        vmSize: 'Standard_D4s_v5'
        vnetSubnetID: subnetId
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
    }
  }
}
'''


def write_estate(out: Path, count: int) -> list[Path]:
    """Write `count` deployments under `out`; returns their folders."""
    folders = []
    for i in range(count):
        octet = 16 + i % 200
        bad = i % 3 == 0
        folder = out / f"d{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        shape = i % 3
        if shape == 0:
            (folder / "modules" / "network").mkdir(parents=True, exist_ok=True)
            (folder / "modules" / "aks").mkdir(parents=True, exist_ok=True)
            (folder / "main.tf").write_text(TF_ROOT.format(
                i=i, octet=octet, hybrid="true" if bad else "false",
                private="true" if bad else "false"))
            (folder / "modules" / "network" / "main.tf").write_text(TF_NETWORK)
            (folder / "modules" / "aks" / "main.tf").write_text(TF_AKS)
            if bad:
                (folder / "terraform.tfvars").write_text("api_ranges = []\n")
        elif shape == 1:
            (folder / "azuredeploy.json").write_text(
                json.dumps(arm_template(i, octet, private=not bad), indent=2))
            params = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                                 "deploymentParameters.json#",
                      "contentVersion": "1.0.0.0",
                      "parameters": {"ranges": {"value": [] if bad else ["203.0.113.0/24"]}}}
            (folder / "azuredeploy.parameters.json").write_text(json.dumps(params, indent=2))
        else:
            (folder / "main.bicep").write_text(BICEP_MAIN.format(
                octet=octet, private="false" if bad else "true"))
            (folder / "aks.bicep").write_text(BICEP_AKS)
            (folder / "main.bicepparam").write_text(
                f"using 'main.bicep'\n\nparam clusterName = 'aks-bicep-{i}'\n")
        folders.append(folder)
    return folders


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    write_estate(Path(argv[0]), int(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

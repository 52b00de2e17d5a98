// Read-only state of a declared resource (the subnet's ID through first()), a safe-access
// chain and an index from the end: the service CIDR is the VNet's own range (AKS205).
param settings object = {
  network: {
    plugin: 'azure'
    policy: 'calico'
  }
  serviceRanges: [
    '172.16.0.0/16'
    '10.20.0.0/16'
  ]
}
param vnetPrefix string = '10.20.0.0/16'

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'spoke'
  location: 'westeurope'
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetPrefix
      ]
    }
    subnets: [
      {
        name: 'aks'
        properties: {
          addressPrefix: cidrSubnet(vnetPrefix, 22, 0)
        }
      }
    ]
  }
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-runtime'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'aksrt'
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: 3
        vmSize: 'Standard_D4s_v5'
        vnetSubnetID: first(vnet.properties.subnets)!.id
      }
    ]
    networkProfile: {
      networkPlugin: settings.?network.plugin
      networkPolicy: settings.?network.?policy
      serviceCidr: settings.serviceRanges[^1]
      dnsServiceIP: cidrHost(settings.serviceRanges[^1], 9)
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
    }
  }
}

output provisioning string = vnet.properties.provisioningState

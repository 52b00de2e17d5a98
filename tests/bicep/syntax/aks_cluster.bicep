@description('AKS cluster with a locked-down API server')
param clusterName string = 'aks-prod'
param location string = resourceGroup().location
param authorizedRanges array = [
  '203.0.113.0/24'
]

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'vnet-hub'

  resource aksSubnet 'subnets' existing = {
    name: 'snet-aks'
  }
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: clusterName
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: '${clusterName}-dns'
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
      enablePrivateCluster: false
    }
    agentPoolProfiles: [
      {
        name: 'system'
        count: 3
        vmSize: 'Standard_D4s_v5'
        mode: 'System'
        vnetSubnetID: vnet::aksSubnet.id
        enableNodePublicIP: false
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkPolicy: 'cilium'
      networkDataplane: 'cilium'
      loadBalancerSku: 'standard'
      podCidr: '10.244.0.0/16'
      serviceCidr: '10.0.0.0/16'
      dnsServiceIP: '10.0.0.10'
      outboundType: 'userDefinedRouting'
    }
  }
}

output controlPlaneFqdn string = aks.properties.fqdn

// The payments cluster: Azure CNI Overlay with Cilium, egress through the subnet's NAT gateway.
param name string
param location string
param subnetId string
param authorizedRanges array
param serviceCidr string
param dnsServiceIP string
param pools array

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: name
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: name
    kubernetesVersion: '1.30'
    agentPoolProfiles: [for pool in pools: if (pool.enabled) {
      name: pool.name
      mode: pool.mode
      count: pool.count
      vmSize: 'Standard_D4s_v5'
      osType: 'Linux'
      vnetSubnetID: subnetId
      enableNodePublicIP: pool.?publicIp ?? false
    }]
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkDataplane: 'cilium'
      networkPolicy: 'cilium'
      podCidr: '192.168.0.0/16'
      serviceCidr: serviceCidr
      dnsServiceIP: dnsServiceIP
      outboundType: 'userAssignedNATGateway'
    }
  }
}

output name string = aks.name

param networkPlugin string = 'kubenet'
param networkPolicy string = 'azure'
param ranges array

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-module'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'aksmod'
    networkProfile: {
      networkPlugin: networkPlugin
      networkPolicy: networkPolicy
    }
    apiServerAccessProfile: {
      authorizedIPRanges: ranges
    }
  }
}

output clusterId string = cluster.id
output plugin string = networkPlugin

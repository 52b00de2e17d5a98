// Nullable parameters without a value are null (not unknown), as in ARM: the cluster is
// public with no authorized ranges, and without a network profile it gets kubenet.
@description('Addresses allowed to reach the API server (none by default)')
param authorizedRanges array?

@description('Whether the cluster is private (not by default)')
param privateCluster bool?

type networkSettings = {
  plugin: string
  policy: string?
}?

param network networkSettings

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-nullable'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'aksnull'
    networkProfile: {
      networkPlugin: network.?plugin ?? 'kubenet'
      networkPolicy: network.?policy
    }
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
      enablePrivateCluster: privateCluster
    }
  }
}

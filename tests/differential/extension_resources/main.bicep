// Extension resources have no name and no Azure ID; the cluster next to them is judged
// as usual (public, with no authorized ranges).
extension microsoftGraphV1

resource admins 'Microsoft.Graph/groups@v1.0' = {
  uniqueName: 'aks-admins'
  displayName: 'AKS administrators'
  mailEnabled: false
  mailNickname: 'aks-admins'
  securityEnabled: true
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-graph'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'aksgraph'
    aadProfile: {
      managed: true
      adminGroupObjectIDs: [
        admins.id
      ]
    }
    apiServerAccessProfile: {
      authorizedIPRanges: []
    }
  }
}

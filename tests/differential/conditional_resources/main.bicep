// A resource whose condition is unknown may not be deployed: what would fail in it only if
// it were (split() of a null ID) is no error; the cluster is still judged.
param encryptionKeySource string
param keyVaultEndpointId string?

resource keyVaultEndpoint 'Microsoft.Network/privateEndpoints@2023-04-01' existing = if (encryptionKeySource != 'Microsoft.NetApp') {
  name: last(split(keyVaultEndpointId!, '/'))
  scope: resourceGroup(split(keyVaultEndpointId!, '/')[2], split(keyVaultEndpointId!, '/')[4])
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-conditional'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'akscond'
    networkProfile: {
      networkPlugin: 'kubenet'
    }
  }
}

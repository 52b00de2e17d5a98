resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet-aks'
  location: 'westeurope'
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'vnet'
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = {
  parent: vnet
  name: 'aks'
  properties: {
    addressPrefix: '10.1.0.0/22'
  }
}

module network './modules/network.bicep' = {
  name: 'network'
  params: {
    vnetName: 'vnet'
  }
}

module aks '../aks/main.bicep' = {
  name: 'aks'
  scope: resourceGroup('rg-aks')
  params: {
    subnetId: network.outputs.subnetId
  }
}

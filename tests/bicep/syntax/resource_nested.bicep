resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet'
  location: 'westeurope'
  properties: {
    addressSpace: {
      addressPrefixes: ['10.0.0.0/16']
    }
  }

  resource aksSubnet 'subnets' = {
    name: 'aks'
    properties: {
      addressPrefix: '10.0.0.0/22'
    }
  }

  @description('child with a full type')
  resource apiSubnet 'subnets@2023-04-01' = {
    name: 'api'
    properties: {
      addressPrefix: '10.0.4.0/28'
    }
  }
}

output aksSubnetId string = vnet::aksSubnet.id
output apiSubnetName string = vnet::apiSubnet.name

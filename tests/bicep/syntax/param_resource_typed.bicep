param vnet resource 'Microsoft.Network/virtualNetworks@2023-04-01'

output vnetId string = vnet.id

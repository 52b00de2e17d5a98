resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'vnet'
}

output id string = vnet.id
output count int = 3
output flags object = {
  ok: true
}
output names string[] = ['a']
output maybe string? = null
@description('the network')
output network resource 'Microsoft.Network/virtualNetworks@2023-04-01' = vnet

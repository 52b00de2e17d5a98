// error: 8:1
// message: expected '}' to close the object opened at 3:64
resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet'
  properties: {
    x: 1
  }
param next string

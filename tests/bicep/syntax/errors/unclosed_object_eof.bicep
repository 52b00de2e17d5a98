// error: 6:1
// message: expected '}' to close the object opened at 4:9
resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  tags: {
    a: 'b'

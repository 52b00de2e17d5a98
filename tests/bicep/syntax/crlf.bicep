param a string = 'a'
resource r 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: a
  properties: {
    x: 1
  }
}

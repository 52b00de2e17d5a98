param subnets array

@batchSize(2)
resource nsgs 'Microsoft.Network/networkSecurityGroups@2023-04-01' = [for (subnet, i) in subnets: {
  name: 'nsg-${subnet.name}-${i}'
  location: 'westeurope'
}]

resource pips 'Microsoft.Network/publicIPAddresses@2023-04-01' = [for name in ['a', 'b']: {
  name: name
}]

module nets './net.bicep' = [for i in range(0, 3): {
  name: 'net-${i}'
  params: {
    index: i
  }
}]

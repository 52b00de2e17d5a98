param prefixes array = ['10.0.0.0/24', '10.0.1.0/24']
var lastPrefix = prefixes[^1]
var beforeLast = prefixes[^2]
var maybe = prefixes[?^3]
var fromLoop = subnets[^1].id

resource subnets 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = [for (p, i) in prefixes: {
  name: 'vnet/s${i}'
  properties: {
    addressPrefix: p
  }
}]

param deployNsg bool = true
param location string

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = if (deployNsg && location != 'eastus') {
  name: 'nsg-aks'
  location: location
}

module net './modules/net.bicep' = if (!deployNsg) {
  name: 'net'
}

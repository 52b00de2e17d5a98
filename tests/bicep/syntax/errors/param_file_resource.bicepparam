// error: 4:1
// message: in a parameters file
using './main.bicep'
resource r 'Microsoft.Network/virtualNetworks@2023-04-01' = {}

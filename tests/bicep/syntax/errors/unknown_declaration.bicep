// error: 4:1
// message: unknown declaration 'resorce'
param a string
resorce x 'Microsoft.Network/virtualNetworks@2023-04-01' = {}

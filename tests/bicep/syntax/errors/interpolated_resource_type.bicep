// error: 4:12
// message: cannot use string interpolation
param v string
resource r 'Microsoft.Network/virtualNetworks@${v}' = {}

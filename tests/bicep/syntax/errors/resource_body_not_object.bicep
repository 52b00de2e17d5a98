// error: 3:61
// message: expected '{', 'if' or '[for' starting the resource body
resource r 'Microsoft.Network/virtualNetworks@2023-04-01' = 'x'

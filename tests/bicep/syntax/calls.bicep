var plain = concat('a', 'b')
var sysNs = sys.concat('a', 'b')
var azNs = az.resourceId('Microsoft.Network/virtualNetworks', 'vnet')
var noArgs = utcNow()
var nested = toLower(format('{0}-{1}', 'A', string(1)))
var multiLineArgs = union(
  {a: 1},
  {b: 2}
)
var onTarget = resourceGroup().id
var trailing = first(split('a,b', ','))

param cfg object = {}
param list array = []

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'vnet'

  resource subnet 'subnets' existing = {
    name: 'aks'
  }
}

var prop = cfg.network.plugin
var safeProp = cfg.?network.?policy
var index = list[0]
var safeIndex = list[?5]
var stringIndex = cfg['network']
var resourceAccess = vnet::subnet.properties.addressPrefix
var nonNull = cfg.?network!.plugin
var postfixNonNull = list[?0]!
var chained = resourceGroup().location
var method = vnet.properties.subnets[0].id

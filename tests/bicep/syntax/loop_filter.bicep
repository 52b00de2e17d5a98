param pools array

resource agentPools 'Microsoft.ContainerService/managedClusters/agentPools@2024-02-01' = [for pool in pools: if (pool.enabled) {
  name: pool.name
  properties: {
    count: pool.count
  }
}]

var evens = [for i in range(0, 10): if (i % 2 == 0) {
  value: i
}]
var doubled = [for (x, i) in [1, 2, 3]: x * i]

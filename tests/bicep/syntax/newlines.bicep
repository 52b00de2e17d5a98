param deploy bool = true

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' =
  if (deploy) {
    name: 'aks'
    location: 'westeurope'
  }

module net 'net.bicep' =
  [for i in range(0, 2): {
    name: 'net${i}'
  }]

func double(x int) int =>
  x * 2

var doubled = map([1, 2], x =>
  double(x))
var pairs = map([1, 2], (x, i) =>
  x + i)

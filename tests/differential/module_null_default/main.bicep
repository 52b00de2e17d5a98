// A module given null takes its own default (ARM treats null as not supplied), and the
// caller reads the module's outputs.
param plugin string?

module cluster 'cluster.bicep' = {
  name: 'cluster'
  params: {
    networkPlugin: plugin
    networkPolicy: null
    ranges: []
  }
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'nsg-${cluster.outputs.plugin}'
  location: 'westeurope'
  tags: {
    cluster: cluster.outputs.clusterId
  }
}

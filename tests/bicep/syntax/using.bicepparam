using './main.bicep'

// parameters for production
param clusterName = 'aks-prod'
param nodeCount = 3
param ranges = [
  '203.0.113.0/24'
]
param network = {
  plugin: 'azure'
  policy: 'cilium'
}
param fromEnv = readEnvironmentVariable('AKS_NAME', 'default')

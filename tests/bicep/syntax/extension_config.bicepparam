using 'main.bicep'

param location = 'westeurope'

extensionConfig k8s with {
  kubeConfig: readEnvironmentVariable('KUBE_CONFIG', '')
  namespace: 'default'
}

extensionConfig graph with {}

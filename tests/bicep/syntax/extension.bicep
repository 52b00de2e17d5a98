extension microsoftGraph
extension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.1.8-preview' as graph
extension kubernetes with {
  namespace: 'default'
  kubeConfig: ''
} as k8s
provider 'kubernetes@1.0.0' with {
  namespace: 'default'
  kubeConfig: ''
} as k8sLegacy
provider sys
import 'az@1.0.0'

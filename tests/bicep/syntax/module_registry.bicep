module avm 'br/public:avm/res/container-service/managed-cluster:0.1.0' = {
  name: 'avm'
}

module private 'br:contoso.azurecr.io/bicep/modules/aks:v1' = {
  name: 'private'
}

module spec 'ts:00000000-0000-0000-0000-000000000000/rg-specs/aksSpec:1.0' = {
  name: 'spec'
}

module aliased 'ts/CoreSpecs:aks:2.0' = {
  name: 'aliased'
}

@description('Name of the cluster')
@minLength(3)
@maxLength(63)
param clusterName string

@secure()
param adminPassword string

@allowed([
  'kubenet'
  'azure'
])
param networkPlugin string = 'azure'

@minValue(1)
@maxValue(100)
param nodeCount int = 3

@sys.description('namespaced decorator')
param location string = resourceGroup().location

@metadata({
  example: 'value'
})
@export()
type subnetConfig = {
  @description('Subnet name')
  name: string
  @minLength(9)
  prefix: string
}

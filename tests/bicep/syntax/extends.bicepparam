using 'main.bicep'
extends 'base.bicepparam'

param namePrefix = 'Dev'
param tags = {
  ...base.tags
  region: 'westus2'
}

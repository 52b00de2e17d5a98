type storageName = resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.name
type names = {
  qualified: sys.resourceInput<'Microsoft.Storage/storageAccounts@2022-09-01'>.name
  output: sys.resourceOutput<'Microsoft.Network/virtualNetworks@2023-04-01'>.properties
  spaced: resourceInput<

    'Microsoft.Network/virtualNetworks@2023-04-01'

  >.properties
}
type dictionary = {
  *: string
}
type dictionaryValue = dictionary.*
type tupleWithDecorator = [@discriminator('type'), object, string]

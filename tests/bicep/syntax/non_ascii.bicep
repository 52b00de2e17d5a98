// Réseau du cluster — «commentaire» 日本語
@description('Nom du réseau: café ☕')
param vnetName string = 'réseau-€'
var greeting = 'こんにちは ${vnetName}'

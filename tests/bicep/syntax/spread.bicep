var base = {
  location: 'westeurope'
  tags: {}
}
var extended = {
  ...base
  name: 'aks'
}
var inline = {...base, name: 'x'}
var prefixes = ['10.0.0.0/16']
var more = [
  ...prefixes
  '10.1.0.0/16'
]
var inlineArray = [...prefixes, '10.2.0.0/16']

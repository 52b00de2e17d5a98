// leading line comment
/* block comment */
param x string // trailing comment

/*
  multi-line
  block comment
*/
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = { // aksnetlint:ignore AKS001 reason here
  name: 'nsg' /* inline block */
  // inside a body
  location: 'westeurope'
}
var url = 'https://example.com/path' // not a comment inside the string

metadata description = 'AKS network baseline'
metadata owner = {
  team: 'platform'
  contact: 'platform@example.com'
}

using 'main.bicep'

param environment = 'prod'

// the Amsterdam office and the build agents' egress
param authorizedRanges = [
  '203.0.113.0/25'
  '198.51.100.64/28'
]

// carved from the company's custom IP prefix (BYOIP)
param egressPrefix = '198.51.100.0/30'

// the acquirer's settlement hosts, behind its VPN concentrator
param acquirerRanges = [
  '192.168.96.0/24'
]
param acquirerVpnKey = getSecret('00000000-0000-0000-0000-000000000000', 'rg-payments-prod', 'kv-payments-prod', 'acquirer-vpn-psk')

param serviceCidr = '172.16.0.0/16'
param dnsServiceIP = '172.61.0.10'

param pools = [
  {name: 'system', mode: 'System', count: 3, enabled: true}
  {name: 'payments', mode: 'User', count: 6, enabled: true}
  // the card-terminal gateway pool: each node talks to the acquirer from its own address
  {name: 'terminals', mode: 'User', count: 2, enabled: true, publicIp: true}
  {name: 'batch', mode: 'User', count: 4, enabled: false}
]

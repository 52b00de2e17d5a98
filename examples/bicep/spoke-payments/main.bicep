// Payments spoke: a public AKS cluster behind an allow-list, egress through a NAT gateway on
// the company's own (BYOIP) address prefix, peered to the landing-zone hub.
targetScope = 'resourceGroup'

@description('Region of the spoke')
param location string = resourceGroup().location

@description('Environment name used in resource names')
param environment string

@description('Addresses allowed to reach the API server (offices, build agents)')
param authorizedRanges array

@description('Public prefix carved from the company custom IP prefix, used for egress')
param egressPrefix string

@description('Kubernetes service range and the cluster DNS address inside it')
param serviceCidr string = '172.16.0.0/16'
param dnsServiceIP string = '172.16.0.10'

@description('Settlement networks of the card acquirer, reached over a site-to-site VPN')
param acquirerRanges array

@secure()
@description('Pre-shared key of the VPN to the acquirer')
param acquirerVpnKey string

@description('Node pools; disabled pools are kept for the next capacity review')
param pools array = [
  {name: 'system', mode: 'System', count: 3, enabled: true}
]

var prefix = 'payments-${environment}'

resource hubVnet 'Microsoft.Network/virtualNetworks@2023-09-01' existing = {
  name: 'vnet-hub-westeurope'
  scope: resourceGroup('rg-hub-westeurope')
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-09-01' = {
  name: 'nsg-${prefix}-nodes'
  location: location
  properties: {
    securityRules: [
      {
        // meant for the payment processor's webhooks on 443, opened wide during an incident
        name: 'allow-webhooks'
        properties: {
          priority: 200
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource egressIps 'Microsoft.Network/publicIPPrefixes@2023-09-01' = {
  name: 'ippre-${prefix}-egress'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    prefixLength: 30
    ipPrefix: egressPrefix
  }
}

resource nat 'Microsoft.Network/natGateways@2023-09-01' = {
  name: 'ng-${prefix}'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIpPrefixes: [
      {
        id: egressIps.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-${prefix}'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: ['10.50.0.0/16']
    }
    dhcpOptions: {
      dnsServers: ['168.63.129.16']
    }
  }

  resource nodes 'subnets' = {
    name: 'snet-aks-nodes'
    properties: {
      addressPrefix: '10.50.0.0/22'
      networkSecurityGroup: {
        id: nsg.id
      }
      natGateway: {
        id: nat.id
      }
    }
  }

  resource gatewaySubnet 'subnets' = {
    name: 'GatewaySubnet'
    properties: {
      addressPrefix: '10.50.255.0/27'
    }
  }

  resource toHub 'virtualNetworkPeerings' = {
    name: 'peer-${prefix}-to-hub'
    properties: {
      remoteVirtualNetwork: {
        id: hubVnet.id
      }
      allowForwardedTraffic: true
      useRemoteGateways: false
    }
  }
}

// Settlement files go to the acquirer over its own site-to-site VPN, not through the hub.
resource vpnIp 'Microsoft.Network/publicIPAddresses@2023-09-01' = {
  name: 'pip-vgw-${prefix}'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource vpn 'Microsoft.Network/virtualNetworkGateways@2023-09-01' = {
  name: 'vgw-${prefix}'
  location: location
  properties: {
    gatewayType: 'Vpn'
    vpnType: 'RouteBased'
    sku: {
      name: 'VpnGw1AZ'
      tier: 'VpnGw1AZ'
    }
    ipConfigurations: [
      {
        name: 'default'
        properties: {
          subnet: {
            id: vnet::gatewaySubnet.id
          }
          publicIPAddress: {
            id: vpnIp.id
          }
        }
      }
    ]
  }
}

resource acquirer 'Microsoft.Network/localNetworkGateways@2023-09-01' = {
  name: 'lgw-acquirer'
  location: location
  properties: {
    gatewayIpAddress: '203.0.113.200'
    localNetworkAddressSpace: {
      addressPrefixes: acquirerRanges
    }
  }
}

resource toAcquirer 'Microsoft.Network/connections@2023-09-01' = {
  name: 'cn-${prefix}-acquirer'
  location: location
  properties: {
    connectionType: 'IPsec'
    virtualNetworkGateway1: {
      id: vpn.id
      properties: {}
    }
    localNetworkGateway2: {
      id: acquirer.id
      properties: {}
    }
    sharedKey: acquirerVpnKey
  }
}

module cluster 'modules/aks.bicep' = {
  name: 'aks-${prefix}'
  params: {
    name: 'aks-${prefix}'
    location: location
    subnetId: vnet::nodes.id
    authorizedRanges: authorizedRanges
    serviceCidr: serviceCidr
    dnsServiceIP: dnsServiceIP
    pools: pools
  }
}

output clusterName string = cluster.outputs.name

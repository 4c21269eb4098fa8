// Optional: a virtual network for the app's outbound traffic, leaving through a NAT gateway with one static public
// IP (the address an on-premises firewall allows for Autodiscover and EWS), and private DNS zones for a
// split-horizon Autodiscover (the app resolves autodiscover.<domain> to an internal address while the internet
// sees the public one). Peer this network with the one that reaches Exchange (hub, VPN or ExpressRoute) to go
// private end to end.

param namePrefix string
param location string
param tags object
param addressPrefix string
param integrationSubnetPrefix string

@description('Host names to answer privately inside the network, e.g. [{ host: \'autodiscover.contoso.com\', ipv4Address: \'10.1.2.3\' }]. Each gets a zone of its own, so the rest of the domain still resolves publicly.')
param privateDnsRecords array = []

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-01-01' = {
  name: 'pip-${namePrefix}'
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Regional' }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-01-01' = {
  name: 'nat-${namePrefix}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [{ id: publicIp.id }]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: 'vnet-${namePrefix}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: integrationSubnetPrefix
          natGateway: { id: natGateway.id }
          // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
    ]
  }
}

resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for record in privateDnsRecords: {
    name: record.host
    location: 'global'
    tags: tags
  }
]

resource apex 'Microsoft.Network/privateDnsZones/A@2020-06-01' = [
  for (record, i) in privateDnsRecords: {
    parent: zone[i]
    name: '@'
    properties: { ttl: 300, aRecords: [{ ipv4Address: record.ipv4Address }] }
  }
]

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (record, i) in privateDnsRecords: {
    parent: zone[i]
    name: 'link-${namePrefix}'
    location: 'global'
    properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
  }
]

output subnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'app')
output vnetId string = vnet.id
output outboundIp string = publicIp.properties.ipAddress

// The Function App on the Flex Consumption plan (FC1, Linux, Node.js 22). It deploys from a blob container that
// it reaches with its managed identity, and every app setting comes from app-settings.bicep.

param name string
param planName string
param location string
param tags object
@allowed(['SystemAssigned', 'UserAssigned'])
param identityType string
@description('Resource id of the user-assigned identity (identityType UserAssigned).')
param userAssignedIdentityId string = ''
param deploymentContainerUrl string
@allowed([512, 2048, 4096])
param instanceMemoryMB int
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
@description('Subnet for VNet integration; empty for none.')
param subnetId string = ''
param appSettings object

var userAssigned = identityType == 'UserAssigned'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy to by this tag (the service name in azure.yaml).
  tags: union(tags, { 'azd-service-name': 'monitor' })
  kind: 'functionapp,linux'
  identity: userAssigned ? { type: 'UserAssigned', userAssignedIdentities: { '${userAssignedIdentityId}': {} } } : { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: userAssigned ? userAssignedIdentityId : 'SystemAssigned'
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: { minTlsVersion: '1.2', http20Enabled: true }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: userAssigned ? { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: userAssignedIdentityId } : { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: { name: 'node', version: '22' }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// No publishing passwords: deployment uses Microsoft Entra ID (azd, az) like everything else.
resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

output name string = site.name
output id string = site.id
output hostName string = site.properties.defaultHostName
output principalId string = userAssigned ? '' : site.identity.principalId

// The Key Vault (RBAC mode: no access policies) that holds the secrets the app settings name: the profiles'
// passwords and client secrets, the SMTP password, the Dataverse client secret. A secret is created only when its
// value is given; otherwise the operator stores it later (`az keyvault secret set`), under the same name.

param name string
param location string
param tags object

@secure()
@description('Secret values by Key Vault secret name (letters, digits and hyphens). Only non-empty ones are stored.')
param secrets object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for item in items(secrets): if (!empty(item.value)) {
    parent: vault
    name: item.key
    properties: { value: item.value }
  }
]

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri

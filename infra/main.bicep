// exchange-sync-monitor in Azure: a Function App on the Flex Consumption plan with a managed identity, keyless
// storage, a Key Vault for the secrets that app settings name, Application Insights through Microsoft Entra ID,
// and optionally a virtual network whose outbound traffic leaves through one static IP.
//
//   azd up                                   (azure.yaml; parameters from main.parameters.json)
//   az deployment group create -g RG -f infra/main.bicep -p environmentName=prod ...
//
// docs/deploy.md explains every parameter an operator is likely to set.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME); part of every resource name\'s hash and of the tags.')
param environmentName string

@description('Region for every resource (Flex Consumption must be available there: az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@allowed(['SystemAssigned', 'UserAssigned'])
@description('The app\'s managed identity: SystemAssigned (lives and dies with the app) or UserAssigned (created here; roles are granted before the app starts).')
param identityType string = 'SystemAssigned'

@allowed([512, 2048, 4096])
@description('Memory of each instance in MB (Flex Consumption).')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Most instances the app scales out to; each profile\'s probe messages spread over them.')
param maximumInstanceCount int = 40

@description('Object id of the operator (user or group) who imports profiles and stores secrets; azd passes AZURE_PRINCIPAL_ID. Empty: no operator roles.')
param operatorPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'User'

// ---- Network (optional) ----
@description('Integrate the app with a new virtual network whose outbound traffic leaves through a NAT gateway with one static public IP.')
param enableVnet bool = false
param vnetAddressPrefix string = '10.40.0.0/16'
param integrationSubnetPrefix string = '10.40.0.0/24'
@description('Split-horizon names answered inside the network, e.g. [{ "host": "autodiscover.contoso.com", "ipv4Address": "10.1.2.3" }] (needs enableVnet).')
param privateDnsRecords array = []

// ---- Monitoring ----
@description('Daily Log Analytics ingestion cap in GB (-1: none).')
param logDailyQuotaGb int = 1
param logRetentionInDays int = 30

// ---- App settings (empty: the app's own default; see README.md "Settings") ----
param tablePrefix string = ''
param probeQueue string = ''
@description('Profile files (;-separated paths) imported at start, e.g. on an Azure Files share mounted into the app.')
param profileFiles string = ''
param scheduleCron string = ''
param notifyCron string = ''
param retentionCron string = ''
param shardSize string = ''
param statusCacheSeconds string = ''
param checksRetentionDays string = ''
param historyRetentionDays string = ''
@description('ip[:port],... DNS servers for every lookup (on-premises DNS reached through the network); empty: the platform\'s.')
param dnsServers string = ''
param trustedCaFile string = ''
@description('Public base URL for links in emails; empty: https://<app host name>.')
param statusBaseUrl string = ''
param logLevel string = ''

// ---- Email to profile owners ----
@description('SMTP relay, e.g. smtp.azurecomm.net (Azure Communication Services) or the organisation\'s relay; empty: no email.')
param smtpHost string = ''
param smtpPort string = '587'
@allowed(['starttls', 'tls', 'none'])
param smtpTls string = 'starttls'
@description('SMTP user name; its password is the Key Vault secret SMTP-PASSWORD (setting SMTP_PASSWORD).')
param smtpUser string = ''
param smtpFrom string = ''
@secure()
@description('SMTP password; stored as Key Vault secret SMTP-PASSWORD. Empty: store it yourself later.')
param smtpPassword string = ''

// ---- Dataverse (profiles and mailboxes from Dynamics 365) ----
param dataverseUrl string = ''
param dataverseTenantId string = ''
param dataverseClientId string = ''
@secure()
@description('Client secret of the Dataverse app registration; stored as Key Vault secret DATAVERSE-CLIENT-SECRET.')
param dataverseClientSecret string = ''
@description('True when DATAVERSE-CLIENT-SECRET is (or will be) in the vault without being passed here.')
param dataverseClientSecretInVault bool = false
param dataverseAuthorityHost string = ''
param dataverseSyncCron string = ''
param dataverseMapFile string = ''

// ---- Profile secrets ----
@secure()
@description('Secret values by the app setting name a profile gives (e.g. { "CONTOSO_EWS_PASSWORD": "..." }); each is stored in Key Vault and the setting refers to it.')
param profileSecrets object = {}
@description('Further app setting names whose secrets the operator stores in Key Vault directly (secret name: the setting name with hyphens for underscores).')
param profileSecretSettings array = []

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, app: 'exchange-sync-monitor' }
var userAssigned = identityType == 'UserAssigned'
var appName = 'func-${token}'
var deploymentContainerName = 'app-package-${take(token, 8)}'

var secretSettingNames = union(map(items(profileSecrets), s => s.key), profileSecretSettings)
var profileVaultSecrets = toObject(items(profileSecrets), s => replace(s.key, '_', '-'), s => s.value)
var vaultSecrets = union(profileVaultSecrets, { 'SMTP-PASSWORD': smtpPassword, 'DATAVERSE-CLIENT-SECRET': dataverseClientSecret })

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (userAssigned) {
  name: 'id-${token}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${token}'
    appInsightsName: 'appi-${token}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${token}'
    location: location
    tags: tags
    secrets: vaultSecrets
  }
}

module network 'modules/network.bicep' = if (enableVnet) {
  name: 'network'
  params: {
    namePrefix: token
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    integrationSubnetPrefix: integrationSubnetPrefix
    privateDnsRecords: privateDnsRecords
  }
}

module settings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  params: {
    storageAccountName: storage.outputs.name
    userAssignedClientId: userAssigned ? identity.properties.clientId : ''
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: vault.outputs.uri
    tablePrefix: tablePrefix
    probeQueue: probeQueue
    profileFiles: profileFiles
    scheduleCron: scheduleCron
    notifyCron: notifyCron
    retentionCron: retentionCron
    shardSize: shardSize
    statusCacheSeconds: statusCacheSeconds
    checksRetentionDays: checksRetentionDays
    historyRetentionDays: historyRetentionDays
    dnsServers: dnsServers
    trustedCaFile: trustedCaFile
    statusBaseUrl: empty(statusBaseUrl) ? 'https://${appName}.azurewebsites.net' : statusBaseUrl
    logLevel: logLevel
    smtpHost: smtpHost
    smtpPort: empty(smtpHost) ? '' : smtpPort
    smtpTls: empty(smtpHost) ? '' : smtpTls
    smtpUser: smtpUser
    smtpFrom: smtpFrom
    dataverseUrl: dataverseUrl
    dataverseTenantId: dataverseTenantId
    dataverseClientId: dataverseClientId
    dataverseClientSecretInVault: dataverseClientSecretInVault || !empty(dataverseClientSecret)
    dataverseAuthorityHost: dataverseAuthorityHost
    dataverseSyncCron: dataverseSyncCron
    dataverseMapFile: dataverseMapFile
    secretSettingNames: secretSettingNames
  }
}

// With a user-assigned identity the roles exist before the app first starts.
module identityRoles 'modules/roles.bicep' = if (userAssigned) {
  name: 'roles-identity'
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    appPrincipalId: userAssigned ? identity.properties.principalId : ''
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module app 'modules/function-app.bicep' = {
  name: 'function-app'
  dependsOn: [identityRoles]
  params: {
    name: appName
    planName: 'plan-${token}'
    location: location
    tags: tags
    identityType: identityType
    userAssignedIdentityId: userAssigned ? identity.id : ''
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    subnetId: enableVnet ? network.outputs.subnetId : ''
    appSettings: settings.outputs.settings
  }
}

// A system-assigned identity exists only once the app does.
module appRoles 'modules/roles.bicep' = if (!userAssigned) {
  name: 'roles-app'
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    appPrincipalId: app.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output FUNCTION_APP_URL string = 'https://${app.outputs.hostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
@description('The one address the app\'s outbound traffic leaves from (VNet integration only): allow it in the on-premises firewall.')
output OUTBOUND_IP string = enableVnet ? network.outputs.outboundIp : ''

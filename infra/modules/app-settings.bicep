// Every app setting of the Function App, in one object (`candidates`); settings left empty are dropped.
// test/infra/template.test.ts reads this file: each key must be a setting the app knows (lib/config/settings.ts)
// or one of the platform's own, and every setting the app needs must be here. Secrets are never values here:
// a secret setting holds a Key Vault reference, and the *_SETTING settings name the setting that holds it.

param storageAccountName string
@description('Client id of the user-assigned identity; empty for a system-assigned identity.')
param userAssignedClientId string = ''
param appInsightsConnectionString string
@description('The vault URI, ending in a slash (https://NAME.vault.azure.net/).')
param keyVaultUri string

param tablePrefix string = ''
param probeQueue string = ''
param profileFiles string = ''
param scheduleCron string = ''
param notifyCron string = ''
param retentionCron string = ''
param shardSize string = ''
param statusCacheSeconds string = ''
param checksRetentionDays string = ''
param historyRetentionDays string = ''
param dnsServers string = ''
param trustedCaFile string = ''
param statusBaseUrl string = ''
param logLevel string = ''

param smtpHost string = ''
param smtpPort string = ''
param smtpTls string = ''
param smtpUser string = ''
param smtpFrom string = ''

param dataverseUrl string = ''
param dataverseTenantId string = ''
param dataverseClientId string = ''
@description('True when the Dataverse client secret is kept in Key Vault (secret DATAVERSE-CLIENT-SECRET).')
param dataverseClientSecretInVault bool = false
param dataverseAuthorityHost string = ''
param dataverseSyncCron string = ''
param dataverseMapFile string = ''

@description('Names of the app settings that profiles name for their secrets (passwordSetting, clientSecretSetting); each becomes a Key Vault reference to the secret of the same name with hyphens for underscores.')
param secretSettingNames array = []

var secretRef = '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/'

var candidates = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: empty(userAssignedClientId) ? '' : 'managedidentity'
  AzureWebJobsStorage__clientId: userAssignedClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: empty(userAssignedClientId) ? 'Authorization=AAD' : 'ClientId=${userAssignedClientId};Authorization=AAD'
  // Node's flags for the worker: below 1 GB of maximum heap V8 grows the heap by a smaller factor after each full
  // collection, so garbage does not pile up to several times the live data (BENCHMARKS.md: 20 x 500 mailboxes in one
  // process peak at about 230 MB of RSS with it, 320-350 MB without; the live heap is 40-55 MB).
  languageWorkers__node__arguments: '--max-old-space-size=512'
  TABLE_PREFIX: tablePrefix
  PROBE_QUEUE: probeQueue
  PROFILE_FILES: profileFiles
  SCHEDULE_CRON: scheduleCron
  NOTIFY_CRON: notifyCron
  RETENTION_CRON: retentionCron
  SHARD_SIZE: shardSize
  STATUS_CACHE_SECONDS: statusCacheSeconds
  CHECKS_RETENTION_DAYS: checksRetentionDays
  HISTORY_RETENTION_DAYS: historyRetentionDays
  DNS_SERVERS: dnsServers
  TRUSTED_CA_FILE: trustedCaFile
  STATUS_BASE_URL: statusBaseUrl
  LOG_LEVEL: logLevel
  SMTP_HOST: smtpHost
  SMTP_PORT: smtpPort
  SMTP_TLS: smtpTls
  SMTP_USER: smtpUser
  SMTP_FROM: smtpFrom
  SMTP_PASSWORD_SETTING: empty(smtpUser) ? '' : 'SMTP_PASSWORD'
  SMTP_PASSWORD: empty(smtpUser) ? '' : '${secretRef}SMTP-PASSWORD/)'
  DATAVERSE_URL: dataverseUrl
  DATAVERSE_TENANT_ID: dataverseTenantId
  DATAVERSE_CLIENT_ID: dataverseClientId
  DATAVERSE_CLIENT_SECRET_SETTING: dataverseClientSecretInVault ? 'DATAVERSE_CLIENT_SECRET' : ''
  DATAVERSE_CLIENT_SECRET: dataverseClientSecretInVault ? '${secretRef}DATAVERSE-CLIENT-SECRET/)' : ''
  DATAVERSE_AUTHORITY_HOST: dataverseAuthorityHost
  DATAVERSE_SYNC_CRON: dataverseSyncCron
  DATAVERSE_MAP_FILE: dataverseMapFile
}

var profileSecretRefs = toObject(secretSettingNames, name => name, name => '${secretRef}${replace(name, '_', '-')}/)')

output settings object = union(toObject(filter(items(candidates), s => !empty(s.value)), s => s.key, s => s.value), profileSecretRefs)

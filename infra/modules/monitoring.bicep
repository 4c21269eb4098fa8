// Application Insights on a Log Analytics workspace. Local (instrumentation-key) authentication is off: the app
// sends telemetry with its managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING and the Monitoring Metrics
// Publisher role). Sampling and log levels live in host.json.

param workspaceName string
param appInsightsName string
param location string
param tags object
@description('Days the workspace keeps logs (30 are included in the ingestion price).')
param retentionInDays int = 30
@description('Daily ingestion cap in GB; -1 for none. A cap stops a noisy fault from turning into a bill.')
param dailyQuotaGb int = 1

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    workspaceCapping: { dailyQuotaGb: dailyQuotaGb }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
// Not a secret: with local authentication off, nothing can be sent with it without an Entra token.
output connectionString string = appInsights.properties.ConnectionString

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

@description('Identities of the two Function Apps, in this resource group: each writes its own telemetry.')
param authorizerIdentityName string
param adminIdentityName string

resource authorizerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: authorizerIdentityName
}

resource adminIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: adminIdentityName
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Telemetry only with an Entra token: the instrumentation key alone cannot write.
    DisableLocalAuth: true
  }
}

// Monitoring Metrics Publisher
var monitoringMetricsPublisher = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

resource authorizerMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, authorizerIdentity.id, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: authorizerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: monitoringMetricsPublisher
  }
}

resource adminMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, adminIdentity.id, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: monitoringMetricsPublisher
  }
}

output connectionString string = applicationInsights.properties.ConnectionString

@description('The Log Analytics workspace: where the audit logs of the anchors vault and the bindings table go.')
output workspaceId string = logAnalytics.id

@description('Log Analytics workspace behind Application Insights, in this resource group: the apps\' tppgate.* metrics land in its AppMetrics table.')
param workspaceName string
param location string
param tags object

@description('Action group every alert notifies.')
param actionGroupId string

@description('Workbook display name.')
param workbookName string

@description('SERVICE_UNAVAILABLE (503) decisions in 5 minutes that raise the alert.')
@minValue(1)
param serviceUnavailableThreshold int

@description('Storage failures in 15 minutes that raise the alert.')
@minValue(1)
param storageFailureThreshold int

@description('Age of the trust-anchor set, in hours, past which it has not been refreshed.')
@minValue(1)
param anchorMaxAgeHours int

@description('Age of the oldest cached CRL, in hours, past which it is beyond its grace.')
@minValue(1)
param crlMaxAgeHours int

@description('The expiry report\'s window in days (ExpiryReport__WindowDays), named in the expiry alert.')
@minValue(1)
param expiryReportWindowDays int

// Each alert reads one tppgate.* metric the apps emit (OpenTelemetry, Azure Monitor exporter): a counter's delta is
// in Sum, a gauge's value in Max. Evaluated by Azure Monitor every evaluationFrequency over windowSize.
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

var workspaceId = workspace.id

var rules = [
  {
    name: 'service-unavailable-spike'
    description: 'Spike of 503 SERVICE_UNAVAILABLE decisions: storage, Key Vault or a CRL is out of reach and TPP calls are refused.'
    severity: 1
    query: 'AppMetrics | where Name == "tppgate.decisions" | where tostring(Properties["code"]) == "SERVICE_UNAVAILABLE" | project TimeGenerated, Value = Sum'
    aggregation: 'Total'
    threshold: serviceUnavailableThreshold
    frequency: 'PT5M'
    window: 'PT5M'
  }
  {
    name: 'storage-failures'
    description: 'Table Storage calls are failing (tppgate.storage.failures).'
    severity: 2
    query: 'AppMetrics | where Name == "tppgate.storage.failures" | project TimeGenerated, Value = Sum'
    aggregation: 'Total'
    threshold: storageFailureThreshold
    frequency: 'PT5M'
    window: 'PT15M'
  }
  {
    name: 'anchors-stale'
    description: 'The trust-anchor set has not been refreshed for ${anchorMaxAgeHours} hours (tppgate.anchors.age).'
    severity: 2
    query: 'AppMetrics | where Name == "tppgate.anchors.age" | project TimeGenerated, Value = Max'
    aggregation: 'Maximum'
    threshold: anchorMaxAgeHours * 3600
    frequency: 'PT15M'
    window: 'PT1H'
  }
  {
    name: 'crl-past-grace'
    description: 'A cached CRL is older than ${crlMaxAgeHours} hours, past its grace (tppgate.crl.age).'
    severity: 2
    query: 'AppMetrics | where Name == "tppgate.crl.age" | project TimeGenerated, Value = Max'
    aggregation: 'Maximum'
    threshold: crlMaxAgeHours * 3600
    frequency: 'PT15M'
    window: 'PT1H'
  }
  {
    name: 'certificates-expiring'
    // The admin app's daily ExpiryReport sets the gauge to the count of active bindings expiring within the window
    // (already expired included) and the exporter sends it each minute while the instance lives: Max over a day > 0.
    description: 'Active bindings whose TPP certificate expires within ${expiryReportWindowDays} days, or has expired (tppgate.bindings.expiring, from the daily expiry report).'
    severity: 3
    query: 'AppMetrics | where Name == "tppgate.bindings.expiring" | project TimeGenerated, Value = Max'
    aggregation: 'Maximum'
    threshold: 0
    frequency: 'PT1H'
    window: 'P1D'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'tppgate-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: 'TppGate: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [workspaceId]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.aggregation
            metricMeasureColumn: 'Value'
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [actionGroupId]
      }
    }
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'tppgate-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: workbookName
    category: 'workbook'
    sourceId: workspaceId
    serializedData: string(union(loadJsonContent('../monitoring/workbook.json'), { fallbackResourceIds: [workspaceId] }))
  }
}

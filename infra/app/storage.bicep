@description('The data account: the bindings table (and the tables the store keeps beside it). Nothing else lives here; each Function App keeps its host state and package in an account of its own (hoststorage.bicep).')
param name string
param location string
param tags object

@description('Identity of the authorizer app: reads bindings and the change feed, writes nothing.')
param authorizerIdentityName string

@description('Identity of the admin app: registers and revokes bindings, and its timers prune the change log.')
param adminIdentityName string

resource authorizerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: authorizerIdentityName
}

resource adminIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: adminIdentityName
}

var bindingsTableName = 'TppGateBindings'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
    // Entra identities only: no account keys, no SAS signed with them.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource bindingsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: bindingsTableName
}

// Storage Table Data Reader: the authorizer reads bindings and the change feed; it can change nothing.
var storageTableDataReader = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '76199698-9eea-4c19-bc75-cec21354c6b6')
// Storage Table Data Contributor: the admin API writes bindings and audit rows; its timers delete old change-log rows.
var storageTableDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')

resource authorizerTableReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, authorizerIdentity.id, storageTableDataReader)
  scope: storage
  properties: {
    principalId: authorizerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: storageTableDataReader
  }
}

resource adminTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, adminIdentity.id, storageTableDataContributor)
  scope: storage
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: storageTableDataContributor
  }
}

output name string = storage.name
output tableServiceUri string = storage.properties.primaryEndpoints.table
output bindingsTableName string = bindingsTable.name

@description('The data account: the bindings table (and the tables the store keeps beside it) and the shared CRL container (decision 0016). Nothing else lives here; each Function App keeps its host state and package in an account of its own (hoststorage.bicep).')
param name string
param location string
param tags object

@description('Identity of the authorizer app: reads bindings and the change feed; writes only the CRLs it fetched.')
param authorizerIdentityName string

@description('Identity of the admin app: registers and revokes bindings (storing the CRLs a registration fetched), and its timers prune the change log.')
param adminIdentityName string

@description('Log Analytics workspace that receives the table service\'s write and delete logs.')
param auditWorkspaceId string

resource authorizerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: authorizerIdentityName
}

resource adminIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: adminIdentityName
}

var bindingsTableName = 'TppGateBindings'
var crlContainerName = 'tppgate-crls'

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

// Every write and delete on the bindings table, by whom (the caller's identity is in each record), beside the
// app's own audit rows: a change made outside the admin API, with the table role or a key, still leaves a trace.
// Reads are left out: the authorizer reads on every cold decision.
resource tableAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'tppgate-audit'
  scope: tableService
  properties: {
    workspaceId: auditWorkspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

// One blob per CRL distribution point, shared by every instance of both apps (decision 0016). Nothing in it is trusted:
// each CRL is verified against its issuer when read.
resource crlContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: crlContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Storage Table Data Reader: the authorizer reads bindings and the change feed; it can change nothing.
var storageTableDataReader = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '76199698-9eea-4c19-bc75-cec21354c6b6')
// Storage Table Data Contributor: the admin API writes bindings and audit rows; its timers delete old change-log rows.
var storageTableDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')

// Storage Blob Data Contributor, on the CRL container only: both apps fetch CRLs (the authorizer on a request and in its
// refresher, the admin app at registration) and store what they fetched for the other instances; neither may touch
// any other container of the account.
var storageBlobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')

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

resource authorizerCrlWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(crlContainer.id, authorizerIdentity.id, storageBlobDataContributor)
  scope: crlContainer
  properties: {
    principalId: authorizerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: storageBlobDataContributor
  }
}

resource adminCrlWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(crlContainer.id, adminIdentity.id, storageBlobDataContributor)
  scope: crlContainer
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: storageBlobDataContributor
  }
}

output name string = storage.name
output tableServiceUri string = storage.properties.primaryEndpoints.table
output bindingsTableName string = bindingsTable.name
output blobServiceUri string = storage.properties.primaryEndpoints.blob
output crlContainerName string = crlContainer.name

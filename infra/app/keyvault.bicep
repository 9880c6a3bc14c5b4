@description('The vault that holds trust anchors only: public PEM certificates as tagged secrets (docs/decisions/0003).')
param name string
param location string
param tags object

@description('Identity of the authorizer app, in this resource group: validates TPP certificates against the anchors.')
param authorizerIdentityName string

@description('Identity of the admin app, in this resource group: validates certificates at registration and writes the anchors imported from the EU trusted lists (docs/decisions/0012).')
param adminIdentityName string

@description('Whether the admin app\'s RefreshTrustedLists timer runs (trustedListSigners set) and so writes anchors. Without it the admin app only reads them, and nothing may write this vault.')
param adminWritesAnchors bool

@description('Log Analytics workspace that receives the vault\'s audit events.')
param auditWorkspaceId string

resource authorizerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: authorizerIdentityName
}

resource adminIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: adminIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// Key Vault Secrets User, on this vault only: it holds public CA certificates and nothing else, and Key Vault
// certificates cannot hold a CA certificate without its private key (docs/decisions/0003).
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource authorizerSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, authorizerIdentity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: authorizerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultSecretsUser
  }
}

// Key Vault Secrets Officer, on this vault only, for the admin app when its RefreshTrustedLists timer runs: it writes
// one secret per anchor, disables those whose service left the lists and keeps its state secret (docs/decisions/0012).
// Without trustedListSigners the timer is disabled and the admin app holds Secrets User, as the authorizer does: it
// validates certificates at registration and writes nothing, so a compromised admin app cannot plant a root. The vault
// has soft delete with purge protection, so a secret the timer deletes stays recoverable for 90 days.
var keyVaultSecretsOfficer = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')

resource adminSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (adminWritesAnchors) {
  name: guid(vault.id, adminIdentity.id, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultSecretsOfficer
  }
}

resource adminSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!adminWritesAnchors) {
  name: guid(vault.id, adminIdentity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultSecretsUser
  }
}

// Every operation on the anchors (reads, writes, disables, deletes, denied attempts) with its caller: the record of
// who changed what the authorizer trusts.
resource vaultAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'tppgate-audit'
  scope: vault
  properties: {
    workspaceId: auditWorkspaceId
    logs: [
      { category: 'AuditEvent', enabled: true }
    ]
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri

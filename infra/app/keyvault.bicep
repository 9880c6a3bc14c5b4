@description('The vault that holds trust anchors only: public PEM certificates as tagged secrets (docs/decisions/0003).')
param name string
param location string
param tags object

@description('Identity of the authorizer app, in this resource group: validates TPP certificates against the anchors.')
param authorizerIdentityName string

@description('Identity of the admin app, in this resource group: validates certificates at registration.')
param adminIdentityName string

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

resource adminSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, adminIdentity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: adminIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultSecretsUser
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri

// Deployed into the resource group of the vault that holds APIM's backend certificate (yours, not the trust-anchor
// vault), once per identity that reads it: APIM's, before API Management itself (the Key Vault reference of the
// certificate resolves only once this grant exists), and the authorizer's, which trusts the certificate's current
// version as its forwarder and needs its public part only.
@description('The vault holding APIM\'s client certificate.')
param vaultName string

@description('The user-assigned identity that reads the certificate (APIM\'s or the authorizer\'s) and the resource group it lives in (TppGate\'s).')
param identityName string
param identityResourceGroupName string

@description('privateKey: the whole certificate with its key, through the secret endpoint (APIM presents it). publicCertificate: GET /certificates only, which returns the public part and never the key (the authorizer).')
@allowed(['privateKey', 'publicCertificate'])
param access string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: vaultName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
  scope: resourceGroup(identityResourceGroupName)
}

// Key Vault Certificate User: read a certificate's contents, private key included (secrets/getSecret), nothing else.
var keyVaultCertificateUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba')
// Key Vault Reader: read certificates (GET /certificates returns the public part) and metadata; it cannot read a
// secret's value, so not the key behind a certificate.
var keyVaultReader = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '21090545-7ca7-4776-b22c-e363652d74d2')

resource certificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (access == 'privateKey') {
  name: guid(vault.id, identity.id, keyVaultCertificateUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultCertificateUser
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (access == 'publicCertificate') {
  name: guid(vault.id, identity.id, keyVaultReader)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: keyVaultReader
  }
}

output vaultUri string = vault.properties.vaultUri

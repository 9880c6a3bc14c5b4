targetScope = 'subscription'

metadata description = 'TppGate: the PSD2 client-certificate authorizer on Flex Consumption, with its storage, trust-anchor vault, monitoring and optional API Management.'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource.')
param location string

@description('Deploy API Management in front of the authorizer (TPP -> APIM -> authorizer). Without it, TPPs call the Function App directly.')
param deployApim bool = false

@description('APIM publisher e-mail (required by the service).')
param apimPublisherEmail string = 'psd2-operations@example.invalid'

@description('Key Vault secret id (URI) of the client certificate APIM presents to the Function App. Required when deployApim is true.')
param apimBackendCertificateKeyVaultUri string = ''

@description('SHA-256 thumbprint (hex) of that certificate: the Function App trusts forwarded TPP certificates only from a caller presenting it.')
param apimBackendCertificateThumbprint string = ''

@description('The bank\'s PSD2 API that APIM forwards authorized calls to.')
param psd2BackendUrl string = 'https://psd2-backend.example.invalid'

@description('Client id of the Entra app registration protecting the admin API. Empty: App Service Authentication is not configured and the admin API refuses every call.')
param adminAppClientId string = ''

@description('Tenant id of that app registration. Defaults to the deployment tenant.')
param adminAppTenantId string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}tppgate-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [identity]
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
  }
}

module storage 'app/storage.bicep' = {
  scope: rg
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [identity]
  params: {
    name: storageAccountName
    location: location
    tags: tags
    identityName: identityName
  }
}

module trustAnchorVault 'app/keyvault.bicep' = {
  scope: rg
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [identity]
  params: {
    name: '${abbrs.keyVaultVaults}ta-${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
  }
}

module api 'app/function.bicep' = {
  scope: rg
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [identity]
  params: {
    name: '${abbrs.webSitesFunctions}tppgate-${resourceToken}'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityName: identityName
    storageAccountName: storageAccountName
    deploymentContainerName: storage.outputs.deploymentContainerName
    bindingsTableName: storage.outputs.bindingsTableName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    trustAnchorVaultUri: trustAnchorVault.outputs.uri
    restrictToApim: deployApim
    trustedForwarderThumbprint: apimBackendCertificateThumbprint
    adminAppClientId: adminAppClientId
    adminAppTenantId: empty(adminAppTenantId) ? tenant().tenantId : adminAppTenantId
  }
}

module apim 'app/apim.bicep' = if (deployApim) {
  scope: rg
  params: {
    name: '${abbrs.apiManagementService}${resourceToken}'
    location: location
    tags: tags
    publisherEmail: apimPublisherEmail
    psd2BackendUrl: psd2BackendUrl
    functionAppHostName: api.outputs.defaultHostName
    backendCertificateKeyVaultUri: apimBackendCertificateKeyVaultUri
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostName}'
output TRUST_ANCHOR_VAULT_NAME string = trustAnchorVault.outputs.name
output TRUST_ANCHOR_VAULT_URI string = trustAnchorVault.outputs.uri
output APIM_GATEWAY_URI string = apim.?outputs.?gatewayUrl ?? ''

targetScope = 'subscription'

metadata description = 'TppGate: the PSD2 client-certificate authorizer and its admin API as two Function Apps on Flex Consumption (docs/decisions/0007), with storage, the trust-anchor vault, monitoring and alerts, and optional API Management.'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource.')
param location string

@minLength(1)
@description('Client id of the Entra app registration protecting the admin API (App Service Authentication on the admin app; app setting Admin__Audience). Required: without it the admin API could not authenticate anyone.')
param adminAppClientId string

@description('Tenant id of that app registration. Defaults to the deployment tenant.')
param adminAppTenantId string = ''

@minLength(1)
@description('Issuer URL of the authorization server whose access tokens the authorizer verifies (Authorizer__Tokens__Authority; metadata at {authority}/.well-known/openid-configuration).')
param tokenAuthority string

@minLength(1)
@description('Audience those access tokens must carry (Authorizer__Tokens__Audiences__0).')
param tokenAudience string

@minLength(1)
@description('Resource id of the action group every TppGate alert notifies (the on-call team).')
param alertActionGroupId string

@description('Deploy API Management in front of the authorizer (TPP -> APIM -> authorizer). Without it, TPPs call the authorizer app directly.')
param deployApim bool = false

@description('APIM publisher e-mail (required by the service).')
param apimPublisherEmail string = 'psd2-operations@example.invalid'

@description('Key Vault (yours, not the trust-anchor vault) holding the client certificate APIM presents to the authorizer. Required when deployApim is true.')
param apimCertificateVaultName string = ''

@description('Resource group of that vault, in this subscription.')
param apimCertificateVaultResourceGroup string = ''

@description('Name of that Key Vault certificate.')
param apimCertificateName string = ''

@description('Optional SHA-256 thumbprint (hex) of a forwarder certificate the authorizer trusts as fixed (Authorizer__Request__TrustedForwarders__0). With deployApim the authorizer already reads APIM\'s certificate from its vault and follows its rotation; a thumbprint set here is trusted as well.')
param apimBackendCertificateThumbprint string = ''

@description('The bank\'s PSD2 API that APIM forwards authorized calls to.')
param psd2BackendUrl string = 'https://psd2-backend.example.invalid'

@description('The LOTL signing certificates published in the Official Journal of the EU (PEM or base64 DER), pinned for the admin app\'s RefreshTrustedLists timer (TrustedLists__LotlSigners__<i>; docs/decisions/0012). Empty: the timer is disabled and the anchors vault is managed by hand.')
param trustedListSigners string[] = []

@minLength(1)
@description('NCRONTAB schedule of RefreshTrustedLists (app setting TrustedListsSchedule, on both apps so the timer binding resolves where it is disabled too). Default: daily at 03:30 UTC.')
param trustedListsSchedule string = '0 30 3 * * *'

@minLength(1)
@description('NCRONTAB schedule of the admin app\'s ExpiryReport timer (app setting ExpiryReportSchedule, on both apps so the timer binding resolves where it is disabled too). Default: daily at 06:00 UTC.')
param expiryReportSchedule string = '0 0 6 * * *'

@description('Days ahead the expiry report looks (admin app setting ExpiryReport__WindowDays); the certificates-expiring alert fires while it finds any binding expiring within them.')
@minValue(1)
@maxValue(3650)
param expiryReportWindowDays int = 30

@description('Authorizer: instances kept warm for the HTTP group. Every PSD2 call waits on the authorizer, so a cold start (seconds) is never acceptable; two survive the recycling of one.')
@minValue(0)
param authorizerAlwaysReadyInstances int = 2

@description('Authorizer: concurrent requests per instance before Flex adds one. A decision is microseconds of CPU and waits at most 1 s on storage, so an instance carries far more than the platform default (16 at 2,048 MB); fewer instances also means warmer caches and fewer change-feed pollers.')
@minValue(1)
@maxValue(1000)
param authorizerHttpPerInstanceConcurrency int = 64

@description('Authorizer: memory per instance (MB). 2,048 holds the default caches (about 79 MiB at their bounds) many times over.')
@allowed([512, 2048, 4096])
param authorizerInstanceMemoryMB int = 2048

@description('Authorizer: maximum instances.')
@minValue(1)
@maxValue(1000)
param authorizerMaximumInstanceCount int = 100

@description('Alert: SERVICE_UNAVAILABLE decisions in 5 minutes.')
@minValue(1)
param serviceUnavailableAlertThreshold int = 10

@description('Alert: storage failures in 15 minutes.')
@minValue(1)
param storageFailureAlertThreshold int = 5

@description('Alert: trust anchors not refreshed for this many hours.')
@minValue(1)
param anchorMaxAgeHours int = 48

@description('Alert: a cached CRL older than this many hours is past its grace (its validity plus Authorizer:Chain grace).')
@minValue(1)
param crlMaxAgeHours int = 48

var abbrs = loadJsonContent('abbreviations.json')
var functions = loadJsonContent('functions.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var authorizerIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}tppgate-authz-${resourceToken}'
var adminIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}tppgate-admin-${resourceToken}'
var apimIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}tppgate-apim-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module authorizerIdentity 'app/identity.bicep' = {
  scope: rg
  params: {
    name: authorizerIdentityName
    location: location
    tags: tags
  }
}

module adminIdentity 'app/identity.bicep' = {
  scope: rg
  params: {
    name: adminIdentityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  // The module finds the identities by name, so the dependency is stated.
  dependsOn: [authorizerIdentity, adminIdentity]
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    authorizerIdentityName: authorizerIdentityName
    adminIdentityName: adminIdentityName
  }
}

module alerts 'app/alerts.bicep' = {
  scope: rg
  // The module finds the workspace by name, so the dependency is stated.
  dependsOn: [monitoring]
  params: {
    workspaceName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    actionGroupId: alertActionGroupId
    workbookName: 'TppGate (${environmentName})'
    serviceUnavailableThreshold: serviceUnavailableAlertThreshold
    storageFailureThreshold: storageFailureAlertThreshold
    anchorMaxAgeHours: anchorMaxAgeHours
    crlMaxAgeHours: crlMaxAgeHours
    expiryReportWindowDays: expiryReportWindowDays
  }
}

module storage 'app/storage.bicep' = {
  scope: rg
  dependsOn: [authorizerIdentity, adminIdentity]
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    authorizerIdentityName: authorizerIdentityName
    adminIdentityName: adminIdentityName
    auditWorkspaceId: monitoring.outputs.workspaceId
  }
}

module authorizerHostStorage 'app/hoststorage.bicep' = {
  scope: rg
  dependsOn: [authorizerIdentity]
  params: {
    name: '${abbrs.storageStorageAccounts}authz${resourceToken}'
    location: location
    tags: tags
    identityName: authorizerIdentityName
  }
}

module adminHostStorage 'app/hoststorage.bicep' = {
  scope: rg
  dependsOn: [adminIdentity]
  params: {
    name: '${abbrs.storageStorageAccounts}admin${resourceToken}'
    location: location
    tags: tags
    identityName: adminIdentityName
  }
}

module trustAnchorVault 'app/keyvault.bicep' = {
  scope: rg
  dependsOn: [authorizerIdentity, adminIdentity]
  params: {
    name: '${abbrs.keyVaultVaults}ta-${resourceToken}'
    location: location
    tags: tags
    authorizerIdentityName: authorizerIdentityName
    adminIdentityName: adminIdentityName
    // Only the RefreshTrustedLists timer writes anchors, and it runs only with signers to check the LOTL against.
    adminWritesAnchors: !empty(trustedListSigners)
    auditWorkspaceId: monitoring.outputs.workspaceId
  }
}

// Settings both apps read the same way (the surface-specific ones are added per app below and in function.bicep).
var sharedSettings = [
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring.outputs.connectionString }
  { name: 'Bindings__TableServiceUri', value: storage.outputs.tableServiceUri }
  { name: 'Bindings__TableName', value: storage.outputs.bindingsTableName }
  // The template creates the table; creating it at run time needs a write role the authorizer must not hold.
  { name: 'Bindings__CreateTableIfNotExists', value: 'false' }
  // The shared CRL store (decision 0016): the template creates its container; the apps hold a role on it alone.
  { name: 'CrlStore__BlobServiceUri', value: storage.outputs.blobServiceUri }
  { name: 'CrlStore__ContainerName', value: storage.outputs.crlContainerName }
  { name: 'CrlStore__CreateContainerIfNotExists', value: 'false' }
  { name: 'TrustAnchors__KeyVault__VaultUri', value: trustAnchorVault.outputs.uri }
  { name: 'Authorizer__Tokens__Authority', value: tokenAuthority }
  { name: 'Authorizer__Tokens__Audiences__0', value: tokenAudience }
  // The timer's %TrustedListsSchedule% binding must resolve on both apps, even where the function is disabled.
  { name: 'TrustedListsSchedule', value: trustedListsSchedule }
  // The change-feed retention timer (admin app; decision 0010): its schedule must resolve on both apps too.
  { name: 'ChangeFeedRetentionSchedule', value: '0 */15 * * * *' }
  // The daily expiry report (admin app; tppgate.bindings.expiring): its schedule must resolve on both apps too.
  { name: 'ExpiryReportSchedule', value: expiryReportSchedule }
]
// Without pinned signers the trusted-list timer cannot verify the LOTL: it is disabled, and anchors are managed by hand.
var trustedListSignerSettings = [for (signer, i) in trustedListSigners: { name: 'TrustedLists__LotlSigners__${i}', value: signer }]
var adminDisabledFunctions = empty(trustedListSigners) ? concat(functions.authorizer, ['RefreshTrustedLists']) : functions.authorizer
var forwarderSettings = empty(apimBackendCertificateThumbprint)
  ? []
  : [
      { name: 'Authorizer__Request__TrustedForwarders__0__Name', value: 'apim' }
      { name: 'Authorizer__Request__TrustedForwarders__0__CertificateThumbprint', value: apimBackendCertificateThumbprint }
    ]
// With APIM, the authorizer reads APIM's client certificate from its vault and trusts its current version: rotating
// it in Key Vault rotates the trusted forwarder with no redeploy. The vault URI comes from the grant's output, so the
// app's settings wait for the authorizer's grant.
var forwarderKeyVaultSettings = deployApim
  ? [
      { name: 'Authorizer__Request__TrustedForwarderKeyVaultCertificate__VaultUri', value: authorizerApimCertificateAccess!.outputs.vaultUri }
      { name: 'Authorizer__Request__TrustedForwarderKeyVaultCertificate__CertificateName', value: apimCertificateName }
      { name: 'Authorizer__Request__TrustedForwarderKeyVaultCertificate__ManagedIdentityClientId', value: authorizerIdentity.outputs.clientId }
    ]
  : []

// The hot path: TPP certificates (client certificate Required, no exclusion paths), /api/authorize and /api/health.
// It depends on authorizerIdentity through forwarderKeyVaultSettings (its client id), which Bicep states for it.
module authorizer 'app/function.bicep' = {
  scope: rg
  params: {
    name: '${abbrs.webSitesFunctions}tppgate-${resourceToken}'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'authorizer' })
    identityName: authorizerIdentityName
    hostBlobServiceUri: authorizerHostStorage.outputs.blobServiceUri
    hostQueueServiceUri: authorizerHostStorage.outputs.queueServiceUri
    deploymentContainerUri: authorizerHostStorage.outputs.deploymentContainerUri
    surface: 'Authorizer'
    disabledFunctions: functions.admin
    appSettings: concat(sharedSettings, forwarderSettings, forwarderKeyVaultSettings)
    maximumInstanceCount: authorizerMaximumInstanceCount
    instanceMemoryMB: authorizerInstanceMemoryMB
    httpPerInstanceConcurrency: authorizerHttpPerInstanceConcurrency
    alwaysReadyInstances: authorizerAlwaysReadyInstances
  }
}

// The admin API and the timers: Entra tokens through App Service Authentication, no client certificate.
module admin 'app/function.bicep' = {
  scope: rg
  dependsOn: [adminIdentity]
  params: {
    name: '${abbrs.webSitesFunctions}tppgate-admin-${resourceToken}'
    planName: '${abbrs.webServerFarms}admin-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'admin' })
    identityName: adminIdentityName
    hostBlobServiceUri: adminHostStorage.outputs.blobServiceUri
    hostQueueServiceUri: adminHostStorage.outputs.queueServiceUri
    deploymentContainerUri: adminHostStorage.outputs.deploymentContainerUri
    surface: 'Admin'
    disabledFunctions: adminDisabledFunctions
    appSettings: concat(sharedSettings, trustedListSignerSettings, [
      { name: 'Admin__Audience', value: adminAppClientId }
      { name: 'ExpiryReport__WindowDays', value: string(expiryReportWindowDays) }
    ])
    adminAppClientId: adminAppClientId
    adminAppTenantId: empty(adminAppTenantId) ? tenant().tenantId : adminAppTenantId
    // Operators and timers only: no warm instance, platform-default concurrency.
    maximumInstanceCount: 40
    instanceMemoryMB: 2048
    httpPerInstanceConcurrency: 16
    alwaysReadyInstances: 0
  }
}

// APIM's identity exists, and may read its backend certificate, before API Management is created: the service's
// Key Vault-referenced certificate is resolved at creation, so the grant must come first.
module apimIdentity 'app/identity.bicep' = if (deployApim) {
  scope: rg
  params: {
    name: apimIdentityName
    location: location
    tags: tags
  }
}

module apimVaultAccess 'app/apim-vault-access.bicep' = if (deployApim) {
  scope: resourceGroup(apimCertificateVaultResourceGroup)
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [apimIdentity]
  params: {
    vaultName: apimCertificateVaultName
    identityName: apimIdentityName
    identityResourceGroupName: rg.name
    access: 'privateKey'
  }
}

// The authorizer reads the same certificate's public part, to know APIM as a trusted forwarder, and never its key.
module authorizerApimCertificateAccess 'app/apim-vault-access.bicep' = if (deployApim) {
  scope: resourceGroup(apimCertificateVaultResourceGroup)
  // The module finds the identity by name, so the dependency is stated.
  dependsOn: [authorizerIdentity]
  params: {
    vaultName: apimCertificateVaultName
    identityName: authorizerIdentityName
    identityResourceGroupName: rg.name
    access: 'publicCertificate'
  }
}

module apim 'app/apim.bicep' = if (deployApim) {
  scope: rg
  dependsOn: [apimIdentity]
  params: {
    name: '${abbrs.apiManagementService}${resourceToken}'
    location: location
    tags: tags
    publisherEmail: apimPublisherEmail
    psd2BackendUrl: psd2BackendUrl
    authorizerHostName: authorizer.outputs.defaultHostName
    identityName: apimIdentityName
    // From the grant's output, so the certificate waits for the grant.
    backendCertificateUrl: '${apimVaultAccess!.outputs.vaultUri}secrets/${apimCertificateName}'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_AUTHORIZER_NAME string = authorizer.outputs.name
output SERVICE_AUTHORIZER_URI string = 'https://${authorizer.outputs.defaultHostName}'
output SERVICE_ADMIN_NAME string = admin.outputs.name
output SERVICE_ADMIN_URI string = 'https://${admin.outputs.defaultHostName}'
output TRUST_ANCHOR_VAULT_NAME string = trustAnchorVault.outputs.name
output TRUST_ANCHOR_VAULT_URI string = trustAnchorVault.outputs.uri
output APIM_GATEWAY_URI string = apim.?outputs.?gatewayUrl ?? ''

@description('Function App name.')
param name string

@description('Flex Consumption plan name.')
param planName string

param location string
param tags object

@description('Name of the user-assigned identity the app runs as, in this resource group.')
param identityName string

param storageAccountName string
param deploymentContainerName string
param bindingsTableName string
param applicationInsightsConnectionString string
param trustAnchorVaultUri string

@description('Accept inbound calls from API Management only (ApiManagement service tag); otherwise TPPs call the app directly.')
param restrictToApim bool

@description('SHA-256 thumbprint (hex) of the client certificate API Management presents; the only caller whose forwarded Client-Cert header is trusted. Empty: no trusted forwarder.')
param trustedForwarderThumbprint string

@description('Entra app registration protecting the admin API; empty leaves App Service Authentication off.')
param adminAppClientId string

param adminAppTenantId string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var baseSettings = [
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'Bindings__TableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'Bindings__TableName', value: bindingsTableName }
  { name: 'Bindings__ManagedIdentityClientId', value: identity.properties.clientId }
  { name: 'TrustAnchors__KeyVault__VaultUri', value: trustAnchorVaultUri }
  { name: 'TrustAnchors__KeyVault__ManagedIdentityClientId', value: identity.properties.clientId }
]
var forwarderSettings = empty(trustedForwarderThumbprint)
  ? []
  : [
      { name: 'Authorizer__Request__TrustedForwarders__0__Name', value: 'apim' }
      { name: 'Authorizer__Request__TrustedForwarders__0__CertificateThumbprint', value: trustedForwarderThumbprint }
    ]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // The TLS handshake proves the caller holds the certificate's key; only then is X-ARR-ClientCert worth reading.
    clientCertEnabled: true
    clientCertMode: 'Required'
    // Admin calls carry an Entra token (App Service Authentication), not a TPP certificate; the health probe carries neither.
    clientCertExclusionPaths: '/api/bindings;/api/certificates;/api/health'
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      ipSecurityRestrictionsDefaultAction: restrictToApim ? 'Deny' : 'Allow'
      ipSecurityRestrictions: restrictToApim
        ? [
            {
              name: 'api-management'
              description: 'Only API Management reaches the authorizer; TPPs call APIM.'
              action: 'Allow'
              priority: 100
              tag: 'ServiceTag'
              ipAddress: 'ApiManagement'
            }
          ]
        : []
      scmIpSecurityRestrictionsUseMain: false
      appSettings: concat(baseSettings, forwarderSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 100
        instanceMemoryMB: 2048
        // Cold starts take seconds; the authorizer sits on every PSD2 call, so one instance is always warm.
        alwaysReady: [
          {
            name: 'http'
            instanceCount: 1
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments use Entra identities (azd, OIDC); publishing with user names and passwords is off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// The admin API: App Service Authentication validates the Entra token and injects X-MS-CLIENT-PRINCIPAL (stripping
// any copy the caller sent); unauthenticated requests pass through so the app answers 401/403 itself with its
// problem+json body and checks the TppGate.Admin / TppGate.Reader roles.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(adminAppClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: adminAppClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${adminAppTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${adminAppClientId}'
            adminAppClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName

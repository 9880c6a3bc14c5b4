@description('Function App name.')
param name string

@description('Flex Consumption plan name: one plan per app.')
param planName string

param location string
param tags object

@description('Name of the user-assigned identity the app runs as, in this resource group.')
param identityName string

@description('Host storage of this app (hoststorage.bicep outputs).')
param hostBlobServiceUri string
param hostQueueServiceUri string
param deploymentContainerUri string

@description('Surface this app serves: Authorizer or Admin (app setting TppGate__Surface, docs/decisions/0007).')
@allowed(['Authorizer', 'Admin'])
param surface string

@description('Functions of the other surface, disabled here with AzureWebJobs.<Name>.Disabled.')
param disabledFunctions string[]

@description('Settings both apps share (storage, trust anchors, telemetry, tokens) plus this app\'s own, as name/value pairs.')
param appSettings array

@description('Entra app registration of the admin API; required for the Admin surface (App Service Authentication).')
param adminAppClientId string = ''

param adminAppTenantId string = ''

@description('Maximum instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB; CPU and network bandwidth grow with it.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Concurrent HTTP invocations per instance before Flex adds an instance.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int

@description('Instances of the HTTP group kept running at all times (0: scale to zero).')
@minValue(0)
param alwaysReadyInstances int

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

var isAuthorizer = surface == 'Authorizer'

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

var hostSettings = [
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: hostBlobServiceUri }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: hostQueueServiceUri }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'Bindings__ManagedIdentityClientId', value: identity.properties.clientId }
  { name: 'CrlStore__ManagedIdentityClientId', value: identity.properties.clientId }
  { name: 'TrustAnchors__KeyVault__ManagedIdentityClientId', value: identity.properties.clientId }
  { name: 'TppGate__Surface', value: surface }
]
var disabledSettings = [for function in disabledFunctions: { name: 'AzureWebJobs.${function}.Disabled', value: 'true' }]

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
    // Authorizer: the TLS handshake proves the caller holds the certificate's key; only then is X-ARR-ClientCert worth
    // reading. No exclusion path: any exclusion path makes App Service fall back to TLS renegotiation, which TLS 1.3
    // and HTTP/2 clients cannot do (docs/decisions/0007). Admin: Entra tokens, no client certificate at all.
    clientCertEnabled: isAuthorizer
    clientCertMode: isAuthorizer ? 'Required' : 'Optional'
    clientCertExclusionPaths: ''
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(hostSettings, appSettings, disabledSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyInstances
              }
            ]
          : []
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
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

// Admin: App Service Authentication validates the Entra token before the app sees the request and injects
// X-MS-CLIENT-PRINCIPAL (removing any copy the caller sent). Every path needs a token except the anonymous health
// probe, which says healthy or unhealthy and nothing else. The app checks the principal's audience (Admin__Audience)
// and the TppGate.Admin / TppGate.Reader roles itself (docs/decisions/0006).
// Authorizer: App Service Authentication stays off; TPPs authenticate with their certificate and APIM with its own.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: isAuthorizer
    ? {
        platform: {
          enabled: false
        }
      }
    : {
        platform: {
          enabled: true
        }
        globalValidation: {
          requireAuthentication: true
          unauthenticatedClientAction: 'Return401'
          excludedPaths: [
            '/api/health'
          ]
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
              // v2 access tokens carry the client id as aud; the app compares it with Admin__Audience.
              allowedAudiences: [
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

@description('API Management service name.')
param name string
param location string
param tags object
param publisherEmail string

@description('The bank\'s PSD2 API that authorized calls are forwarded to.')
param psd2BackendUrl string

param functionAppHostName string

@description('Key Vault secret id of the client certificate APIM presents to the Function App. APIM\'s identity needs Key Vault Secrets User on the vault that holds it.')
param backendCertificateKeyVaultUri string

var backendCertificateId = 'tppgate-backend'

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Consumption'
    capacity: 0
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'TppGate'
    // Ask TPPs for their QWAC in the TLS handshake; the policy reads context.Request.Certificate.
    enableClientCertificate: true
  }
}

resource backendCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  parent: apim
  name: backendCertificateId
  properties: {
    keyVault: {
      secretIdentifier: backendCertificateKeyVaultUri
    }
  }
}

resource authorizerUrl 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'tppgate-authorizer-url'
  properties: {
    displayName: 'tppgate-authorizer-url'
    value: 'https://${functionAppHostName}/api/authorize'
  }
}

resource psd2Api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'psd2'
  properties: {
    displayName: 'PSD2 (TPP-facing)'
    path: 'psd2'
    protocols: ['https']
    serviceUrl: psd2BackendUrl
    subscriptionRequired: false
  }
}

resource psd2Policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: psd2Api
  name: 'policy'
  properties: {
    format: 'xml'
    value: loadTextContent('../apim/authorize-policy.xml')
  }
  dependsOn: [
    // The policy names these by id inside its XML, which Bicep cannot see.
    authorizerUrl
    backendCertificate
  ]
}

output gatewayUrl string = apim.properties.gatewayUrl
output principalId string = apim.identity.principalId

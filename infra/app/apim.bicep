@description('API Management service name.')
param name string
param location string
param tags object
param publisherEmail string

@description('The bank\'s PSD2 API that authorized calls are forwarded to.')
param psd2BackendUrl string

@description('Host name of the authorizer Function App.')
param authorizerHostName string

@description('User-assigned identity APIM reads its backend certificate with. It exists, and holds Key Vault Certificate User on the certificate\'s vault (apim-vault-access.bicep), before this service is created, so the Key Vault reference below resolves on the first deployment.')
param identityName string

@description('Versionless Key Vault secret id of the client certificate APIM presents to the authorizer (APIM picks up a new version within hours).')
param backendCertificateUrl string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

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
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
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
      secretIdentifier: backendCertificateUrl
      identityClientId: identity.properties.clientId
    }
  }
}

resource authorizerUrl 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'tppgate-authorizer-url'
  properties: {
    displayName: 'tppgate-authorizer-url'
    value: 'https://${authorizerHostName}/api/authorize'
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

// An API without operations matches nothing (404 OperationNotFound) and its policy never runs. One wildcard
// operation per method the Berlin Group NextGenPSD2 API and the OAuth token endpoint use; the policy names the
// service from the path, so every path under /psd2 goes through the authorizer.
var methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

resource operations 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = [
  for method in methods: {
    parent: psd2Api
    name: 'all-${toLower(method)}'
    properties: {
      displayName: '${method} /*'
      method: method
      urlTemplate: '/*'
    }
  }
]

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
    operations
  ]
}

output gatewayUrl string = apim.properties.gatewayUrl

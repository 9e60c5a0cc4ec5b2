// Data-plane roles for the app's managed identity and, so local runs can use the cloud resources,
// for the principal that ran azd. Nothing here grants key access: keys are disabled everywhere.
param storageAccountName string
param appInsightsName string
param cosmosAccountName string
param identityPrincipalId string
@description('The deploying user or pipeline; empty skips its assignments.')
param userPrincipalId string = ''
@allowed([
  'User'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

var storageRoleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: host leases, deployment package, logs, artifacts
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: dispatch queues, queue triggers, Durable
  // Storage Queue Delegator: get a user delegation key to sign per-node queue SAS tokens.
  '7ee386e9-84f0-448e-80a6-f185f6533131'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor: Durable task hub
]
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
// Built-in "Cosmos DB Built-in Data Contributor" (data plane; not an Azure RBAC role).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

var identityPrincipal = [{ id: identityPrincipalId, type: 'ServicePrincipal' }]
var userPrincipal = empty(userPrincipalId) ? [] : [{ id: userPrincipalId, type: userPrincipalType }]
var principals = concat(identityPrincipal, userPrincipal)

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

// One assignment per (principal, role): index i walks principals × roles.
resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, length(principals) * length(storageRoleIds)): {
    name: guid(storageAccount.id, principals[i / length(storageRoleIds)].id, storageRoleIds[i % length(storageRoleIds)])
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageRoleIds[i % length(storageRoleIds)])
      principalId: principals[i / length(storageRoleIds)].id
      principalType: principals[i / length(storageRoleIds)].type
    }
  }
]

resource metricsPublisherAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for p in principals: {
    name: guid(applicationInsights.id, p.id, monitoringMetricsPublisher)
    scope: applicationInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
      principalId: p.id
      principalType: p.type
    }
  }
]

resource cosmosDataAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = [
  for p in principals: {
    parent: cosmosAccount
    name: guid(cosmosAccount.id, p.id, cosmosDataContributor)
    properties: {
      principalId: p.id
      roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributor}'
      scope: cosmosAccount.id
    }
  }
]

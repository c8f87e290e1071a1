// Azure Bot registration whose identity is the web app's user-assigned managed identity
// (no password to store or rotate), with the Microsoft Teams channel.

@description('Azure Bot resource name')
param name string

@maxLength(42)
@description('Display name of the bot')
param displayName string

@description('Azure Bot pricing tier (F0 or S1); Teams is a standard channel, free on both')
param sku string

@description('HTTPS messaging endpoint, https://<host>/api/messages')
param endpoint string

@description('Client id of the user-assigned managed identity (the bot id)')
param identityClientId string

@description('Resource id of the user-assigned managed identity')
param identityResourceId string

@description('Tenant of the user-assigned managed identity')
param identityTenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output botResourceId string = bot.id

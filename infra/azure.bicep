// Azure resources for the Lifecycle bot (deployed by the Agents Toolkit's arm/deploy, see m365agents.yml):
// - a user-assigned managed identity: the bot's Bot Framework identity, and its identity towards
//   Key Vault and (in managedIdentity mode) Microsoft Graph, Exchange Online and SharePoint;
// - an App Service plan and a Linux web app (Node 20, HTTPS only, always on, run from package);
// - an Azure Bot (UserAssignedMSI) with the Teams channel;
// - an Azure Database for PostgreSQL flexible server with the `lifecycle` database;
// - a Key Vault (RBAC) with the database URL, the AD service account password and, imported by an
//   operator, the app certificate; the app settings reference it with @Microsoft.KeyVault(...).
// Outputs are written back to env/.env.<env> by the toolkit.

@minLength(4)
@maxLength(16)
@description('Start of every resource name: a letter, then letters and digits (for example lifecycledev)')
param resourceBaseName string

param location string = resourceGroup().location

@description('App Service plan size; Always On needs Basic (B1) or higher')
param webAppSku string = 'B1'

@maxLength(42)
param botDisplayName string = 'Lifecycle'

@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('Linux runtime of the web app')
param linuxFxVersion string = 'NODE|20-lts'

@description('Command that starts the bot in the web app (the package.json start script)')
param startupCommand string = 'npm start'

@description('Teams app id from the manifest (TEAMS_APP_ID)')
param teamsAppId string

@description('Tenant the bot manages; empty means the tenant of this subscription')
param managedTenantId string = ''

@description('Primary domain of the managed tenant, for example contoso.com')
param tenantDomain string

@allowed([
  'managedIdentity'
  'certificate'
])
@description('How the bot authenticates to Graph, Exchange Online and SharePoint: as its managed identity, or as an app registration with the certificate graph-app-certificate in Key Vault')
param tenantAuth string = 'managedIdentity'

@description('Client id of the app registration (tenantAuth = certificate)')
param graphClientId string = ''

@description('Comma-separated Entra group ids whose members may request')
param requesterGroupIds string = ''

@description('Comma-separated Entra group ids whose members may approve')
param approverGroupIds string = ''

@description('Comma-separated Entra group ids of protected accounts')
param protectedGroupIds string = ''

@description('Comma-separated user principal names of protected accounts')
param protectedUpns string = ''

param noticeSenderUpn string = ''
param itChannelConversationId string = ''

@description('ldaps:// URL of a domain controller; empty when there is no on-premises AD')
param adUrl string = ''
param adBindDn string = ''
param adBaseDn string = ''
param adDisabledOu string = ''

@secure()
@description('Password of the AD service account (stored in Key Vault)')
param adBindPassword string = ''

param postgresAdminLogin string = 'lifecycleadmin'

@secure()
@description('PostgreSQL administrator password (stored in Key Vault inside the database URL)')
param postgresAdminPassword string

param postgresSkuName string = 'Standard_B1ms'
param postgresSkuTier string = 'Burstable'
param postgresVersion string = '16'

var baseName = toLower('${resourceBaseName}${take(uniqueString(resourceGroup().id, resourceBaseName), 6)}')
var keyVaultName = 'kv${baseName}'
var tenantToManage = empty(managedTenantId) ? subscription().tenantId : managedTenantId
var databaseName = 'lifecycle'
var certificateName = 'graph-app-certificate'
var keyVaultSecretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var keyVaultCertificateUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-id'
  location: location
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRole)
  scope: keyVault
  properties: {
    roleDefinitionId: keyVaultSecretsUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource certificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultCertificateUserRole)
  scope: keyVault
  properties: {
    roleDefinitionId: keyVaultCertificateUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module postgres './modules/postgres.bicep' = {
  name: 'lifecycle-postgres'
  params: {
    name: '${baseName}-pg'
    location: location
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    version: postgresVersion
    databaseName: databaseName
  }
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'database-url'
  properties: {
    contentType: 'text/plain'
    value: 'postgresql://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.outputs.fqdn}:5432/${postgres.outputs.databaseName}?sslmode=verify-full'
  }
}

resource adBindPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(adBindPassword)) {
  parent: keyVault
  name: 'ad-bind-password'
  properties: {
    contentType: 'text/plain'
    value: adBindPassword
  }
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: '${baseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

var commonSettings = [
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1'
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false'
  }
  {
    name: 'NODE_ENV'
    value: 'production'
  }
  {
    name: 'LIFECYCLE_MODE'
    value: 'production'
  }
  {
    name: 'BOT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'BOT_TYPE'
    value: 'UserAssignedMsi'
  }
  {
    name: 'BOT_TENANT_ID'
    value: identity.properties.tenantId
  }
  {
    name: 'TEAMS_APP_ID'
    value: teamsAppId
  }
  {
    name: 'TENANT_ID'
    value: tenantToManage
  }
  {
    name: 'TENANT_DOMAIN'
    value: tenantDomain
  }
  {
    name: 'DATABASE_URL'
    value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=${databaseUrl.name})'
  }
  {
    name: 'REQUESTERS_GROUP_IDS'
    value: requesterGroupIds
  }
  {
    name: 'APPROVERS_GROUP_IDS'
    value: approverGroupIds
  }
  {
    name: 'PROTECTED_GROUP_IDS'
    value: protectedGroupIds
  }
  {
    name: 'PROTECTED_UPNS'
    value: protectedUpns
  }
  {
    name: 'NOTICE_SENDER_UPN'
    value: noticeSenderUpn
  }
  {
    name: 'IT_CHANNEL_CONVERSATION_ID'
    value: itChannelConversationId
  }
]

var managedIdentitySettings = [
  {
    name: 'MANAGED_IDENTITY_CLIENT_ID'
    value: identity.properties.clientId
  }
]

// The Key Vault certificate's secret is the PEM (private key and certificate) when the certificate
// is imported with content type application/x-pem-file.
var certificateSettings = [
  {
    name: 'CLIENT_ID'
    value: graphClientId
  }
  {
    name: 'CLIENT_CERTIFICATE_PEM'
    value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=${certificateName})'
  }
]

var adSettings = [
  {
    name: 'AD_URL'
    value: adUrl
  }
  {
    name: 'AD_BIND_DN'
    value: adBindDn
  }
  {
    name: 'AD_BASE_DN'
    value: adBaseDn
  }
  {
    name: 'AD_DISABLED_OU'
    value: adDisabledOu
  }
  {
    name: 'AD_BIND_PASSWORD'
    value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=ad-bind-password)'
  }
]

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: '${baseName}-app'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references resolve with the user-assigned identity, not a system-assigned one.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      appCommandLine: startupCommand
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz'
      appSettings: concat(commonSettings, tenantAuth == 'certificate' ? certificateSettings : managedIdentitySettings, empty(adUrl) ? [] : adSettings)
    }
  }
  dependsOn: [
    secretsUser
    certificateUser
    adBindPasswordSecret
  ]
}

module azureBot './modules/azure-bot.bicep' = {
  name: 'lifecycle-azure-bot'
  params: {
    name: '${baseName}-bot'
    displayName: botDisplayName
    sku: botServiceSku
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
  }
}

// Persisted to env/.env.<env> by the toolkit.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output KEY_VAULT_NAME string = keyVault.name
output POSTGRES_SERVER_FQDN string = postgres.outputs.fqdn

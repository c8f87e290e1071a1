// Azure Database for PostgreSQL flexible server with the bot's database. Password authentication;
// the connection string, password included, is kept in Key Vault by the caller (never an app setting).

@description('Server name: lower-case letters, digits and hyphens, globally unique')
param name string

param location string

@description('Administrator login name')
param administratorLogin string

@secure()
@description('Administrator password')
param administratorPassword string

@description('Compute size, for example Standard_B1ms')
param skuName string

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

@description('PostgreSQL major version')
param version string

@description('Database the bot uses')
param databaseName string

@description('Storage in GiB')
param storageSizeGB int = 32

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// Clients must use TLS (the server default; stated so a later change is deliberate).
resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    requireTls
  ]
}

// 0.0.0.0 to 0.0.0.0 is Azure's rule for "connections from Azure services": the web app's outbound
// addresses are not known before deployment. Replace it with VNet integration and a private endpoint
// where the tenant requires private networking.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

output fqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name

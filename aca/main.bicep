// spark-embed on Azure Container Apps:
//  - controller app (CPU, exactly 1 replica): Spark master 7077, the embedding service 8888
//    (public HTTPS ingress), Spark master UI 8080 and the driver ports 7078-7079 (internal);
//  - GPU worker app (0..N replicas, serverless GPU workload profile, no ingress at all):
//    Spark workers with one GPU each;
//  - one Azure Files share mounted at /mnt/shared by both (models, code, data, results).
// Images come from an Azure Container Registry with the admin user enabled (aca/deploy.sh
// creates it and builds the images there).

@description('Azure region; it must offer the GPU workload profile type below.')
param location string = resourceGroup().location

@description('Prefix of every resource name.')
param name string = 'spark-embed'

@description('Existing container registry holding the images (admin user enabled).')
param registryName string

@description('Image tag of spark-embed-master and spark-embed-worker.')
param imageTag string = 'latest'

@description('Serverless GPU workload profile type for the workers.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Worker replicas kept running (0 = none until scaled up).')
@minValue(0)
param workerMinReplicas int = 0

@description('Most worker replicas.')
@minValue(1)
param workerMaxReplicas int = 2

@description('Extra arguments for `spark-embed serve` on the controller.')
param serveArgs string = ''

@description('Storage account for the shared Azure Files share (globally unique, 3-24 lower-case letters and digits).')
param storageAccountName string = toLower(take('se${uniqueString(resourceGroup().id)}', 24))

@description('Name of the file share.')
param shareName string = 'shared'

var gpuCpu = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? '8' : '24'
var gpuMemory = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? '56Gi' : '220Gi'
var controllerName = '${name}-controller'
var workerName = '${name}-worker'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-01-01' = {
  parent: storage
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-01-01' = {
  parent: fileService
  name: shareName
  properties: {
    shareQuota: 1024
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: 'gpu'
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

resource sharedStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: 'shared'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: share.name
      accessMode: 'ReadWrite'
    }
  }
}

var registryCredentials = registry.listCredentials()
var registries = [
  {
    server: registry.properties.loginServer
    username: registryCredentials.username
    passwordSecretRef: 'registry-password'
  }
]
var secrets = [
  {
    name: 'registry-password'
    value: registryCredentials.passwords[0].value
  }
]
var volumes = [
  {
    name: 'shared'
    storageType: 'AzureFile'
    storageName: sharedStorage.name
  }
]
var volumeMounts = [
  {
    volumeName: 'shared'
    mountPath: '/mnt/shared'
  }
]

resource controller 'Microsoft.App/containerApps@2024-03-01' = {
  name: controllerName
  location: location
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: secrets
      registries: registries
      ingress: {
        external: true
        targetPort: 8888
        transport: 'http'
        allowInsecure: false
        // Workers reach the master and the driver through these (never public).
        additionalPortMappings: [
          { external: false, targetPort: 7077, exposedPort: 7077 }
          { external: false, targetPort: 7078, exposedPort: 7078 }
          { external: false, targetPort: 7079, exposedPort: 7079 }
          { external: false, targetPort: 8080, exposedPort: 8080 }
        ]
      }
    }
    template: {
      containers: [
        {
          name: 'controller'
          image: '${registry.properties.loginServer}/spark-embed-master:${imageTag}'
          resources: {
            cpu: json('4')
            memory: '8Gi'
          }
          env: [
            { name: 'SPARK_EMBED_SERVE_ARGS', value: serveArgs }
            // Executors reach the driver by the app's name (ports 7078-7079 above).
            { name: 'SPARK_DRIVER_HOST', value: controllerName }
          ]
          volumeMounts: volumeMounts
          probes: [
            {
              type: 'Liveness'
              tcpSocket: { port: 8888 }
              initialDelaySeconds: 60
              periodSeconds: 10
            }
          ]
        }
      ]
      volumes: volumes
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

resource worker 'Microsoft.App/containerApps@2024-03-01' = {
  name: workerName
  location: location
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: secrets
      registries: registries
      // No ingress: nothing outside the environment can reach a worker.
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: '${registry.properties.loginServer}/spark-embed-worker:${imageTag}'
          resources: {
            cpu: json(gpuCpu)
            memory: gpuMemory
          }
          env: [
            { name: 'SPARK_MASTER_URL', value: 'spark://${controllerName}:7077' }
          ]
          volumeMounts: volumeMounts
        }
      ]
      volumes: volumes
      scale: {
        minReplicas: workerMinReplicas
        maxReplicas: workerMaxReplicas
      }
    }
  }
  dependsOn: [
    controller
  ]
}

output serviceUrl string = 'https://${controller.properties.configuration.ingress.fqdn}'
output controllerApp string = controller.name
output workerApp string = worker.name
output storageAccount string = storage.name
output shareName string = share.name

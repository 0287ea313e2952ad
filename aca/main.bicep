// spark-embed on Azure Container Apps (deployed by aca/deploy.sh; the README's "Azure Container
// Apps" section walks through it). Everything a worker does is a connection OUT of its replica:
//
//  - controller app (Consumption profile, exactly 1 replica): Spark master 7077, the Spark
//    driver (RPC 7078, block manager 7079) and the service on 8888 behind public HTTPS ingress.
//    Workers reach 7077/7078/7079 through internal additional TCP ports of this app, by the app's
//    name. In head mode executors also send their replies to the driver's server: the app's name
//    on 8888 (internal TCP port) -> the reply-relay container on 8889 -> 127.0.0.1:8888.
//  - GPU worker app (serverless GPU profile, no ingress): one Spark worker per replica; its
//    executor dials the driver, and in distributed mode its HTTP server dials the LB.
//  - LB app (distributed mode only, internal ingress): `spark-embed lb`, clients on 8080, the
//    executors' attach connections on 9444.
//  - Jupyter app (optional, external ingress, token from a secret).
//  - one Azure Files share mounted at /mnt/shared everywhere: models, data, results.
// Keys are Container Apps secrets (secretRef), never plain values; images are pulled with a
// user-assigned managed identity holding AcrPull on the registry.

@description('Azure region; it must offer the serverless GPU profile below (aca/deploy.sh checks).')
param location string = resourceGroup().location

@description('Prefix of every resource name (lower-case letters, digits and dashes).')
@minLength(2)
@maxLength(20)
param name string = 'spark-embed'

@description('Existing Azure Container Registry holding the images (aca/deploy.sh creates it).')
param registryName string

@description('Tag of every image.')
param imageTag string = 'latest'

@description('Controller image (docker/Dockerfile.master): Spark master, driver and service.')
param controllerImage string = 'spark-embed-master'

@description('GPU worker image (docker/Dockerfile.worker).')
param workerImage string = 'spark-embed-worker'

@description('Image that runs `spark-embed lb` (the controller image unless docker/ has an LB image).')
param lbImage string = 'spark-embed-master'

@description('Jupyter image (docker/Dockerfile.interact).')
param jupyterImage string = 'spark-embed-interact'

@description('Serverless GPU workload profile type of the workers.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('head: the controller serves /v1/embeddings and /jobs publicly; distributed: every executor serves, attached to the LB app (no /jobs).')
@allowed([
  'head'
  'distributed'
])
param servingMode string = 'head'

@description('Worker replicas always running (0 stops the GPU bill: nothing is served until scaled up).')
@minValue(0)
@maxValue(30)
param workerMinReplicas int = 1

@description('Most worker replicas (the CPU scale rule adds replicas up to this).')
@minValue(1)
@maxValue(30)
param workerMaxReplicas int = 2

@description('Average CPU utilisation (%) of the workers above which a replica is added (when max > min).')
@minValue(10)
@maxValue(100)
param workerScaleCpuPercent int = 70

@description('Deploy the Jupyter app.')
param deployJupyter bool = false

@description('Give the LB app public ingress too (default: reachable only inside the environment).')
param lbExternal bool = false

@description('Embedding API key (--api-key): Authorization: Bearer <key> on /v1/*.')
@secure()
@minLength(16)
param apiKey string

@description('Jobs API key (--admin-key): Authorization: Bearer <key> on /jobs.')
@secure()
@minLength(16)
param adminKey string

@description('Deployment secret: internal endpoints and the LB attach port.')
@secure()
@minLength(16)
param deploymentSecret string

@description('Jupyter token (used when deployJupyter).')
@secure()
param jupyterToken string = ''

@description('Databases jobs may name: [{"name": "docs", "url": "jdbc:postgresql://...", "user": "app"}].')
param connections array = []

@description('Passwords of the connections, by name: {"docs": "..."}.')
@secure()
param connectionPasswords object = {}

@description('Storage account of the Azure Files share (globally unique, 3-24 lower-case letters and digits).')
param storageAccountName string = toLower(take('se${uniqueString(resourceGroup().id)}', 24))

@description('Name of the file share.')
param shareName string = 'shared'

@description('Size limit of the file share in GiB (billed by use on Standard storage).')
@minValue(1)
param shareQuotaGiB int = 100

// ---- ports: aca/check.sh compares these with docker/ and the CLI -----------------------------
var ports = {
  master: 7077
  masterUi: 8080
  driverRpc: 7078
  blockManager: 7079
  service: 8888
  replyRelay: 8889
  lbHttp: 8080
  lbAttach: 9444
  jupyter: 8888
}
var sharedMount = '/mnt/shared'
var launcher = '/opt/spark/bin/spark-embed'

var controllerName = '${name}-controller'
var workerName = '${name}-worker'
var lbName = '${name}-lb'
var jupyterName = '${name}-jupyter'
var isHead = servingMode == 'head'
var gpuCpu = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? '8' : '24'
var gpuMemory = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? '56Gi' : '220Gi'
var acrPullRole = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '7f951dda-4ed3-4680-a7ca-43fe172d538d'
)

// Spark settings that keep traffic on connections the executors open (README: "Spark's
// connections in ACA"): task results up to 256 MiB travel inside the executor's own RPC
// connection instead of being fetched by the driver from the executor's block manager; a peer
// that cannot be reached fails its block fetch after 30 s instead of Spark's 120 s default.
var sparkSettings = join(
  [
    '-Dspark.rpc.message.maxSize=256'
    '-Dspark.task.maxDirectResultSize=256m'
    '-Dspark.shuffle.io.connectionTimeout=30s'
  ],
  ' '
)

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-pull'
  location: location
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, pullIdentity.id, acrPullRole)
  properties: {
    roleDefinitionId: acrPullRole
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
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
    supportsHttpsTrafficOnly: true
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
    shareQuota: shareQuotaGiB
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

var identity = {
  type: 'UserAssigned'
  userAssignedIdentities: {
    '${pullIdentity.id}': {}
  }
}
var registries = [
  {
    server: registryServer
    identity: pullIdentity.id
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
    mountPath: sharedMount
  }
]
var registryServer = registry.properties.loginServer

// ---- controller ------------------------------------------------------------------------------
var connectionSecrets = map(
  filter(connections, c => contains(connectionPasswords, c.name)),
  c => {
    name: 'conn-${replace(toLower(c.name), '_', '-')}'
    value: connectionPasswords[c.name]
  }
)
var connectionEnv = map(
  filter(connections, c => contains(connectionPasswords, c.name)),
  c => {
    name: 'SPARK_EMBED_CONNECTION_${toUpper(replace(c.name, '-', '_'))}_PASSWORD'
    secretRef: 'conn-${replace(toLower(c.name), '_', '-')}'
  }
)
var connectionArgs = flatten(map(
  connections,
  c =>
    contains(c, 'user')
      ? ['--connection', '${c.name}=${c.url}', '--connection-user', '${c.name}=${c.user}']
      : ['--connection', '${c.name}=${c.url}']
))

// Arguments after the entrypoint's own (--master, --host 0.0.0.0, --port 8888).
var controllerArgs = isHead
  ? concat(
      ['--data-dir', '${sharedMount}/data', '--results-dir', '${sharedMount}/results'],
      connectionArgs
    )
  : ['--mode', 'distributed', '--lb', '${lbName}:${ports.lbAttach}']

var controllerEnv = concat(
  [
    { name: 'SPARK_EMBED_COMMAND', value: isHead ? 'controller' : 'serve' }
    // Executors reach the driver (RPC, block manager and, in head mode, its HTTP server) by the
    // app's name, through the internal TCP ports below.
    { name: 'SPARK_DRIVER_HOST', value: controllerName }
    { name: 'JAVA_OPTS', value: sparkSettings }
    { name: 'SPARK_EMBED_API_KEY', secretRef: 'api-key' }
    { name: 'SPARK_EMBED_ADMIN_KEY', secretRef: 'admin-key' }
    { name: 'SPARK_EMBED_SECRET', secretRef: 'deployment-secret' }
  ],
  connectionEnv
)

// /readyz is NOT the readiness probe: a replica that is not ready gets no traffic on ANY ingress
// port, including the TCP ports workers join through, and /readyz waits for a worker. Readiness
// uses /healthz; clients (and the README's walkthrough) wait for /readyz themselves.
var serviceProbes = [
  {
    type: 'Startup'
    httpGet: { path: '/healthz', port: ports.service }
    initialDelaySeconds: 10
    periodSeconds: 10
    failureThreshold: 10
  }
  {
    type: 'Liveness'
    httpGet: { path: '/healthz', port: ports.service }
    periodSeconds: 10
    failureThreshold: 6
  }
  {
    type: 'Readiness'
    httpGet: { path: '/healthz', port: ports.service }
    periodSeconds: 5
    failureThreshold: 3
  }
]
// Distributed mode: the driver has no HTTP server; the master's port says the container lives.
var masterProbes = [
  {
    type: 'Liveness'
    tcpSocket: { port: ports.master }
    initialDelaySeconds: 30
    periodSeconds: 10
    failureThreshold: 6
  }
]

var controllerContainer = {
  name: 'controller'
  image: '${registryServer}/${controllerImage}:${imageTag}'
  args: controllerArgs
  env: controllerEnv
  resources: isHead ? { cpu: json('3.5'), memory: '7Gi' } : { cpu: json('4'), memory: '8Gi' }
  volumeMounts: volumeMounts
  probes: isHead ? serviceProbes : masterProbes
}
// Head mode: executors' replies arrive on the app's internal port 8888 and go to this relay,
// because the main ingress already uses target port 8888 and ACA exposes a target port once.
var relayContainer = {
  name: 'reply-relay'
  image: '${registryServer}/${lbImage}:${imageTag}'
  command: [launcher]
  args: [
    'lb'
    '--host'
    '0.0.0.0'
    '--port'
    string(ports.replyRelay)
    '--backend'
    '127.0.0.1:${ports.service}'
    '--max-body'
    '64m'
  ]
  resources: { cpu: json('0.5'), memory: '1Gi' }
}

resource controller 'Microsoft.App/containerApps@2024-03-01' = {
  name: controllerName
  location: location
  identity: identity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: registries
      secrets: concat(
        [
          { name: 'api-key', value: apiKey }
          { name: 'admin-key', value: adminKey }
          { name: 'deployment-secret', value: deploymentSecret }
        ],
        connectionSecrets
      )
      ingress: {
        // Head: the public API. Distributed: only the master's web UI, inside the environment.
        external: isHead
        targetPort: isHead ? ports.service : ports.masterUi
        transport: 'http'
        allowInsecure: false
        additionalPortMappings: concat(
          [
            { external: false, targetPort: ports.master, exposedPort: ports.master }
            { external: false, targetPort: ports.driverRpc, exposedPort: ports.driverRpc }
            { external: false, targetPort: ports.blockManager, exposedPort: ports.blockManager }
          ],
          isHead
            ? [
                { external: false, targetPort: ports.replyRelay, exposedPort: ports.service }
                { external: false, targetPort: ports.masterUi, exposedPort: ports.masterUi }
              ]
            : []
        )
      }
    }
    template: {
      containers: isHead ? [controllerContainer, relayContainer] : [controllerContainer]
      volumes: volumes
      // One driver and one master: never more, never less.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
  dependsOn: [
    acrPull
  ]
}

// ---- LB (distributed mode) -------------------------------------------------------------------
resource lb 'Microsoft.App/containerApps@2024-03-01' = if (!isHead) {
  name: lbName
  location: location
  identity: identity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: registries
      secrets: [
        { name: 'deployment-secret', value: deploymentSecret }
      ]
      ingress: {
        external: lbExternal
        targetPort: ports.lbHttp
        transport: 'http'
        allowInsecure: false
        // Executor servers dial in here from the workers (never public).
        additionalPortMappings: [
          { external: false, targetPort: ports.lbAttach, exposedPort: ports.lbAttach }
        ]
      }
    }
    template: {
      containers: [
        {
          name: 'lb'
          image: '${registryServer}/${lbImage}:${imageTag}'
          command: [launcher]
          args: [
            'lb'
            '--host'
            '0.0.0.0'
            '--port'
            string(ports.lbHttp)
            '--attach-port'
            string(ports.lbAttach)
          ]
          env: [
            { name: 'SPARK_EMBED_SECRET', secretRef: 'deployment-secret' }
            { name: 'SPARK_EMBED_LB_SECRET', secretRef: 'deployment-secret' }
          ]
          resources: { cpu: json('1'), memory: '2Gi' }
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/_lb/health', port: ports.lbHttp }
              periodSeconds: 10
              failureThreshold: 6
            }
            {
              type: 'Readiness'
              httpGet: { path: '/_lb/health', port: ports.lbHttp }
              periodSeconds: 5
            }
          ]
        }
      ]
      // Attach connections are per replica: one LB replica sees every executor server.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
  dependsOn: [
    acrPull
  ]
}

// ---- GPU workers -----------------------------------------------------------------------------
resource worker 'Microsoft.App/containerApps@2024-03-01' = {
  name: workerName
  location: location
  identity: identity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: registries
      // No ingress: every connection of a worker is one it opens.
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: '${registryServer}/${workerImage}:${imageTag}'
          env: [
            { name: 'SPARK_MASTER_URL', value: 'spark://${controllerName}:${ports.master}' }
          ]
          resources: {
            cpu: json(gpuCpu)
            memory: gpuMemory
          }
          volumeMounts: volumeMounts
        }
      ]
      volumes: volumes
      // Workers have no ingress, so HTTP rules cannot scale them; a CPU rule adds replicas
      // between min and max (it cannot start the first one: use workerMinReplicas, or
      // `az containerapp update --min-replicas N`, README).
      scale: {
        minReplicas: workerMinReplicas
        maxReplicas: max(workerMinReplicas, workerMaxReplicas)
        rules: workerMaxReplicas > workerMinReplicas
          ? [
              {
                name: 'cpu'
                custom: {
                  type: 'cpu'
                  metadata: {
                    type: 'Utilization'
                    value: string(workerScaleCpuPercent)
                  }
                }
              }
            ]
          : []
      }
    }
  }
  dependsOn: [
    acrPull
    controller
  ]
}

// ---- Jupyter (optional) ----------------------------------------------------------------------
resource jupyter 'Microsoft.App/containerApps@2024-03-01' = if (deployJupyter) {
  name: jupyterName
  location: location
  identity: identity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: registries
      secrets: [
        { name: 'jupyter-token', value: jupyterToken }
      ]
      ingress: {
        external: true
        targetPort: ports.jupyter
        transport: 'http'
        allowInsecure: false
        // A notebook's Spark driver: executors connect back on these (README).
        additionalPortMappings: [
          { external: false, targetPort: ports.driverRpc, exposedPort: ports.driverRpc }
          { external: false, targetPort: ports.blockManager, exposedPort: ports.blockManager }
        ]
      }
    }
    template: {
      containers: [
        {
          name: 'jupyter'
          image: '${registryServer}/${jupyterImage}:${imageTag}'
          env: [
            { name: 'JUPYTER_TOKEN', secretRef: 'jupyter-token' }
            { name: 'SPARK_MASTER_URL', value: 'spark://${controllerName}:${ports.master}' }
            { name: 'SPARK_DRIVER_HOST', value: jupyterName }
          ]
          resources: { cpu: json('2'), memory: '4Gi' }
          volumeMounts: volumeMounts
        }
      ]
      volumes: volumes
      scale: {
        minReplicas: 0
        maxReplicas: 1
      }
    }
  }
  dependsOn: [
    acrPull
  ]
}

output serviceUrl string = isHead
  ? 'https://${controller.properties.configuration.ingress.fqdn}'
  : 'https://${lb.properties.configuration.ingress.fqdn}'
output controllerApp string = controller.name
output workerApp string = worker.name
output lbApp string = isHead ? '' : lb.name
output jupyterUrl string = deployJupyter ? 'https://${jupyter.properties.configuration.ingress.fqdn}' : ''
output storageAccount string = storage.name
output shareName string = share.name

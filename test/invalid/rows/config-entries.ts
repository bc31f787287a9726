import {
  ClusterPeering,
  ConsulEdition,
  ExportConsumer,
  ExportedServices,
  FailoverTarget,
  IntentionAction,
  IntentionSource,
  MeshConfigEntry,
  MeshGatewayMode,
  ProxyDefaults,
  ServiceDefaults,
  ServiceIntentions,
  ServiceProtocol,
  ServiceResolver,
} from '../../../lib';
import { InvalidProgram } from '../corpus';
import { cluster, meshStack, oneCluster, peered, twoClusters } from '../programs';

const DC2_EXPORTS = 'mesh/Dc2/Partitions/default/ExportedServices';
const API_INTENTIONS = 'mesh/Dc2/Partitions/default/Api/Intentions';

/** exported-services, service-intentions, proxy-defaults and service-defaults. */
export const CONFIG_ENTRIES: InvalidProgram[] = [
  // ---- ExportConsumer factories --------------------------------------------------------------------
  {
    name: 'exports: ExportConsumer.peer with an upper-case name',
    rule: 'export.consumer-peer-name',
    build: () => ExportConsumer.peer('DC1'),
    at: 'construct',
    path: '',
    prop: 'peerName',
    value: 'DC1',
    fix: 'e.g. "dc1"',
  },
  {
    name: 'exports: ExportConsumer.peer wildcard',
    rule: 'export.consumer-peer-name',
    build: () => ExportConsumer.peer('*'),
    at: 'construct',
    path: '',
    prop: 'peerName',
    value: '*',
    fix: 'use lower-case letters, digits and "-"',
  },
  {
    name: 'exports: ExportConsumer.partition with an underscore',
    rule: 'export.consumer-partition-name',
    build: () => ExportConsumer.partition('ap_1'),
    at: 'construct',
    path: '',
    prop: 'partitionName',
    value: 'ap_1',
    fix: 'e.g. "ap-1"',
  },
  {
    name: 'exports: ExportConsumer.samenessGroup with a space',
    rule: 'export.consumer-group-name',
    build: () => ExportConsumer.samenessGroup('group one'),
    at: 'construct',
    path: '',
    prop: 'groupName',
    value: 'group one',
    fix: 'e.g. "group-one"',
  },

  // ---- addExport -----------------------------------------------------------------------------------
  {
    name: 'exports: addExport with an empty service name',
    rule: 'export.service-name-blank',
    build: (app) => peered(app).dc2.defaultPartition.addExport('', ExportConsumer.peer('dc1')),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'serviceName',
    fix: 'give a non-empty value',
  },
  {
    name: 'exports: addExport with an underscore in the service name',
    rule: 'export.service-name',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api_v2', ExportConsumer.peer('dc1')),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'serviceName',
    value: 'api_v2',
    fix: 'e.g. "api-v2"',
  },
  {
    name: 'exports: addExport with an upper-case service name',
    rule: 'export.service-name',
    build: (app) => peered(app).dc2.defaultPartition.addExport('Api', ExportConsumer.peer('dc1')),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'serviceName',
    value: 'Api',
    fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "api"',
    also: ['is not a service name Consul accepts for a service identity token and DNS'],
  },
  {
    name: 'exports: addExport with a namespace that is not a DNS label',
    rule: 'export.namespace',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'), { namespace: 'team.a' }),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'namespace',
    value: 'team.a',
    fix: 'e.g. "team-a"',
  },
  {
    name: 'edition: export to a partition on Community',
    rule: 'edition.export-consumer',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.partition('ap1')),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'consumer Partition',
    value: 'ap1',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
    also: ['(exports to a partition are an Enterprise feature)'],
  },
  {
    name: 'edition: export to a sameness group on Community',
    rule: 'edition.export-consumer',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.samenessGroup('shared')),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'consumer SamenessGroup',
    value: 'shared',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster',
  },
  {
    name: 'edition: export from a namespace on Community',
    rule: 'edition.export-namespace',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'), { namespace: 'team-a' }),
    at: 'construct',
    path: DC2_EXPORTS,
    prop: 'namespace',
    value: 'team-a',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster',
    also: ['(namespaces are an Enterprise feature)'],
  },
  {
    name: 'exports: an exported-services entry without exports',
    rule: 'export.empty',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ExportedServices(stack, 'Exports', { partition: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/Exports',
    prop: 'exported-services entry',
    value: 'default',
    fix: 'call addExport() or remove it',
  },
  {
    name: 'exports: export to a peer the partition does not have',
    rule: 'export.unknown-peer',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc3')),
    at: 'synth',
    path: DC2_EXPORTS,
    prop: 'ExportConsumer.peer(peerName)',
    value: 'dc3',
    fix: 'use the name this partition gives the importer (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
    also: ['is not a peer of partition "default" of cluster "dc2", which exports "api" to it (its peerings name "dc1")'],
  },
  {
    name: 'exports: export to the exporting cluster\'s own name',
    rule: 'export.unknown-peer',
    build: (app) => peered(app).dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc2')),
    at: 'synth',
    path: DC2_EXPORTS,
    prop: 'ExportConsumer.peer(peerName)',
    value: 'dc2',
    fix: 'use the name this partition gives the importer',
  },
  {
    name: 'exports: export to a peer of another partition',
    rule: 'export.unknown-peer',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { edition: ConsulEdition.ENTERPRISE });
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const ap1 = dc1.addPartition('ap1');
      new ClusterPeering(stack, 'Dc2Ap1', { acceptor: dc2.defaultPartition, dialer: ap1 });
      dc1.defaultPartition.addService('Web', { port: 9090 });
      // ap1 calls dc2 "dc2"; the default partition has no peering at all.
      dc1.defaultPartition.addExport('web', ExportConsumer.peer('dc2'));
    },
    at: 'synth',
    path: 'mesh/Dc1/Partitions/default/ExportedServices',
    prop: 'ExportConsumer.peer(peerName)',
    value: 'dc2',
    fix: 'declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
    also: ['(its peerings name no peer)'],
  },
  {
    name: 'exports: a second exported-services entry for a partition',
    rule: 'export.second-entry',
    build: (app) => {
      const { stack, dc2 } = peered(app);
      new ExportedServices(stack, 'More', { partition: dc2.defaultPartition }).addExport('api', ExportConsumer.peer('dc1'));
    },
    at: 'synth',
    path: 'mesh/More',
    prop: 'partition',
    value: 'default',
    fix: 'export everything through partition.addExport()',
    also: [`has a second exported-services entry (${DC2_EXPORTS}); Consul keeps one per partition`],
    messages: 2,
  },

  // ---- IntentionSource factories -------------------------------------------------------------------
  {
    name: 'intentions: IntentionSource.service with an underscore',
    rule: 'intention.source-service-name',
    build: () => IntentionSource.service('web_v2'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'web_v2',
    fix: 'e.g. "web-v2"',
  },
  {
    name: 'intentions: IntentionSource.peerService with a service name ending in a hyphen',
    rule: 'intention.source-service-name',
    build: () => IntentionSource.peerService('dc1', 'web-'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'web-',
    fix: 'not starting or ending with "-"',
  },
  {
    name: 'intentions: IntentionSource.partitionService with an upper-case service',
    rule: 'intention.source-service-name',
    build: () => IntentionSource.partitionService('ap1', 'Web'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'Web',
    fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "web"',
  },
  {
    name: 'intentions: IntentionSource.service with an underscore in the namespace',
    rule: 'intention.source-namespace',
    build: () => IntentionSource.service('web', 'team_a'),
    at: 'construct',
    path: '',
    prop: 'namespace',
    value: 'team_a',
    fix: 'e.g. "team-a"',
  },
  {
    name: 'intentions: IntentionSource.partitionService with a bad namespace',
    rule: 'intention.source-namespace',
    build: () => IntentionSource.partitionService('ap1', 'web', '-team'),
    at: 'construct',
    path: '',
    prop: 'namespace',
    value: '-team',
    fix: 'e.g. "team"',
  },
  {
    name: 'intentions: IntentionSource.peerService with an upper-case peer',
    rule: 'intention.source-peer-name',
    build: () => IntentionSource.peerService('Dc1', 'web'),
    at: 'construct',
    path: '',
    prop: 'peerName',
    value: 'Dc1',
    fix: 'e.g. "dc1"',
  },
  {
    name: 'intentions: IntentionSource.partitionService with an underscore',
    rule: 'intention.source-partition-name',
    build: () => IntentionSource.partitionService('ap_1', 'web'),
    at: 'construct',
    path: '',
    prop: 'partitionName',
    value: 'ap_1',
    fix: 'e.g. "ap-1"',
  },

  // ---- ServiceIntentions ---------------------------------------------------------------------------
  {
    name: 'intentions: destinationName with an underscore',
    rule: 'intention.destination-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceIntentions(stack, 'Intentions', { destinationName: 'api_v2', partition: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/Intentions',
    prop: 'destinationName',
    value: 'api_v2',
    fix: 'e.g. "api-v2"',
  },
  {
    name: 'intentions: upper-case destinationName',
    rule: 'intention.destination-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceIntentions(stack, 'Intentions', { destinationName: 'Api', partition: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/Intentions',
    prop: 'destinationName',
    value: 'Api',
    fix: 'e.g. "api"',
  },
  {
    name: 'intentions: namespace with a slash',
    rule: 'intention.namespace',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      new ServiceIntentions(stack, 'Intentions', { destinationName: 'api', namespace: 'team/a', partition: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/Intentions',
    prop: 'namespace',
    value: 'team/a',
    fix: 'e.g. "teama"',
  },
  {
    name: 'edition: intention source in another partition on Community',
    rule: 'edition.intention-partition-source',
    build: (app) => peered(app).api.addIntention(IntentionSource.partitionService('ap1', 'web'), IntentionAction.ALLOW),
    at: 'construct',
    path: API_INTENTIONS,
    prop: 'source',
    value: 'web',
    fix: 'use IntentionSource.service() or IntentionSource.peerService() on Community Edition',
    also: ['names partition "ap1", which needs Consul Enterprise on cluster "dc2"'],
  },
  {
    name: 'intentions: allow and then deny one source',
    rule: 'intention.contradicting-action',
    build: (app) => {
      const { api } = peered(app, { connect: false });
      api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
      api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY);
    },
    at: 'construct',
    path: API_INTENTIONS,
    prop: 'addSource(action)',
    value: 'deny',
    fix: 'remove one of the two calls',
    also: ['contradicts the earlier allow for source "web" from peer "dc1" towards "api"'],
  },
  {
    name: 'intentions: an entry without sources',
    rule: 'intention.empty',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceIntentions(stack, 'Empty', { destinationName: 'ghost', partition: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/Empty',
    prop: 'destinationName',
    value: 'ghost',
    fix: 'call addSource() or remove the entry',
    also: ['has a service-intentions entry without sources'],
  },
  {
    name: 'intentions: a deny that contradicts a connection',
    rule: 'intention.deny-contradicts-connection',
    build: (app) => peered(app).api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY),
    at: 'synth',
    path: API_INTENTIONS,
    prop: 'addSource(action)',
    value: 'deny',
    fix: 'remove the deny or the connection',
    also: ['for source "web" from peer "dc1" contradicts mesh/Dc1/Partitions/default/Web.connectTo("api")'],
  },
  {
    name: 'intentions: a deny declared before the connection it contradicts',
    rule: 'intention.deny-contradicts-connection',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY);
      web.connectTo(api, { via: peering, localBindPort: 9191 });
    },
    at: 'synth',
    path: API_INTENTIONS,
    prop: 'addSource(action)',
    value: 'deny',
    fix: 'remove the deny or the connection',
  },
  {
    name: 'intentions: a second entry for one destination',
    rule: 'intention.second-entry',
    build: (app) => {
      const { stack, dc2 } = peered(app);
      new ServiceIntentions(stack, 'More', { destinationName: 'api', partition: dc2.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/More',
    prop: 'destinationName',
    value: 'api',
    fix: "add every source to one entry (MeshService.addIntention() uses the service's own)",
    also: [`has a second service-intentions entry in the same partition (${API_INTENTIONS}); Consul keeps one per service`],
    messages: 2,
  },

  // ---- proxy-defaults and service-defaults ---------------------------------------------------------
  {
    name: 'proxy-defaults: empty protocol',
    rule: 'proxy-defaults.protocol',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1', { manageMeshDefaults: false });
      new ProxyDefaults(stack, 'ProxyDefaults', { cluster: dc1, protocol: ' ' });
    },
    at: 'construct',
    path: 'mesh/ProxyDefaults',
    prop: 'protocol',
    fix: 'omit it or use "tcp", "http", "http2" or "grpc"',
  },
  {
    name: 'service-defaults: serviceName with an underscore',
    rule: 'service-defaults.service-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceDefaults(stack, 'Defaults', { serviceName: 'api_v2', protocol: ServiceProtocol.HTTP, partition: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/Defaults',
    prop: 'serviceName',
    value: 'api_v2',
    fix: 'e.g. "api-v2"',
  },
  {
    name: 'service-defaults: upper-case serviceName',
    rule: 'service-defaults.service-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceDefaults(stack, 'Defaults', { serviceName: 'Api', protocol: ServiceProtocol.HTTP, partition: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/Defaults',
    prop: 'serviceName',
    value: 'Api',
    fix: 'e.g. "api"',
  },

  // ---- service-resolver ----------------------------------------------------------------------------
  {
    name: 'failover: ServiceResolver with an upper-case serviceName',
    rule: 'resolver.service-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ServiceResolver(stack, 'Resolver', { partition: dc1.defaultPartition, serviceName: 'Api' });
    },
    at: 'construct',
    path: 'mesh/Resolver',
    prop: 'serviceName',
    value: 'Api',
    fix: 'e.g. "api"',
  },
  {
    name: 'failover: FailoverTarget.peer with an upper-case service',
    rule: 'resolver.target-service-name',
    build: () => FailoverTarget.peer('dc2', 'Api'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'Api',
    fix: 'e.g. "api"',
  },
  {
    name: 'failover: FailoverTarget.datacenter with an underscore in the service',
    rule: 'resolver.target-service-name',
    build: () => FailoverTarget.datacenter('dc2', 'api_v1'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'api_v1',
    fix: 'e.g. "api-v1"',
  },

  // ---- mesh ------------------------------------------------------------------------------------------
  {
    name: 'proxy-defaults: a second entry next to the cluster\'s own',
    rule: 'proxy-defaults.second-entry',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ProxyDefaults(stack, 'ProxyDefaults', { cluster: dc1, protocol: 'http' });
    },
    at: 'synth',
    path: 'mesh/ProxyDefaults',
    prop: 'cluster',
    value: 'dc1',
    fix: 'keep one per cluster: remove the extra one, or set manageMeshDefaults: false on the cluster to write your own',
    also: ['has a second proxy-defaults entry (mesh/Dc1/ProxyDefaults)'],
    messages: 2,
  },
  {
    name: 'proxy-defaults: mode none in a hand-written entry of a peered cluster',
    rule: 'proxy-defaults.mode-none-peered',
    build: (app) => {
      const { stack, dc1 } = peered(app, { dc1: { manageMeshDefaults: false } });
      new ProxyDefaults(stack, 'ProxyDefaults', { cluster: dc1, meshGatewayMode: MeshGatewayMode.NONE });
    },
    at: 'synth',
    path: 'mesh/ProxyDefaults',
    prop: 'meshGatewayMode',
    value: 'none',
    fix: 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL',
    also: ['on the proxy-defaults of cluster "dc1", which carries peered traffic'],
  },
  {
    name: 'service-defaults: a ServiceDefaults beside the one a service writes from its protocol',
    rule: 'service-defaults.second-entry',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      dc1.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
      new ServiceDefaults(stack, 'ApiDefaults', { serviceName: 'api', protocol: ServiceProtocol.GRPC, partition: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/ApiDefaults',
    prop: 'serviceName',
    value: 'api',
    fix: 'keep one: a MeshService writes its own from its protocol and meshGatewayMode',
    also: ['has a second service-defaults entry in partition "default" of cluster "dc1"'],
    messages: 2,
  },
  {
    name: 'mesh: a second mesh entry next to the cluster\'s own',
    rule: 'mesh.second-entry',
    build: (app) => {
      const { stack, dc1 } = peered(app);
      new MeshConfigEntry(stack, 'Mesh', { cluster: dc1 });
    },
    at: 'synth',
    path: 'mesh/Mesh',
    prop: 'cluster',
    value: 'dc1',
    fix: 'keep one mesh entry per cluster: remove the extra one, or set manageMeshDefaults: false on the cluster to write your own',
    also: ['has a second mesh config entry (mesh/Dc1/Mesh); Consul keeps one "mesh" entry per partition'],
    messages: 2,
  },
  {
    name: 'mesh: two hand-written mesh entries for one cluster',
    rule: 'mesh.second-entry',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1', { manageMeshDefaults: false });
      new MeshConfigEntry(stack, 'MeshA', { cluster: dc1 });
      new MeshConfigEntry(stack, 'MeshB', { cluster: dc1, meshDestinationsOnly: true });
    },
    at: 'synth',
    path: 'mesh/MeshB',
    prop: 'cluster',
    value: 'dc1',
    fix: 'keep one mesh entry per cluster',
    also: ['has a second mesh config entry (mesh/MeshA)'],
    messages: 2,
  },
  {
    name: 'mesh: an entry whose peerThroughMeshGateways contradicts its peered cluster',
    rule: 'mesh.peer-through-contradiction',
    build: (app) => {
      const { stack, dc1 } = peered(app, { dc1: { manageMeshDefaults: false } });
      new MeshConfigEntry(stack, 'Mesh', { cluster: dc1, peerThroughMeshGateways: false });
    },
    at: 'synth',
    path: 'mesh/Mesh',
    prop: 'peerThroughMeshGateways',
    value: false,
    fix: 'set peerThroughMeshGateways on the cluster (ConsulClusterProps, or the attributes of ConsulCluster.fromClusterAttributes) and leave it out of the MeshConfigEntry',
    also: ['contradicts cluster "dc1", whose peerThroughMeshGateways is true'],
  },
];

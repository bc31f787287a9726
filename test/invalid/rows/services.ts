import {
  ClusterPeering,
  ConsulEdition,
  ExportConsumer,
  IntentionAction,
  IntentionSource,
  MeshGatewayMode,
  MeshService,
  UpstreamTarget,
} from '../../../lib';
import { InvalidProgram } from '../corpus';
import { oneCluster, peered, twoClusters } from '../programs';

const WEB = 'mesh/Dc1/Partitions/default/Web';

/** Services, their upstreams, and connections (connectTo). */
export const SERVICES: InvalidProgram[] = [
  // ---- MeshService props ---------------------------------------------------------------------------
  {
    name: 'service: serviceName with an underscore',
    rule: 'service.name',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, serviceName: 'web_frontend' }),
    at: 'construct',
    path: WEB,
    prop: 'serviceName',
    value: 'web_frontend',
    fix: 'e.g. "web-frontend"',
  },
  {
    name: 'service: upper-case serviceName',
    rule: 'service.name',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, serviceName: 'Web' }),
    at: 'construct',
    path: WEB,
    prop: 'serviceName',
    value: 'Web',
    fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "web"',
  },
  {
    name: 'service: port 70000',
    rule: 'service.port',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 70000 }),
    at: 'construct',
    path: WEB,
    prop: 'port',
    value: 70000,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'service: port 0',
    rule: 'service.port',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 0 }),
    at: 'construct',
    path: WEB,
    prop: 'port',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'service: sidecarPort 65536',
    rule: 'service.sidecar-port',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, sidecarPort: 65536 }),
    at: 'construct',
    path: WEB,
    prop: 'sidecarPort',
    value: 65536,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'service: port equal to the sidecar port',
    rule: 'service.port-is-sidecar-port',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 21000 }),
    at: 'construct',
    path: WEB,
    prop: 'port',
    value: 21000,
    fix: 'pick another port',
    also: ['is also the sidecarPort'],
  },
  {
    name: 'service: namespace with an underscore',
    rule: 'service.namespace',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'team_a' }),
    at: 'construct',
    path: WEB,
    prop: 'namespace',
    value: 'team_a',
    fix: 'e.g. "team-a"',
  },
  {
    name: 'edition: service namespace on Community',
    rule: 'edition.namespace',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'team-a' }),
    at: 'construct',
    path: WEB,
    prop: 'namespace',
    value: 'team-a',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
    also: ['(namespaces are an Enterprise feature)'],
  },
  {
    name: 'service: healthCheckHttpPath without a leading slash',
    rule: 'service.health-check-path',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, healthCheckHttpPath: 'health' }),
    at: 'construct',
    path: WEB,
    prop: 'healthCheckHttpPath',
    value: 'health',
    fix: 'start it with "/", e.g. "/health"',
  },
  {
    name: 'service: healthCheckIntervalSec 0',
    rule: 'service.health-check-interval',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, healthCheckIntervalSec: 0 }),
    at: 'construct',
    path: WEB,
    prop: 'healthCheckIntervalSec',
    value: 0,
    fix: 'e.g. 10',
  },
  {
    name: 'service: fractional healthCheckIntervalSec',
    rule: 'service.health-check-interval',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, healthCheckIntervalSec: 2.5 }),
    at: 'construct',
    path: WEB,
    prop: 'healthCheckIntervalSec',
    value: 2.5,
    fix: 'e.g. 10',
  },
  {
    name: 'service: one serviceName twice in a partition',
    rule: 'service.name-unique',
    build: (app) => {
      const partition = oneCluster(app).dc1.defaultPartition;
      partition.addService('Web', { port: 9090 });
      partition.addService('WebCopy', { port: 9091, serviceName: 'web' });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/WebCopy',
    prop: 'serviceName',
    value: 'web',
    fix: 'give this one another serviceName',
    also: [`is already declared in partition "default" (${WEB})`],
  },

  // ---- addUpstream ---------------------------------------------------------------------------------
  {
    name: 'edition: addUpstream to another partition on Community',
    rule: 'edition.upstream-partition',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.partitionService('ap1', 'api'), localBindPort: 9300 }),
    at: 'construct',
    path: WEB,
    prop: 'upstream "api" to partition',
    value: 'ap1',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster',
  },
  {
    name: 'edition: addUpstream to a namespace on Community',
    rule: 'edition.upstream-namespace',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.service('api', 'team-a'), localBindPort: 9300 }),
    at: 'construct',
    path: WEB,
    prop: 'upstream "api" to namespace',
    value: 'team-a',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster',
  },
  {
    name: 'service: addUpstream to one destination twice with other ports',
    rule: 'service.upstream-conflict',
    build: (app) => {
      const { web } = peered(app, { connect: false });
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9300 });
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9301 });
    },
    at: 'construct',
    path: WEB,
    prop: 'addUpstream(target)',
    value: 'api',
    fix: 'an upstream is declared once: use the same options or remove one call',
    also: ['is already an upstream of service "web" (upstream "api" from peer "dc2") with localBindPort 9300'],
  },
  {
    name: 'service: connectTo a service already added as an upstream with another port',
    rule: 'service.upstream-conflict',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9300 });
      web.connectTo(api, { via: peering, localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'api',
    fix: 'an upstream is declared once',
  },
  {
    name: 'service: addUpstream with a local port of 0',
    rule: 'service.local-bind-port',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 0 }),
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'connection: localBindPort 70000',
    rule: 'service.local-bind-port',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.connectTo(api, { via: peering, localBindPort: 70000 });
    },
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 70000,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'connection: blank localBindAddress',
    rule: 'service.local-bind-address',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.connectTo(api, { via: peering, localBindPort: 9191, localBindAddress: ' ' });
    },
    at: 'construct',
    path: WEB,
    prop: 'localBindAddress',
    fix: 'give a non-empty value',
  },
  {
    name: 'connection: two upstreams on one local port',
    rule: 'service.local-bind-port-taken',
    build: (app) => {
      const { dc2, web, peering } = peered(app);
      web.connectTo(dc2.defaultPartition.addService('Billing', { port: 8090 }), { via: peering, localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 9191,
    fix: 'give each upstream its own local port',
    also: ['of upstream "billing" from peer "dc2" on service "web" is already used by upstream "api" (peer "dc2")'],
  },
  {
    name: 'service: addUpstream on the local port of a connection',
    rule: 'service.local-bind-port-taken',
    build: (app) => peered(app).web.addUpstream({ target: UpstreamTarget.service('cache'), localBindPort: 9191 }),
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 9191,
    fix: 'give each upstream its own local port',
  },
  {
    name: 'connection: local port is the service\'s own port',
    rule: 'service.local-bind-port-own',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.connectTo(api, { via: peering, localBindPort: 9090 });
    },
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 9090,
    fix: 'pick another port',
    also: ["is the service's own port"],
  },
  {
    name: 'connection: local port is the sidecar port',
    rule: 'service.local-bind-port-own',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.connectTo(api, { via: peering, localBindPort: 21000 });
    },
    at: 'construct',
    path: WEB,
    prop: 'localBindPort',
    value: 21000,
    fix: 'pick another port',
    also: ["is the service's own sidecarPort"],
  },
  {
    name: 'service: LOCAL gateway mode without a gateway in the importing partition',
    rule: 'service.local-mode-without-gateway',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { dc1: { peerThroughMeshGateways: false }, dc2: { peerThroughMeshGateways: false } });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const peering = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      web.connectTo(dc2.defaultPartition.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191, meshGatewayMode: MeshGatewayMode.LOCAL });
    },
    at: 'synth',
    path: WEB,
    prop: 'meshGatewayMode',
    fix: 'add one with addMeshGateway() on "default", or use MeshGatewayMode.REMOTE',
    also: ['upstream "api" of service "web" uses meshGatewayMode LOCAL, but the importing partition "default" has no mesh gateway'],
  },
  {
    name: 'service: cluster-wide LOCAL mode without a gateway in the importing partition',
    rule: 'service.local-mode-without-gateway',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, {
        dc1: { peerThroughMeshGateways: false, meshGatewayMode: MeshGatewayMode.LOCAL },
        dc2: { peerThroughMeshGateways: false },
      });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const peering = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      web.connectTo(dc2.defaultPartition.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191 });
    },
    at: 'synth',
    path: WEB,
    prop: 'meshGatewayMode',
    fix: 'or use MeshGatewayMode.REMOTE',
  },
  {
    name: 'service: addUpstream to a peer no peering declares',
    rule: 'service.unknown-peer',
    build: (app) => peered(app).web.addUpstream({ target: UpstreamTarget.peerService('dc3', 'billing'), localBindPort: 9300 }),
    at: 'synth',
    path: WEB,
    prop: 'destinationPeer',
    value: 'dc3',
    fix: 'declare a ClusterPeering between the two partitions, or use the peer name that partition uses',
    also: ['(known: [dc2])'],
  },
  {
    name: 'service: addUpstream naming the peer by the caller\'s own datacenter',
    rule: 'service.unknown-peer',
    build: (app) => peered(app).web.addUpstream({ target: UpstreamTarget.peerService('dc1', 'api'), localBindPort: 9300 }),
    at: 'synth',
    path: WEB,
    prop: 'destinationPeer',
    value: 'dc1',
    fix: 'use the peer name that partition uses',
  },
  {
    name: 'service: addUpstream to a peer service that is not exported',
    rule: 'service.not-exported',
    build: (app) => {
      const { dc2, web } = peered(app);
      dc2.defaultPartition.addService('Billing', { port: 8090 }).addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'billing'), localBindPort: 9300 });
    },
    at: 'synth',
    path: WEB,
    prop: 'upstream "billing"',
    fix: 'use connectTo(), or add partition.addExport("billing", ExportConsumer.peer("dc1")) on the exporting partition',
    also: ['imports it from peer "dc2", but partition "default" of cluster "dc2" does not export "billing" to "dc1"'],
  },
  {
    name: 'service: addUpstream to a peer service exported but not allowed',
    rule: 'service.not-allowed',
    build: (app) => {
      const { dc2, web } = peered(app);
      dc2.defaultPartition.addService('Billing', { port: 8090 });
      dc2.defaultPartition.addExport('billing', ExportConsumer.peer('dc1'));
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'billing'), localBindPort: 9300 });
    },
    at: 'synth',
    path: WEB,
    prop: 'upstream "billing"',
    fix: 'use connectTo(), or call addIntention(IntentionSource.peerService("dc1", "web"), IntentionAction.ALLOW) on "billing"',
    also: ['no intention in "default" of cluster "dc2" allows "web" from peer "dc1"'],
  },
  {
    name: 'service: addUpstream to a partition the cluster does not declare',
    rule: 'service.unknown-partition',
    build: (app) =>
      oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({
        target: UpstreamTarget.partitionService('ap9', 'api'),
        localBindPort: 9300,
      }),
    at: 'synth',
    path: WEB,
    prop: 'destinationPartition',
    value: 'ap9',
    fix: 'declare it with cluster.addPartition(), or use connectTo() with the callee service',
    also: ['of upstream "api" of service "web" is not a partition of cluster "dc1" in this app'],
  },
  {
    name: 'service: addUpstream to a partition service that is not exported',
    rule: 'service.partition-not-exported',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      const ap1 = dc1.addPartition('ap1');
      ap1.addService('Api', { port: 8080 }).addIntention(IntentionSource.partitionService('default', 'web'), IntentionAction.ALLOW);
      dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.partitionService('ap1', 'api'), localBindPort: 9300 });
    },
    at: 'synth',
    path: WEB,
    prop: 'addUpstream(target)',
    value: 'ap1/api',
    fix: 'use connectTo() with the callee service, which writes the export and the intention',
    also: ['is not exported by partition "ap1" of cluster "dc1" to partition "default"'],
  },
  {
    name: 'service: addUpstream to a partition service exported but not allowed',
    rule: 'service.partition-not-allowed',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      const ap1 = dc1.addPartition('ap1');
      ap1.addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.0.21' });
      ap1.addService('Api', { port: 8080 });
      ap1.addExport('api', ExportConsumer.partition('default'));
      dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.partitionService('ap1', 'api'), localBindPort: 9300 });
    },
    at: 'synth',
    path: WEB,
    prop: 'addUpstream(target)',
    value: 'ap1/api',
    fix: 'use connectTo() with the callee service',
    also: ['does not allow "web" from partition "default" (no intention)'],
  },
  {
    name: 'service: addUpstream to a peer with MeshGatewayMode.NONE',
    rule: 'upstream.mode-none',
    build: (app) =>
      peered(app, { connect: false }).web.addUpstream({
        target: UpstreamTarget.peerService('dc2', 'api'),
        localBindPort: 9300,
        meshGatewayMode: MeshGatewayMode.NONE,
      }),
    at: 'construct',
    path: WEB,
    prop: 'meshGatewayMode',
    value: 'none',
    fix: 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL',
    also: ['on upstream "api" of service "web" carries peered traffic'],
  },

  {
    name: 'service: addUpstream to itself',
    rule: 'service.upstream-self',
    build: (app) => {
      const web = oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090 });
      web.addUpstream({ target: UpstreamTarget.service('web'), localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'addUpstream(target)',
    value: 'web',
    fix: 'a service reaches itself without its sidecar: remove the upstream',
    also: ['names the service that declares the upstream (partition "default" of cluster "dc1", namespace "default", no peer)'],
  },
  {
    name: 'service: addUpstream to itself from a namespace, without naming the namespace',
    rule: 'service.upstream-self',
    build: (app) => {
      const web = oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'team-a' });
      web.addUpstream({ target: UpstreamTarget.service('web'), localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'addUpstream(target)',
    value: 'web',
    fix: 'UpstreamTarget.peerService(), partitionService() or another namespace',
    also: ['namespace "team-a", no peer): its sidecar would route the service to itself'],
  },
  {
    name: 'service: fromServiceAttributes with an upper-case serviceName',
    rule: 'service.imported-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      MeshService.fromServiceAttributes(stack, 'Billing', { partition: dc1.defaultPartition, serviceName: 'Billing' });
    },
    at: 'construct',
    path: 'mesh/Billing',
    prop: 'serviceName',
    value: 'Billing',
    fix: 'e.g. "billing"',
  },

  // ---- connectTo -----------------------------------------------------------------------------------
  {
    name: 'connection: a service calls itself',
    rule: 'connection.self',
    build: (app) => {
      const web = oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090 });
      web.connectTo(web, { localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'web',
    fix: 'a service reaches itself without its sidecar: remove the call',
    also: ['is the calling service itself'],
  },
  {
    name: 'connection: a service calls itself via a peering',
    rule: 'connection.self',
    build: (app) => {
      const { web, peering } = peered(app, { connect: false });
      web.connectTo(web, { via: peering, localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'web',
    fix: 'remove the call',
  },
  {
    name: 'connection: across clusters without via',
    rule: 'connection.missing-via',
    build: (app) => {
      const { web, api } = peered(app, { connect: false });
      web.connectTo(api, { localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(via)',
    fix: 'services of two clusters talk across a peering: pass via: the ClusterPeering between those partitions',
    also: ['the caller is in partition "default" of cluster "dc1" and the callee "api" in partition "default" of cluster "dc2"'],
  },
  {
    name: 'connection: via a peering between other partitions',
    rule: 'connection.wrong-via',
    build: (app) => {
      const { stack, dc1, dc2, web, api } = peered(app, { edition: ConsulEdition.ENTERPRISE, connect: false });
      const ap1 = dc2.addPartition('ap1');
      ap1.addMeshGateway('Gateway', { lanAddress: '10.12.1.10', wanAddress: '10.10.1.12' });
      const other = new ClusterPeering(stack, 'Other', { acceptor: ap1, dialer: dc1.defaultPartition });
      web.connectTo(api, { via: other, localBindPort: 9300 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(via)',
    value: 'mesh/Other',
    fix: 'pass the ClusterPeering between those two partitions',
    also: [
      'does not connect the caller\'s partition "default" of cluster "dc1" and the callee\'s partition "default" of cluster "dc2"',
      '(it peers partition "ap1" of cluster "dc2" and partition "default" of cluster "dc1")',
    ],
  },
  {
    name: 'connection: via a peering for a call between partitions of one cluster',
    rule: 'connection.wrong-via',
    build: (app) => {
      const { dc1, web, peering } = peered(app, { edition: ConsulEdition.ENTERPRISE, connect: false });
      const cache = dc1.addPartition('ap1').addService('Cache', { port: 6379 });
      web.connectTo(cache, { via: peering, localBindPort: 9300 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(via)',
    value: 'mesh/Dc2Dc1',
    fix: 'both services are in one cluster: leave out via',
  },
  {
    name: 'connection: via a peering for a call inside one partition',
    rule: 'connection.wrong-via',
    build: (app) => {
      const { dc1, web, peering } = peered(app, { connect: false });
      web.connectTo(dc1.defaultPartition.addService('Cache', { port: 6379 }), { via: peering, localBindPort: 9300 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(via)',
    value: 'mesh/Dc2Dc1',
    fix: 'both services are in one cluster: leave out via',
  },
  {
    name: 'connection: connectTo twice with another local port',
    rule: 'connection.contradicting-options',
    build: (app) => {
      const { web, api, peering } = peered(app);
      web.connectTo(api, { via: peering, localBindPort: 9292 });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'api',
    fix: 'connect a caller to a callee once: use the same options or remove one call',
    also: ['is already connected (localBindPort 9191, meshGatewayMode remote, via mesh/Dc2Dc1), with other options than now (localBindPort 9292'],
  },
  {
    name: 'connection: connectTo twice with another gateway mode',
    rule: 'connection.contradicting-options',
    build: (app) => {
      const { web, api, peering } = peered(app);
      web.connectTo(api, { via: peering, localBindPort: 9191, meshGatewayMode: MeshGatewayMode.LOCAL });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'api',
    fix: 'connect a caller to a callee once',
  },
  {
    name: 'connection: connectTo twice with another description',
    rule: 'connection.contradicting-options',
    build: (app) => {
      const { web, api, peering } = peered(app);
      web.connectTo(api, { via: peering, localBindPort: 9191, description: 'checkout calls' });
    },
    at: 'construct',
    path: WEB,
    prop: 'connectTo(target)',
    value: 'api',
    fix: 'connect a caller to a callee once',
  },
  {
    name: 'connection: MeshGatewayMode.NONE across a peering',
    rule: 'upstream.mode-none',
    build: (app) => {
      const { web, api, peering } = peered(app, { connect: false });
      web.connectTo(api, { via: peering, localBindPort: 9191, meshGatewayMode: MeshGatewayMode.NONE });
    },
    at: 'construct',
    path: WEB,
    prop: 'meshGatewayMode',
    value: 'none',
    fix: 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL',
    also: ['on connection "web" -> "api" carries peered traffic'],
  },
  {
    name: 'connection: inherits MeshGatewayMode.NONE from its cluster',
    rule: 'upstream.mode-none',
    build: (app) => {
      const { web, api, peering } = peered(app, { dc1: { meshGatewayMode: MeshGatewayMode.NONE }, connect: false });
      web.connectTo(api, { via: peering, localBindPort: 9191 });
    },
    at: 'construct',
    path: WEB,
    prop: 'meshGatewayMode',
    value: 'none',
    fix: 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL',
  },

  // ---- UpstreamTarget factories --------------------------------------------------------------------
  {
    name: 'target: UpstreamTarget.peerService with an upper-case peer',
    rule: 'target.peer-name',
    build: () => UpstreamTarget.peerService('DC2', 'api'),
    at: 'construct',
    path: '',
    prop: 'peerName',
    value: 'DC2',
    fix: 'e.g. "dc2"',
  },
  {
    name: 'target: UpstreamTarget.partitionService with a space',
    rule: 'target.partition-name',
    build: () => UpstreamTarget.partitionService('ap 1', 'api'),
    at: 'construct',
    path: '',
    prop: 'partitionName',
    value: 'ap 1',
    fix: 'e.g. "ap-1"',
  },
  {
    name: 'target: UpstreamTarget.service with a dot',
    rule: 'target.service-name',
    build: () => UpstreamTarget.service('api.v2'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'api.v2',
    fix: 'e.g. "api-v2"',
  },
  {
    name: 'target: UpstreamTarget.peerService with an empty service',
    rule: 'target.service-name',
    build: () => UpstreamTarget.peerService('dc2', ''),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: '',
    fix: 'use lower-case letters, digits and "-"',
  },
  {
    name: 'target: UpstreamTarget.partitionService with an upper-case service',
    rule: 'target.service-name',
    build: () => UpstreamTarget.partitionService('ap1', 'Api'),
    at: 'construct',
    path: '',
    prop: 'serviceName',
    value: 'Api',
    fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "api"',
    also: ['is not a service name Consul accepts for a service identity token and DNS'],
  },
  {
    name: 'target: UpstreamTarget namespace with an underscore',
    rule: 'target.namespace',
    build: () => UpstreamTarget.service('api', 'team_a'),
    at: 'construct',
    path: '',
    prop: 'namespace',
    value: 'team_a',
    fix: 'e.g. "team-a"',
  },
];

import { App, TerraformStack } from 'cdktf';
import {
  AclToken,
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  DockerNetwork,
  EnvoyDnsDiscoveryType,
  FailoverTarget,
  ServiceResolver,
  ExportConsumer,
  IntentionAction,
  IntentionSource,
  Namespace,
  SamenessGroup,
  SamenessGroupMember,
  UpstreamTarget,
} from '../../../lib';
import { InvalidProgram } from '../corpus';
import { cluster, dockerOnly, oneCluster, Peered, peered, withDataPlane } from '../programs';

const DC1_DEFAULT = 'mesh/Dc1/Partitions/default';

/**
 * The README's program on Enterprise without the call, and sameness group "products" in dc1's default
 * partition with dc2 as its peer member.
 */
function peerGroup(app: App, defaultForFailover = false): Peered {
  const p = peered(app, { edition: ConsulEdition.ENTERPRISE, connect: false });
  new SamenessGroup(p.stack, 'Products', { partition: p.dc1.defaultPartition, defaultForFailover, members: [SamenessGroupMember.partition('default'), SamenessGroupMember.peer('dc2')] });
  return p;
}

/**
 * Enterprise dc1 with partition ap1 (its gateway, and "api" exported to the default partition), sameness group
 * "products" in the default partition with ap1 as its member, and web there calling plain "api".
 */
function partitionGroup(app: App, defaultForFailover = false): { stack: TerraformStack; dc1: ConsulCluster } {
  const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
  const ap1 = dc1.addPartition('ap1');
  ap1.addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.1.11' });
  ap1.addExport('api', ExportConsumer.partition('default'));
  new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, defaultForFailover, members: [SamenessGroupMember.partition('default'), SamenessGroupMember.partition('ap1')] });
  dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
  return { stack, dc1 };
}

/** Namespaces, partition and peer scopes of exports, intentions, upstreams and grants, and Docker networks on one host. */
export const SCOPES: InvalidProgram[] = [
  // ---- Namespaces ----------------------------------------------------------------------------------
  {
    name: 'namespace: a service in a namespace nobody declares',
    rule: 'namespace.undeclared',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'web' }),
    at: 'synth',
    path: DC1_DEFAULT,
    prop: 'namespace',
    value: 'web',
    fix: "declare it with partition.addNamespace('web') to create it, or Namespace.fromNamespaceName(scope, id, partition, 'web') when it exists already",
    also: ['(service "web") but not declared'],
  },
  {
    name: 'namespace: an export from a namespace nobody declares',
    rule: 'namespace.undeclared',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.addPartition('ap1');
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc1.defaultPartition.addExport('api', ExportConsumer.partition('ap1'), { namespace: 'team-a' });
    },
    at: 'synth',
    path: DC1_DEFAULT,
    prop: 'namespace',
    value: 'team-a',
    fix: "partition.addNamespace('team-a')",
    also: ['(export of "api")'],
  },
  {
    name: 'namespace: declaring default',
    rule: 'namespace.default',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addNamespace('Default', { namespaceName: 'default' }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Default`,
    prop: 'namespaceName',
    value: 'default',
    fix: 'leave the namespace out to use "default"; declare only other namespaces',
  },
  {
    name: 'namespace: one namespace declared twice (created and imported)',
    rule: 'namespace.declared-twice',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.defaultPartition.addNamespace('Web');
      Namespace.fromNamespaceName(stack, 'ExistingWeb', dc1.defaultPartition, 'web');
    },
    at: 'construct',
    path: 'mesh/ExistingWeb',
    prop: 'namespaceName',
    value: 'web',
    fix: 'declare a namespace once and pass that object around',
  },
  {
    name: 'namespace: a name with an underscore',
    rule: 'namespace.name',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addNamespace('TeamA', { namespaceName: 'team_a' }),
    at: 'construct',
    path: `${DC1_DEFAULT}/TeamA`,
    prop: 'namespaceName',
    value: 'team_a',
    fix: 'e.g. "team-a"',
  },
  {
    name: 'namespace: a namespace on Community Edition',
    rule: 'namespace.community',
    build: (app) => oneCluster(app).dc1.defaultPartition.addNamespace('Web'),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'namespaceName',
    value: 'web',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
  },
  {
    name: 'namespace: a service added through a namespace naming another one',
    rule: 'namespace.service-contradiction',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.defaultPartition.addNamespace('Web').addService('Frontend', { port: 8080, namespace: 'api' }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'namespace',
    value: 'api',
    fix: 'leave namespace out when adding through a namespace',
  },
  // ---- Partition and peer scopes -------------------------------------------------------------------
  {
    name: 'exports: export to the exporting partition itself',
    rule: 'export.partition-consumer-self',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc1.defaultPartition.addExport('api', ExportConsumer.partition('default'));
    },
    at: 'synth',
    path: `${DC1_DEFAULT}/ExportedServices`,
    prop: 'ExportConsumer.partition(partitionName)',
    value: 'default',
    fix: 'remove the export, or name another partition',
  },
  {
    name: 'exports: export to a partition the cluster does not declare',
    rule: 'export.partition-consumer-undeclared',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc1.defaultPartition.addExport('api', ExportConsumer.partition('ap9'));
    },
    at: 'synth',
    path: `${DC1_DEFAULT}/ExportedServices`,
    prop: 'ExportConsumer.partition(partitionName)',
    value: 'ap9',
    fix: 'declare it with cluster.addPartition(), or fix the name',
    also: ['is not a partition of cluster "dc1" in this app'],
  },
  {
    name: 'intentions: a source from a peer the partition does not have',
    rule: 'intention.source-peer-unknown',
    build: (app) => peered(app).api.addIntention(IntentionSource.peerService('dc3', 'web'), IntentionAction.ALLOW),
    at: 'synth',
    path: 'mesh/Dc2/Partitions/default/Api/Intentions',
    prop: 'IntentionSource.peerService(peerName)',
    value: 'dc3',
    fix: "use the name this partition gives the caller's side (peering.peerNameIn(partition))",
    also: ['allows nobody (its peerings name "dc1")'],
  },
  {
    name: 'intentions: a source from a partition the cluster does not declare',
    rule: 'intention.source-partition-undeclared',
    build: (app) =>
      oneCluster(app, ConsulEdition.ENTERPRISE)
        .dc1.defaultPartition.addService('Api', { port: 8080 })
        .addIntention(IntentionSource.partitionService('ap9', 'web'), IntentionAction.ALLOW),
    at: 'synth',
    path: `${DC1_DEFAULT}/Api/Intentions`,
    prop: 'IntentionSource.partitionService(partitionName)',
    value: 'ap9',
    fix: 'declare it with cluster.addPartition(), or fix the name',
  },
  {
    name: 'service: addUpstream to a partition target naming its own partition',
    rule: 'service.upstream-own-partition',
    build: (app) =>
      oneCluster(app, ConsulEdition.ENTERPRISE)
        .dc1.defaultPartition.addService('Web', { port: 9090 })
        .addUpstream({ target: UpstreamTarget.partitionService('default', 'api'), localBindPort: 9191 }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'addUpstream(target)',
    value: 'default/api',
    fix: 'use UpstreamTarget.service("api") for a service of the same partition',
  },
  {
    name: 'gateway: grantRegister onto a token of another partition',
    rule: 'gateway.grant-scope',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      const ap1 = dc1.addPartition('ap1');
      const gateway = ap1.addMeshGateway('Gateway', { lanAddress: '10.11.0.20', wanAddress: '10.10.0.21' });
      gateway.grantRegister(new AclToken(stack, 'Operator', { provider: dc1.provider }));
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/ap1/Gateway',
    prop: 'grantRegister(grantee)',
    value: 'mesh/Operator',
    fix: 'create the token with provider: cluster.provider and partition: gateway.partition.resourcePartition',
    also: ['is a token of the provider\'s partition ("default")'],
  },
  {
    name: 'gateway: grantRegister onto a token of another cluster',
    rule: 'gateway.grant-scope',
    build: (app) => {
      const { stack, dc1, dc2 } = peered(app);
      dc1.defaultPartition.meshGateways[0].grantRegister(new AclToken(stack, 'Dc2Operator', { provider: dc2.provider }));
    },
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'grantRegister(grantee)',
    value: 'mesh/Dc2Operator',
    fix: 'or grant the gateway of that partition',
    also: ['is a token of another provider (mesh/Dc2/Provider)'],
  },
  // ---- Docker networks on one host -----------------------------------------------------------------
  {
    name: 'docker: two networks with overlapping subnets on one host',
    rule: 'docker.subnet-overlap',
    build: (app) => {
      const { stack, host } = dockerOnly(app);
      new DockerNetwork(stack, 'Wide', { host, networkName: 'wide', subnet: '10.0.0.0/8' });
    },
    at: 'synth',
    path: 'mesh/Wide',
    prop: 'subnet',
    value: '10.0.0.0/8',
    fix: 'give each network on one host its own, non-overlapping subnet',
    also: ['overlaps subnet 10.11.0.0/24 of network "dc1-lan" (mesh/Lan1)'],
  },
  {
    name: 'docker: two networks with one name on one host',
    rule: 'docker.network-name-twice',
    build: (app) => {
      const { stack, host } = dockerOnly(app);
      new DockerNetwork(stack, 'Lan2', { host, networkName: 'dc1-lan', subnet: '10.12.0.0/24' });
    },
    at: 'synth',
    path: 'mesh/Lan2',
    prop: 'networkName',
    value: 'dc1-lan',
    fix: 'give each network its own networkName',
  },
  {
    name: 'docker: a service pod named like a gateway pod of its partition',
    rule: 'docker.pod-name-twice',
    build: (app) => {
      const p = withDataPlane(app);
      const gateway = p.dc1.defaultPartition.addService('GatewayLike', { serviceName: 'gateway', port: 7000 });
      p.plane1.addService(gateway, { address: '10.11.0.30' });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/GatewayLike/DataPlane/Pod',
    prop: 'podName',
    value: 'dc1-default-gateway',
    fix: 'give the pod another name (for a service: another serviceName or namespace; pod names start with the datacenter with "_" as "-"',
    also: ['(container and node names must be unique)'],
  },
  // ---- Failover --------------------------------------------------------------------------------------
  {
    name: 'failover: the callee itself as its failover target',
    rule: 'connection.failover-target',
    build: (app) => {
      const p = peered(app, { connect: false });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 9191, failover: [{ callee: p.api, via: p.peering }] });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web',
    prop: 'connectTo(failover)',
    value: 'mesh/Dc2/Partitions/default/Api',
    fix: 'fail over to a copy of the callee in another cluster',
  },
  {
    name: 'failover: a target in the caller\'s own cluster',
    rule: 'connection.failover-target',
    build: (app) => {
      const p = peered(app, { connect: false });
      const local = p.dc1.defaultPartition.addService('Db', { port: 5432 });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 9191, failover: [{ callee: local, via: p.peering }] });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web',
    prop: 'connectTo(failover)',
    value: 'mesh/Dc1/Partitions/default/Db',
    fix: 'failover targets are copies of the callee in other clusters, reached across a peering',
  },
  {
    name: 'failover: two callers of one service in one partition with different failover lists',
    rule: 'connection.failover-resolver',
    build: (app) => {
      const p = peered(app, { connect: false });
      const dc3 = cluster(p.stack, 'Dc3', 'dc3');
      dc3.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.13.0.10', wanAddress: '10.10.0.13' });
      const toDc3 = new ClusterPeering(p.stack, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: p.dc1.defaultPartition });
      const api3 = dc3.defaultPartition.addService('Api', { port: 8080 });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
      const admin = p.dc1.defaultPartition.addService('Admin', { port: 9092 });
      admin.connectTo(api3, { via: toDc3, localBindPort: 9192, failover: [{ callee: p.api, via: p.peering }] });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Admin',
    prop: 'connectTo(failover)',
    value: 'api',
    fix: 'give every caller in one partition the same failover list for one service',
  },
  {
    name: 'failover: a local service of the callee\'s name would be the primary',
    rule: 'connection.failover-local-primary',
    build: (app) => {
      const p = peered(app, { connect: false });
      const dc3 = cluster(p.stack, 'Dc3', 'dc3');
      dc3.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.13.0.10', wanAddress: '10.10.0.13' });
      const toDc3 = new ClusterPeering(p.stack, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: p.dc1.defaultPartition });
      const api3 = dc3.defaultPartition.addService('Api', { port: 8080 });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
      p.dc1.defaultPartition.addService('Api', { port: 8080 });
    },
    at: 'synth',
    path: 'mesh/Dc1/Partitions/default/Web',
    prop: 'connectTo(failover)',
    value: 'api',
    fix: 'call the local service with failover to the remote copies instead, or rename one of them',
  },
  // ---- Rotation --------------------------------------------------------------------------------------
  {
    name: 'peering: a negative generation',
    rule: 'peering.generation',
    build: (app) => {
      const p = peered(app, { connect: false });
      new ClusterPeering(p.stack, 'Again', { acceptor: p.dc2.defaultPartition, dialer: p.dc1.defaultPartition, generation: -1 });
    },
    at: 'construct',
    path: 'mesh/Again',
    prop: 'generation',
    value: -1,
    fix: 'start at 0 and raise it by 1 for every rotation',
  },
  {
    name: 'peering: the generation key written into meta by hand',
    rule: 'peering.generation-meta',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      const dc2 = cluster(stack, 'Dc2', 'dc2');
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, meta: { 'cdktf-consul-peering-generation': '2' } });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'meta',
    value: 'cdktf-consul-peering-generation',
    fix: 'set generation instead of writing the key yourself',
  },
  // ---- Proxy.Config options ---------------------------------------------------------------------------
  {
    name: 'proxy: a raw key a typed option writes',
    rule: 'proxy.raw-key',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy: { rawConfig: { local_connect_timeout_ms: 10 } } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy.rawConfig',
    value: 'local_connect_timeout_ms',
    fix: 'use the typed option for it',
  },
  {
    name: 'proxy: a gateway raw key the library writes itself',
    rule: 'proxy.raw-key',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', proxy: { rawConfig: { envoy_gateway_bind_tagged_addresses: false } } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.rawConfig',
    value: 'envoy_gateway_bind_tagged_addresses',
    fix: 'keep rawConfig for keys Consul added later',
  },
  {
    name: 'proxy: an escape hatch that is not JSON',
    rule: 'proxy.json',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy: { extraStaticClustersJson: "{name: 'x'}" } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy.extraStaticClustersJson',
    value: "{name: 'x'}",
    fix: 'give the Envoy configuration as a JSON string',
  },
  {
    name: 'proxy: a stats flush interval that is not a duration',
    rule: 'proxy.value',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy: { statsFlushInterval: '5' } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy.statsFlushInterval',
    value: '5',
    fix: 'use a Go duration such as "10s"',
  },
  {
    name: 'proxy: a prometheus bind address without a port',
    rule: 'proxy.value',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', proxy: { prometheusBindAddr: '0.0.0.0' } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.prometheusBindAddr',
    value: '0.0.0.0',
    fix: 'e.g. "0.0.0.0:9102"',
  },
  {
    name: 'proxy: a statsd sink without a scheme',
    rule: 'proxy.value',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', proxy: { statsdUrl: '127.0.0.1:8125' } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.statsdUrl',
    value: '127.0.0.1:8125',
    fix: 'e.g. "udp://127.0.0.1:8125", "udp://${HOST_IP}:8125", "unix:///var/run/dogstatsd.sock" or "$STATSD_URL"',
  },
  {
    name: 'proxy: a gateway keepalive probe count of zero',
    rule: 'proxy.value',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', proxy: { remoteTcpKeepaliveProbes: 0 } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.remoteTcpKeepaliveProbes',
    value: 0,
    fix: 'e.g. 3',
  },
  {
    name: 'proxy: a stats address that is a number',
    rule: 'proxy.value',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy: { statsBindAddr: 9103 as unknown as string } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy.statsBindAddr',
    value: 9103,
    fix: 'give a string, e.g. "0.0.0.0:9102"',
  },
  {
    // What a JavaScript caller (or an object passed through a variable) can write: TypeScript would refuse it.
    name: 'proxy: a sidecar option in another casing',
    rule: 'proxy.unknown-option',
    build: (app) => {
      const proxy: Record<string, string> = { tracingJSON: '{}' };
      oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy });
    },
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy',
    value: 'tracingJSON',
    fix: 'did you mean "tracingJson"? or put it in rawConfig',
  },
  {
    name: 'proxy: a gateway option cut short',
    rule: 'proxy.unknown-option',
    build: (app) => {
      const proxy: Record<string, string> = { dnsDiscovery: 'STRICT_DNS' };
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', proxy });
    },
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy',
    value: 'dnsDiscovery',
    fix: 'did you mean "dnsDiscoveryType"? or put it in rawConfig',
  },
  {
    name: 'proxy: the Consul key of a typed option as an option',
    rule: 'proxy.unknown-option',
    build: (app) => {
      const proxy: Record<string, number> = { local_connect_timeout_ms: 2000 };
      oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy });
    },
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy',
    value: 'local_connect_timeout_ms',
    fix: 'use localConnectTimeoutMs instead',
  },
  {
    name: 'proxy: a gateway DNS discovery type Envoy does not have',
    rule: 'proxy.choice',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', {
        lanAddress: '10.11.0.10',
        wanAddress: '10.10.0.11',
        proxy: { dnsDiscoveryType: 'EDS' as EnvoyDnsDiscoveryType },
      }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.dnsDiscoveryType',
    value: 'EDS',
    fix: 'use EnvoyDnsDiscoveryType.STRICT_DNS or EnvoyDnsDiscoveryType.LOGICAL_DNS',
  },
  {
    name: 'proxy: a connection balancing other than exact_balance',
    rule: 'proxy.choice',
    build: (app) => oneCluster(app).dc1.defaultPartition.addService('Web', { port: 9090, proxy: { balanceInboundConnections: 'exact' } }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Web`,
    prop: 'proxy.balanceInboundConnections',
    value: 'exact',
    fix: 'use "exact_balance", or leave it out for no balancing',
  },
  {
    name: 'proxy: a gateway keepalive switch that is a string',
    rule: 'proxy.choice',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', {
        lanAddress: '10.11.0.10',
        wanAddress: '10.10.0.11',
        proxy: { remoteTcpKeepalive: 'true' as unknown as boolean },
      }),
    at: 'construct',
    path: `${DC1_DEFAULT}/Gateway`,
    prop: 'proxy.remoteTcpKeepalive',
    value: 'true',
    fix: 'use true or false',
  },
  {
    name: 'failover: a resolver target that does not export the service to this side',
    rule: 'resolver.target-not-exported',
    build: (app) => {
      const p = peered(app, { connect: false });
      new ServiceResolver(p.stack, 'Resolver', { partition: p.dc1.defaultPartition, serviceName: 'billing', failover: [FailoverTarget.peer('dc2')] });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'FailoverTarget.peer(peerName)',
    value: 'dc2',
    fix: 'use connectTo(..., { failover }), which exports it',
    also: ['does not export "billing" to "dc1" (this side)'],
  },
  {
    name: 'failover: a resolver target that does not allow a caller it routes',
    rule: 'resolver.target-not-allowed',
    build: (app) => {
      const p = peered(app, { connect: false });
      p.dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
      new ServiceResolver(p.stack, 'Resolver', { partition: p.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2')] });
      p.web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'FailoverTarget.peer(peerName)',
    value: 'dc2',
    fix: 'use connectTo(..., { failover }), which allows it',
    also: ['allows "web" from "dc1"'],
  },
  {
    name: 'failover: a resolver partition target that does not export the service to this partition',
    rule: 'resolver.target-not-exported',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.addPartition('ap1').addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.1.11' });
      new ServiceResolver(stack, 'Resolver', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.partition('ap1')] });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'FailoverTarget.partition(partitionName)',
    value: 'ap1',
    fix: 'add partition.addExport("api", ExportConsumer.partition("default")) there',
    also: ['does not export "api" to partition "default" (this side)'],
  },
  {
    name: 'failover: a resolver partition target that does not allow a caller it routes',
    rule: 'resolver.target-not-allowed',
    build: (app) => {
      const { stack, dc1 } = partitionGroup(app);
      new ServiceResolver(stack, 'Resolver', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.partition('ap1')] });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'FailoverTarget.partition(partitionName)',
    value: 'ap1',
    fix: 'add an allowing IntentionSource.partitionService("default", "web") on "api" there',
    also: ['no intention in partition "ap1" of cluster "dc1" allows "web" from partition "default"'],
  },
  {
    name: 'failover: a sameness group a resolver fails over to, whose peer member does not export the service',
    rule: 'resolver.target-not-exported',
    build: (app) => {
      const p = peerGroup(app);
      new ServiceResolver(p.stack, 'Resolver', { partition: p.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products')] });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'SamenessGroupMember.peer(peerName)',
    value: 'dc2',
    fix: 'add partition.addExport("api", ExportConsumer.samenessGroup("products")) there',
    also: ['is a member of sameness group "products", the failover target of "api"', 'does not export "api" to "dc1" (this side) or to the group'],
  },
  {
    name: 'failover: a sameness group a resolver fails over to, whose partition member allows no caller',
    rule: 'resolver.target-not-allowed',
    build: (app) => {
      const { stack, dc1 } = partitionGroup(app);
      new ServiceResolver(stack, 'Resolver', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products')] });
    },
    at: 'synth',
    path: 'mesh/Resolver',
    prop: 'SamenessGroupMember.partition(partitionName)',
    value: 'ap1',
    fix: 'or an allowing IntentionSource.partitionService("default", "web")',
    also: ['no intention in partition "ap1" of cluster "dc1" allows "web" from partition "default" or from the group'],
  },
  {
    name: 'failover: a default sameness group whose peer member does not export a service its partition calls',
    rule: 'sameness.default-not-exported',
    build: (app) => {
      const p = peerGroup(app, true);
      p.api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
      p.web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
    },
    at: 'synth',
    path: 'mesh/Products',
    prop: 'SamenessGroupMember.peer(peerName)',
    value: 'dc2',
    fix: 'or write a ServiceResolver for "api" in partition "default" of cluster "dc1", which takes it out of the default failover',
    also: ['the default for failover (defaultForFailover)', 'does not export "api" to "dc1" (this side) or to the group'],
  },
  {
    name: 'failover: a default sameness group whose partition member allows no caller',
    rule: 'sameness.default-not-allowed',
    build: (app) => partitionGroup(app, true),
    at: 'synth',
    path: 'mesh/Products',
    prop: 'SamenessGroupMember.partition(partitionName)',
    value: 'ap1',
    fix: 'add an allowing IntentionSource.samenessGroupService("products", "web") on "api" there',
    also: ['no intention in partition "ap1" of cluster "dc1" allows "web" from partition "default" or from the group'],
  },
  // ---- Sameness groups ---------------------------------------------------------------------------------
  {
    name: 'exports: export to a sameness group the partition does not declare',
    rule: 'export.sameness-group-undeclared',
    build: (app) => {
      const { dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc1.defaultPartition.addExport('api', ExportConsumer.samenessGroup('products'));
    },
    at: 'synth',
    path: `${DC1_DEFAULT}/ExportedServices`,
    prop: 'ExportConsumer.samenessGroup(groupName)',
    value: 'products',
    fix: 'declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the exporting partition',
  },
  {
    name: 'intentions: a source from a sameness group the partition does not declare',
    rule: 'intention.source-sameness-group-undeclared',
    build: (app) =>
      oneCluster(app, ConsulEdition.ENTERPRISE)
        .dc1.defaultPartition.addService('Api', { port: 8080 })
        .addIntention(IntentionSource.samenessGroupService('products', 'web'), IntentionAction.ALLOW),
    at: 'synth',
    path: `${DC1_DEFAULT}/Api/Intentions`,
    prop: 'IntentionSource.samenessGroupService(groupName)',
    value: 'products',
    fix: "declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the destination's partition",
  },
  {
    name: 'intentions: a sameness-group source on Community Edition',
    rule: 'intention.source-sameness-group-community',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addService('Api', { port: 8080 }).addIntention(IntentionSource.samenessGroupService('products', 'web'), IntentionAction.ALLOW),
    at: 'construct',
    path: `${DC1_DEFAULT}/Api/Intentions`,
    prop: 'source',
    value: 'web',
    fix: 'use IntentionSource.peerService() for each peer on Community Edition',
  },
  {
    name: 'failover: a hand-made resolver for the service a connection fails over',
    rule: 'connection.failover-hand-made-resolver',
    build: (app) => {
      const p = peered(app, { connect: false });
      const dc3 = cluster(p.stack, 'Dc3', 'dc3');
      dc3.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.13.0.10', wanAddress: '10.10.0.13' });
      const toDc3 = new ClusterPeering(p.stack, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: p.dc1.defaultPartition });
      const api3 = dc3.defaultPartition.addService('Api', { port: 8080 });
      new ServiceResolver(p.stack, 'Mine', { partition: p.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2'), FailoverTarget.peer('dc3')] });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web',
    prop: 'connectTo(failover)',
    value: 'api',
    fix: 'let connectTo write the resolver (remove the hand-made one), or keep the hand-made one and call without failover',
  },
];

import { TerraformStack } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition, MeshGatewayMode, Partition } from '../../../lib';
import { InvalidProgram } from '../corpus';
import { cluster, meshStack, oneCluster, peered, twoClusters } from '../programs';

/** Clusters, partitions, editions, peerings and mesh gateways. */
export const CONTROL_PLANE: InvalidProgram[] = [
  // ---- ConsulCluster ------------------------------------------------------------------------------
  {
    name: 'cluster: upper-case datacenter',
    rule: 'name.datacenter',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: 'Dc1', address: '127.0.0.1:8500' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'datacenter',
    value: 'Dc1',
    fix: 'use lower-case letters, digits, "-" and "_" (e.g. "dc1")',
  },
  {
    name: 'cluster: datacenter with a dot',
    rule: 'name.datacenter',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: 'dc1.east', address: '127.0.0.1:8500' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'datacenter',
    value: 'dc1.east',
    fix: 'use lower-case letters, digits, "-" and "_"',
  },
  {
    name: 'cluster: empty address',
    rule: 'cluster.address',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: 'dc1', address: '' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'address',
    fix: 'give a non-empty value',
  },
  {
    name: 'cluster: scheme ftp',
    rule: 'cluster.scheme',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', scheme: 'ftp' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'scheme',
    value: 'ftp',
    fix: 'use "http" or "https"',
  },
  {
    name: 'cluster: providerAlias starting with a digit',
    rule: 'cluster.provider-alias',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', providerAlias: '1consul' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'providerAlias',
    value: '1consul',
    fix: 'start with a letter and use letters, digits, "_" and "-"',
  },
  {
    name: 'cluster: default provider alias from a datacenter starting with a digit',
    rule: 'cluster.provider-alias',
    build: (app) => new ConsulCluster(meshStack(app), 'Dc1', { datacenter: '1dc', address: '127.0.0.1:8500' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'providerAlias',
    value: '1dc',
    fix: 'start with a letter',
  },
  {
    name: 'cluster: consulVersion with a leading v',
    rule: 'version.format',
    build: (app) => cluster(meshStack(app), 'Dc1', 'dc1', { consulVersion: 'v1.22.5' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'consulVersion',
    value: 'v1.22.5',
    fix: 'use "major.minor.patch" without a "v", e.g. "1.22.5"',
  },
  {
    name: 'cluster: consulVersion with two parts',
    rule: 'version.format',
    build: (app) => cluster(meshStack(app), 'Dc1', 'dc1', { consulVersion: '1.22' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'consulVersion',
    value: '1.22',
    fix: 'use "major.minor.patch"',
  },
  {
    name: 'cluster: consulVersion older than the provider supports',
    rule: 'cluster.consul-version-minimum',
    build: (app) => cluster(meshStack(app), 'Dc1', 'dc1', { consulVersion: '1.18.3' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'consulVersion',
    value: '1.18.3',
    fix: 'upgrade the cluster or set consulVersion to what it runs (>= 1.19.0)',
  },
  {
    name: 'cluster: two clusters share a provider alias',
    rule: 'cluster.provider-alias-shared',
    build: (app) => twoClusters(app, { dc1: { providerAlias: 'consul' }, dc2: { providerAlias: 'consul' } }),
    at: 'synth',
    path: 'mesh/Dc1',
    prop: 'providerAlias',
    value: 'consul',
    fix: 'set a different providerAlias on one of them',
    also: ['clusters "dc1" and "dc2"'],
    messages: 2,
  },
  {
    name: 'cluster: a cluster alias equal to another cluster\'s datacenter',
    rule: 'cluster.provider-alias-shared',
    build: (app) => twoClusters(app, { dc1: { providerAlias: 'dc2' } }),
    at: 'synth',
    path: 'mesh/Dc2',
    prop: 'providerAlias',
    value: 'dc2',
    fix: 'set a different providerAlias on one of them',
    messages: 2,
  },
  {
    name: 'cluster: meshGatewayMode NONE on a peered cluster',
    rule: 'cluster.mode-none-peered',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { dc1: { meshGatewayMode: MeshGatewayMode.NONE } });
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/Dc1',
    prop: 'meshGatewayMode',
    value: 'none',
    fix: 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL',
    also: ['on cluster "dc1" carries peered traffic'],
  },
  {
    name: 'cluster: peerThroughMeshGateways true without a gateway',
    rule: 'cluster.peer-through-without-gateway',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { dc1: { peerThroughMeshGateways: true } });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/Dc1',
    prop: 'peerThroughMeshGateways',
    fix: 'add one with cluster.defaultPartition.addMeshGateway() or set peerThroughMeshGateways: false',
    also: ['is true on cluster "dc1" but its default partition has no mesh gateway'],
  },

  // ---- Partitions and editions ---------------------------------------------------------------------
  {
    name: 'edition: addPartition on Community',
    rule: 'edition.partition',
    build: (app) => oneCluster(app).dc1.addPartition('ap1'),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'addPartition(id)',
    value: 'ap1',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
    also: ['needs Consul Enterprise on cluster "dc1" (admin partitions are an Enterprise feature)'],
  },
  {
    name: 'edition: new Partition on Community',
    rule: 'edition.partition',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new Partition(stack, 'Ap1', { cluster: dc1, partitionName: 'ap1' });
    },
    at: 'construct',
    path: 'mesh/Ap1',
    prop: 'partitionName',
    value: 'ap1',
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster',
  },
  {
    name: 'partition: addPartition("default")',
    rule: 'cluster.add-partition-default',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.addPartition('default'),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'partitionName',
    value: 'default',
    fix: 'use cluster.defaultPartition instead of addPartition()',
  },
  {
    name: 'partition: addPartition with partitionName default',
    rule: 'cluster.add-partition-default',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.addPartition('Main', { partitionName: 'default' }),
    at: 'construct',
    path: 'mesh/Dc1',
    prop: 'partitionName',
    value: 'default',
    fix: 'use cluster.defaultPartition instead of addPartition()',
  },
  {
    name: 'partition: name with an underscore',
    rule: 'partition.name',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.addPartition('ap_1'),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/ap_1',
    prop: 'partitionName',
    value: 'ap_1',
    fix: 'use letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "ap-1"',
  },
  {
    name: 'partition: name ending with a hyphen',
    rule: 'partition.name',
    build: (app) => oneCluster(app, ConsulEdition.ENTERPRISE).dc1.addPartition('Team', { partitionName: 'team-' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/Team',
    prop: 'partitionName',
    value: 'team-',
    fix: 'use letters, digits and "-"',
  },
  {
    name: 'partition: exports a service but has no mesh gateway',
    rule: 'partition.exports-without-gateway',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { dc1: { peerThroughMeshGateways: false }, dc2: { peerThroughMeshGateways: false } });
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      const peering = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      web.connectTo(dc2.defaultPartition.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191 });
    },
    at: 'synth',
    path: 'mesh/Dc2/Partitions/default',
    prop: 'exports [api]',
    fix: 'add one with addMeshGateway() on that partition',
    also: ['partition "default" of cluster "dc2"', 'has no mesh gateway'],
  },
  {
    name: 'partition: Enterprise partition relies on another partition\'s gateway',
    rule: 'partition.gateway-in-other-partition',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { edition: ConsulEdition.ENTERPRISE });
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const ap1 = dc2.addPartition('ap1');
      const peering = new ClusterPeering(stack, 'Ap1Dc1', { acceptor: ap1, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      web.connectTo(ap1.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191 });
    },
    at: 'synth',
    path: 'mesh/Dc2/Partitions/ap1',
    prop: 'exports [api]',
    fix: 'add a mesh gateway to partition "ap1"',
    also: ['partition "ap1"', 'mesh gateways are in partition(s) [default]'],
  },

  // ---- ClusterPeering ------------------------------------------------------------------------------
  {
    name: 'peering: both sides in one cluster',
    rule: 'peering.same-cluster',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app, ConsulEdition.ENTERPRISE);
      new ClusterPeering(stack, 'P', { acceptor: dc1.addPartition('ap1'), dialer: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'dialer',
    value: 'default',
    fix: 'partitions of one cluster call each other without a peering: use connectTo() without via',
    also: ['is in the acceptor\'s own cluster "dc1"'],
  },
  {
    name: 'peering: a partition peers with itself',
    rule: 'peering.same-cluster',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new ClusterPeering(stack, 'P', { acceptor: dc1.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'dialer',
    value: 'default',
    fix: 'use connectTo() without via',
  },
  {
    name: 'peering: the peering is in neither side\'s stack',
    rule: 'peering.other-stack',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(new TerraformStack(app, 'one'), 'Dc1', 'dc1');
      const dc2 = cluster(new TerraformStack(app, 'two'), 'Dc2', 'dc2');
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'scope',
    value: 'mesh',
    fix: "create the peering in the acceptor's or the dialer's stack",
    also: ['is neither the acceptor\'s stack "two" nor the dialer\'s stack "one"'],
  },
  {
    name: 'peering: upper-case acceptorPeerName',
    rule: 'peering.peer-name',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app);
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, acceptorPeerName: 'Dc1' });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'acceptorPeerName',
    value: 'Dc1',
    fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "dc1"',
  },
  {
    name: 'peering: dialerPeerName with an underscore',
    rule: 'peering.peer-name',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app);
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, dialerPeerName: 'dc2_east' });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'dialerPeerName',
    value: 'dc2_east',
    fix: 'e.g. "dc2-east"',
  },
  {
    name: 'peering: dialerPeerName of 64 characters',
    rule: 'peering.peer-name',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app);
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, dialerPeerName: 'a'.repeat(64) });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'dialerPeerName',
    value: 'a'.repeat(64),
    fix: '1-63 characters',
  },
  {
    name: 'peering: default peer name from a datacenter with an underscore',
    rule: 'peering.default-peer-name',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const dc2 = cluster(stack, 'Dc2', 'dc_2');
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'dialerPeerName',
    value: 'dc_2',
    fix: 'set dialerPeerName explicitly, use lower-case letters, digits and "-"',
    also: ["(the default: the acceptor's datacenter)"],
  },
  {
    name: 'peering: default acceptorPeerName from a datacenter with an underscore',
    rule: 'peering.default-peer-name',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(stack, 'Dc1', 'dc_1');
      const dc2 = cluster(stack, 'Dc2', 'dc2');
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'construct',
    path: 'mesh/P',
    prop: 'acceptorPeerName',
    value: 'dc_1',
    fix: 'set acceptorPeerName explicitly',
    also: ["(the default: the dialer's datacenter)"],
  },
  {
    name: 'peering: sides disagree on peerThroughMeshGateways (explicit false)',
    rule: 'peering.peer-through-symmetry',
    build: (app) => peered(app, { dc1: { peerThroughMeshGateways: false }, connect: false }),
    at: 'synth',
    path: 'mesh/Dc2Dc1',
    prop: 'peerThroughMeshGateways',
    value: 'dc2: true, dc1: false',
    fix: 'set peerThroughMeshGateways to the same value on both clusters',
    also: ['partition "default" of cluster "dc2" / partition "default" of cluster "dc1"'],
  },
  {
    name: 'peering: the dialer has no gateway, so the sides disagree by default',
    rule: 'peering.peer-through-symmetry',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app);
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    },
    at: 'synth',
    path: 'mesh/Dc2Dc1',
    prop: 'peerThroughMeshGateways',
    value: 'dc2: true, dc1: false',
    fix: 'give "dc1" a mesh gateway in its default partition',
  },
  {
    name: 'peering: the same two partitions peered twice',
    rule: 'peering.declared-twice',
    build: (app) => {
      const { stack, dc1, dc2 } = peered(app, { connect: false });
      new ClusterPeering(stack, 'Again', {
        acceptor: dc1.defaultPartition,
        dialer: dc2.defaultPartition,
        acceptorPeerName: 'dc2-again',
        dialerPeerName: 'dc1-again',
      });
    },
    at: 'synth',
    path: 'mesh/Again',
    prop: 'peering between partition "default" of cluster "dc1" and partition "default" of cluster "dc2"',
    fix: 'two partitions peer once: remove one of them',
    also: ['is declared twice (also mesh/Dc2Dc1)'],
    messages: 2,
  },
  {
    name: 'peering: one partition uses a peer name for two peerings',
    rule: 'peering.peer-name-twice',
    build: (app) => {
      const { stack, dc1, dc2 } = twoClusters(app, { edition: ConsulEdition.ENTERPRISE });
      const ap1 = dc2.addPartition('ap1');
      new ClusterPeering(stack, 'One', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, dialerPeerName: 'east' });
      new ClusterPeering(stack, 'Two', { acceptor: ap1, dialer: dc1.defaultPartition, dialerPeerName: 'east' });
    },
    at: 'synth',
    path: 'mesh/One',
    prop: 'dialerPeerName',
    value: 'east',
    fix: 'peer names must be unique within a partition: set dialerPeerName to a different name',
    also: ['partition "default" of cluster "dc1" uses peer name "east" for two peerings (also mesh/Two)'],
    messages: 2,
  },
  {
    name: 'peering: one acceptor uses a peer name for two peerings',
    rule: 'peering.peer-name-twice',
    build: (app) => {
      const stack = meshStack(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const dc2 = cluster(stack, 'Dc2', 'dc2');
      const dc3 = cluster(stack, 'Dc3', 'dc3');
      new ClusterPeering(stack, 'One', { acceptor: dc1.defaultPartition, dialer: dc2.defaultPartition, acceptorPeerName: 'peer' });
      new ClusterPeering(stack, 'Two', { acceptor: dc1.defaultPartition, dialer: dc3.defaultPartition, acceptorPeerName: 'peer' });
    },
    at: 'synth',
    path: 'mesh/Two',
    prop: 'acceptorPeerName',
    value: 'peer',
    fix: 'set acceptorPeerName to a different name',
    messages: 2,
  },
  {
    name: 'peering: peerNameIn a partition that is not a side',
    rule: 'peering.not-a-side',
    build: (app) => {
      const { stack, peering } = peered(app);
      peering.peerNameIn(cluster(stack, 'Dc3', 'dc3').defaultPartition);
    },
    at: 'construct',
    path: 'mesh/Dc2Dc1',
    prop: 'partition',
    value: 'default',
    fix: 'ask the peering that connects that partition',
    also: ['(partition "default" of cluster "dc3") is not a side of this peering'],
  },
  {
    name: 'peering: remoteOf a partition that is not a side',
    rule: 'peering.not-a-side',
    build: (app) => {
      const { stack, peering } = peered(app);
      peering.remoteOf(cluster(stack, 'Dc3', 'dc3').defaultPartition);
    },
    at: 'construct',
    path: 'mesh/Dc2Dc1',
    prop: 'partition',
    value: 'default',
    fix: 'ask the peering that connects that partition',
  },

  // ---- MeshGateway ---------------------------------------------------------------------------------
  {
    name: 'gateway: serviceName with an underscore',
    rule: 'gateway.service-name',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { serviceName: 'mesh_gateway', lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'serviceName',
    value: 'mesh_gateway',
    fix: 'e.g. "mesh-gateway"',
  },
  {
    name: 'gateway: upper-case serviceName',
    rule: 'gateway.service-name',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { serviceName: 'Mesh-Gateway', lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'serviceName',
    value: 'Mesh-Gateway',
    fix: 'e.g. "mesh-gateway"',
  },
  {
    name: 'gateway: empty lanAddress',
    rule: 'gateway.addresses',
    build: (app) => oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '', wanAddress: '10.10.0.11' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'lanAddress',
    fix: 'give a non-empty value',
  },
  {
    name: 'gateway: blank wanAddress',
    rule: 'gateway.addresses',
    build: (app) => oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '  ' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'wanAddress',
    fix: 'give a non-empty value',
  },
  {
    name: 'gateway: lanPort 0',
    rule: 'gateway.ports',
    build: (app) => oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', lanPort: 0 }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'lanPort',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'gateway: fractional lanPort',
    rule: 'gateway.ports',
    build: (app) => oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', lanPort: 8443.5 }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'lanPort',
    value: 8443.5,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'gateway: wanPort 65536',
    rule: 'gateway.ports',
    build: (app) => oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', wanPort: 65536 }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'wanPort',
    value: 65536,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'gateway: connectTimeoutMs 0',
    rule: 'gateway.connect-timeout',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', connectTimeoutMs: 0 }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway',
    prop: 'connectTimeoutMs',
    value: 0,
    fix: 'e.g. 5000',
    also: ['must be a positive integer (milliseconds)'],
  },
  {
    name: 'gateway: policyName with a space',
    rule: 'acl.policy-name',
    build: (app) =>
      oneCluster(app).dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', policyName: 'mesh gateway' }),
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway/Token',
    prop: 'policyName',
    value: 'mesh gateway',
    fix: 'use 1-128 letters, digits, "-" and "_" (e.g. "mesh-gateway")',
  },
  {
    name: 'gateway: two gateways of a partition with one policyName',
    rule: 'gateway.policy-name-unique',
    build: (app) => {
      const partition = oneCluster(app).dc1.defaultPartition;
      partition.addMeshGateway('Gateway1', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', policyName: 'gateways' });
      partition.addMeshGateway('Gateway2', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.12', policyName: 'gateways' });
    },
    at: 'synth',
    path: 'mesh/Dc1/Partitions/default/Gateway2',
    prop: 'policyName',
    value: 'gateways',
    fix: 'give each gateway its own policyName, or leave it out (the default is unique per gateway)',
    also: ['is also the policy name of mesh/Dc1/Partitions/default/Gateway1 in partition "default" of cluster "dc1"'],
    messages: 2,
  },
];

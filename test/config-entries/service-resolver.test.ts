import * as resolverL1 from '@cdktf/provider-consul/lib/config-entry-service-resolver';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import {
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  FailoverTarget,
  SamenessGroup,
  SamenessGroupMember,
  ServiceResolver,
  UpstreamTarget,
  ValidationError,
} from '../../lib';
import { validationErrorOf } from '../fixtures/errors';
import { emptyStack, onlyResource, synthJson } from '../fixtures/stack';

interface Mesh {
  readonly stack: TerraformStack;
  readonly dc1: ConsulCluster;
  readonly dc2: ConsulCluster;
  readonly dc3: ConsulCluster;
}

/**
 * dc1 (the callers' side) peered with dc2 and dc3, which accept; no mesh defaults, so the only config entries are
 * the ones a test creates. `reversed` declares the clusters and peerings in the opposite order.
 */
function mesh(edition?: ConsulEdition, reversed = false): Mesh {
  const stack = emptyStack();
  const make = (n: number) => new ConsulCluster(stack, `Dc${n}`, { datacenter: `dc${n}`, address: `127.0.0.${n}:8500`, edition, manageMeshDefaults: false, peerThroughMeshGateways: false });
  const clusters = reversed ? [3, 2, 1].map(make).reverse() : [1, 2, 3].map(make);
  const [dc1, dc2, dc3] = clusters;
  const peer = (n: 2 | 3) => new ClusterPeering(stack, `Dc${n}Dc1`, { acceptor: (n === 2 ? dc2 : dc3).defaultPartition, dialer: dc1.defaultPartition });
  if (reversed) [3, 2].forEach((n) => peer(n as 2 | 3));
  else [2, 3].forEach((n) => peer(n as 2 | 3));
  // dc2 and dc3 export what the resolvers fail over to (a failover target must export the service to dc1).
  for (const [i, dc] of [[2, dc2], [3, dc3]] as const) {
    dc.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.1${i}.0.10`, wanAddress: `10.10.0.1${i}` });
    for (const service of ['api', 'api-fallback', 'api-v2', 'web']) dc.defaultPartition.addExport(service, ExportConsumer.peer('dc1'));
  }
  return { stack, dc1, dc2, dc3 };
}

const resolverOf = (stack: TerraformStack, validate = false) => onlyResource(synthJson(stack, validate), 'consul_config_entry_service_resolver');

describe('ServiceResolver', () => {
  test('renders the typed L1 exactly: timeouts as Go durations, subsets, and the failover targets in order', () => {
    const { stack, dc1 } = mesh();
    const r = new ServiceResolver(stack, 'ApiResolver', {
      partition: dc1.defaultPartition,
      serviceName: 'api',
      connectTimeoutMs: 1500,
      defaultSubset: 'v1',
      subsets: [
        { name: 'v2', filter: 'Service.Meta.version == v2', onlyPassing: true },
        { name: 'v1', filter: 'Service.Meta.version == v1' },
      ],
      failover: [FailoverTarget.peer('dc3'), FailoverTarget.peer('dc2', 'api-fallback')],
    });
    const json = synthJson(stack, true);
    expect(onlyResource(json, 'consul_config_entry_service_resolver')).toEqual({
      name: 'api',
      connect_timeout: '1.5s',
      request_timeout: '0s',
      default_subset: 'v1',
      subsets: [
        { name: 'v1', filter: 'Service.Meta.version == v1', only_passing: false },
        { name: 'v2', filter: 'Service.Meta.version == v2', only_passing: true },
      ],
      failover: [{ subset_name: '*', targets: [{ peer: 'dc3' }, { service: 'api-fallback', peer: 'dc2' }] }],
      // the peerings its targets name are established first
      depends_on: [
        'consul_peering.Dc3Dc1_Peering_3B5D3F5B',
        'consul_peering.Dc2Dc1_Peering_0430E1F6',
      ],
      provider: 'consul.dc1',
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(resolverL1.ConfigEntryServiceResolver, { name: 'api' });
    expect(r.node.defaultChild).toBe(r.resource);
    expect(ServiceResolver.find(dc1.defaultPartition, 'api')).toBe(r);
    expect(ServiceResolver.find(dc1.defaultPartition, 'web')).toBeUndefined();
    expect(r.failoverTargets.map((t) => t.name)).toEqual(['dc3', 'dc2']);
  });

  test('always writes both timeouts, "0s" when unset (the provider parses them with time.ParseDuration and stores Duration.String())', () => {
    const { stack, dc1 } = mesh();
    new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api' });
    expect(resolverOf(stack, true)).toEqual({ name: 'api', connect_timeout: '0s', request_timeout: '0s', provider: 'consul.dc1' });
  });

  test.each([
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1001, '1.001s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_661_500, '1h1m1.5s'],
  ])('writes %i ms as the Go duration %s', (ms, written) => {
    const { stack, dc1 } = mesh();
    new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', connectTimeoutMs: ms, requestTimeoutMs: ms });
    expect(resolverOf(stack, true)).toMatchObject({ connect_timeout: written, request_timeout: written });
  });

  test('writes partition, namespace and sameness-group failover on Enterprise, with explicit scoping arguments', () => {
    const { stack, dc1, dc2 } = mesh(ConsulEdition.ENTERPRISE);
    // The peer target is web in dc2's namespace team: exported from there to dc1.
    dc2.defaultPartition.addNamespace('Team');
    dc2.defaultPartition.addExport('web', ExportConsumer.peer('dc1'), { namespace: 'team' });
    const ap1 = dc1.addPartition('ap1');
    ap1.addNamespace('Team');
    // The partition target must export api to ap1 (checked at synth, like a peer target), from the namespace
    // the target inherits from the resolver (team).
    dc1.defaultPartition.addNamespace('Team');
    dc1.defaultPartition.addExport('api', ExportConsumer.partition('ap1'), { namespace: 'team' });
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.1.0.10', wanAddress: '192.0.2.10' });
    new ServiceResolver(stack, 'InAp1', {
      partition: ap1,
      serviceName: 'api',
      namespace: 'team',
      failover: [FailoverTarget.partition('default'), FailoverTarget.namespace('default', 'api-v1')],
    });
    new ServiceResolver(stack, 'WebResolver', { partition: dc1.defaultPartition, serviceName: 'web', failover: [FailoverTarget.peer('dc2', 'web', 'team')] });
    new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true, members: [SamenessGroupMember.peer('dc2')] });
    new ServiceResolver(stack, 'InDefault', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products')] });
    const json = synthJson(stack, true);
    const byName = json.resource.consul_config_entry_service_resolver;
    expect(byName.InAp1_F7F4F0CD).toEqual({
      name: 'api',
      namespace: '${consul_namespace.Dc1_Partitions_ap1_Team_AC9DC6D8.name}',
      partition: '${consul_admin_partition.Dc1_Partitions_ap1_A94B4877.name}',
      connect_timeout: '0s',
      request_timeout: '0s',
      failover: [
        {
          subset_name: '*',
          targets: [{ partition: 'default' }, { service: 'api-v1', namespace: 'default' }],
        },
      ],
      provider: 'consul.dc1',
    });
    expect(byName.WebResolver_E7983D0C).toEqual({
      name: 'web',
      namespace: 'default',
      partition: 'default',
      connect_timeout: '0s',
      request_timeout: '0s',
      // a target namespace is written only when given: Consul stores targets as written
      failover: [{ subset_name: '*', targets: [{ service: 'web', peer: 'dc2', namespace: 'team' }] }],
      depends_on: ['consul_peering.Dc2Dc1_Peering_0430E1F6'],
      provider: 'consul.dc1',
    });
    expect(byName.InDefault_B001AD49).toEqual({
      name: 'api',
      namespace: 'default',
      partition: 'default',
      connect_timeout: '0s',
      request_timeout: '0s',
      failover: [{ subset_name: '*', sameness_group: 'products' }],
      depends_on: ['consul_config_entry.Products_229621C6'],
      provider: 'consul.dc1',
    });
  });

  describe('order-free', () => {
    const build = (reversed: boolean, targetsLater: boolean) => {
      const m = mesh(undefined, reversed);
      const targets = [FailoverTarget.peer('dc2'), FailoverTarget.peer('dc3', 'api-v2')];
      const subsets = [{ name: 'v1', filter: 'Service.Meta.version == v1' }, { name: 'v2', filter: 'Service.Meta.version == v2' }];
      const r = new ServiceResolver(m.stack, 'ApiResolver', {
        partition: m.dc1.defaultPartition,
        serviceName: 'api',
        defaultSubset: 'v1',
        failover: targetsLater ? undefined : targets,
        subsets: targetsLater ? undefined : subsets,
      });
      if (targetsLater) {
        targets.forEach((t) => r.addFailoverTarget(t));
        [...subsets].reverse().forEach((s) => r.addSubset(s));
      }
      return Testing.synth(m.stack, true);
    };

    test('targets and subsets added after construction render like props', () => {
      expect(build(false, true)).toEqual(build(false, false));
    });

    test('clusters and peerings declared in reverse order give identical JSON', () => {
      expect(build(true, true)).toEqual(build(false, false));
    });

    test('a peering declared after the resolver still satisfies the validation and becomes a dependency', () => {
      const stack = emptyStack();
      const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', manageMeshDefaults: false, peerThroughMeshGateways: false });
      const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.2:8500', manageMeshDefaults: false, peerThroughMeshGateways: false });
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2')] });
      new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
      expect(resolverOf(stack, true).depends_on).toEqual(['consul_peering.Dc2Dc1_Peering_0430E1F6']);
    });

    test('the order of the targets is the failover order and is kept', () => {
      const { stack, dc1 } = mesh();
      const r = new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api' });
      r.addFailoverTarget(FailoverTarget.peer('dc3'));
      r.addFailoverTarget(FailoverTarget.peer('dc2'));
      expect(resolverOf(stack, true).failover[0].targets).toEqual([{ peer: 'dc3' }, { peer: 'dc2' }]);
    });
  });

  describe('subsets', () => {
    test('adding the same subset twice is idempotent', () => {
      const { stack, dc1 } = mesh();
      const r = new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api' });
      r.addSubset({ name: 'v1', filter: 'Service.Meta.version == v1' });
      r.addSubset({ name: 'v1', filter: 'Service.Meta.version == v1', onlyPassing: false });
      expect(r.subsets).toEqual([{ name: 'v1', filter: 'Service.Meta.version == v1' }]);
    });

    test('fails on one subset name with two filters', () => {
      const { stack, dc1 } = mesh();
      const r = new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api' });
      r.addSubset({ name: 'v1', filter: 'Service.Meta.version == v1' });
      expect(() => r.addSubset({ name: 'v1', filter: 'Service.Meta.version == v2' })).toThrow(
        'subsets[].name "v1" is defined twice with different filters ("Service.Meta.version == v1" and "Service.Meta.version == v2"); give each subset its own name',
      );
    });

    test('fails on a subset name Consul refuses', () => {
      const { stack, dc1 } = mesh();
      expect(() => new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', subsets: [{ name: 'V_1', filter: '' }] })).toThrow(
        /subsets\[\]\.name "V_1" is not a subset name Consul accepts \(it goes into SNI names\); use lower-case letters, digits and "-"/,
      );
    });
  });

  describe('validation', () => {
    const fails = (stack: TerraformStack, message: string | RegExp) => expect(() => Testing.synth(stack, true)).toThrow(message);

    test('fails on a failover peer that is not a peer of the resolver partition', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc4')] });
      fails(
        stack,
        'FailoverTarget.peer(peerName) "dc4" is not a peer of partition "default" of cluster "dc1", where the service-resolver of "api" fails over to it (its peerings name "dc2", "dc3"); ' +
          "use the name the resolver's partition gives the other cluster (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)",
      );
    });

    test("fails on the other side's own name for itself (a peer name of the wrong partition)", () => {
      const { stack, dc2 } = mesh();
      // dc2 calls dc1 "dc1"; "dc2" is dc1's name for dc2, not a peer of dc2
      new ServiceResolver(stack, 'R', { partition: dc2.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2')] });
      fails(stack, /FailoverTarget\.peer\(peerName\) "dc2" is not a peer of partition "default" of cluster "dc2".*\(its peerings name "dc1"\)/);
    });

    test.each([
      ['its own partition', () => FailoverTarget.partition('default'), 'partition "default"'],
      ['its own partition and service named explicitly', () => FailoverTarget.partition('default', 'api', 'default'), 'partition "default" service "api" namespace "default"'],
      ['its own namespace', () => FailoverTarget.namespace('default'), 'namespace "default"'],
    ])('fails on a failover target equal to the primary: %s (Enterprise)', (_name, target, described) => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2'), target()] });
      fails(
        stack,
        `failover ${JSON.stringify(described)} is the service-resolver's own service "api" in partition "default" of cluster "dc1", the primary that fails over, not a place to fail over to; ` +
          'name another peer, partition, namespace or datacenter, or another service',
      );
    });

    test('fails on a failover target equal to the primary: its own datacenter', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.datacenter('dc1')] });
      fails(stack, /failover "datacenter \\"dc1\\"" is the service-resolver's own service "api" in partition "default" of cluster "dc1", the primary/);
    });

    test('accepts another service in its own datacenter, and a WAN-federated datacenter', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', {
        partition: dc1.defaultPartition,
        serviceName: 'api',
        failover: [FailoverTarget.datacenter('dc1', 'api-v1'), FailoverTarget.datacenter('dc9')],
      });
      expect(resolverOf(stack, true).failover[0].targets).toEqual([{ service: 'api-v1', datacenter: 'dc1' }, { datacenter: 'dc9' }]);
    });

    test('fails on a duplicate target, also when one spells out the default service', () => {
      const { stack, dc1 } = mesh();
      const r = new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2')] });
      r.addFailoverTarget(FailoverTarget.peer('dc2', 'api'));
      fails(stack, 'failover "peer \\"dc2\\" service \\"api\\"" is listed twice in the failover targets of "api"; list each target once, in failover order');
    });

    test.each([
      ['connectTimeoutMs', { connectTimeoutMs: 0 }, 0, 'e.g. 5000'],
      ['connectTimeoutMs', { connectTimeoutMs: -1 }, -1, 'e.g. 5000'],
      ['connectTimeoutMs', { connectTimeoutMs: 1.5 }, 1.5, 'e.g. 5000'],
      ['requestTimeoutMs', { requestTimeoutMs: 0 }, 0, 'e.g. 15000'],
    ])('fails on a %s that is not positive: %j', (prop, extra, value, example) => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', ...extra });
      fails(stack, `${prop} ${value} of the service-resolver of "api" is not a positive integer (milliseconds); ${example}, or leave it out for Envoy's default`);
    });

    test('fails on a connect timeout given as a token', () => {
      const { stack, dc1 } = mesh();
      const v = new TerraformVariable(stack, 'Timeout', { type: 'number' });
      expect(() => new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', connectTimeoutMs: v.numberValue })).toThrow(
        /connectTimeoutMs is a token; the provider stores the timeout back as a Go duration string.*; give a literal number of milliseconds/,
      );
    });

    test('fails on a default subset that is not a subset', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', defaultSubset: 'v3', subsets: [{ name: 'v1', filter: 'Service.Meta.version == v1' }] });
      fails(stack, 'defaultSubset "v3" is not a subset of the service-resolver of "api" (its subsets: "v1"); add it with addSubset({ name, filter }) or name one of the subsets');
    });

    test('fails on a sameness group next to other targets (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, members: [SamenessGroupMember.partition('default'), SamenessGroupMember.peer('dc2')] });
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products'), FailoverTarget.peer('dc3')] });
      fails(
        stack,
        'failover ["sameness-group \\"products\\"","peer \\"dc3\\""] of the service-resolver of "api" mixes sameness group "products" with other targets, which Consul refuses; ' +
          'fail over to the sameness group alone (list the other places as its members), or drop FailoverTarget.samenessGroup() and list the targets',
      );
    });

    test('fails on a sameness group that is not declared in the partition (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products')] });
      fails(
        stack,
        'FailoverTarget.samenessGroup(groupName) "products" is not a sameness group declared in partition "default" of cluster "dc1" (declared: none); ' +
          'declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the same app',
      );
    });

    test('fails on a partition target that is not a declared partition of the cluster (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.partition('ap9')] });
      fails(stack, /FailoverTarget\.partition\(partitionName\) "ap9" is not a partition of cluster "dc1" declared in the app \(failover of "api"\); declare it with cluster\.addPartition\('ap9'\)/);
    });

    test('a partition target without a namespace is checked in the resolver\'s namespace, which it inherits (Enterprise)', () => {
    const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
    const ap1 = dc1.addPartition('ap1');
    ap1.addMeshGateway('Gateway', { lanAddress: '10.1.1.10', wanAddress: '192.0.2.11' });
    ap1.addNamespace('Team');
    ap1.addExport('api', ExportConsumer.partition('default')); // from namespace default: not where the target is
    dc1.defaultPartition.addNamespace('Team');
    new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', namespace: 'team', failover: [FailoverTarget.partition('ap1')] });
    expect(() => Testing.synth(stack, true)).toThrow(
      'FailoverTarget.partition(partitionName) "ap1" is a failover target of "api", but partition "ap1" of cluster "dc1" does not export "api" (namespace "team") to partition "default" (this side); ' +
        'add partition.addExport("api", ExportConsumer.partition("default"), { namespace: "team" }) there',
    );
  });

  test('a declared partition target must export the service to the resolver\'s partition and allow its callers (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      const ap1 = dc1.addPartition('ap1');
      ap1.addMeshGateway('Gateway', { lanAddress: '10.1.1.10', wanAddress: '192.0.2.11' });
      ap1.addService('Api', { port: 8080 });
      dc1.defaultPartition.addService('Web', { port: 8080 }).addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.partition('ap1')] });
      fails(
        stack,
        'FailoverTarget.partition(partitionName) "ap1" is a failover target of "api", but partition "ap1" of cluster "dc1" does not export "api" to partition "default" (this side); ' +
          'add partition.addExport("api", ExportConsumer.partition("default")) there',
      );
      fails(
        stack,
        'FailoverTarget.partition(partitionName) "ap1" is a failover target of "api", but no intention in partition "ap1" of cluster "dc1" allows "web" from partition "default"; ' +
          'add an allowing IntentionSource.partitionService("default", "web") on "api" there',
      );
    });

    test('fails on a datacenter target from a non-default partition (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new ServiceResolver(stack, 'R', { partition: dc1.addPartition('ap1'), serviceName: 'api', failover: [FailoverTarget.datacenter('dc9')] });
      fails(stack, /FailoverTarget\.datacenter\(datacenter\) "dc9" is a cross-datacenter failover target of "api" in partition "ap1" of cluster "dc1"; Consul fails over across datacenters only from the default partition; fail over to a peer instead/);
    });

    test('fails on an undeclared namespace (Enterprise)', () => {
      const { stack, dc1 } = mesh(ConsulEdition.ENTERPRISE);
      new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', namespace: 'team' });
      fails(stack, /namespace "team" of the service-resolver of "api" is not declared in partition "default" of cluster "dc1"; declare it with partition\.addNamespace\('team'\)/);
    });

    test('fails on a second resolver for the same service', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'A', { partition: dc1.defaultPartition, serviceName: 'api' });
      new ServiceResolver(stack, 'B', { partition: dc1.defaultPartition, serviceName: 'api' });
      fails(stack, /serviceName "api" has a second service-resolver entry in partition "default" of cluster "dc1" \(test\/B\); Consul keeps one per service; put every subset and failover target into one ServiceResolver/);
    });

    test('reports every problem of the app together', () => {
      const { stack, dc1 } = mesh();
      new ServiceResolver(stack, 'R', {
        partition: dc1.defaultPartition,
        serviceName: 'api',
        connectTimeoutMs: 0,
        failover: [FailoverTarget.peer('dc4'), FailoverTarget.peer('dc4')],
      });
      try {
        Testing.synth(stack, true);
        throw new Error('expected the synth to fail');
      } catch (e) {
        const message = String((e as Error).message);
        expect(message).toMatch(/connectTimeoutMs 0/);
        expect(message).toMatch(/FailoverTarget\.peer\(peerName\) "dc4" is not a peer/);
        expect(message).toMatch(/is listed twice/);
      }
    });
  });

  describe('Community Edition', () => {
    const refused: Array<[string, () => FailoverTarget, RegExp]> = [
      ['a partition target', () => FailoverTarget.partition('ap1'), /FailoverTarget\.partition\(partitionName\) "ap1" needs Consul Enterprise on cluster "dc1" \(admin partitions are an Enterprise feature\); set edition: ConsulEdition\.ENTERPRISE/],
      ['a namespace target', () => FailoverTarget.namespace('team'), /FailoverTarget\.namespace\(namespace\) "team" needs Consul Enterprise on cluster "dc1"/],
      ['a peer target with a namespace', () => FailoverTarget.peer('dc2', 'api', 'team'), /FailoverTarget\.peer\(namespace\) "team" needs Consul Enterprise on cluster "dc1" \(namespaces are an Enterprise feature\)/],
      ['a sameness group', () => FailoverTarget.samenessGroup('products'), /FailoverTarget\.samenessGroup\(groupName\) "products" needs Consul Enterprise on cluster "dc1" \(sameness groups are an Enterprise feature\)/],
    ];
    test.each(refused)('fails at once on %s', (_name, target, message) => {
      const { stack, dc1 } = mesh();
      const r = new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api' });
      expect(() => r.addFailoverTarget(target())).toThrow(message);
      try {
        r.addFailoverTarget(target());
      } catch (e) {
        expect(ValidationError.isValidationError(e)).toBe(true);
        expect((e as ValidationError).fix).toMatch(/ConsulEdition\.ENTERPRISE/);
      }
    });

    test('fails at once on a namespace', () => {
      const { stack, dc1 } = mesh();
      expect(() => new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'api', namespace: 'team' })).toThrow(
        /namespace "team" needs Consul Enterprise on cluster "dc1"/,
      );
    });
  });

  test('fails at once on a service name the library would not register (upper case)', () => {
    const { stack, dc1 } = mesh();
    const e = validationErrorOf(() => new ServiceResolver(stack, 'R', { partition: dc1.defaultPartition, serviceName: 'Api' }));
    expect([e.prop, e.value, e.constructPath]).toEqual(['serviceName', 'Api', 'test/R']);
    expect(e.fix).toContain('e.g. "api"');
  });

  describe('FailoverTarget', () => {
    test('fails on a peer name Consul refuses', () => {
      expect(() => FailoverTarget.peer('DC2')).toThrow(/peerName "DC2" is not a peer name Consul accepts; use lower-case letters, digits and "-".*e\.g\. "dc2"/);
    });

    test('fails on a datacenter name Consul refuses', () => {
      expect(() => FailoverTarget.datacenter('DC 2')).toThrow(/datacenter "DC 2" is not a valid datacenter name; use lower-case letters, digits, "-" and "_"/);
    });

    test('fails on a bad service name', () => {
      expect(() => FailoverTarget.peer('dc2', 'api v2')).toThrow(/serviceName "api v2" is not a service name Consul accepts/);
      expect(() => FailoverTarget.namespace('team-a', 'Api')).toThrow(/serviceName "Api" is not a service name Consul accepts/);
    });

    test('knows which targets need Enterprise', () => {
      expect(FailoverTarget.peer('dc2').isEnterpriseOnly).toBe(false);
      expect(FailoverTarget.datacenter('dc2').isEnterpriseOnly).toBe(false);
      expect(FailoverTarget.peer('dc2', 'api', 'team').isEnterpriseOnly).toBe(true);
      expect(FailoverTarget.partition('ap1').isEnterpriseOnly).toBe(true);
      expect(FailoverTarget.namespace('team').isEnterpriseOnly).toBe(true);
      expect(FailoverTarget.samenessGroup('products').isEnterpriseOnly).toBe(true);
    });
  });
});

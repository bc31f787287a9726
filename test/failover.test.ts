import { Testing } from 'cdktf';
import {
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  FailoverTarget,
  IntentionAction,
  IntentionSource,
  SamenessGroup,
  SamenessGroupMember,
  ServiceProtocol,
  ServiceResolver,
  UpstreamTarget,
} from '../lib';
import { validationErrorOf } from './fixtures/errors';
import { emptyStack, resources, synthJson } from './fixtures/stack';

/** Three Community clusters with a gateway each; dc1 dials dc2 and dc3; api runs in dc2 and dc3. */
function triangle() {
  const stack = emptyStack();
  const [dc1, dc2, dc3] = [1, 2, 3].map((i) => new ConsulCluster(stack, `Dc${i}`, { datacenter: `dc${i}`, address: `127.0.0.1:${8400 + 100 * i}` }));
  [dc1, dc2, dc3].forEach((dc, i) => dc.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.${11 + i}.0.10`, wanAddress: `10.10.0.${11 + i}` }));
  const toDc2 = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  const toDc3 = new ClusterPeering(stack, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: dc1.defaultPartition });
  const web = dc1.defaultPartition.addService('Web', { port: 9090 });
  const api2 = dc2.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
  const api3 = dc3.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
  return { stack, dc1, dc2, dc3, toDc2, toDc3, web, api2, api3 };
}

describe('connectTo with failover', () => {
  test('writes the resolver on the caller side, exports and intentions in every failover cluster, a local-name upstream', () => {
    const { stack, toDc2, toDc3, web, api2, api3 } = triangle();
    const connection = web.connectTo(api2, { via: toDc2, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
    expect(connection.failover.map((l) => l.callee)).toEqual([api3]);
    const json = synthJson(stack, true);
    const [resolver] = resources(json, 'consul_config_entry_service_resolver');
    expect(resolver).toMatchObject({ name: 'api', provider: 'consul.dc1' });
    expect(resolver).toEqual({
      name: 'api',
      provider: 'consul.dc1',
      connect_timeout: '0s',
      request_timeout: '0s',
      failover: [{ subset_name: '*', targets: [{ peer: 'dc2' }, { peer: 'dc3' }] }],
      // dc1's own side of both peerings (dc1 dials both): the peers exist before the resolver names them.
      depends_on: [expect.stringMatching(/^consul_peering\.Dc2Dc1_Peering_/), expect.stringMatching(/^consul_peering\.Dc3Dc1_Peering_/)],
    });
    const exportsOf = (dc: string) =>
      JSON.parse(resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services' && e.provider === `consul.${dc}`).config_json);
    expect(exportsOf('dc2')).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'dc1' }] }] });
    expect(exportsOf('dc3')).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'dc1' }] }] });
    const intentions = resources(json, 'consul_config_entry_service_intentions');
    expect(intentions.map((i) => [i.provider, i.sources.map((s: { name: string; peer: string }) => `${s.name}@${s.peer}`)]).sort()).toEqual([
      ['consul.dc2', ['web@dc1']],
      ['consul.dc3', ['web@dc1']],
    ]);
    // The resolver routes the local name: no destination_peer on the upstream.
    expect(web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams).toEqual([
      { destination_name: 'api', local_bind_address: '127.0.0.1', local_bind_port: 9191, mesh_gateway: { mode: 'remote' } },
    ]);
  });

  test('is order-free and idempotent; two callers share one resolver', () => {
    const build = (reverse: boolean) => {
      const t = triangle();
      const admin = t.dc1.defaultPartition.addService('Admin', { port: 9091 });
      const calls = [
        () => t.web.connectTo(t.api2, { via: t.toDc2, localBindPort: 9191, failover: [{ callee: t.api3, via: t.toDc3 }] }),
        () => admin.connectTo(t.api2, { via: t.toDc2, localBindPort: 9192, failover: [{ callee: t.api3, via: t.toDc3 }] }),
      ];
      (reverse ? calls.reverse() : calls).forEach((c) => c());
      calls[0]();
      return Testing.synth(t.stack, true);
    };
    const a = build(false);
    expect(build(true)).toBe(a);
    expect(resources(JSON.parse(a), 'consul_config_entry_service_resolver')).toHaveLength(1);
  });

  test('refuses a different failover list for one service in one partition, the callee itself, the caller\'s own cluster', () => {
    const { dc1, toDc2, toDc3, web, api2, api3 } = triangle();
    web.connectTo(api2, { via: toDc2, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
    const admin = dc1.defaultPartition.addService('Admin', { port: 9091 });
    expect(validationErrorOf(() => admin.connectTo(api3, { via: toDc3, localBindPort: 9192, failover: [{ callee: api2, via: toDc2 }] })).message).toMatch(
      /connectTo\(failover\) "api" needs failover targets \[peer dc3, peer dc2\] .* has \[peer dc2, peer dc3\]; Consul keeps one resolver per service; give every caller in one partition the same failover list/,
    );
    expect(validationErrorOf(() => admin.connectTo(api2, { via: toDc2, localBindPort: 9193, failover: [{ callee: api2, via: toDc2 }] })).message).toMatch(
      /connectTo\(failover\) "test\/Dc2\/Partitions\/default\/Api" is the callee itself; fail over to a copy of the callee in another cluster/,
    );
    const local = dc1.defaultPartition.addService('Db', { port: 5432 });
    expect(validationErrorOf(() => admin.connectTo(api2, { via: toDc2, localBindPort: 9194, failover: [{ callee: local, via: toDc2 }] })).message).toMatch(
      /is in the caller's own cluster "dc1"; failover targets are copies of the callee in other clusters/,
    );
  });

  test('a local service of the callee\'s name in the caller\'s partition is reported: it would be the primary', () => {
    const { stack, dc1, toDc2, toDc3, web, api2, api3 } = triangle();
    web.connectTo(api2, { via: toDc2, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
    dc1.defaultPartition.addService('Api', { port: 8080 });
    expect(() => Testing.synth(stack, true)).toThrow(/connectTo\(failover\) "api" routes "api" through a service-resolver in partition "default" of cluster "dc1", which has a service of that name itself/);
  });

  test('a hand-made resolver\'s peer target must export the service to the caller\'s side and allow the callers it routes', () => {
    const { stack, dc1, toDc2, web } = triangle();
    new ServiceResolver(stack, 'Api', { partition: dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2')] });
    web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
    expect(() => Testing.synth(stack, true)).toThrow(
      /FailoverTarget.peer\(peerName\) "dc2" is a failover target of "api", but partition "default" of cluster "dc2" does not export "api" to "dc1" \(this side\); use connectTo\(\.\.\., \{ failover \}\), which exports it/,
    );
    toDc2.acceptor.addExport('api', ExportConsumer.peer('dc1'));
    expect(() => Testing.synth(stack, true)).toThrow(
      /FailoverTarget.peer\(peerName\) "dc2" is a failover target of "api", but no intention in partition "default" of cluster "dc2" allows "web" from "dc1"; use connectTo\(\.\.\., \{ failover \}\), which allows it/,
    );
  });

  test('a hand-made resolver of the same service is refused in either order (order-free)', () => {
    const first = triangle();
    new ServiceResolver(first.stack, 'Mine', { partition: first.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2'), FailoverTarget.peer('dc3')] });
    expect(validationErrorOf(() => first.web.connectTo(first.api2, { via: first.toDc2, localBindPort: 9191, failover: [{ callee: first.api3, via: first.toDc3 }] })).message).toMatch(
      /connectTo\(failover\) "api" needs the service-resolver of "api" in partition "default" of cluster "dc1", which test\/Mine already declares by hand; let connectTo write the resolver/,
    );
    const second = triangle();
    second.web.connectTo(second.api2, { via: second.toDc2, localBindPort: 9191, failover: [{ callee: second.api3, via: second.toDc3 }] });
    new ServiceResolver(second.stack, 'Mine', { partition: second.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.peer('dc2'), FailoverTarget.peer('dc3')] });
    expect(() => Testing.synth(second.stack, true)).toThrow(
      /\[test\/Mine\] serviceName "api" has a second service-resolver entry in partition "default" of cluster "dc1" \(test\/Dc1\/Partitions\/default\/Resolver-api\); Consul keeps one per service/,
    );
  });
});

/**
 * Two Enterprise clusters with a gateway in each default partition, and partition ap1 (with its gateway) in dc1;
 * dc2 accepts, dc1 dials (dc1 calls dc2 "dc2", dc2 calls dc1 "dc1"); web in dc1's default partition calls
 * plain "api" (its partition's discovery chain resolves it). `group` declares sameness group "products" in dc1's
 * default partition, before or after the rest.
 */
function groupMesh(group: { members: SamenessGroupMember[]; defaultForFailover?: boolean; first?: boolean }) {
  const stack = emptyStack();
  const declare = () =>
    new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, defaultForFailover: group.defaultForFailover, members: [SamenessGroupMember.partition('default'), ...group.members] });
  const [dc1, dc2] = [1, 2].map((i) => new ConsulCluster(stack, `Dc${i}`, { datacenter: `dc${i}`, address: `127.0.0.1:${8400 + 100 * i}`, edition: ConsulEdition.ENTERPRISE }));
  if (group.first) declare();
  [dc1, dc2].forEach((dc, i) => dc.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.${11 + i}.0.10`, wanAddress: `10.10.0.${11 + i}` }));
  const ap1 = dc1.addPartition('ap1');
  ap1.addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.1.11' });
  new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  const web = dc1.defaultPartition.addService('Web', { port: 9090 });
  web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
  if (!group.first) declare();
  return { stack, dc1, dc2, ap1, web };
}

/** The validation messages of `stack` (none when it synthesizes). */
function validationMessages(stack: ReturnType<typeof emptyStack>): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (e) {
    return (e as Error).message.split('\n').filter((line) => line.startsWith('  ['));
  }
}

/** How a member of group "products" (in dc1's default partition) is named, and what it must provide. */
interface MemberCase {
  readonly kind: string;
  readonly member: () => SamenessGroupMember;
  /** The prop and value of the messages about it. */
  readonly named: string;
  /** Where it is, and how it names dc1's default partition. */
  readonly where: string;
  readonly side: string;
  readonly consumer: string;
  readonly source: string;
  /** Adds the export to dc1's side. */
  readonly exportIt: (t: ReturnType<typeof groupMesh>) => void;
  /** Allows web: from dc1's side, or from the group. */
  readonly allowIt: (t: ReturnType<typeof groupMesh>) => void;
}

const MEMBERS: MemberCase[] = [
  {
    kind: 'a partition member',
    member: () => SamenessGroupMember.partition('ap1'),
    named: 'SamenessGroupMember.partition(partitionName) "ap1"',
    where: 'partition "ap1" of cluster "dc1"',
    side: 'partition "default"',
    consumer: 'ExportConsumer.partition("default")',
    source: 'IntentionSource.partitionService("default", "web")',
    exportIt: (t) => t.ap1.addExport('api', ExportConsumer.partition('default')),
    allowIt: (t) => t.ap1.addService('Api', { port: 8080 }).addIntention(IntentionSource.partitionService('default', 'web'), IntentionAction.ALLOW),
  },
  {
    kind: 'a peer member',
    member: () => SamenessGroupMember.peer('dc2'),
    named: 'SamenessGroupMember.peer(peerName) "dc2"',
    where: 'partition "default" of cluster "dc2"',
    side: '"dc1"',
    consumer: 'ExportConsumer.peer("dc1")',
    source: 'IntentionSource.peerService("dc1", "web")',
    exportIt: (t) => t.dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1')),
    // The group's own words, once the member declares the group too.
    allowIt: (t) => {
      new SamenessGroup(t.stack, 'Dc2Products', { partition: t.dc2.defaultPartition, groupName: 'products', members: [SamenessGroupMember.partition('default'), SamenessGroupMember.peer('dc1')] });
      t.dc2.defaultPartition.addService('Api', { port: 8080 }).addIntention(IntentionSource.samenessGroupService('products', 'web'), IntentionAction.ALLOW);
    },
  },
];

/** The two messages about member `c` (export, then intention): `head` is the path, `why` how the group uses it. */
function memberMessages(c: MemberCase, head: string, why: string, tail = ''): string[] {
  return [
    `${head}${c.named} ${why}, but ${c.where} does not export "api" to ${c.side} (this side) or to the group; ` +
      `add partition.addExport("api", ExportConsumer.samenessGroup("products")) there (with sameness group "products" declared there too), or partition.addExport("api", ${c.consumer})${tail}`,
    `${head}${c.named} ${why}, but no intention in ${c.where} allows "web" from ${c.side} or from the group; ` +
      `add an allowing IntentionSource.samenessGroupService("products", "web") on "api" there (with the group declared there too), or an allowing ${c.source}${tail}`,
  ];
}

describe('failover through a sameness group', () => {
  describe('a service-resolver that fails over to the group', () => {
    test.each(MEMBERS)('$kind must export the service to this side (or the group) and allow the callers the resolver routes', (c) => {
      const t = groupMesh({ members: [c.member()] });
      new ServiceResolver(t.stack, 'ApiResolver', { partition: t.dc1.defaultPartition, serviceName: 'api', failover: [FailoverTarget.samenessGroup('products')] });
      const [notExported, notAllowed] = memberMessages(c, '  [test/ApiResolver] ', 'is a member of sameness group "products", the failover target of "api"');
      expect(validationMessages(t.stack)).toEqual([notExported, notAllowed]);
      c.exportIt(t);
      expect(validationMessages(t.stack)).toEqual([notAllowed]);
      c.allowIt(t);
      expect(validationMessages(t.stack)).toEqual([]);
    });
  });

  describe('a group that is the default for failover (no resolver)', () => {
    const messages = (c: MemberCase) =>
      memberMessages(
        c,
        '  [test/Products] ',
        'is a member of sameness group "products", the default for failover (defaultForFailover) of partition "default" of cluster "dc1", ' +
          'where "api" has no service-resolver, so calls to it fail over there',
        ', or write a ServiceResolver for "api" in partition "default" of cluster "dc1", which takes it out of the default failover',
      );

    test('every member must export each service the partition\'s callers resolve, and allow them, naming the member, the service and the fixes', () => {
      const t = groupMesh({ members: MEMBERS.map((c) => c.member()), defaultForFailover: true });
      expect(validationMessages(t.stack)).toEqual(MEMBERS.flatMap(messages));
      MEMBERS.forEach((c) => c.exportIt(t));
      expect(validationMessages(t.stack)).toEqual(MEMBERS.map((c) => messages(c)[1]));
      MEMBERS.forEach((c) => c.allowIt(t));
      expect(validationMessages(t.stack)).toEqual([]);
    });

    test('is satisfied by exports and intentions, and is independent of the order of declarations', () => {
      const build = (first: boolean) => {
        const t = groupMesh({ members: [SamenessGroupMember.peer('dc2')], defaultForFailover: true, first });
        t.dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
        t.dc2.defaultPartition.addService('Api', { port: 8080 }).addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
        return t.stack;
      };
      expect(validationMessages(build(true))).toEqual([]);
      expect(Testing.synth(build(true), true)).toBe(Testing.synth(build(false), true));
      // Declared after the group, a caller's upstream still counts.
      const late = groupMesh({ members: [SamenessGroupMember.peer('dc2')], defaultForFailover: true, first: true });
      late.dc1.defaultPartition.addService('Admin', { port: 9091 }).addUpstream({ target: UpstreamTarget.service('billing'), localBindPort: 9192 });
      expect(validationMessages(late.stack).filter((m) => m.includes('"billing"'))).toHaveLength(2);
    });

    test('does not apply to a service that has a service-resolver, nor to calls across a peering, nor to a group that is not the default', () => {
      const withResolver = groupMesh({ members: [SamenessGroupMember.peer('dc2')], defaultForFailover: true });
      new ServiceResolver(withResolver.stack, 'Api', { partition: withResolver.dc1.defaultPartition, serviceName: 'api' });
      expect(validationMessages(withResolver.stack)).toEqual([]);
      const peered = groupMesh({ members: [SamenessGroupMember.peer('dc2')], defaultForFailover: true });
      const other = peered.dc1.defaultPartition.addService('Admin', { port: 9091 });
      other.addUpstream({ target: UpstreamTarget.peerService('dc2', 'audit'), localBindPort: 9192 });
      expect(validationMessages(peered.stack).some((m) => m.includes('"audit"') && m.includes('[test/Products]'))).toBe(false);
      const notDefault = groupMesh({ members: [SamenessGroupMember.peer('dc2')] });
      expect(validationMessages(notDefault.stack)).toEqual([]);
    });
  });
});

import { Testing } from 'cdktf';
import { ClusterPeering, ConsulCluster, ExportConsumer, FailoverTarget, ServiceProtocol, ServiceResolver, UpstreamTarget } from '../lib';
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

import { Testing } from 'cdktf';
import {
  ClusterPeering,
  Connection,
  ConnectionKind,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  IntentionAction,
  IntentionSource,
  MeshGatewayMode,
} from '../lib';
import { emptyStack, onlyResource, resources, synthJson } from './fixtures/stack';
import { peeredPair, twoClusters } from './fixtures/topology';
import { validationErrorOf } from './fixtures/errors';

function enterpriseCluster() {
  const stack = emptyStack();
  const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition: ConsulEdition.ENTERPRISE });
  const ap1 = dc1.addPartition('ap1');
  dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
  ap1.addMeshGateway('Gateway', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.12' });
  return { stack, dc1, ap1 };
}

describe('Connection', () => {
  test('one record holds both local names, the upstream, the export consumer and the intention source', () => {
    const { web, api, peering } = peeredPair();
    const [connection] = Connection.from(web);
    expect(connection.kind).toBe(ConnectionKind.PEER);
    expect(connection.via).toBe(peering);
    expect(connection.callerPeerName).toBe('dc2'); // dc1's name for dc2: destination_peer
    expect(connection.calleePeerName).toBe('dc1'); // dc2's name for dc1: export consumer and intention Peer
    expect(connection.upstream).toEqual({
      destinationName: 'api',
      destinationPeer: 'dc2',
      destinationPartition: undefined,
      destinationNamespace: undefined,
      localBindAddress: '127.0.0.1',
      localBindPort: 9191,
      meshGatewayMode: MeshGatewayMode.REMOTE,
    });
    expect(connection.exportConsumer).toEqual(ExportConsumer.peer('dc1'));
    expect(connection.intentionSource).toEqual(IntentionSource.peerService('dc1', 'web'));
    expect(Connection.into(api.partition)).toEqual([connection]);
    expect(web.connections).toEqual([connection]);
  });

  test('the callee\'s export and intention are derived from the record at synth', () => {
    const { stack, api } = peeredPair();
    const json = synthJson(stack, true);
    const exported = resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services');
    expect(JSON.parse(exported.config_json)).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'dc1' }] }] });
    expect(api.allows(IntentionSource.peerService('dc1', 'web'))).toBe(true);
    expect(api.partition.isExportedTo('api', ExportConsumer.peer('dc1'))).toBe(true);
  });

  test('is idempotent for the same options', () => {
    const { stack, web, api, peering } = peeredPair();
    const again = web.connectTo(api, { via: peering, localBindPort: 9191 });
    expect(Connection.from(web)).toEqual([again]);
    expect(onlyResource(synthJson(stack), 'consul_config_entry_service_intentions').sources).toHaveLength(1);
  });

  test('partition to partition in one Enterprise cluster: destination_partition, Partition consumer and source', () => {
    const { stack, dc1, ap1 } = enterpriseCluster();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = ap1.addService('Api', { port: 8080 });
    const connection = web.connectTo(api, { localBindPort: 9191 });
    expect(connection.kind).toBe(ConnectionKind.PARTITION);
    expect(web.upstreams).toEqual([
      expect.objectContaining({ destinationName: 'api', destinationPartition: 'ap1', meshGatewayMode: MeshGatewayMode.REMOTE }),
    ]);
    const json = synthJson(stack, true);
    const exported = resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services');
    expect(exported).toMatchObject({ name: 'ap1', partition: 'ap1' });
    expect(JSON.parse(exported.config_json)).toEqual({ Services: [{ Name: 'api', Namespace: 'default', Consumers: [{ Partition: 'default' }] }] });
    const intentions = onlyResource(json, 'consul_config_entry_service_intentions');
    expect(intentions.sources).toEqual([
      {
        name: 'web',
        partition: 'default',
        namespace: 'default',
        action: 'allow',
        precedence: 9,
        type: 'consul',
        description: 'web in partition default may call api (cdktf-consul-peering)',
      },
    ]);
    expect(web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams).toEqual([
      { destination_name: 'api', destination_partition: 'ap1', local_bind_address: '127.0.0.1', local_bind_port: 9191, mesh_gateway: { mode: 'remote' } },
    ]);
  });

  test('inside one partition: an upstream and an intention, no export', () => {
    const { stack, dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = dc1.defaultPartition.addService('Api', { port: 8080 });
    const connection = web.connectTo(api, { localBindPort: 9191 });
    expect(connection.kind).toBe(ConnectionKind.LOCAL);
    expect(connection.exportConsumer).toBeUndefined();
    expect(web.upstreams).toEqual([expect.objectContaining({ destinationName: 'api', meshGatewayMode: undefined })]);
    const json = synthJson(stack, true);
    expect(resources(json, 'consul_config_entry').filter((e) => e.kind === 'exported-services')).toEqual([]);
    expect(onlyResource(json, 'consul_config_entry_service_intentions').sources).toEqual([
      { name: 'web', action: 'allow', precedence: 9, type: 'consul', description: 'web may call api (cdktf-consul-peering)' },
    ]);
  });

  test('a manual deny that contradicts a connection is reported at synth, whatever the order', () => {
    for (const denyFirst of [true, false]) {
      const { stack, web, api, peering } = peeredPair();
      const deny = () => api.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY);
      if (denyFirst) deny();
      web.connectTo(api, { via: peering, localBindPort: 9191 });
      if (!denyFirst) deny();
      expect(() => Testing.synth(stack, true)).toThrow(/addSource\(action\) "deny" for source "web" from peer "dc1" contradicts .*connectTo\("api"\); remove the deny or the connection/);
    }
  });

  test('fails when a service calls itself', () => {
    const { web, peering } = peeredPair();
    expect(() => web.connectTo(web, { via: peering, localBindPort: 9300 })).toThrow(
      /connectTo\(target\) "web" is the calling service itself; a service reaches itself without its sidecar: remove the call/,
    );
  });

  test('fails without via across clusters, naming both partitions', () => {
    const { web, api } = peeredPair();
    const v = validationErrorOf(() => web.connectTo(api, { localBindPort: 9300 }));
    expect(v).toMatchObject({ prop: 'connectTo(via)', constructPath: 'test/Dc1/Partitions/default/Web' });
    expect(v.message).toMatch(/is missing: the caller is in partition "default" of cluster "dc1" and the callee "api" in partition "default" of cluster "dc2"; .*pass via: the ClusterPeering/);
  });

  test('fails on the same callee with other options, and leaves nothing behind on a refused call', () => {
    const { web, api, peering, dc2 } = peeredPair();
    expect(() => web.connectTo(api, { via: peering, localBindPort: 9999 })).toThrow(/connectTo\(target\) "api" is already connected .*use the same options or remove one call/);
    const billing = dc2.defaultPartition.addService('Billing', { port: 8090 });
    expect(() => web.connectTo(billing, { via: peering, localBindPort: 9191 })).toThrow(/localBindPort 9191 .* is already used by upstream "api"/);
    expect(Connection.from(web).map((c) => c.callee.serviceName)).toEqual(['api']);
    expect(billing.intentions).toBeUndefined();
  });

  test('fails when via does not join the two partitions', () => {
    const { stack, dc1, dc2 } = twoClusters();
    const dc3 = new ConsulCluster(stack, 'Dc3', { datacenter: 'dc3', address: '127.0.0.1:7500' });
    const other = new ClusterPeering(stack, 'Other', { acceptor: dc3.defaultPartition, dialer: dc1.defaultPartition });
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = dc2.defaultPartition.addService('Api', { port: 8080 });
    expect(() => web.connectTo(api, { via: other, localBindPort: 9191 })).toThrow(
      /connectTo\(via\) "test\/Other" does not connect .*\(it peers partition "default" of cluster "dc3" and partition "default" of cluster "dc1"\)/,
    );
  });
});

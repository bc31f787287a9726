import { Testing } from 'cdktf';
import {
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  IntentionAction,
  IntentionSource,
  MeshService,
  Partition,
  UpstreamTarget,
} from '../lib';
import { validationErrorOf } from './fixtures/errors';
import { emptyStack, resources, synthJson } from './fixtures/stack';

describe('existing clusters, partitions, peerings and services', () => {
  test('imports alone create nothing but the cluster provider block', () => {
    const stack = emptyStack();
    const dc1 = ConsulCluster.fromClusterAttributes(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
    const ap1 = Partition.fromPartitionName(dc1, 'Ap1', 'ap1');
    ClusterPeering.fromPeerName(stack, 'ToDc2', ap1, 'dc2');
    MeshService.fromServiceAttributes(stack, 'Api', { partition: ap1, serviceName: 'api' });
    const json = synthJson(stack, true);
    expect(json.resource).toBeUndefined();
    expect(json.data).toBeUndefined();
    expect(json.provider.consul).toEqual([{ alias: 'dc1', address: 'a:1', datacenter: 'dc1' }]);
    expect(dc1.isImported).toBe(true);
    expect(dc1.peerThroughMeshGateways).toBe(false);
    expect(ap1.resourcePartition).toBe('ap1');
    expect(Partition.fromPartitionName(dc1, 'Default', 'default')).toBe(dc1.defaultPartition);
  });

  test('an imported cluster takes services and exports without gateways of this app; its partition is named literally', () => {
    const stack = emptyStack();
    const dc1 = ConsulCluster.fromClusterAttributes(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
    const ap1 = Partition.fromPartitionName(dc1, 'Ap1', 'ap1');
    const peering = ClusterPeering.fromPeerName(stack, 'ToDc2', ap1, 'dc2');
    expect(peering.sides).toEqual([ap1]);
    const api = (ap1 as Partition).addService('Api', { port: 8080 });
    ap1.addExport('api', ExportConsumer.peer('dc2'));
    api.addIntention(IntentionSource.peerService('dc2', 'web'), IntentionAction.ALLOW);
    const json = synthJson(stack, true);
    expect(resources(json, 'consul_admin_partition')).toEqual([]);
    const entry = resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services');
    expect(entry).toMatchObject({ name: 'ap1', partition: 'ap1' });
    expect(entry.depends_on).toBeUndefined();
    expect(resources(json, 'consul_acl_token')[0].partition).toBe('ap1');
    expect(resources(json, 'consul_config_entry_service_intentions')[0].sources[0]).toMatchObject({ name: 'web', peer: 'dc2' });
  });

  test('an upstream across an existing one-sided peering passes: the other side is not in the app to check', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    ClusterPeering.fromPeerName(stack, 'ToDc2', dc1.defaultPartition, 'dc2');
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9191 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(web.upstreams).toEqual([expect.objectContaining({ destinationName: 'api', destinationPeer: 'dc2' })]);
    // Without the import, the same upstream names an unknown peer.
    const bare = emptyStack();
    const c = new ConsulCluster(bare, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    c.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9191 });
    expect(() => Testing.synth(bare, true)).toThrow(/names destinationPeer "dc2", but no peering in the app/);
  });

  test('connectTo crosses an existing peering declared from both sides, and calls a service registered elsewhere', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    const dc2 = ConsulCluster.fromClusterAttributes(stack, 'Dc2', { datacenter: 'dc2', address: 'b:1', peerThroughMeshGateways: true });
    dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    const peering = ClusterPeering.fromPeeringAttributes(stack, 'Existing', {
      partition: dc1.defaultPartition,
      peerName: 'east',
      remotePartition: dc2.defaultPartition,
      remotePeerName: 'west',
    });
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = MeshService.fromServiceAttributes(stack, 'Api', { partition: dc2.defaultPartition, serviceName: 'api' });
    web.connectTo(api, { via: peering, localBindPort: 9191 });
    const json = synthJson(stack, true);
    expect(resources(json, 'consul_peering')).toEqual([]);
    expect(resources(json, 'consul_peering_token')).toEqual([]);
    const exported = resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services');
    expect(exported.provider).toBe('consul.dc2');
    expect(JSON.parse(exported.config_json)).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'west' }] }] });
    const [intentions] = resources(json, 'consul_config_entry_service_intentions');
    expect(intentions).toMatchObject({ name: 'api', provider: 'consul.dc2', sources: [expect.objectContaining({ name: 'web', peer: 'west' })] });
    expect(web.upstreams).toEqual([expect.objectContaining({ destinationName: 'api', destinationPeer: 'east' })]);
    // Only web's token: a service registered elsewhere gets none from this app.
    expect(resources(json, 'consul_acl_token').filter((t) => t.service_identities).map((t) => t.service_identities[0].service_name)).toEqual(['web']);
  });

  test('connectTo across a one-sided existing peering says the other side is outside the app', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: 'b:1' });
    const peering = ClusterPeering.fromPeerName(stack, 'ToDc2', dc1.defaultPartition, 'dc2');
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = dc2.defaultPartition.addService('Api', { port: 8080 });
    const e = validationErrorOf(() => web.connectTo(api, { via: peering, localBindPort: 9191 }));
    expect(e.message).toMatch(/connectTo\(via\) "test\/ToDc2" does not connect .*\(it peers partition "default" of cluster "dc1" with a cluster outside this app\)/);
  });

  test('bad imports are refused with the fix', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: 'b:1' });
    expect(validationErrorOf(() => ClusterPeering.fromPeerName(stack, 'Bad', dc1.defaultPartition, 'DC2')).message).toMatch(/peerName "DC2" is not a peer name Consul accepts/);
    expect(
      validationErrorOf(() => ClusterPeering.fromPeeringAttributes(stack, 'Half', { partition: dc1.defaultPartition, peerName: 'dc2', remotePartition: dc2.defaultPartition })).message,
    ).toMatch(/remotePeerName is missing: remotePartition is given; give both/);
    expect(
      validationErrorOf(() => Partition.fromPartitionName(dc1, 'Ap1', 'ap1')).message,
    ).toMatch(/needs Consul Enterprise on cluster "dc1"/);
    dc1.defaultPartition.addService('Api', { port: 8080 });
    expect(
      validationErrorOf(() => MeshService.fromServiceAttributes(stack, 'Api', { partition: dc1.defaultPartition, serviceName: 'api' })).message,
    ).toMatch(/serviceName "api" is already declared in partition "default" \(test\/Dc1\/Partitions\/default\/Api\); declare a service once/);
    ClusterPeering.fromPeerName(stack, 'Once', dc1.defaultPartition, 'dc2');
    ClusterPeering.fromPeerName(stack, 'Twice', dc1.defaultPartition, 'dc2');
    expect(() => Testing.synth(stack, true)).toThrow(/peerName "dc2" is also the name partition "default" of cluster "dc1" uses in test\/(Once|Twice); peer names are unique within a partition/);
  });
});

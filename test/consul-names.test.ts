import { Testing } from 'cdktf';
import { ClusterPeering, ConsulCluster, ExportConsumer, IntentionSource, MeshService, ServiceIntentions, UpstreamTarget } from '../lib';
import { validationErrorOf } from './fixtures/errors';
import { emptyStack } from './fixtures/stack';
import { twoClusters } from './fixtures/topology';

// Names Consul itself refuses must fail at synth, naming the prop and the value, not at apply.
describe('names Consul refuses', () => {
  test('a datacenter with upper-case letters (Consul lower-cases it; the provider would ask for "Dc1")', () => {
    const e = validationErrorOf(() => new ConsulCluster(emptyStack(), 'Dc1', { datacenter: 'Dc1', address: '127.0.0.1:8500' }));
    expect([e.prop, e.value]).toEqual(['datacenter', 'Dc1']);
    expect(e.fix).toContain('"dc1"');
  });

  test('an explicit peer name with upper-case letters', () => {
    const { stack, dc1, dc2 } = twoClusters();
    const e = validationErrorOf(
      () => new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, acceptorPeerName: 'DC1' }),
    );
    expect([e.prop, e.value]).toEqual(['acceptorPeerName', 'DC1']);
    expect(e.message).toContain('is not a peer name Consul accepts');
    expect(e.fix).toContain('"dc1"');
  });

  test('a default peer name taken from a datacenter that is not a peer name says where it came from', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc_1', address: '127.0.0.1:8500' });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:9500' });
    const e = validationErrorOf(() => new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition }));
    expect([e.prop, e.value]).toEqual(['acceptorPeerName', 'dc_1']);
    expect(e.message).toContain("the default: the dialer's datacenter");
    expect(e.fix).toMatch(/^set acceptorPeerName explicitly/);
  });

  test('peer names in exports and intention sources follow the same rule', () => {
    expect(validationErrorOf(() => ExportConsumer.peer('Dc2')).prop).toBe('peerName');
    expect(validationErrorOf(() => IntentionSource.peerService('DC1', 'web')).prop).toBe('peerName');
    expect(() => ExportConsumer.peer('dc-2')).not.toThrow();
  });
});

describe('service names follow one rule, wherever the library writes one', () => {
  // MeshService requires a lower-case DNS label (service identity and DNS); a name given as a string elsewhere
  // names such a service, so it follows the same rule.
  const upper = 'Api';

  test('upstream targets', () => {
    for (const make of [() => UpstreamTarget.service(upper), () => UpstreamTarget.peerService('dc2', upper), () => UpstreamTarget.partitionService('ap1', upper)]) {
      const e = validationErrorOf(make);
      expect([e.prop, e.value]).toEqual(['serviceName', upper]);
      expect(e.message).toContain('is not a service name Consul accepts for a service identity token and DNS');
      expect(e.fix).toContain('e.g. "api"');
    }
  });

  test('exports, where the wildcard "*" stays allowed', () => {
    const { dc2 } = twoClusters();
    const e = validationErrorOf(() => dc2.defaultPartition.addExport(upper, ExportConsumer.peer('dc1')));
    expect([e.prop, e.value, e.constructPath]).toEqual(['serviceName', upper, 'test/Dc2/Partitions/default/ExportedServices']);
    expect(() => dc2.defaultPartition.addExport('*', ExportConsumer.peer('dc1'))).not.toThrow();
  });

  test('intention sources and destinations', () => {
    for (const make of [
      () => IntentionSource.service(upper),
      () => IntentionSource.peerService('dc1', upper),
      () => IntentionSource.partitionService('ap1', upper),
      () => IntentionSource.samenessGroupService('products', upper),
    ]) {
      expect([validationErrorOf(make).prop, validationErrorOf(make).value]).toEqual(['serviceName', upper]);
    }
    const { stack, dc1 } = twoClusters();
    const e = validationErrorOf(() => new ServiceIntentions(stack, 'I', { destinationName: upper, partition: dc1.defaultPartition }));
    expect([e.prop, e.value]).toEqual(['destinationName', upper]);
  });

  test('services registered elsewhere', () => {
    const { stack, dc2 } = twoClusters();
    const e = validationErrorOf(() => MeshService.fromServiceAttributes(stack, 'Imported', { partition: dc2.defaultPartition, serviceName: upper }));
    expect([e.prop, e.value, e.constructPath]).toEqual(['serviceName', upper, 'test/Imported']);
    expect(() => MeshService.fromServiceAttributes(stack, 'Ok', { partition: dc2.defaultPartition, serviceName: 'api' })).not.toThrow();
  });
});

describe('both sides of a peering agree on PeerThroughMeshGateways', () => {
  test('fails when only one side has a gateway in its default partition (the default follows the gateway)', () => {
    const { stack, dc1, dc2 } = twoClusters();
    dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    expect(() => Testing.synth(stack, true)).toThrow(
      /peerThroughMeshGateways "dc2: true, dc1: false" differs between the two sides of the peering .*give "dc1" a mesh gateway/s,
    );
  });

  test('passes when both sides say the same, explicitly', () => {
    const { stack, dc1, dc2 } = twoClusters({ peerThroughMeshGateways: false });
    dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

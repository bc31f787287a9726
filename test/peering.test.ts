import * as peeringL1 from '@cdktf/provider-consul/lib/peering';
import * as peeringTokenL1 from '@cdktf/provider-consul/lib/peering-token';
import { AnnotationMetadataEntryType, App, Testing, TerraformStack } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition } from '../lib';
import { onlyResource, synthJson } from './fixtures/stack';
import { peeredPair, twoClusters } from './fixtures/topology';

describe('ClusterPeering', () => {
  test('puts the token on the acceptor provider and the peering on the dialer provider, each naming the other', () => {
    const { stack } = peeredPair();
    const json = synthJson(stack);
    const token = onlyResource(json, 'consul_peering_token');
    const peering = onlyResource(json, 'consul_peering');
    expect(token).toMatchObject({ provider: 'consul.dc2', peer_name: 'dc1' });
    expect(peering).toMatchObject({ provider: 'consul.dc1', peer_name: 'dc2' });
    expect(peering.peering_token).toMatch(/^\$\{consul_peering_token\.[A-Za-z0-9_]+\.peering_token\}$/);
  });

  test('makes the token wait for the acceptor\'s mesh entry and the peering for the dialer\'s', () => {
    const { stack, dc1, dc2 } = peeredPair();
    const json = synthJson(stack);
    const meshAddress = (c: ConsulCluster) => `consul_config_entry.${(c.meshConfig!.resource as any).friendlyUniqueId}`;
    expect(onlyResource(json, 'consul_peering_token').depends_on).toEqual([meshAddress(dc2)]);
    expect(onlyResource(json, 'consul_peering').depends_on).toEqual([meshAddress(dc1)]);
  });

  test('answers what each side calls the other', () => {
    const { peering, dc1, dc2 } = peeredPair();
    expect(peering.peerNameIn(dc2.defaultPartition)).toBe('dc1');
    expect(peering.peerNameIn(dc1.defaultPartition)).toBe('dc2');
    expect(peering.remoteOf(dc1.defaultPartition)).toBe(dc2.defaultPartition);
    expect(ClusterPeering.findByPeerName(dc1.defaultPartition, 'dc2')).toBe(peering);
    expect(ClusterPeering.all(peering)).toEqual([peering]);
  });

  test('derives partition-qualified default names and passes partitions on Enterprise', () => {
    const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc2.addPartition('ap1');
    const peering = new ClusterPeering(stack, 'P', { acceptor: ap1, dialer: dc1.defaultPartition });
    expect(peering.acceptorPeerName).toBe('dc1');
    expect(peering.dialerPeerName).toBe('dc2-ap1');
    const json = synthJson(stack);
    expect(onlyResource(json, 'consul_peering_token').partition).toMatch(/^\$\{consul_admin_partition\./);
    expect(onlyResource(json, 'consul_peering').partition).toBe('default');
  });

  test('keeps the token sensitive: it appears only as a reference', () => {
    const { stack } = peeredPair();
    const text = Testing.synth(stack);
    expect(text).not.toMatch(/"output"/);
    expect(Testing.synth(stack)).toHaveResource(peeringTokenL1.PeeringToken);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(peeringL1.Peering, { peer_name: 'dc2' });
  });

  test('passes server external addresses and meta through', () => {
    const { stack, dc1, dc2 } = twoClusters();
    new ClusterPeering(stack, 'P', {
      acceptor: dc2.defaultPartition,
      dialer: dc1.defaultPartition,
      serverExternalAddresses: ['192.0.2.10:8443'],
      meta: { owner: 'platform' },
    });
    const json = synthJson(stack);
    expect(onlyResource(json, 'consul_peering_token')).toMatchObject({
      server_external_addresses: ['192.0.2.10:8443'],
      meta: { owner: 'platform' },
    });
  });

  test('fails when both sides are in one cluster', () => {
    const { stack, dc1 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc1.addPartition('ap1');
    expect(() => new ClusterPeering(stack, 'P', { acceptor: ap1, dialer: dc1.defaultPartition })).toThrow(
      /dialer "default" is in the acceptor\'s own cluster "dc1"; peering connects two different clusters; .*use connectTo\(\) without via/,
    );
  });

  test('fails when a side lives in another stack', () => {
    const app = new App();
    const a = new TerraformStack(app, 'a');
    const b = new TerraformStack(app, 'b');
    const dc1 = new ConsulCluster(a, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    const dc2 = new ConsulCluster(b, 'Dc2', { datacenter: 'dc2', address: 'b:1' });
    expect(() => new ClusterPeering(a, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition })).toThrow(
      /acceptor "default" \(partition "default" of cluster "dc2"\) is in stack "b" but the peering is in stack "a"/,
    );
  });

  test('fails when asked for the name of a partition that is not a side', () => {
    const { peering, stack } = peeredPair();
    const dc3 = new ConsulCluster(stack, 'Dc3', { datacenter: 'dc3', address: 'c:1' });
    expect(() => peering.peerNameIn(dc3.defaultPartition)).toThrow(/\(partition "default" of cluster "dc3"\) is not a side of this peering/);
  });

  test('warns when a side names the other with its own datacenter (swapped names), and not otherwise', () => {
    const warnings = (p: ClusterPeering) => p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data);
    const { stack, dc1, dc2 } = twoClusters();
    const swapped = new ClusterPeering(stack, 'Swapped', {
      acceptor: dc2.defaultPartition,
      dialer: dc1.defaultPartition,
      acceptorPeerName: 'dc2',
      dialerPeerName: 'dc1',
    });
    expect(warnings(swapped)).toEqual([
      expect.stringMatching(/^acceptorPeerName "dc2" is the datacenter of the acceptor itself, so partition "default" of cluster "dc2" calls the other cluster by its own name; check that acceptorPeerName and dialerPeerName are not swapped/),
      expect.stringMatching(/^dialerPeerName "dc1" is the datacenter of the dialer itself/),
    ]);
    const { peering } = peeredPair();
    expect(warnings(peering)).toEqual([]);
  });
});

import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Testing } from 'cdktf';
import { ClusterPeering, MeshConfigEntry } from '../../lib';
import { onlyResource, synthJson } from '../fixtures/stack';
import { bareCluster, peeredPair, twoClusters } from '../fixtures/topology';

describe('MeshConfigEntry', () => {
  test('renders PascalCase keys exactly as the API returns them', () => {
    const { stack, cluster } = bareCluster();
    const mesh = new MeshConfigEntry(stack, 'Mesh', { cluster, peerThroughMeshGateways: true, allowEnablingPermissiveMutualTls: true });
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ kind: 'mesh', name: 'mesh', provider: 'consul.dc2' });
    expect(entry.config_json).toBe(
      '{"TransparentProxy":{"MeshDestinationsOnly":false},"AllowEnablingPermissiveMutualTLS":true,"Peering":{"PeerThroughMeshGateways":true}}',
    );
    expect(mesh.node.defaultChild).toBe(mesh.resource);
  });

  test('defaults to the cluster\'s decision: no peering through gateways without a default-partition gateway', () => {
    const { stack, cluster } = bareCluster();
    const mesh = new MeshConfigEntry(stack, 'Mesh', { cluster });
    expect(mesh.toJson()).toEqual({ TransparentProxy: { MeshDestinationsOnly: false }, Peering: { PeerThroughMeshGateways: false } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(configEntry.ConfigEntry, { kind: 'mesh' });
    // Decided at synth: a gateway added after the entry turns it on.
    cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    expect(mesh.toJson().Peering).toEqual({ PeerThroughMeshGateways: true });
  });

  test('fails at synth on a second mesh entry for a cluster, also next to the one the cluster writes', () => {
    const { stack, dc1 } = twoClusters();
    new MeshConfigEntry(stack, 'Mine', { cluster: dc1 });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Mine\] cluster "dc1" has a second mesh config entry \(test\/Dc1\/Mesh\); Consul keeps one "mesh" entry per partition.*set manageMeshDefaults: false on the cluster to write your own/s,
    );
  });

  test('passes with one hand-written entry when the cluster writes none', () => {
    const { stack, cluster } = bareCluster();
    new MeshConfigEntry(stack, 'Mesh', { cluster, meshDestinationsOnly: true });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('fails at synth when an explicit peerThroughMeshGateways contradicts the peered cluster\'s', () => {
    const { stack, dc1 } = peeredPair({ manageMeshDefaults: false });
    new MeshConfigEntry(stack, 'Mesh', { cluster: dc1, peerThroughMeshGateways: false });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Mesh\] peerThroughMeshGateways false contradicts cluster "dc1", whose peerThroughMeshGateways is true.*set peerThroughMeshGateways on the cluster/s,
    );
  });

  test('passes when the explicit value agrees with the cluster, or the cluster neither peers nor has a gateway', () => {
    const agreeing = peeredPair({ manageMeshDefaults: false });
    new MeshConfigEntry(agreeing.stack, 'Mesh', { cluster: agreeing.dc1, peerThroughMeshGateways: true });
    expect(() => Testing.synth(agreeing.stack, true)).not.toThrow();
    const { stack, dc1, dc2 } = twoClusters({ manageMeshDefaults: false });
    new MeshConfigEntry(stack, 'Mesh', { cluster: dc1, peerThroughMeshGateways: true });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    // Peered later in the program: decided at synth.
    dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

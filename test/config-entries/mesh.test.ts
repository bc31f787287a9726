import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Testing } from 'cdktf';
import { MeshConfigEntry } from '../../lib';
import { onlyResource, synthJson } from '../fixtures/stack';
import { bareCluster } from '../fixtures/topology';

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
});

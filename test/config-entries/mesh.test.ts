import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Testing } from 'cdktf';
import { MeshConfigEntry } from '../../lib';
import { onlyResource, synthJson, testStack } from '../fixtures/stack';

describe('MeshConfigEntry', () => {
  test('renders PascalCase keys exactly as the API returns them', () => {
    const { stack, dc1 } = testStack();
    const mesh = new MeshConfigEntry(stack, 'Mesh', { peerThroughMeshGateways: true, allowEnablingPermissiveMutualTls: true, provider: dc1 });
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ kind: 'mesh', name: 'mesh', provider: 'consul.dc1' });
    expect(entry.config_json).toBe(
      '{"TransparentProxy":{"MeshDestinationsOnly":false},"AllowEnablingPermissiveMutualTLS":true,"Peering":{"PeerThroughMeshGateways":true}}',
    );
    expect(mesh.node.defaultChild).toBe(mesh.resource);
  });

  test('defaults to not peering through gateways', () => {
    const { stack } = testStack();
    const mesh = new MeshConfigEntry(stack, 'Mesh');
    expect(mesh.toJson()).toEqual({ TransparentProxy: { MeshDestinationsOnly: false }, Peering: { PeerThroughMeshGateways: false } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(configEntry.ConfigEntry, { kind: 'mesh' });
  });
});

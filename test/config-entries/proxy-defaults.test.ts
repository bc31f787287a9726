import { MeshGatewayMode, ProxyDefaults } from '../../lib';
import { onlyResource, synthJson } from '../fixtures/stack';
import { bareCluster } from '../fixtures/topology';

describe('ProxyDefaults', () => {
  test('writes the global entry with the gateway mode and protocol', () => {
    const { stack, cluster } = bareCluster();
    new ProxyDefaults(stack, 'Defaults', { cluster, meshGatewayMode: MeshGatewayMode.LOCAL, protocol: 'http' });
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ kind: 'proxy-defaults', name: 'global', provider: 'consul.dc2' });
    // every block the server echoes, so a second plan is empty (the live tier checks it against Consul)
    expect(JSON.parse(entry.config_json)).toEqual({
      Config: { protocol: 'http' },
      Expose: {},
      MeshGateway: { Mode: 'local' },
      TransparentProxy: {},
      AccessLogs: {},
    });
  });

  test('writes an empty MeshGateway block when no mode is given', () => {
    const { stack, cluster } = bareCluster();
    const defaults = new ProxyDefaults(stack, 'Defaults', { cluster });
    expect(defaults.toJson()).toEqual({ Expose: {}, MeshGateway: {}, TransparentProxy: {}, AccessLogs: {} });
  });

  test('fails on an empty protocol', () => {
    const { stack, cluster } = bareCluster();
    expect(() => new ProxyDefaults(stack, 'Defaults', { cluster, protocol: ' ' })).toThrow(/protocol must not be empty/);
  });
});

import { MeshGatewayMode, ProxyDefaults } from '../../lib';
import { onlyResource, synthJson, testStack } from '../fixtures/stack';

describe('ProxyDefaults', () => {
  test('writes the global entry with the gateway mode and protocol', () => {
    const { stack, dc2 } = testStack();
    new ProxyDefaults(stack, 'Defaults', { meshGatewayMode: MeshGatewayMode.LOCAL, protocol: 'http', provider: dc2 });
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ kind: 'proxy-defaults', name: 'global', provider: 'consul.dc2' });
    expect(JSON.parse(entry.config_json)).toEqual({ Config: { protocol: 'http' }, Expose: {}, MeshGateway: { Mode: 'local' } });
  });

  test('writes an empty MeshGateway block when no mode is given', () => {
    const { stack } = testStack();
    const defaults = new ProxyDefaults(stack, 'Defaults');
    expect(defaults.toJson()).toEqual({ Expose: {}, MeshGateway: {} });
  });

  test('fails on an empty protocol', () => {
    const { stack } = testStack();
    expect(() => new ProxyDefaults(stack, 'Defaults', { protocol: ' ' })).toThrow(/protocol must not be empty/);
  });
});

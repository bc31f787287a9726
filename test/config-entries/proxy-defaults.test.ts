import { Testing } from 'cdktf';
import { ClusterPeering, ConsulCluster, MeshGatewayMode, ProxyDefaults } from '../../lib';
import { emptyStack, onlyResource, synthJson } from '../fixtures/stack';
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

  test('a cluster has one: a second entry fails at synth, also beside the cluster\'s own', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    new ProxyDefaults(stack, 'Extra', { cluster: dc1 });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Extra\] cluster "dc1" has a second proxy-defaults entry \(test\/Dc1\/ProxyDefaults\); Consul keeps one "global" proxy-defaults entry/,
    );
    // with manageMeshDefaults: false the cluster writes none, and one of your own is fine
    const mine = emptyStack();
    const own = new ConsulCluster(mine, 'Dc1', { datacenter: 'dc1', address: 'a:1', manageMeshDefaults: false });
    new ProxyDefaults(mine, 'Mine', { cluster: own, meshGatewayMode: MeshGatewayMode.LOCAL });
    expect(() => Testing.synth(mine, true)).not.toThrow();
  });

  test('refuses mode none on a peered cluster, as the cluster\'s own mode is refused', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', manageMeshDefaults: false, peerThroughMeshGateways: false });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: 'b:1', peerThroughMeshGateways: false });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    new ProxyDefaults(stack, 'Mine', { cluster: dc1, meshGatewayMode: MeshGatewayMode.NONE });
    expect(() => Testing.synth(stack, true)).toThrow(
      '[test/Mine] meshGatewayMode "none" on the proxy-defaults of cluster "dc1", which carries peered traffic, where Consul does not allow MeshGatewayMode.NONE',
    );
  });
});

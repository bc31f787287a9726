import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { AnnotationMetadataEntryType, Testing, TerraformVariable } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition, MeshGatewayMode } from '../lib';
import { emptyStack, resources, synthJson } from './fixtures/stack';

describe('ConsulCluster', () => {
  test('creates its own provider alias with an explicit datacenter', () => {
    const stack = emptyStack();
    const token = new TerraformVariable(stack, 'dc1_token', { type: 'string', sensitive: true });
    new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'consul.dc1:8501', scheme: 'https', token: token.stringValue });
    const json = synthJson(stack);
    expect(json.provider.consul).toEqual([
      { alias: 'dc1', address: 'consul.dc1:8501', datacenter: 'dc1', scheme: 'https', token: '${var.dc1_token}' },
    ]);
  });

  test('writes the mesh and proxy-defaults entries with its own provider', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500' });
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    const entries = resources(synthJson(stack), 'consul_config_entry');
    const mesh = entries.find((e) => e.kind === 'mesh');
    const proxy = entries.find((e) => e.kind === 'proxy-defaults');
    expect(mesh).toMatchObject({ name: 'mesh', provider: 'consul.dc1' });
    expect(JSON.parse(mesh.config_json)).toEqual({
      TransparentProxy: { MeshDestinationsOnly: false },
      Peering: { PeerThroughMeshGateways: true },
    });
    expect(proxy).toMatchObject({ name: 'global', provider: 'consul.dc1' });
    expect(JSON.parse(proxy.config_json)).toEqual({ Expose: {}, MeshGateway: { Mode: 'remote' }, TransparentProxy: {}, AccessLogs: {} });
    expect(mesh.partition).toBeUndefined();
  });

  test('peers through mesh gateways only when the default partition has one, unless told', () => {
    const stack = emptyStack();
    const without = new ConsulCluster(stack, 'A', { datacenter: 'a', address: '127.0.0.1:8500' });
    const forced = new ConsulCluster(stack, 'B', { datacenter: 'b', address: '127.0.0.1:8501', peerThroughMeshGateways: false });
    forced.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    expect(without.peerThroughMeshGateways).toBe(false);
    expect(forced.peerThroughMeshGateways).toBe(false);
    const meshes = resources(synthJson(stack), 'consul_config_entry').filter((e) => e.kind === 'mesh');
    expect(meshes.map((m) => JSON.parse(m.config_json).Peering.PeerThroughMeshGateways)).toEqual([false, false]);
  });

  test('writes mesh defaults into the default partition on Enterprise', () => {
    const stack = emptyStack();
    new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition: ConsulEdition.ENTERPRISE });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(configEntry.ConfigEntry, { kind: 'mesh', partition: 'default' });
  });

  test('can leave mesh defaults to someone else', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', manageMeshDefaults: false });
    expect(dc1.meshConfig).toBeUndefined();
    expect(Testing.synth(stack)).not.toHaveResource(configEntry.ConfigEntry);
  });

  test('exposes a typed provider and defaults', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500' });
    expect(dc1.provider).toBeInstanceOf(ConsulProvider);
    expect(dc1.consulVersion).toBe(ConsulCluster.DEFAULT_CONSUL_VERSION);
    expect(dc1.edition).toBe(ConsulEdition.COMMUNITY);
    expect(dc1.meshGatewayMode).toBe(MeshGatewayMode.REMOTE);
    expect(dc1.defaultPartition.partitionName).toBe('default');
    expect(dc1.partitions).toEqual([dc1.defaultPartition]);
  });

  test('warns when the token is a literal', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', token: 'root' });
    const warnings = dc1.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN);
    expect(warnings.map((w) => w.data)).toEqual([expect.stringMatching(/^token is a literal string and will be written into the synthesized JSON/)]);
  });

  test('fails on a datacenter Consul would not accept', () => {
    expect(() => new ConsulCluster(emptyStack(), 'X', { datacenter: 'dc 1', address: 'a:1' })).toThrow(
      /datacenter "dc 1" is not a valid datacenter name; use lower-case letters, digits, "-" and "_" \(e.g. "dc-1"\)/,
    );
  });

  test('fails validation when two clusters share a provider alias', () => {
    const stack = emptyStack();
    new ConsulCluster(stack, 'A', { datacenter: 'dc1', address: 'a:1' });
    new ConsulCluster(stack, 'B', { datacenter: 'dc2', address: 'b:1', providerAlias: 'dc1' });
    expect(() => Testing.synth(stack, true)).toThrow(/clusters "dc1" and "dc2" \(test\/B\) both use the consul provider alias "dc1"; set a different providerAlias on one of them/);
  });

  test('fails on an unknown scheme', () => {
    expect(() => new ConsulCluster(emptyStack(), 'X', { datacenter: 'dc1', address: 'a:1', scheme: 'tcp' })).toThrow(
      'scheme "tcp" is not supported; use "http" or "https"',
    );
  });

  test('fails on a Consul version the provider does not support', () => {
    expect(() => new ConsulCluster(emptyStack(), 'X', { datacenter: 'dc1', address: 'a:1', consulVersion: '1.13.2' })).toThrow(
      /consulVersion "1.13.2" is too old/,
    );
    expect(() => new ConsulCluster(emptyStack(), 'Y', { datacenter: 'dc1', address: 'a:1', consulVersion: 'v1.22' })).toThrow(
      /consulVersion "v1.22" is not a version; use "major.minor.patch"/,
    );
  });

  test('fails on a provider alias that is not a Terraform identifier', () => {
    expect(() => new ConsulCluster(emptyStack(), 'X', { datacenter: 'dc1', address: 'a:1', providerAlias: '1dc' })).toThrow(
      /providerAlias "1dc" is not a Terraform identifier/,
    );
  });

  test('fails when peering through gateways is forced without a default-partition gateway', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', peerThroughMeshGateways: true });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: 'b:1' });
    dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    expect(() => Testing.synth(stack, true)).toThrow(/peerThroughMeshGateways is true on cluster "dc1" but its default partition has no mesh gateway/);
  });
});

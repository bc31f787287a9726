import { ConsulEdition, MeshGateway } from '../lib';
import { resources, synthJson } from './fixtures/stack';
import { bareCluster, twoClusters } from './fixtures/topology';

const rulesOf = (json: any, name: string) => {
  const policy = resources(json, 'consul_acl_policy').find((p) => p.name === name);
  if (!policy) throw new Error(`no consul_acl_policy named ${name}`);
  return policy;
};

describe('MeshGateway', () => {
  test('Community: the gateway policy is exactly the reference mesh-gateway rule set, as JSON', () => {
    const { stack, dc1 } = twoClusters();
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const policy = rulesOf(synthJson(stack), 'mesh-gateway-default');
    expect(policy.provider).toBe('consul.dc1');
    expect(policy.partition).toBeUndefined();
    expect(JSON.parse(policy.rules)).toEqual({
      mesh: 'write',
      peering: 'read',
      service: { 'mesh-gateway': { policy: 'write' } },
      service_prefix: { '': { policy: 'read' } },
      node_prefix: { '': { policy: 'read' } },
      agent_prefix: { '': { policy: 'read' } },
    });
  });

  test('Community: no peering read when the cluster does not peer through gateways; no agent read when disabled', () => {
    const { stack, dc1 } = twoClusters({ peerThroughMeshGateways: false });
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', agentRead: false });
    expect(JSON.parse(rulesOf(synthJson(stack), 'mesh-gateway-default').rules)).toEqual({
      mesh: 'write',
      service: { 'mesh-gateway': { policy: 'write' } },
      service_prefix: { '': { policy: 'read' } },
      node_prefix: { '': { policy: 'read' } },
    });
  });

  test('Enterprise default partition: peering read across partitions, service rules scoped to default', () => {
    const { stack, dc1 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const policy = rulesOf(synthJson(stack), 'mesh-gateway-default');
    expect(policy.partition).toBe('default');
    expect(JSON.parse(policy.rules)).toEqual({
      mesh: 'write',
      partition_prefix: { '': { peering: 'read' } },
      partition: {
        default: {
          namespace: { default: { service: { 'mesh-gateway': { policy: 'write' } }, agent_prefix: { '': { policy: 'read' } } } },
          namespace_prefix: { '': { service_prefix: { '': { policy: 'read' } }, node_prefix: { '': { policy: 'read' } } } },
        },
      },
    });
  });

  test('Enterprise other partition: policy and token in that partition, no peering rule', () => {
    const { stack, dc1 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc1.addPartition('ap1');
    ap1.addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.1.11' });
    const json = synthJson(stack);
    const policy = rulesOf(json, 'mesh-gateway-ap1');
    expect(policy.partition).toMatch(/^\$\{consul_admin_partition\./);
    expect(JSON.parse(policy.rules)).toEqual({
      mesh: 'write',
      namespace: { default: { service: { 'mesh-gateway': { policy: 'write' } }, agent_prefix: { '': { policy: 'read' } } } },
      namespace_prefix: { '': { service_prefix: { '': { policy: 'read' } }, node_prefix: { '': { policy: 'read' } } } },
    });
    const token = resources(json, 'consul_acl_token').find((t) => /ap1/.test(t.description));
    expect(token.partition).toBe(policy.partition);
  });

  test('creates a token with its policy and reads the secret through consul_acl_token_secret_id', () => {
    const { stack, dc1 } = twoClusters();
    const gw = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const json = synthJson(stack);
    const token = resources(json, 'consul_acl_token');
    expect(token).toHaveLength(1);
    expect(token[0].provider).toBe('consul.dc1');
    expect(token[0].policies).toEqual([expect.stringMatching(/^\$\{consul_acl_policy\.[A-Za-z0-9_]+\.name\}$/)]);
    expect(Object.values(json.data.consul_acl_token_secret_id)).toEqual([
      expect.objectContaining({ provider: 'consul.dc1', accessor_id: expect.stringMatching(/accessor_id\}$/) }),
    ]);
    expect(gw.tokenSecretId).toMatch(/TfToken/);
  });

  test('grantRegister gives another grantee exactly the gateway rules', () => {
    const { dc1 } = twoClusters();
    const gw = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11', agentRead: false });
    const { AclToken } = require('../lib');
    const other = new AclToken(dc1, 'Other', { provider: dc1.provider });
    const grant = gw.grantRegister(other);
    const rules = grant.statements.map((s: any) => `${s.resource}:${s.segment ?? ''}:${s.access}`).sort();
    expect(rules).toEqual(['mesh::write', 'node_prefix::read', 'peering::read', 'service:mesh-gateway:write', 'service_prefix::read']);
  });

  test('renders the registration document with kind, tagged addresses and gateway options', () => {
    const { dc1 } = twoClusters();
    const gw = dc1.defaultPartition.addMeshGateway('Gateway', {
      lanAddress: '10.11.0.10',
      wanAddress: '10.10.0.11',
      wanPort: 443,
      connectTimeoutMs: 3000,
    });
    expect(gw.serviceDefinition).toEqual({
      service: {
        kind: 'mesh-gateway',
        id: 'mesh-gateway',
        name: 'mesh-gateway',
        address: '10.11.0.10',
        port: 8443,
        tagged_addresses: { lan: { address: '10.11.0.10', port: 8443 }, wan: { address: '10.10.0.11', port: 443 } },
        proxy: { config: { envoy_gateway_bind_tagged_addresses: true, envoy_gateway_no_default_bind: true, connect_timeout_ms: 3000 } },
        checks: [{ name: 'mesh-gateway listening', tcp: '10.11.0.10:8443', interval: '10s', deregister_critical_service_after: '6h' }],
      },
    });
    expect(JSON.stringify(gw.serviceDefinition)).not.toMatch(/token|secret/i);
  });

  test('fails on ports out of range and blank addresses', () => {
    const { dc1 } = twoClusters();
    expect(() => dc1.defaultPartition.addMeshGateway('A', { lanAddress: '10.0.0.1', wanAddress: '192.0.2.1', lanPort: 70000 })).toThrow(
      'lanPort 70000 is not a valid port; use an integer from 1 to 65535',
    );
    expect(() => dc1.defaultPartition.addMeshGateway('B', { lanAddress: ' ', wanAddress: '192.0.2.1' })).toThrow(
      'lanAddress must not be empty; give a non-empty value',
    );
    expect(() => dc1.defaultPartition.addMeshGateway('C', { lanAddress: '10.0.0.1', wanAddress: '192.0.2.1', serviceName: 'Mesh_GW' })).toThrow(
      /serviceName "Mesh_GW" is not a service name Consul accepts .*e\.g\. "mesh-gw"/,
    );
    // The one service-name rule: lower case, as for the services the library registers.
    expect(() => dc1.defaultPartition.addMeshGateway('D', { lanAddress: '10.0.0.1', wanAddress: '192.0.2.1', serviceName: 'Mesh-GW' })).toThrow(
      /serviceName "Mesh-GW" is not a service name Consul accepts/,
    );
  });

  test('has a default port matching consul connect envoy -register', () => {
    expect(MeshGateway.DEFAULT_PORT).toBe(8443);
  });
});

describe('MeshGateway: an HA pair in one partition', () => {
  const policyNames = (json: any): string[] =>
    resources(json, 'consul_acl_policy')
      .map((p) => p.name as string)
      .sort();

  test('each gateway gets its own policy name (Consul refuses a second policy with one name), whatever the order', () => {
    const names = ['forward', 'reverse'].map((order) => {
      const { stack, cluster } = bareCluster();
      const ids = order === 'forward' ? ['GatewayA', 'GatewayB'] : ['GatewayB', 'GatewayA'];
      for (const id of ids) cluster.defaultPartition.addMeshGateway(id, { lanAddress: `10.0.0.${id.length + ids.indexOf(id)}`, wanAddress: '192.0.2.1' });
      return policyNames(synthJson(stack, true));
    });
    expect(names[0]).toEqual(['mesh-gateway-default-gateway-a', 'mesh-gateway-default-gateway-b']);
    expect(names[1]).toEqual(names[0]);
  });

  test('a single gateway keeps "<serviceName>-<partition>"', () => {
    const { stack, cluster } = bareCluster();
    cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.1' });
    expect(policyNames(synthJson(stack, true))).toEqual(['mesh-gateway-default']);
  });

  test('two explicit policy names that collide fail validation, naming both gateways', () => {
    const { stack, cluster } = bareCluster();
    cluster.defaultPartition.addMeshGateway('GatewayA', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.1', policyName: 'gw' });
    cluster.defaultPartition.addMeshGateway('GatewayB', { lanAddress: '10.0.0.3', wanAddress: '192.0.2.1', policyName: 'gw' });
    expect(() => synthJson(stack, true)).toThrow(/policyName "gw" is also the policy name of .*GatewayB in .*; Consul refuses a second policy with the same name/);
  });
});

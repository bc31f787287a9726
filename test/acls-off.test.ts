import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { ClusterDataPlane, ClusterPeering, ConsulCluster, DockerHost, DockerNetwork, MeshGatewayMode } from '../lib';
import { emptyStack, resources, synthJson } from './fixtures/stack';

/** dc1 with ACLs, dc2 without (a development cluster), peered, each with a gateway and a service on the data plane. */
function mixed() {
  const stack = emptyStack();
  const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', meshGatewayMode: MeshGatewayMode.LOCAL });
  const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:9500', meshGatewayMode: MeshGatewayMode.LOCAL, acls: false });
  const gw1 = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
  const gw2 = dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
  const peering = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  const web = dc1.defaultPartition.addService('Web', { port: 9090 });
  const api = dc2.defaultPartition.addService('Api', { port: 8080 });
  web.connectTo(api, { via: peering, localBindPort: 9191 });
  const host = new DockerHost(stack, 'Docker');
  const wan = new DockerNetwork(stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
  const lan1 = new DockerNetwork(stack, 'Lan1', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
  const lan2 = new DockerNetwork(stack, 'Lan2', { host, networkName: 'dc2-lan', subnet: '10.12.0.0/24' });
  const plane1 = new ClusterDataPlane(stack, 'Plane1', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
  const plane2 = new ClusterDataPlane(stack, 'Plane2', { cluster: dc2, host, lan: lan2, retryJoin: ['10.12.0.2'] });
  plane1.addGateway(gw1, { wan });
  plane2.addGateway(gw2, { wan });
  plane1.addService(web, { address: '10.11.0.20' });
  plane2.addService(api, { address: '10.12.0.20' });
  return { stack, dc1, dc2, web, api, gw2 };
}

describe('acls: false', () => {
  test('creates no ACL resource for that cluster; the other cluster keeps its tokens', () => {
    const { stack, dc2, api, gw2 } = mixed();
    const json = synthJson(stack, true);
    const aclTypes = ['consul_acl_token', 'consul_acl_policy'];
    for (const type of aclTypes) expect(resources(json, type).filter((r) => r.provider === 'consul.dc2')).toEqual([]);
    expect(Object.values(json.data.consul_acl_token_secret_id as Record<string, { provider: string }>).filter((d) => d.provider === 'consul.dc2')).toEqual([]);
    expect(resources(json, 'consul_acl_token').filter((r) => r.provider === 'consul.dc1').length).toBeGreaterThan(0);
    expect(dc2.aclsEnabled).toBe(false);
    expect(api.token).toBeUndefined();
    expect(gw2.token).toBeUndefined();
    expect(dc2.operatorPolicyDocument().toJson()).toEqual({});
  });

  test('its agents run with ACLs off and no secrets file; its Envoys get no token file', () => {
    const { stack } = mixed();
    const containers = resources(synthJson(stack), 'docker_container');
    const agent = containers.find((c) => c.name === 'dc2-default-api-agent');
    const files = agent.upload.map((u: { file: string }) => u.file);
    expect(files).toEqual(['/consul/config/agent.json', '/consul/config/api.json']);
    expect(JSON.parse(agent.upload[0].content).acl).toEqual({ enabled: false });
    const envoy = containers.find((c) => c.name === 'dc2-default-api-envoy');
    expect(envoy.command).not.toContain('-token-file');
    expect(envoy.upload).toBeUndefined();
    // dc1 keeps both.
    expect(containers.find((c) => c.name === 'dc1-default-web-envoy').command).toContain('-token-file');
    expect(containers.find((c) => c.name === 'dc1-default-web-agent').upload.map((u: { file: string }) => u.file)).toContain('/consul/config/secrets.json');
  });

  test('a cluster without ACLs that exports draws a warning (every caller reaches what it exports); the peering is allowed', () => {
    const { stack, dc2 } = mixed();
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const warnings = dc2.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data);
    expect(warnings).toEqual([expect.stringMatching(/^cluster "dc2" runs without ACLs: its intentions allow by default, so every caller, from its peers too, reaches the services it exports/)]);
  });
});

import * as serviceDefaults from '@cdktf/provider-consul/lib/config-entry-service-defaults';
import * as intentions from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { Testing } from 'cdktf';
import { ClusterPeering, ConsulEdition, MeshGatewayMode, MeshService, ServiceProtocol, UpstreamTarget } from '../lib';
import { validationErrorOf } from './fixtures/errors';
import { onlyResource, resources, synthJson } from './fixtures/stack';
import { peeredPair, twoClusters } from './fixtures/topology';

describe('MeshService', () => {
  test('creates a service-identity token in its cluster', () => {
    const { stack, dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const json = synthJson(stack);
    const token = onlyResource(json, 'consul_acl_token');
    expect(token).toMatchObject({ provider: 'consul.dc1', service_identities: [{ service_name: 'web' }] });
    expect(token.policies).toBeUndefined();
    expect(web.serviceName).toBe('web');
    expect(web.tokenSecretId).toMatch(/TfToken/);
  });

  test('connectTo exports the callee to the caller\'s peer name, allows the caller and adds the upstream', () => {
    const { stack, web } = peeredPair();
    const json = synthJson(stack);
    const exported = resources(json, 'consul_config_entry').filter((e) => e.kind === 'exported-services');
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ name: 'default', provider: 'consul.dc2' });
    expect(JSON.parse(exported[0].config_json)).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'dc1' }] }] });

    expect(Testing.synth(stack)).toHaveResourceWithProperties(intentions.ConfigEntryServiceIntentions, {
      name: 'api',
      provider: 'consul.dc2',
      sources: [
        {
          name: 'web',
          peer: 'dc1',
          action: 'allow',
          precedence: 9,
          type: 'consul',
          description: 'web in dc1 may call api (cdktf-consul-peering)',
        },
      ],
    });

    expect(web.upstreams).toEqual([
      { destinationName: 'api', destinationPeer: 'dc2', localBindAddress: '127.0.0.1', localBindPort: 9191, meshGatewayMode: MeshGatewayMode.REMOTE },
    ]);
  });

  test('renders the service definition with the sidecar and destination_peer upstream', () => {
    const { web } = peeredPair();
    expect(web.serviceDefinition).toEqual({
      service: {
        id: 'web',
        name: 'web',
        port: 9090,
        checks: [{ name: 'web tcp', tcp: '127.0.0.1:9090', interval: '10s' }],
        connect: {
          sidecar_service: {
            port: 21000,
            proxy: {
              upstreams: [
                { destination_name: 'api', destination_peer: 'dc2', local_bind_address: '127.0.0.1', local_bind_port: 9191, mesh_gateway: { mode: 'remote' } },
              ],
            },
          },
        },
      },
    });
  });

  test('writes destination_namespace only for a non-default namespace (Enterprise)', () => {
    const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.1.2', wanAddress: '192.0.2.3' });
    const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = dc2.defaultPartition.addService('Api', { port: 8080, namespace: 'team-a' });
    const db = dc2.defaultPartition.addService('Db', { port: 5432, namespace: 'default' });
    web.connectTo(api, { via: peering, localBindPort: 9191 });
    web.connectTo(db, { via: peering, localBindPort: 9192 });
    // Declared after its service: the references are rendered at synth.
    const teamA = dc2.defaultPartition.addNamespace('TeamA');
    const ups = web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams;
    expect(ups).toEqual([
      expect.objectContaining({ destination_name: 'api', destination_peer: 'dc2', destination_namespace: 'team-a' }),
      expect.objectContaining({ destination_name: 'db', destination_peer: 'dc2' }),
    ]);
    expect(ups[1].destination_namespace).toBeUndefined();
    const exported = resources(synthJson(stack), 'consul_config_entry').find((e) => e.kind === 'exported-services');
    expect(JSON.parse(exported.config_json).Services).toEqual([
      { Name: 'db', Namespace: 'default', Consumers: [{ Peer: 'dc1' }] },
      { Name: 'api', Namespace: 'team-a', Consumers: [{ Peer: 'dc1' }] },
    ]);
    // Everything that lives in team-a waits for its consul_namespace; the default namespace is never created.
    const json = synthJson(stack);
    const [nsAddress] = Object.keys(json.resource.consul_namespace);
    expect(json.resource.consul_namespace[nsAddress]).toMatchObject({ name: 'team-a', partition: 'default' });
    const ref = `\${consul_namespace.${nsAddress}.name}`;
    const tokens = resources(json, 'consul_acl_token');
    expect(tokens.filter((t) => t.namespace === ref).map((t) => t.description)).toEqual([expect.stringContaining('service "api"')]);
    expect(tokens.filter((t) => t.service_identities?.[0]?.service_name === 'db').map((t) => t.namespace)).toEqual(['default']);
    expect(resources(json, 'consul_config_entry_service_intentions').find((e) => e.name === 'api').namespace).toBe(ref);
    expect(exported.depends_on).toEqual([`consul_namespace.${nsAddress}`]);
    expect(teamA.resourceNamespace).toBe(teamA.resourceNamespace); // one reference, not a new token per read
    expect(dc2.defaultPartition.namespaces).toEqual([teamA]);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('writes service-defaults with the protocol when asked', () => {
    const { stack, dc2 } = twoClusters();
    const api = dc2.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/health' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(serviceDefaults.ConfigEntryServiceDefaults, {
      name: 'api',
      protocol: 'http',
      expose: [{ checks: false }],
      provider: 'consul.dc2',
    });
    expect(api.serviceDefinition.service.checks).toEqual([{ name: 'api http', http: 'http://127.0.0.1:8080/health', interval: '10s' }]);
  });

  test('addUpstream is idempotent for the same upstream', () => {
    const { dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    web.addUpstream({ target: UpstreamTarget.service('cache'), localBindPort: 6379 });
    web.addUpstream({ target: UpstreamTarget.service('cache'), localBindPort: 6379 });
    expect(web.upstreams).toHaveLength(1);
    expect(web.upstreams[0].meshGatewayMode).toBeUndefined();
  });

  test('sorts upstreams so call order does not matter', () => {
    const make = (order: string[]) => {
      const { dc1 } = twoClusters();
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      order.forEach((name, i) => web.addUpstream({ target: UpstreamTarget.service(name), localBindPort: 7000 + name.length * 10 + i * 0 }));
      return JSON.stringify(web.serviceDefinition);
    };
    expect(make(['alpha', 'zz'])).toEqual(make(['zz', 'alpha']));
  });

  test('fails when the same upstream is added with other options', () => {
    const { dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    web.addUpstream({ target: UpstreamTarget.service('cache'), localBindPort: 6379 });
    expect(() => web.addUpstream({ target: UpstreamTarget.service('cache'), localBindPort: 6380 })).toThrow(
      /addUpstream\(target\) "cache" is already an upstream of service "web" .*with localBindPort 6379; an upstream is declared once/,
    );
  });

  test('fails at once on an upstream to the service itself', () => {
    const { dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const e = validationErrorOf(() => web.addUpstream({ target: UpstreamTarget.service('web'), localBindPort: 9191 }));
    expect([e.prop, e.value, e.constructPath]).toEqual(['addUpstream(target)', 'web', 'test/Dc1/Partitions/default/Web']);
    expect(e.message).toContain('names the service that declares the upstream (partition "default" of cluster "dc1", namespace "default", no peer)');
    expect(e.fix).toContain('a service reaches itself without its sidecar: remove the upstream');
    // An explicit "default" namespace is the same service.
    expect(() => web.addUpstream({ target: UpstreamTarget.service('web', 'default'), localBindPort: 9191 })).toThrow(/names the service that declares the upstream/);
    expect(web.upstreams).toEqual([]);
  });

  test('fails on an upstream to itself in its own namespace, also without a namespace (Consul resolves that in the caller\'s)', () => {
    const { dc1 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const web = dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'team-a' });
    for (const target of [UpstreamTarget.service('web', 'team-a'), UpstreamTarget.service('web')]) {
      expect(() => web.addUpstream({ target, localBindPort: 9191 })).toThrow(/namespace "team-a", no peer\): its sidecar would route the service to itself/);
    }
  });

  test('accepts an upstream to the same service name through a peer, in another partition or in another namespace', () => {
    const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc1.addPartition('ap1');
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'web'), localBindPort: 9191 });
    web.addUpstream({ target: UpstreamTarget.partitionService('ap1', 'web'), localBindPort: 9192 });
    web.addUpstream({ target: UpstreamTarget.service('web', 'team-b'), localBindPort: 9193 });
    const scoped = ap1.addService('Web', { port: 9090, namespace: 'team-a' });
    scoped.addUpstream({ target: UpstreamTarget.service('web', 'default'), localBindPort: 9191 });
    expect(web.upstreams.map((u) => [u.destinationPeer, u.destinationPartition, u.destinationNamespace, u.destinationName])).toEqual([
      ['dc2', undefined, undefined, 'web'],
      [undefined, 'ap1', undefined, 'web'],
      [undefined, undefined, 'team-b', 'web'],
    ]);
  });

  test('fails on a duplicate service name in a partition', () => {
    const { dc1 } = twoClusters();
    dc1.defaultPartition.addService('Web', { port: 9090 });
    expect(() => dc1.defaultPartition.addService('Web2', { port: 9091, serviceName: 'web' })).toThrow(
      /serviceName "web" is already declared in partition "default"/,
    );
  });

  test('fails on bad ports and paths', () => {
    const { dc1 } = twoClusters();
    expect(() => dc1.defaultPartition.addService('A', { port: 0 })).toThrow('port 0 is not a valid port; use an integer from 1 to 65535');
    expect(() => dc1.defaultPartition.addService('B', { port: 21000 })).toThrow(/port 21000 is also the sidecarPort/);
    expect(() => dc1.defaultPartition.addService('C', { port: 80, healthCheckHttpPath: 'health' })).toThrow(
      'healthCheckHttpPath "health" must start with "/"; start it with "/", e.g. "/health"',
    );
  });

  test('fails on partition upstreams on Community Edition', () => {
    const { dc1 } = twoClusters();
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    expect(() => web.addUpstream({ target: UpstreamTarget.partitionService('ap1', 'api'), localBindPort: 9300 })).toThrow(
      /upstream "api" to partition "ap1" needs Consul Enterprise on cluster "dc1"/,
    );
  });

  test('accepts tokens for ports', () => {
    const { dc1 } = twoClusters();
    const { Token } = require('cdktf');
    expect(() => dc1.defaultPartition.addService('Web', { port: Token.asNumber({ resolve: () => 80 }) })).not.toThrow();
    expect(MeshService.DEFAULT_SIDECAR_PORT).toBe(21000);
  });
});

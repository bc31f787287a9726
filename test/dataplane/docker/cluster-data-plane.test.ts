import { Testing } from 'cdktf';
import {
  ClusterDataPlane,
  ConsulCluster,
  ConsulEdition,
  ConsulEnvoyImage,
  DockerHost,
  DockerNetwork,
  MeshGateway,
  MeshGatewayMode,
  MeshService,
} from '../../../lib';
import { peeredPairWithDataPlane } from '../../fixtures/dataplane';
import { emptyStack, resources, synthJson } from '../../fixtures/stack';
import { peeredPair } from '../../fixtures/topology';

const containers = (json: any) => Object.entries(json.resource.docker_container as Record<string, any>).map(([k, v]) => ({ key: k, ...v }));
const byName = (json: any, name: string) => containers(json).find((c) => c.name === name);

describe('ClusterDataPlane', () => {
  test('runs each gateway as a pod: agent and Envoy share the pause container\'s namespace', () => {
    const { stack } = peeredPairWithDataPlane();
    const json = synthJson(stack);
    const pause = byName(json, 'dc1-default-gateway-pause');
    expect(pause.networks_advanced).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.Lan1_[A-F0-9]+\.name\}$/), ipv4_address: '10.11.0.10' },
      { name: expect.stringMatching(/^\$\{docker_network\.Wan_[A-F0-9]+\.name\}$/), ipv4_address: '10.10.0.11' },
    ]);
    const netns = `container:\${docker_container.${pause.key}.id}`;
    expect(byName(json, 'dc1-default-gateway-agent').network_mode).toBe(netns);
    const envoy = byName(json, 'dc1-default-gateway-envoy');
    expect(envoy.network_mode).toBe(netns);
    expect(envoy.entrypoint).toEqual(['/bin/consul']);
    expect(envoy.command).toEqual([
      'connect', 'envoy', '-gateway=mesh', '-register', '-service', 'mesh-gateway',
      '-address', '10.11.0.10:8443', '-wan-address', '10.10.0.11:8443',
      '-grpc-addr', 'http://127.0.0.1:8502', '-http-addr', 'http://127.0.0.1:8500',
      '-admin-bind', '127.0.0.1:19000', '-token-file', '/consul/tokens/envoy.token',
    ]);
    expect(envoy.command).not.toContain('-expose-servers');
  });

  test('runs each service as a pod with a -sidecar-for Envoy and its definition uploaded to the agent', () => {
    const { stack } = peeredPairWithDataPlane();
    const json = synthJson(stack);
    const envoy = byName(json, 'dc1-default-web-envoy');
    expect(envoy.command.slice(0, 4)).toEqual(['connect', 'envoy', '-sidecar-for', 'web']);
    const agent = byName(json, 'dc1-default-web-agent');
    const files = agent.upload.map((u: any) => u.file);
    expect(files).toEqual(['/consul/config/agent.json', '/consul/config/secrets.json', '/consul/config/web.json']);
    const definition = JSON.parse(agent.upload[2].content);
    expect(definition.service.connect.sidecar_service.proxy.upstreams).toEqual([
      { destination_name: 'api', destination_peer: 'dc2', local_bind_address: '127.0.0.1', local_bind_port: 9191, mesh_gateway: { mode: 'local' } },
    ]);
    const config = JSON.parse(agent.upload[0].content);
    expect(config).toMatchObject({
      datacenter: 'dc1',
      node_name: 'dc1-default-web',
      bind_addr: '10.11.0.20',
      client_addr: '127.0.0.1',
      retry_join: ['10.11.0.2'],
      ports: { grpc: 8502, grpc_tls: -1 },
      acl: { enabled: true, default_policy: 'deny' },
    });
    expect(byName(json, 'dc1-default-web-app')).toMatchObject({ network_mode: envoy.network_mode, restart: 'always' });
  });

  test('runs a cluster whose datacenter has "_" (Consul allows it): pod, host and node names use "-"', () => {
    const stack = emptyStack();
    const dc = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc_1', address: '127.0.0.1:8500' });
    const gateway = dc.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const web = dc.defaultPartition.addService('Web', { port: 9090 });
    const host = new DockerHost(stack, 'Docker');
    const wan = new DockerNetwork(stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
    const lan = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc_1-lan', subnet: '10.11.0.0/24' });
    const plane = new ClusterDataPlane(stack, 'Plane', { cluster: dc, host, lan, retryJoin: ['10.11.0.2'] });
    plane.addGateway(gateway, { wan });
    plane.addService(web, { address: '10.11.0.20' });
    const json = synthJson(stack, true);
    const agent = byName(json, 'dc-1-default-web-agent');
    expect(byName(json, 'dc-1-default-web-pause').hostname).toBe('dc-1-default-web');
    expect(JSON.parse(agent.upload[0].content)).toMatchObject({ datacenter: 'dc_1', node_name: 'dc-1-default-web' });
    expect(byName(json, 'dc-1-default-gateway-envoy')).toBeDefined();
    const tokens = Object.values(json.resource.consul_acl_token as Record<string, any>);
    expect(tokens).toContainEqual(expect.objectContaining({ node_identities: [{ node_name: 'dc-1-default-web', datacenter: 'dc_1' }] }));
  });

  test('keeps every secret out of command, env and entrypoint; tokens arrive as uploaded 0600 files', () => {
    const { stack } = peeredPairWithDataPlane();
    const json = synthJson(stack);
    for (const c of containers(json)) {
      for (const field of ['command', 'env', 'entrypoint']) {
        expect(JSON.stringify(c[field] ?? [])).not.toMatch(/secret_id|var\.|peering_token|token_secret/);
      }
      expect(c.healthcheck?.test?.length).toBeGreaterThan(0);
      for (const u of c.upload ?? []) {
        if (/secret_id/.test(u.content)) expect(u.permissions).toBe('0600');
      }
    }
    const envoy = byName(json, 'dc2-default-gateway-envoy');
    expect(envoy.upload).toEqual([
      { file: '/consul/tokens/envoy.token', content: expect.stringMatching(/^\$\{data\.consul_acl_token_secret_id\.[A-Za-z0-9_]+\.secret_id\}$/), permissions: '0600' },
    ]);
  });

  test('makes the token and the peering wait for their side\'s gateway to be registered and passing', () => {
    const { stack } = peeredPairWithDataPlane();
    const json = synthJson(stack);
    const health = json.data.consul_service_health;
    const ready = Object.entries(health as Record<string, any>);
    expect(ready).toHaveLength(2);
    for (const [, h] of ready) {
      expect(h).toMatchObject({ name: 'mesh-gateway', passing: true, wait_for: '180s' });
      expect(h.depends_on).toEqual([expect.stringMatching(/^docker_container\..*Envoy/)]);
    }
    const [dc1Ready] = ready.find(([, h]) => h.provider === 'consul.dc1')!;
    const [dc2Ready] = ready.find(([, h]) => h.provider === 'consul.dc2')!;
    const token = Object.values(json.resource.consul_peering_token)[0] as any;
    const peering = Object.values(json.resource.consul_peering)[0] as any;
    expect(token.depends_on).toContain(`data.consul_service_health.${dc2Ready}`);
    expect(peering.depends_on).toContain(`data.consul_service_health.${dc1Ready}`);
  });

  test('builds one shared image per Docker host and version pair', () => {
    const { stack } = peeredPairWithDataPlane();
    const images = resources(synthJson(stack), 'docker_image').map((i) => i.name).sort();
    expect(images).toEqual(['cdktf-consul-peering/consul-envoy:1.22.5-envoy-1.35.8', 'nginx:1.27-alpine']);
  });

  test('the whole topology passes validation', () => {
    const { stack } = peeredPairWithDataPlane();
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  describe('validations', () => {
    const base = () => {
      const t = peeredPair({ meshGatewayMode: MeshGatewayMode.LOCAL });
      const host = new DockerHost(t.stack, 'Docker');
      const lan1 = new DockerNetwork(t.stack, 'Lan1', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
      const wan = new DockerNetwork(t.stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
      return { ...t, host, lan1, wan };
    };

    test('fails on a gateway whose WAN address no other cluster can reach', () => {
      const { dc1, host, lan1 } = base();
      const plane = new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
      expect(() => plane.addGateway(dc1.defaultPartition.meshGateways[0])).toThrow(
        /^\[test\/Dc1\/Partitions\/default\/Gateway\/DataPlane\] wanAddress "10.10.0.11" of the gateway is not on any network of its pod, and its port is not published, so other clusters cannot reach it; give a wanAddress in the WAN network's subnet, or set publishWanPort: true/,
      );
      const otherWan = DockerNetwork.fromNetworkAttributes(dc1, 'OtherWan', { host, networkName: 'x', subnet: '10.99.0.0/24' });
      const second = dc1.defaultPartition.addMeshGateway('Second', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.21', policyName: 'second' });
      expect(() => plane.addGateway(second, { wan: otherWan })).toThrow(
        /Second\/DataPlane\] wanAddress "10.10.0.21" of the gateway is not in the WAN network "x" \(10.99.0.0\/24\), and its port is not published/,
      );
    });

    test('publishes the port for a WAN address on the Docker host, and stops binding the tagged WAN address', () => {
      const { stack, dc1, host, lan1 } = base();
      const plane = new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
      const gw = dc1.defaultPartition.meshGateways[0] as MeshGateway;
      plane.addGateway(gw, { publishWanPort: true });
      const json = synthJson(stack);
      const agent = byName(json, 'dc1-default-gateway-agent');
      const uploaded = JSON.parse(agent.upload.find((u: any) => u.file === '/consul/config/mesh-gateway.json').content);
      expect(uploaded.service.proxy).toEqual({ config: {} });
      // The data plane renders its own copy; the control plane's document is not changed behind its back.
      expect(gw.serviceDefinition.service.proxy.config).toEqual({ envoy_gateway_bind_tagged_addresses: true, envoy_gateway_no_default_bind: true });
      const pause = byName(json, 'dc1-default-gateway-pause');
      expect(pause.ports).toEqual([{ internal: 8443, external: 8443, ip: '0.0.0.0' }]);
    });

    test('fails on an Enterprise image for a Community cluster, and the reverse', () => {
      const { dc1, host, lan1 } = base();
      const ent = new ConsulEnvoyImage(host, 'Ent', { edition: ConsulEdition.ENTERPRISE, provider: host.provider });
      expect(() => new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'], image: ent })).toThrow(
        '[test/Dc1/Plane] image "cdktf-consul-peering/consul-envoy:1.22.5-ent-envoy-1.35.8" is built for Consul enterprise but cluster "dc1" runs community; use a ConsulEnvoyImage with edition ConsulEdition.COMMUNITY',
      );
      const t = peeredPair({ meshGatewayMode: MeshGatewayMode.LOCAL }, ConsulEdition.ENTERPRISE);
      const h = new DockerHost(t.stack, 'Docker');
      const lan = new DockerNetwork(t.stack, 'Lan', { host: h, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
      const ce = new ConsulEnvoyImage(h, 'Ce', { provider: h.provider });
      expect(() => new ClusterDataPlane(t.dc1, 'Plane', { cluster: t.dc1, host: h, lan, retryJoin: ['10.11.0.2'], image: ce })).toThrow(
        /^\[test\/Dc1\/Plane\] image ".*" is built for Consul community but cluster "dc1" runs enterprise; use a ConsulEnvoyImage with edition ConsulEdition.ENTERPRISE$/,
      );
    });

    test('fails on a Consul version mismatch between image and cluster, and on an unsupported Envoy', () => {
      const { dc1, host, lan1 } = base();
      const old = new ConsulEnvoyImage(host, 'Old', { consulVersion: '1.21.4', provider: host.provider });
      expect(() => new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'], image: old })).toThrow(
        '[test/Dc1/Plane] image "cdktf-consul-peering/consul-envoy:1.21.4-envoy-1.35.8" carries Consul 1.21.4 but cluster "dc1" runs 1.22.5; build the image with consulVersion "1.22.5"',
      );
      expect(() => new ClusterDataPlane(dc1, 'Plane2', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'], envoyVersion: '1.36.0' })).toThrow(
        /\] envoyVersion "1.36.0" is not supported by Consul 1.22.x Community Edition \(supported: 1.38.x, 1.37.x, 1.35.x\); .*; pick a supported version/,
      );
    });

    test('fails on port collisions inside a pod', () => {
      const { dc1, host, lan1, wan } = base();
      const plane = new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
      const svc = dc1.defaultPartition.addService('Admin', { port: 19000 });
      expect(() => plane.addService(svc, { address: '10.11.0.30' })).toThrow(
        '[test/Dc1/Partitions/default/Admin/DataPlane/Pod] port 19000 for Envoy admin (sidecar of admin) in pod "dc1-default-admin" is already used by service "admin"; pick another port (the pod shares one network namespace)',
      );
      const agentPort = dc1.defaultPartition.addService('Clash', { port: 8500 });
      expect(() => plane.addService(agentPort, { address: '10.11.0.31' })).toThrow(/\] port 8500 for service "clash" in pod "dc1-default-clash" is already used by agent HTTP API; pick another port/);
      expect(wan).toBeDefined();
    });

    test('fails on two pods with the same address and on host port collisions', () => {
      const { dc1, host, lan1 } = base();
      const plane = new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
      plane.addService(dc1.defaultPartition.services[0] as MeshService, { address: '10.11.0.20' });
      const other = dc1.defaultPartition.addService('Other', { port: 7000 });
      expect(() => plane.addService(other, { address: '10.11.0.20' })).toThrow(
        /^\[test\/Dc1\/Partitions\/default\/Other\/DataPlane\/Pod\] address of pod "dc1-default-other" "10.11.0.20" on network "dc1-lan" is already used by .*Web\/DataPlane\/Pod; give each pod its own address$/,
      );
      const gw = dc1.defaultPartition.meshGateways[0];
      plane.addGateway(gw, { publishWanPort: true });
      const second = dc1.defaultPartition.addMeshGateway('Second', { lanAddress: '10.11.0.11', wanAddress: '192.0.2.1', policyName: 'second-gateway' });
      expect(() => plane.addGateway(second, { publishWanPort: true })).toThrow(
        /\/Second\/DataPlane\/Pod\] hostPort of pod "dc1-default-second" "0.0.0.0:8443" is already published on Docker host .*Docker by .*Gateway\/DataPlane\/Pod; pick another host port/,
      );
    });

    test('fails on servers outside the LAN and on a network of another host', () => {
      const { dc1, host, lan1, stack } = base();
      expect(() => new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.12.0.2'] })).toThrow(
        '[test/Dc1/Plane] retryJoin "10.12.0.2" is not on the LAN network "dc1-lan" (10.11.0.0/24); give the servers\' LAN addresses',
      );
      const other = new DockerHost(stack, 'Other', { providerAlias: 'other' });
      expect(() => new ClusterDataPlane(dc1, 'Plane2', { cluster: dc1, host: other, lan: lan1, retryJoin: ['10.11.0.2'] })).toThrow(
        '[test/Dc1/Plane2] lan "dc1-lan" is a network on another Docker host than host test/Other; use a network of that host',
      );
    });

    test('fails on a gateway or service of another cluster', () => {
      const { dc1, dc2, host, lan1 } = base();
      const plane = new ClusterDataPlane(dc1, 'Plane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
      expect(() => plane.addGateway(dc2.defaultPartition.meshGateways[0])).toThrow(
        /^\[test\/Dc1\/Plane\] gateway "test\/Dc2\/Partitions\/default\/Gateway" belongs to cluster "dc2", not "dc1"; use that cluster's ClusterDataPlane$/,
      );
      expect(() => plane.addService(dc2.defaultPartition.services[0] as MeshService, { address: '10.11.0.40' })).toThrow(
        /^\[test\/Dc1\/Plane\] service "api" belongs to cluster "dc2", not "dc1"; use that cluster's ClusterDataPlane$/,
      );
    });
  });
});

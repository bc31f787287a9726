import { ConsulCluster, EnvoyDnsDiscoveryType, MeshGatewayMode, MeshService } from '../lib';
import { peeredPairWithDataPlane } from './fixtures/dataplane';
import { validationErrorOf } from './fixtures/errors';
import { emptyStack, resources, synthJson } from './fixtures/stack';
import { peeredPair } from './fixtures/topology';

const BOOTSTRAP = {
  extraStaticClustersJson: JSON.stringify({ name: 'collector', type: 'STRICT_DNS' }),
  extraStaticListenersJson: JSON.stringify({ name: 'extra' }),
  extraStatsSinksJson: JSON.stringify({ name: 'envoy.stat_sinks.statsd' }),
  statsConfigJson: JSON.stringify({ stats_tags: [] }),
  statsFlushInterval: '10s',
  tracingJson: JSON.stringify({ http: { name: 'envoy.tracers.zipkin' } }),
  statsTags: ['team=payments'],
  statsdUrl: 'udp://127.0.0.1:8125',
  dogstatsdUrl: 'udp://127.0.0.1:8126',
  prometheusBindAddr: '0.0.0.0:9102',
  statsBindAddr: '0.0.0.0:9103',
};
const BOOTSTRAP_KEYS = {
  envoy_extra_static_clusters_json: BOOTSTRAP.extraStaticClustersJson,
  envoy_extra_static_listeners_json: BOOTSTRAP.extraStaticListenersJson,
  envoy_extra_stats_sinks_json: BOOTSTRAP.extraStatsSinksJson,
  envoy_stats_config_json: BOOTSTRAP.statsConfigJson,
  envoy_stats_flush_interval: '10s',
  envoy_tracing_json: BOOTSTRAP.tracingJson,
  envoy_stats_tags: ['team=payments'],
  envoy_statsd_url: 'udp://127.0.0.1:8125',
  envoy_dogstatsd_url: 'udp://127.0.0.1:8126',
  envoy_prometheus_bind_addr: '0.0.0.0:9102',
  envoy_stats_bind_addr: '0.0.0.0:9103',
};

/** The JSON of a file a container uploads. */
function uploaded(json: any, container: string, file: string): any {
  const c = resources(json, 'docker_container').find((x) => x.name === container);
  return JSON.parse(c.upload.find((u: { file: string }) => u.file === file).content);
}

describe('Proxy.Config options', () => {
  test('every gateway option lands under its key in the uploaded registration, next to the binding the data plane decides', () => {
    const t = peeredPairWithDataPlane();
    const gw = t.dc2.defaultPartition.addMeshGateway('Extra', {
      lanAddress: '10.12.0.11',
      wanAddress: '10.10.0.22',
      connectTimeoutMs: 3000,
      proxy: {
        ...BOOTSTRAP,
        bindAddresses: { public: { address: '0.0.0.0', port: 8444 } },
        dnsDiscoveryType: EnvoyDnsDiscoveryType.STRICT_DNS,
        remoteTcpKeepalive: true,
        remoteTcpKeepaliveTimeSec: 30,
        remoteTcpKeepaliveIntervalSec: 5,
        remoteTcpKeepaliveProbes: 3,
        rawConfig: { envoy_future_option: 'x' },
      },
    });
    t.plane2.addGateway(gw, { wan: t.wan });
    const config = uploaded(synthJson(t.stack, true), 'dc2-default-extra-agent', '/consul/config/mesh-gateway.json').service.proxy.config;
    expect(config).toEqual({
      envoy_gateway_bind_tagged_addresses: true,
      envoy_gateway_no_default_bind: true,
      connect_timeout_ms: 3000,
      ...BOOTSTRAP_KEYS,
      envoy_dns_discovery_type: 'STRICT_DNS',
      envoy_gateway_remote_tcp_enable_keepalive: true,
      envoy_gateway_remote_tcp_keepalive_time: 30,
      envoy_gateway_remote_tcp_keepalive_interval: 5,
      envoy_gateway_remote_tcp_keepalive_probes: 3,
      envoy_gateway_bind_addresses: { public: { address: '0.0.0.0', port: 8444 } },
      envoy_future_option: 'x',
    });
  });

  test('every sidecar option lands under its key; without options no config is written', () => {
    const t = peeredPairWithDataPlane();
    const svc = t.dc1.defaultPartition.addService('Reports', {
      port: 7070,
      proxy: {
        ...BOOTSTRAP,
        localConnectTimeoutMs: 2000,
        localRequestTimeoutMs: 30000,
        maxInboundConnections: 100,
        balanceInboundConnections: 'exact_balance',
        publicListenerJson: JSON.stringify({ name: 'public_listener' }),
        localClusterJson: JSON.stringify({ name: 'local_app' }),
        listenerTracingJson: JSON.stringify({ provider: {} }),
        rawConfig: { envoy_future_option: 1 },
      },
    });
    t.plane1.addService(svc, { address: '10.11.0.30' });
    const json = synthJson(t.stack, true);
    expect(uploaded(json, 'dc1-default-reports-agent', '/consul/config/reports.json').service.connect.sidecar_service.proxy.config).toEqual({
      ...BOOTSTRAP_KEYS,
      local_connect_timeout_ms: 2000,
      local_request_timeout_ms: 30000,
      max_inbound_connections: 100,
      balance_inbound_connections: 'exact_balance',
      envoy_public_listener_json: JSON.stringify({ name: 'public_listener' }),
      envoy_local_cluster_json: JSON.stringify({ name: 'local_app' }),
      envoy_listener_tracing_json: JSON.stringify({ provider: {} }),
      envoy_future_option: 1,
    });
    expect(uploaded(json, 'dc1-default-web-agent', '/consul/config/web.json').service.connect.sidecar_service.proxy.config).toBeUndefined();
  });

  test('refuses a raw key a typed option writes, JSON that does not parse, and malformed values', () => {
    const { dc1 } = peeredPair();
    const p = dc1.defaultPartition;
    const e = (f: () => unknown) => validationErrorOf(f).message;
    expect(e(() => p.addService('A', { port: 1000, proxy: { rawConfig: { local_connect_timeout_ms: 1 } } }))).toMatch(
      /proxy.rawConfig "local_connect_timeout_ms" is a key a typed option \(or the library itself\) writes; use the typed option for it/,
    );
    expect(e(() => p.addService('B', { port: 1000, proxy: { rawConfig: { protocol: 'http' } } }))).toMatch(/proxy.rawConfig "protocol" is a key a typed option/);
    expect(e(() => p.addMeshGateway('G2', { lanAddress: '10.0.0.9', wanAddress: '192.0.2.9', proxy: { rawConfig: { envoy_gateway_no_default_bind: false } } }))).toMatch(
      /proxy.rawConfig "envoy_gateway_no_default_bind" is a key a typed option \(or the library itself\) writes/,
    );
    expect(e(() => p.addService('C', { port: 1000, proxy: { tracingJson: '{"http": ' } }))).toMatch(/proxy.tracingJson "\{\\"http\\": " is not JSON .*; give the Envoy configuration as a JSON string/);
    expect(e(() => p.addService('D', { port: 1000, proxy: { statsFlushInterval: '10 seconds' } }))).toMatch(/proxy.statsFlushInterval "10 seconds" is not a duration; use a Go duration/);
    expect(e(() => p.addService('E', { port: 1000, proxy: { prometheusBindAddr: '9102' } }))).toMatch(/proxy.prometheusBindAddr "9102" is not "address:port"/);
    expect(e(() => p.addService('F', { port: 1000, proxy: { statsTags: ['payments'] } }))).toMatch(/proxy.statsTags "payments" is not "key=value"/);
    expect(e(() => p.addService('G', { port: 1000, proxy: { localConnectTimeoutMs: 0 } }))).toMatch(/proxy.localConnectTimeoutMs 0 must be a positive integer \(milliseconds\)/);
    expect(e(() => p.addMeshGateway('G3', { lanAddress: '10.0.0.9', wanAddress: '192.0.2.9', proxy: { bindAddresses: { x: { address: '0.0.0.0', port: 0 } } } }))).toMatch(
      /proxy.bindAddresses.x.port 0 is not a valid port/,
    );
  });

  // Plain JavaScript, jsii languages and objects passed through variables skip TypeScript's excess-property check.
  test('refuses a key that is no typed option, naming it, the close options and rawConfig', () => {
    const { dc1 } = peeredPair();
    const p = dc1.defaultPartition;
    const gateway = (id: string, proxy: object) => () => p.addMeshGateway(id, { lanAddress: '10.0.0.9', wanAddress: '192.0.2.9', proxy: proxy as any });
    const sidecar = validationErrorOf(() => p.addService('A', { port: 1000, proxy: { tracingJSON: '{' } as any }));
    expect(sidecar).toMatchObject({ constructPath: 'test/Dc1/Partitions/default/A', prop: 'proxy', value: 'tracingJSON' });
    expect(sidecar.message).toMatch(/proxy "tracingJSON" is not an option of a sidecar's proxy, and would be dropped; did you mean "tracingJson"/);
    expect(sidecar.fix).toMatch(/or put it in rawConfig if it is a Proxy.Config key Consul reads \(rawConfig: \{ "tracingJSON": \.\.\. \}\)$/);
    expect(validationErrorOf(gateway('G1', { dnsDiscovery: 'STRICT_DNS' })).message).toMatch(
      /proxy "dnsDiscovery" is not an option of a mesh gateway's proxy, and would be dropped; did you mean "dnsDiscoveryType"\? or put it in rawConfig/,
    );
    // Nothing close: every option is listed. A sidecar option on a gateway is unknown there.
    expect(validationErrorOf(gateway('G2', { localConnectTimeoutMs: 1000 })).fix).toMatch(/^use one of extraStaticClustersJson, .*dnsDiscoveryType, .*bindAddresses, rawConfig; or put it in rawConfig/);
    // A Consul key a typed option writes points to the option.
    expect(validationErrorOf(() => p.addService('B', { port: 1000, proxy: { envoy_tracing_json: '{}' } as any })).message).toMatch(
      /proxy "envoy_tracing_json" is the Proxy.Config key the typed option tracingJson writes, not an option of a sidecar, and would be dropped; use tracingJson instead/,
    );
    // Several unknown keys: the first by name is reported, whatever the order they were written in.
    expect(validationErrorOf(gateway('G3', { zeta: 1, alpha: 2 })).value).toBe('alpha');
    // A key that is present but undefined is still a slip.
    expect(validationErrorOf(() => p.addService('C', { port: 1000, proxy: { statsdURL: undefined } as any })).value).toBe('statsdURL');
  });

  test('refuses enumerated values Consul would ignore, non-booleans and values of the wrong type', () => {
    const { dc1 } = peeredPair();
    const p = dc1.defaultPartition;
    const gateway = (id: string, proxy: object) => () => p.addMeshGateway(id, { lanAddress: '10.0.0.9', wanAddress: '192.0.2.9', proxy: proxy as any });
    const e = (f: () => unknown) => validationErrorOf(f).message;
    expect(e(gateway('G1', { dnsDiscoveryType: 'DNS' }))).toMatch(
      /proxy.dnsDiscoveryType "DNS" is not an Envoy DNS discovery type \(Consul would treat it as LOGICAL_DNS\); use EnvoyDnsDiscoveryType.STRICT_DNS or EnvoyDnsDiscoveryType.LOGICAL_DNS/,
    );
    expect(e(gateway('G2', { remoteTcpKeepalive: 'yes' }))).toMatch(/proxy.remoteTcpKeepalive "yes" is not a boolean; use true or false/);
    expect(e(() => p.addService('A', { port: 1000, proxy: { balanceInboundConnections: 'round_robin' } }))).toMatch(
      /proxy.balanceInboundConnections "round_robin" is not a connection balancing Consul knows \(it ignores any other value\); use "exact_balance", or leave it out/,
    );
    expect(e(() => p.addService('B', { port: 1000, proxy: { statsdUrl: 8125 as any } }))).toMatch(/proxy.statsdUrl 8125 is not a string; give a string, e.g. "udp:\/\/127.0.0.1:8125"/);
    expect(e(() => p.addService('C', { port: 1000, proxy: { tracingJson: { http: {} } as any } }))).toMatch(/proxy.tracingJson \{"http":\{\}\} is not a string; give a string, e.g. JSON.stringify/);
    expect(e(() => p.addService('D', { port: 1000, proxy: { statsTags: 'team=payments' as any } }))).toMatch(/proxy.statsTags "team=payments" is not a list/);
    // Consul reads the discovery type case-insensitively.
    expect(() => gateway('G3', { dnsDiscoveryType: 'strict_dns' })()).not.toThrow();
  });

  test('checks stats sink addresses as Consul turns them into Envoy\'s, leaving environment variables to Envoy\'s start', () => {
    const { dc1 } = peeredPair();
    const p = dc1.defaultPartition;
    const e = (f: () => unknown) => validationErrorOf(f).message;
    for (const [id, bad] of [['A', '127.0.0.1:8125'], ['B', 'udp://127.0.0.1'], ['C', 'tcp://127.0.0.1:8125'], ['D', 'unix://relative.sock']] as const) {
      expect(e(() => p.addService(id, { port: 1000, proxy: { dogstatsdUrl: bad } }))).toMatch(
        /proxy.dogstatsdUrl ".*" is not a stats sink address Consul can turn into Envoy's \(udp:\/\/<ip>:<port> or unix:\/\/\/<path>\); e.g. "udp:\/\/127.0.0.1:8125"/,
      );
    }
    for (const [id, good] of [['E', 'udp://${HOST_IP}:8125'], ['F', 'unix:///var/run/dogstatsd.sock'], ['G', '$STATSD_URL'], ['H', 'udp://statsd.local:8125']] as const) {
      expect(() => p.addService(id, { port: 1000, proxy: { statsdUrl: good } })).not.toThrow();
    }
  });
});

describe('service-level gateway mode', () => {
  test('is written to service-defaults and applies to the service\'s upstreams between the upstream\'s own mode and the cluster\'s', () => {
    const { stack, dc2, peering, dc1 } = peeredPair();
    const api = dc2.defaultPartition.services[0] as MeshService;
    const admin = dc1.defaultPartition.addService('Admin', { port: 9092, meshGatewayMode: MeshGatewayMode.LOCAL });
    admin.connectTo(api, { via: peering, localBindPort: 9191 });
    const audit = dc1.defaultPartition.addService('Audit', { port: 9093, meshGatewayMode: MeshGatewayMode.LOCAL });
    audit.connectTo(api, { via: peering, localBindPort: 9191, meshGatewayMode: MeshGatewayMode.REMOTE });
    const json = synthJson(stack, true);
    const defaults = resources(json, 'consul_config_entry_service_defaults').find((d) => d.name === 'admin');
    expect(defaults).toMatchObject({ protocol: 'tcp', mesh_gateway: [{ mode: 'local' }] });
    expect(admin.upstreams[0].meshGatewayMode).toBe(MeshGatewayMode.LOCAL); // service over cluster (remote)
    expect(audit.upstreams[0].meshGatewayMode).toBe(MeshGatewayMode.REMOTE); // upstream over service
    expect(dc1.meshGatewayMode).toBe(MeshGatewayMode.REMOTE);
  });

  test('none is refused for a service that calls across a peering', () => {
    const { dc1, dc2, peering } = peeredPair();
    const api = dc2.defaultPartition.services[0] as MeshService;
    const svc = dc1.defaultPartition.addService('Batch', { port: 9094, meshGatewayMode: MeshGatewayMode.NONE });
    expect(validationErrorOf(() => svc.connectTo(api, { via: peering, localBindPort: 9191 })).message).toMatch(/meshGatewayMode "none" on connection "batch" -> "api" carries peered traffic/);
    const stack = emptyStack();
    expect(new ConsulCluster(stack, 'X', { datacenter: 'x1', address: 'a:1' }).defaultPartition.addService('Y', { port: 1, meshGatewayMode: MeshGatewayMode.NONE }).meshGatewayMode).toBe(MeshGatewayMode.NONE);
  });
});

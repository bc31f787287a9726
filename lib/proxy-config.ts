import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { assertPort, assertPositiveInteger, closestNames, compareStrings, isUnresolved } from './private/validate';

/*
 * The opaque `Proxy.Config` of gateway and sidecar registrations, typed: the one home of which option writes
 * which key. Key names and meanings are Consul's (agent/xds/config.go `ProxyConfig` and `GatewayConfig`,
 * command/connect/envoy/bootstrap_config.go `BootstrapConfig`, in Consul 1.14.0).
 */

/**
 * How Envoy resolves remote gateways addressed by host name (`envoy_dns_discovery_type`). Consul reads the
 * value case-insensitively and treats anything but `STRICT_DNS` as `LOGICAL_DNS`, so other values are refused.
 */
export enum EnvoyDnsDiscoveryType {
  /** Use the first address the name resolves to (Consul's default). */
  LOGICAL_DNS = 'LOGICAL_DNS',
  /** Use every address the name resolves to. */
  STRICT_DNS = 'STRICT_DNS',
}

/** An extra listener address of a gateway (an entry of `envoy_gateway_bind_addresses`). */
export interface GatewayBindAddress {
  /** The address to bind. */
  readonly address: string;
  /** The port to bind. */
  readonly port: number;
}

/**
 * Options of Envoy's bootstrap, for gateways and sidecars alike (read by `consul connect envoy` from the
 * registration's `Proxy.Config`). The JSON options are escape hatches: Consul inserts them into Envoy's
 * bootstrap as given, so they must be valid JSON (checked) and valid Envoy configuration (not checked).
 * @see https://developer.hashicorp.com/consul/docs/reference/proxy/envoy#bootstrap-configuration
 */
export interface EnvoyBootstrapOptions {
  /** `envoy_extra_static_clusters_json`: extra static clusters (JSON, one cluster or several comma-separated). @default - none */
  readonly extraStaticClustersJson?: string;
  /** `envoy_extra_static_listeners_json`: extra static listeners (JSON). @default - none */
  readonly extraStaticListenersJson?: string;
  /** `envoy_extra_stats_sinks_json`: extra stats sinks (JSON). @default - none */
  readonly extraStatsSinksJson?: string;
  /** `envoy_stats_config_json`: replaces Envoy's `stats_config` (JSON). @default - Consul's */
  readonly statsConfigJson?: string;
  /** `envoy_stats_flush_interval`: how often stats are flushed (a duration, e.g. "10s"). @default - Envoy's (5s) */
  readonly statsFlushInterval?: string;
  /** `envoy_tracing_json`: Envoy's `tracing` configuration (JSON). @default - no tracing */
  readonly tracingJson?: string;
  /** `envoy_stats_tags`: extra tags ("key=value") on every metric. @default - none */
  readonly statsTags?: string[];
  /**
   * `envoy_statsd_url`: a statsd sink. Checked as Consul reads it: `udp://<ip>:<port>` (`${HOST_IP}` may stand
   * for the host), `unix:///path`, or `$ENV_VAR` naming a variable that holds one.
   * @default - none
   */
  readonly statsdUrl?: string;
  /**
   * `envoy_dogstatsd_url`: a DogStatsD sink, in the same forms as `statsdUrl`.
   * @default - none
   */
  readonly dogstatsdUrl?: string;
  /** `envoy_prometheus_bind_addr`: serve Prometheus metrics on this "address:port". @default - not served */
  readonly prometheusBindAddr?: string;
  /** `envoy_stats_bind_addr`: serve the stats endpoint on this "address:port". @default - not served */
  readonly statsBindAddr?: string;
  /**
   * Any other `Proxy.Config` keys, written as given: for options Consul adds later. A key that one of the typed
   * options writes is refused (use the option).
   * @default - none
   */
  readonly rawConfig?: { [key: string]: any };
}

/**
 * `Proxy.Config` options of a mesh gateway (besides the tagged-address binding, which the data plane decides).
 * @see https://developer.hashicorp.com/consul/docs/reference/proxy/envoy#gateway-options
 */
export interface MeshGatewayProxyOptions extends EnvoyBootstrapOptions {
  /** `envoy_gateway_bind_addresses`: extra listeners, by name. @default - none */
  readonly bindAddresses?: { [name: string]: GatewayBindAddress };
  /**
   * `envoy_dns_discovery_type`: how remote gateways given by host name are resolved. Checked: one of the enum's
   * values (Consul compares them case-insensitively).
   * @default EnvoyDnsDiscoveryType.LOGICAL_DNS
   */
  readonly dnsDiscoveryType?: EnvoyDnsDiscoveryType;
  /** `envoy_gateway_remote_tcp_enable_keepalive`: TCP keepalive on connections to remote gateways (a boolean). @default false */
  readonly remoteTcpKeepalive?: boolean;
  /** `envoy_gateway_remote_tcp_keepalive_time`: idle seconds before the first probe. @default - the OS's */
  readonly remoteTcpKeepaliveTimeSec?: number;
  /** `envoy_gateway_remote_tcp_keepalive_interval`: seconds between probes. @default - the OS's */
  readonly remoteTcpKeepaliveIntervalSec?: number;
  /** `envoy_gateway_remote_tcp_keepalive_probes`: unanswered probes before the connection is dropped. @default - the OS's */
  readonly remoteTcpKeepaliveProbes?: number;
}

/**
 * `Proxy.Config` options of a sidecar (the protocol is set with the service's `protocol`, the listener
 * address by the data plane).
 * @see https://developer.hashicorp.com/consul/docs/reference/proxy/envoy#proxy-config-options
 */
export interface SidecarProxyOptions extends EnvoyBootstrapOptions {
  /** `local_connect_timeout_ms`: timeout connecting to the local app. @default 5000 */
  readonly localConnectTimeoutMs?: number;
  /** `local_request_timeout_ms`: timeout of HTTP requests to the local app (http services). @default - Envoy's (15 s) */
  readonly localRequestTimeoutMs?: number;
  /** `max_inbound_connections`: limit of inbound connections. @default - no limit */
  readonly maxInboundConnections?: number;
  /**
   * `balance_inbound_connections`: "exact_balance" spreads connections evenly over Envoy's workers. It is the one
   * value Consul knows (it ignores any other with a warning), so any other is refused.
   * @default - Envoy's (no balancing)
   */
  readonly balanceInboundConnections?: string;
  /** `envoy_public_listener_json`: replaces the public listener (JSON escape hatch). @default - Consul's */
  readonly publicListenerJson?: string;
  /** `envoy_local_cluster_json`: replaces the cluster of the local app (JSON escape hatch). @default - Consul's */
  readonly localClusterJson?: string;
  /** `envoy_listener_tracing_json`: tracing of the public listener (JSON). @default - none */
  readonly listenerTracingJson?: string;
}

type Kind = 'string' | 'json' | 'duration' | 'strings' | 'bool' | 'count' | 'seconds' | 'ms' | 'address' | 'dns' | 'balance' | 'sink';

/** Every typed option: its prop, its key, its kind. */
const BOOTSTRAP: Array<[keyof EnvoyBootstrapOptions, string, Kind]> = [
  ['extraStaticClustersJson', 'envoy_extra_static_clusters_json', 'json'],
  ['extraStaticListenersJson', 'envoy_extra_static_listeners_json', 'json'],
  ['extraStatsSinksJson', 'envoy_extra_stats_sinks_json', 'json'],
  ['statsConfigJson', 'envoy_stats_config_json', 'json'],
  ['statsFlushInterval', 'envoy_stats_flush_interval', 'duration'],
  ['tracingJson', 'envoy_tracing_json', 'json'],
  ['statsTags', 'envoy_stats_tags', 'strings'],
  ['statsdUrl', 'envoy_statsd_url', 'sink'],
  ['dogstatsdUrl', 'envoy_dogstatsd_url', 'sink'],
  ['prometheusBindAddr', 'envoy_prometheus_bind_addr', 'address'],
  ['statsBindAddr', 'envoy_stats_bind_addr', 'address'],
];
const GATEWAY: Array<[keyof MeshGatewayProxyOptions, string, Kind]> = [
  ...BOOTSTRAP,
  ['dnsDiscoveryType', 'envoy_dns_discovery_type', 'dns'],
  ['remoteTcpKeepalive', 'envoy_gateway_remote_tcp_enable_keepalive', 'bool'],
  ['remoteTcpKeepaliveTimeSec', 'envoy_gateway_remote_tcp_keepalive_time', 'seconds'],
  ['remoteTcpKeepaliveIntervalSec', 'envoy_gateway_remote_tcp_keepalive_interval', 'seconds'],
  ['remoteTcpKeepaliveProbes', 'envoy_gateway_remote_tcp_keepalive_probes', 'count'],
];
const SIDECAR: Array<[keyof SidecarProxyOptions, string, Kind]> = [
  ...BOOTSTRAP,
  ['localConnectTimeoutMs', 'local_connect_timeout_ms', 'ms'],
  ['localRequestTimeoutMs', 'local_request_timeout_ms', 'ms'],
  ['maxInboundConnections', 'max_inbound_connections', 'count'],
  ['balanceInboundConnections', 'balance_inbound_connections', 'balance'],
  ['publicListenerJson', 'envoy_public_listener_json', 'json'],
  ['localClusterJson', 'envoy_local_cluster_json', 'json'],
  ['listenerTracingJson', 'envoy_listener_tracing_json', 'json'],
];

/**
 * Keys the library writes itself (the gateway's tagged-address binding and connect timeout; the sidecar's
 * protocol and bind address come from other props or the data plane): refused in `rawConfig`.
 */
const OWN_GATEWAY_KEYS = ['envoy_gateway_bind_tagged_addresses', 'envoy_gateway_no_default_bind', 'envoy_gateway_bind_addresses', 'connect_timeout_ms',
  'envoy_mesh_gateway_bind_tagged_addresses', 'envoy_mesh_gateway_no_default_bind', 'envoy_mesh_gateway_bind_addresses'];
const OWN_SIDECAR_KEYS = ['protocol', 'bind_address', 'bind_port'];

/**
 * The props each options object may have: the typed options and the ones handled beside the table. Any other
 * key (a typo, another casing, a Consul key) would be dropped without a word, so it is refused.
 */
const GATEWAY_PROPS = new Set<string>([...GATEWAY.map(([prop]) => prop), 'bindAddresses', 'rawConfig']);
const SIDECAR_PROPS = new Set<string>([...SIDECAR.map(([prop]) => prop), 'rawConfig']);

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/**
 * A stats sink address as Consul 1.14 turns it into Envoy's (command/connect/envoy/bootstrap_config.go
 * `generateStatsSinkJSON`): `udp://host:port` (the port is required) or `unix:///path`; a value starting with
 * "$" names an environment variable read when Envoy starts, which cannot be checked here.
 */
const STATS_SINK = /^(udp:\/\/[^\s/:]+:\d{1,5}|unix:\/\/\/\S+)$/;
const DNS_DISCOVERY_TYPES: string[] = [EnvoyDnsDiscoveryType.LOGICAL_DNS, EnvoyDnsDiscoveryType.STRICT_DNS];

/** Checks `options` of a gateway now (reported on `scope`) and returns the `Proxy.Config` keys it writes. */
export function gatewayProxyConfig(scope: IConstruct, options?: MeshGatewayProxyOptions): Record<string, unknown> {
  // Most gateways have no options: nothing to check or write.
  if (options == null) return {};
  assertKnownOptions(scope, options, GATEWAY_PROPS, GATEWAY, 'a mesh gateway');
  const config = typedConfig(scope, 'proxy', options, GATEWAY);
  if (options.bindAddresses !== undefined) {
    const names = Object.keys(options.bindAddresses).sort(compareStrings);
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const a = options.bindAddresses[name];
      assertPort(`proxy.bindAddresses.${name}.port`, a.port, 1, scope);
      if (!isUnresolved(a.address) && a.address.trim() === '') {
        throw new ValidationError(scope, { prop: `proxy.bindAddresses.${name}.address`, problem: 'is empty', fix: 'give the address to bind, e.g. "0.0.0.0"' });
      }
      out[name] = { address: a.address, port: a.port };
    }
    config.envoy_gateway_bind_addresses = out;
  }
  return withRaw(scope, config, options.rawConfig, [...GATEWAY.map(([, key]) => key), ...OWN_GATEWAY_KEYS]);
}

/** Checks `options` of a sidecar now (reported on `scope`) and returns the `Proxy.Config` keys it writes. */
export function sidecarProxyConfig(scope: IConstruct, options?: SidecarProxyOptions): Record<string, unknown> {
  // Most services have no options: nothing to check or write.
  if (options == null) return {};
  assertKnownOptions(scope, options, SIDECAR_PROPS, SIDECAR, 'a sidecar');
  const config = typedConfig(scope, 'proxy', options, SIDECAR);
  // Most services have no raw keys: the list of keys they may not set is only built for the ones that do.
  if (options.rawConfig === undefined) return config;
  return withRaw(scope, config, options.rawConfig, [...SIDECAR.map(([, key]) => key), ...OWN_SIDECAR_KEYS]);
}

function typedConfig<T extends object>(scope: IConstruct, where: string, options: T, table: Array<[keyof T, string, Kind]>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [prop, key, kind] of table) {
    const value = (options as any)[prop];
    if (value === undefined) continue;
    check(scope, `${where}.${String(prop)}`, value, kind);
    config[key] = kind === 'strings' ? [...value] : value;
  }
  return config;
}

/**
 * Refuses a key of `options` that is not one of its props (`known`): plain JavaScript, jsii languages and objects
 * passed through variables skip TypeScript's excess-property check, and the key would be dropped silently.
 */
function assertKnownOptions(scope: IConstruct, options: object, known: ReadonlySet<string>, table: ReadonlyArray<[string | number | symbol, string, Kind]>, what: string): void {
  let unknown: string | undefined;
  for (const key of Object.keys(options)) {
    if (!known.has(key) && (unknown === undefined || compareStrings(key, unknown) < 0)) unknown = key;
  }
  if (unknown === undefined) return;
  const typed = table.find(([, consulKey]) => consulKey === unknown);
  if (typed) {
    throw new ValidationError(scope, {
      prop: 'proxy',
      value: unknown,
      problem: `is the Proxy.Config key the typed option ${String(typed[0])} writes, not an option of ${what}, and would be dropped`,
      fix: `use ${String(typed[0])} instead`,
    });
  }
  const close = closestNames(unknown, [...known]);
  throw new ValidationError(scope, {
    prop: 'proxy',
    value: unknown,
    problem: `is not an option of ${what}'s proxy, and would be dropped`,
    fix:
      (close.length > 0 ? `did you mean ${close.map((n) => `"${n}"`).join(' or ')}? ` : `use one of ${[...known].join(', ')}; `) +
      `or put it in rawConfig if it is a Proxy.Config key Consul reads (rawConfig: { ${JSON.stringify(unknown)}: ... })`,
  });
}

/** What a string option looks like, for the message that refuses another type. */
const STRING_EXAMPLE: Partial<Record<Kind, string>> = {
  string: '"udp://127.0.0.1:8125"',
  sink: '"udp://127.0.0.1:8125"',
  json: 'JSON.stringify({ ... })',
  duration: '"10s"',
  address: '"0.0.0.0:9102"',
  dns: 'EnvoyDnsDiscoveryType.STRICT_DNS',
  balance: '"exact_balance"',
};

function check(scope: IConstruct, prop: string, value: any, kind: Kind): void {
  if (isUnresolved(value)) return;
  const example = STRING_EXAMPLE[kind];
  if (example !== undefined && typeof value !== 'string') {
    throw new ValidationError(scope, { prop, value, problem: 'is not a string', fix: `give a string, e.g. ${example}` });
  }
  switch (kind) {
    case 'json':
      try {
        JSON.parse(value);
      } catch (e) {
        // Consul also accepts several comma-separated objects for the "extra" options: try them as an array.
        try {
          JSON.parse(`[${value}]`);
        } catch {
          throw new ValidationError(scope, {
            prop,
            value: value.length > 60 ? `${value.slice(0, 57)}...` : value,
            problem: `is not JSON (${(e as Error).message})`,
            fix: 'give the Envoy configuration as a JSON string, e.g. JSON.stringify({ ... })',
          });
        }
      }
      return;
    case 'duration':
      if (!DURATION.test(value)) throw new ValidationError(scope, { prop, value, problem: 'is not a duration', fix: 'use a Go duration such as "10s" or "1m30s"' });
      return;
    case 'seconds':
      assertPositiveInteger(prop, value, 'seconds', 30, scope);
      return;
    case 'ms':
      assertPositiveInteger(prop, value, 'milliseconds', 5000, scope);
      return;
    case 'count':
      assertPositiveInteger(prop, value, 'a count', 3, scope);
      return;
    case 'address':
      if (!/^[^\s:]+:\d{1,5}$/.test(value)) throw new ValidationError(scope, { prop, value, problem: 'is not "address:port"', fix: 'e.g. "0.0.0.0:9102"' });
      return;
    case 'strings':
      if (!Array.isArray(value)) throw new ValidationError(scope, { prop, value, problem: 'is not a list', fix: 'give a list of "key=value" strings, e.g. ["team=payments"]' });
      for (const tag of value as string[]) {
        if (!isUnresolved(tag) && !(typeof tag === 'string' && /^[^=]+=.*$/.test(tag))) throw new ValidationError(scope, { prop, value: tag, problem: 'is not "key=value"', fix: 'e.g. "team=payments"' });
      }
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw new ValidationError(scope, { prop, value, problem: 'is not a boolean', fix: 'use true or false' });
      return;
    case 'dns':
      if (!DNS_DISCOVERY_TYPES.includes(value.toUpperCase())) {
        throw new ValidationError(scope, {
          prop,
          value,
          problem: 'is not an Envoy DNS discovery type (Consul would treat it as LOGICAL_DNS)',
          fix: 'use EnvoyDnsDiscoveryType.STRICT_DNS or EnvoyDnsDiscoveryType.LOGICAL_DNS',
        });
      }
      return;
    case 'sink':
      if (!value.startsWith('$') && !STATS_SINK.test(value.replace(/\$\{HOST_IP\}/g, 'host'))) {
        throw new ValidationError(scope, {
          prop,
          value,
          problem: 'is not a stats sink address Consul can turn into Envoy\'s (udp://<ip>:<port> or unix:///<path>)',
          fix: 'e.g. "udp://127.0.0.1:8125", "udp://${HOST_IP}:8125", "unix:///var/run/dogstatsd.sock" or "$STATSD_URL"',
        });
      }
      return;
    case 'balance':
      if (value !== 'exact_balance') {
        throw new ValidationError(scope, {
          prop,
          value,
          problem: 'is not a connection balancing Consul knows (it ignores any other value)',
          fix: 'use "exact_balance", or leave it out for no balancing',
        });
      }
      return;
    default:
      return;
  }
}

function withRaw(scope: IConstruct, config: Record<string, unknown>, raw: { [key: string]: any } | undefined, typedKeys: string[]): Record<string, unknown> {
  for (const key of Object.keys(raw ?? {}).sort(compareStrings)) {
    if (typedKeys.includes(key)) {
      throw new ValidationError(scope, {
        prop: 'proxy.rawConfig',
        value: key,
        problem: 'is a key a typed option (or the library itself) writes',
        fix: 'use the typed option for it (see the option docs for which key each writes), and keep rawConfig for keys Consul added later',
      });
    }
    config[key] = raw![key];
  }
  return config;
}

import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { clusterConfigEntry } from '../private/config-entry';
import * as errors from '../private/errors';
import { KIND, register, registered } from '../private/registry';
import type { IConsulCluster } from '../cluster';
import { ValidationError } from '../errors';
import { MeshGatewayMode } from '../mesh-gateway-mode';

/**
 * Props of {@link ProxyDefaults}.
 */
export interface ProxyDefaultsProps {
  /** The cluster; its provider writes the entry (into the `default` partition on Enterprise, the only one used). */
  readonly cluster: IConsulCluster;
  /**
   * `MeshGateway.Mode` for every proxy in the cluster (upstreams and service-defaults can override it).
   * For peered upstreams `none` is not valid (Consul treats it as `remote`), so it is rejected when the
   * cluster takes part in a peering.
   * @default - no mode is written; Consul then uses `remote` for peered upstreams
   * @see https://developer.hashicorp.com/consul/docs/east-west/mesh-gateway
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Default protocol of every service (`Config.protocol`), e.g. `http`.
   * @default - not set; Consul uses `tcp`
   */
  readonly protocol?: string;
}

/**
 * The global `proxy-defaults` config entry (name `global`), rendered with the PascalCase keys the API returns.
 *
 * Creates one `consul_config_entry` (kind `proxy-defaults`, name `global`). Consul keeps one such entry, so a
 * cluster has one: a second one for the same cluster (also next to the one the cluster writes itself unless
 * `manageMeshDefaults` is false) is reported at synth.
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/proxy-defaults
 */
export class ProxyDefaults extends Construct {
  /** The `consul_config_entry` L1. */
  public readonly resource: configEntry.ConfigEntry;
  /** The gateway mode written, if any. */
  public readonly meshGatewayMode?: MeshGatewayMode;
  private readonly protocol?: string;

  public constructor(scope: Construct, id: string, props: ProxyDefaultsProps) {
    super(scope, id);
    if (props.protocol !== undefined && !Token.isUnresolved(props.protocol) && props.protocol.trim() === '') {
      throw new ValidationError(this, { prop: 'protocol', problem: 'must not be empty', fix: 'omit it or use "tcp", "http", "http2" or "grpc"' });
    }
    this.meshGatewayMode = props.meshGatewayMode;
    this.protocol = props.protocol;
    this.resource = clusterConfigEntry(this, props.cluster, 'proxy-defaults', 'global', () => this.toJson());
    register(props.cluster, KIND.PROXY_DEFAULTS, this);
    const cluster = props.cluster;
    this.node.addValidation({
      validate: () => {
        const messages: string[] = [];
        // A cluster whose own mode is none reports it itself (its own entry carries that mode).
        if (this.meshGatewayMode === MeshGatewayMode.NONE && cluster.meshGatewayMode !== MeshGatewayMode.NONE && cluster.peerings.length > 0) {
          messages.push(errors.modeNoneForPeers('meshGatewayMode', `the proxy-defaults of cluster "${cluster.datacenter}", which`));
        }
        const twins = registered<ProxyDefaults>(cluster, KIND.PROXY_DEFAULTS).filter((e) => e !== this);
        if (twins.length === 0) return messages;
        return [
          ...messages,
          ValidationError.message({
            prop: 'cluster',
            value: cluster.datacenter,
            problem:
              `has a second proxy-defaults entry (${twins.map((t) => t.node.path).join(', ')}); Consul keeps one "global" ` +
              'proxy-defaults entry, so each would overwrite the other and every plan would show a change',
            fix: 'keep one per cluster: remove the extra one, or set manageMeshDefaults: false on the cluster to write your own',
          }),
        ];
      },
    });
  }

  /**
   * The entry body exactly as the Consul API echoes it (without Kind, Name, Partition, Namespace), so that a
   * second plan is empty: the provider decodes the server's read and ours with `api.DecodeConfigEntry` and
   * compares them with `reflect.DeepEqual`, and in the API struct (`github.com/hashicorp/consul/api` v1.32)
   * `TransparentProxy` and `AccessLogs` are pointers, which the server's value-typed fields always fill:
   * - `TransparentProxy: {}`: echoed by every version with peering (seen live on Consul 1.14.0, where
   *   leaving it out made every later plan show an update);
   * - `AccessLogs: {}`: the server's `AccessLogsConfig` is a value field since Consul 1.15 (access logs),
   *   echoed as `{}` by every version this library supports (>= 1.19). Reasoned from the server's struct
   *   and api v1.32, not run live (no later Consul than 1.14 can be built here); the live tier strips it
   *   for its 1.14 servers, which do not know the key.
   */
  public toJson(): any {
    const body: Record<string, unknown> = {};
    if (this.protocol !== undefined) body.Config = { protocol: this.protocol };
    body.Expose = {};
    body.MeshGateway = this.meshGatewayMode ? { Mode: this.meshGatewayMode } : {};
    body.TransparentProxy = {};
    body.AccessLogs = {};
    return body;
  }
}

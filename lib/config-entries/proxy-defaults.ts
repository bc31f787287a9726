import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { clusterConfigEntry } from '../private/config-entry';
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
 * Creates one `consul_config_entry` (kind `proxy-defaults`, name `global`).
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
  }

  /** The entry body as the Consul API returns it (without Kind, Name, Partition, Namespace). */
  public toJson(): any {
    const body: Record<string, unknown> = {};
    if (this.protocol !== undefined) body.Config = { protocol: this.protocol };
    body.Expose = {};
    body.MeshGateway = this.meshGatewayMode ? { Mode: this.meshGatewayMode } : {};
    return body;
  }
}

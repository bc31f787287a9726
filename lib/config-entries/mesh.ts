import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Lazy, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Props of {@link MeshConfigEntry}.
 */
export interface MeshConfigEntryProps {
  /**
   * Route peering control-plane traffic (token dial, replication stream) through the mesh gateways
   * (`Peering.PeerThroughMeshGateways`). Must be on in both peered clusters before the token is generated
   * and before the peering is established.
   * @default false
   * @see https://developer.hashicorp.com/consul/docs/east-west/mesh-gateway/cluster-peer
   */
  readonly peerThroughMeshGateways?: boolean;
  /**
   * `TransparentProxy.MeshDestinationsOnly`: transparent proxies may only dial destinations in the mesh.
   * @default false
   */
  readonly meshDestinationsOnly?: boolean;
  /**
   * `AllowEnablingPermissiveMutualTLS`.
   * @default false
   */
  readonly allowEnablingPermissiveMutualTls?: boolean;
  /**
   * Admin partition of the entry (Enterprise). Peering settings are only honoured in `default`.
   * @default - no partition argument (Community Edition)
   */
  readonly partition?: string;
  /**
   * Consul provider alias of the cluster.
   * @default - the stack's default consul provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The cluster-wide `mesh` config entry, written through `consul_config_entry` with the PascalCase keys
 * the Consul API returns (so plans converge and nothing is silently dropped).
 *
 * Creates one `consul_config_entry` (kind `mesh`, name `mesh`).
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/mesh
 */
export class MeshConfigEntry extends Construct {
  /** The `consul_config_entry` L1. */
  public readonly resource: configEntry.ConfigEntry;
  /** @internal Set by the owning cluster, which decides at synth time. */
  public _peerThroughResolver?: () => boolean;
  private readonly peerThrough: boolean;
  private readonly props: MeshConfigEntryProps;

  public constructor(scope: Construct, id: string, props: MeshConfigEntryProps = {}) {
    super(scope, id);
    this.props = props;
    this.peerThrough = props.peerThroughMeshGateways ?? false;
    this.resource = new configEntry.ConfigEntry(this, 'Resource', {
      kind: 'mesh',
      name: 'mesh',
      partition: props.partition,
      configJson: Lazy.stringValue({ produce: () => JSON.stringify(this.toJson()) }),
      provider: props.provider,
    });
  }

  /** Whether peering control-plane traffic goes through mesh gateways. */
  public get peerThroughMeshGateways(): boolean {
    return this._peerThroughResolver ? this._peerThroughResolver() : this.peerThrough;
  }

  /** The entry body as the Consul API returns it (without Kind, Name, Partition, Namespace). */
  public toJson(): any {
    const body: Record<string, unknown> = {
      TransparentProxy: { MeshDestinationsOnly: this.props.meshDestinationsOnly ?? false },
    };
    if (this.props.allowEnablingPermissiveMutualTls) {
      body.AllowEnablingPermissiveMutualTLS = true;
    }
    body.Peering = { PeerThroughMeshGateways: this.peerThroughMeshGateways };
    return body;
  }
}

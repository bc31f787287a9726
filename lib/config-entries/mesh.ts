import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Construct } from 'constructs';
import { clusterConfigEntry } from '../private/config-entry';
import type { IConsulCluster } from '../cluster';

/**
 * Props of {@link MeshConfigEntry}.
 */
export interface MeshConfigEntryProps {
  /** The cluster; its provider writes the entry (into the `default` partition on Enterprise, the only one whose peering settings count). */
  readonly cluster: IConsulCluster;
  /**
   * Route peering control-plane traffic (token dial, replication stream) through the mesh gateways
   * (`Peering.PeerThroughMeshGateways`). Must be on in both peered clusters before the token is generated
   * and before the peering is established.
   * @default - the cluster's peerThroughMeshGateways, decided at synth
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
  private readonly props: MeshConfigEntryProps;

  public constructor(scope: Construct, id: string, props: MeshConfigEntryProps) {
    super(scope, id);
    this.props = props;
    this.resource = clusterConfigEntry(this, props.cluster, 'mesh', 'mesh', () => this.toJson());
  }

  /** Whether peering control-plane traffic goes through mesh gateways (read at synth). */
  public get peerThroughMeshGateways(): boolean {
    return this.props.peerThroughMeshGateways ?? this.props.cluster.peerThroughMeshGateways;
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

import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Construct } from 'constructs';
import { clusterConfigEntry } from '../private/config-entry';
import type { IConsulCluster } from '../cluster';
import { ValidationError } from '../errors';
import { KIND, register, registered } from '../private/registry';

/**
 * Props of {@link MeshConfigEntry}.
 */
export interface MeshConfigEntryProps {
  /** The cluster; its provider writes the entry (into the `default` partition on Enterprise, the only one whose peering settings count). */
  readonly cluster: IConsulCluster;
  /**
   * Route peering control-plane traffic (token dial, replication stream) through the mesh gateways
   * (`Peering.PeerThroughMeshGateways`). Must be on in both peered clusters before the token is generated
   * and before the peering is established. A value other than the cluster's own is reported at synth when the
   * cluster peers or has a gateway in its default partition (the library's peering checks and the gateway's
   * rules follow the cluster's value): set it on the cluster instead.
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
 * Creates one `consul_config_entry` (kind `mesh`, name `mesh`), in the cluster's default partition. Consul keeps
 * one `mesh` entry per partition and honours only the default partition's peering settings, so a cluster has one:
 * a second one for the same cluster (also next to the one the cluster writes itself unless `manageMeshDefaults`
 * is false) is reported at synth.
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
    register(props.cluster, KIND.MESH_ENTRY, this);
    this.node.addValidation({ validate: () => this.validateEntry() });
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

  private validateEntry(): string[] {
    const messages: string[] = [];
    const cluster = this.props.cluster;
    const twins = registered<MeshConfigEntry>(cluster, KIND.MESH_ENTRY).filter((e) => e !== this);
    if (twins.length > 0) {
      messages.push(
        ValidationError.message({
          prop: 'cluster',
          value: cluster.datacenter,
          problem:
            `has a second mesh config entry (${twins.map((t) => t.node.path).join(', ')}); Consul keeps one "mesh" entry ` +
            'per partition, and the library writes every cluster\'s into its default partition, the only one whose peering settings count',
          fix: 'keep one mesh entry per cluster: remove the extra one, or set manageMeshDefaults: false on the cluster to write your own',
        }),
      );
    }
    // The cluster's value decides the peering checks, the order of token and peering, and the gateway's rules; an
    // entry that writes another value contradicts them where they apply.
    const explicit = this.props.peerThroughMeshGateways;
    const applies = cluster.peerings.length > 0 || cluster.partitions.some((p) => p.isDefault && p.meshGateways.length > 0);
    if (explicit !== undefined && explicit !== cluster.peerThroughMeshGateways && applies) {
      messages.push(
        ValidationError.message({
          prop: 'peerThroughMeshGateways',
          value: explicit,
          problem:
            `contradicts cluster "${cluster.datacenter}", whose peerThroughMeshGateways is ${cluster.peerThroughMeshGateways}: the ` +
            'peering checks, the order of peering token and peering, and the default-partition gateway\'s ACL rules follow the cluster',
          fix: 'set peerThroughMeshGateways on the cluster (ConsulClusterProps, or the attributes of ConsulCluster.fromClusterAttributes) and leave it out of the MeshConfigEntry',
        }),
      );
    }
    return messages;
  }
}

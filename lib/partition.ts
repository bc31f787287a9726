import * as adminPartition from '@cdktf/provider-consul/lib/admin-partition';
import { Construct, IConstruct } from 'constructs';
import type { ConsulCluster, IConsulCluster } from './cluster';
import { ExportedServices } from './config-entries/exported-services';
import { MeshGateway, MeshGatewayOptions } from './mesh-gateway';
import { MeshService, MeshServiceOptions } from './mesh-service';
import { addDependsOn } from './private/deps';
import * as errors from './private/errors';
import { KIND, register, registered } from './private/registry';
import { assertDnsLabel } from './private/validate';

/** What other constructs need to know about an admin partition. */
export interface IPartition extends IConstruct {
  /** The partition name (`default` on Community Edition). */
  readonly partitionName: string;
  /** The cluster the partition belongs to. */
  readonly cluster: IConsulCluster;
  /** True for the `default` partition. */
  readonly isDefault: boolean;
  /**
   * Value for the `partition` argument of this partition's Consul resources: not set on Community
   * Edition, the partition name on Enterprise (a reference to the `consul_admin_partition` for
   * non-default partitions, so Terraform creates the partition first).
   */
  readonly resourcePartition?: string;
  /** The partition's one `exported-services` entry (created on first use). */
  readonly exportedServices: ExportedServices;
  /** True when this app exports `serviceName` (in `namespace`) from this partition to `peerName`. */
  isExportedToPeer(serviceName: string, peerName: string, namespace?: string): boolean;
}

/** Options for {@link ConsulCluster.addPartition}. */
export interface PartitionOptions {
  /**
   * The admin partition name.
   * @default - the construct id
   */
  readonly partitionName?: string;
  /**
   * Description of the `consul_admin_partition`.
   * @default - no description
   */
  readonly description?: string;
}

/** Props of {@link Partition}. */
export interface PartitionProps extends PartitionOptions {
  /** The cluster that owns the partition. */
  readonly cluster: ConsulCluster;
}

/**
 * An admin partition of a cluster: `default` always exists; others need Consul Enterprise.
 *
 * Creates a `consul_admin_partition` for non-default partitions. Owns the partition's mesh gateways, its
 * services and its one `exported-services` entry (created on the first export).
 * Use {@link ConsulCluster.defaultPartition} and {@link ConsulCluster.addPartition} rather than `new`.
 */
export class Partition extends Construct implements IPartition {
  public readonly partitionName: string;
  public readonly cluster: ConsulCluster;
  public readonly isDefault: boolean;
  /** The `consul_admin_partition` L1 (non-default partitions only). */
  public readonly resource?: adminPartition.AdminPartition;
  private exports?: ExportedServices;

  public constructor(scope: Construct, id: string, props: PartitionProps) {
    super(scope, id);
    const name = props.partitionName ?? id;
    assertDnsLabel('partitionName', name);
    this.partitionName = name;
    this.cluster = props.cluster;
    this.isDefault = name === 'default';
    if (!this.isDefault && !props.cluster.isEnterprise) {
      throw new Error(errors.enterpriseOnly(`partitionName "${name}"`, `cluster "${props.cluster.datacenter}"`, 'admin partitions'));
    }
    if (!this.isDefault) {
      this.resource = new adminPartition.AdminPartition(this, 'Resource', {
        name,
        description: props.description,
        provider: props.cluster.provider,
      });
    }
    register(props.cluster, KIND.PARTITION, this);
    this.node.addValidation({ validate: () => this.validatePartition() });
  }

  public get resourcePartition(): string | undefined {
    if (!this.cluster.isEnterprise) return undefined;
    return this.resource ? this.resource.name : 'default';
  }

  /** Adds a mesh gateway that carries this partition's peered traffic. */
  public addMeshGateway(id: string, options: MeshGatewayOptions): MeshGateway {
    return new MeshGateway(this, id, { ...options, partition: this });
  }

  /** Adds a service with a sidecar proxy in this partition. */
  public addService(id: string, options: MeshServiceOptions): MeshService {
    return new MeshService(this, id, { ...options, partition: this });
  }

  /** Mesh gateways registered in this partition, sorted by construct path. */
  public get meshGateways(): MeshGateway[] {
    return registered<MeshGateway>(this, KIND.GATEWAY);
  }

  /** Services of this partition, sorted by construct path. */
  public get services(): MeshService[] {
    return registered<MeshService>(this, KIND.SERVICE);
  }

  /** Peerings this partition takes part in, sorted by construct path. */
  public get peerings(): IConstruct[] {
    return registered(this, KIND.PEERING);
  }

  /**
   * The partition's one `exported-services` entry, created on first use (so a partition that exports
   * nothing writes no entry).
   */
  public get exportedServices(): ExportedServices {
    if (!this.exports) {
      this.exports = new ExportedServices(this, 'ExportedServices', {
        partition: this.cluster.isEnterprise ? this.partitionName : undefined,
        enterprise: this.cluster.isEnterprise,
        provider: this.cluster.provider,
      });
      if (this.resource) addDependsOn(this.exports.resource, this.resource);
    }
    return this.exports;
  }

  public isExportedToPeer(serviceName: string, peerName: string, namespace?: string): boolean {
    return this.exports?.isExportedToPeer(serviceName, peerName, namespace) ?? false;
  }

  /** True when something in the app exports a service from this partition. */
  public get hasExports(): boolean {
    return this.exports !== undefined && this.exports.exportedServices.length > 0;
  }

  private validatePartition(): string[] {
    const messages: string[] = [];
    if (this.hasExports && this.meshGateways.length === 0) {
      const exported = this.exports!.exportedServices.map((e) => e.serviceName).join(', ');
      const elsewhere = this.cluster.partitions.filter((p) => p !== this && p.meshGateways.length > 0);
      if (this.cluster.isEnterprise && elsewhere.length > 0) {
        messages.push(errors.gatewayInOtherPartition(this.partitionName, exported, elsewhere.map((p) => p.partitionName)));
      } else {
        messages.push(errors.exportsWithoutGateway(this.partitionName, this.cluster.datacenter, exported));
      }
    }
    return messages;
  }
}

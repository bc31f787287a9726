// Types only: the module is loaded by the first admin partition created (Enterprise), not by every program that
// loads the library.
import type * as adminPartition from '@cdktf/provider-consul/lib/admin-partition';
import { Construct, IConstruct } from 'constructs';
import type { ConsulCluster, IConsulCluster } from './cluster';
import { ExportConsumer, ExportedServices, ExportOptions } from './config-entries/exported-services';
import { IMeshGateway, MeshGateway, MeshGatewayOptions } from './mesh-gateway';
import { IMeshService, MeshService, MeshServiceOptions } from './mesh-service';
import { INamespace, Namespace, NamespaceOptions } from './namespace';
import type { IClusterPeering } from './peering';
import { ValidationError } from './errors';
import * as errors from './private/errors';
import { KIND, register, registered } from './private/registry';
import { isEnterprise, normalizeNamespace, requireEnterprise } from './private/scoping';
import type { ServiceIntentions } from './config-entries/service-intentions';
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
  /** The mesh gateways of this partition, sorted by construct path. */
  readonly meshGateways: IMeshGateway[];
  /** The services of this partition, sorted by construct path. */
  readonly services: IMeshService[];
  /** The peerings this partition takes part in, sorted by construct path. */
  readonly peerings: IClusterPeering[];
  /** The namespaces declared in this partition (created or imported), sorted by name; `default` is implied. */
  readonly namespaces: INamespace[];
  /**
   * True when the partition's mesh gateways are managed outside this app (an existing partition, or one of a
   * cluster from `ConsulCluster.fromClusterAttributes`): checks that need a gateway assume it exists.
   */
  readonly gatewaysElsewhere: boolean;
  /**
   * The partition's one `exported-services` entry, when something exports from this partition (an
   * {@link addExport} or a connection into it). Reading it creates nothing.
   */
  readonly exportedServices?: ExportedServices;
  /**
   * Exports `serviceName` from this partition to `consumer` (written into the partition's one
   * `exported-services` entry). Prefer `MeshService.connectTo`, which exports exactly what a call needs.
   */
  addExport(serviceName: string, consumer: ExportConsumer, options?: ExportOptions): void;
  /** True when this app exports `serviceName` (in `namespace`) from this partition to `consumer`. */
  isExportedTo(serviceName: string, consumer: ExportConsumer, namespace?: string): boolean;
  /**
   * The partition's one `exported-services` entry, created on the first export.
   * @internal
   */
  _exportsEntry(): ExportedServices;
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
  /**
   * The partition exists already (created elsewhere): no `consul_admin_partition` is created, resources name
   * it literally, and its mesh gateways are assumed to exist. Prefer {@link Partition.fromPartitionName}.
   * @default false
   */
  readonly existing?: boolean;
}

/**
 * An admin partition of a cluster: `default` always exists; others need Consul Enterprise.
 *
 * Creates a `consul_admin_partition` for non-default partitions. Owns the partition's mesh gateways, its
 * services and its one `exported-services` entry (created on the first export).
 * Use {@link ConsulCluster.defaultPartition} and {@link ConsulCluster.addPartition} rather than `new`.
 */
export class Partition extends Construct implements IPartition {
  /**
   * An admin partition that exists already (Consul Enterprise): declares it, creates nothing. Its mesh
   * gateways are assumed to exist (checks that need a gateway of this app are skipped for it).
   */
  public static fromPartitionName(cluster: ConsulCluster, id: string, partitionName: string): IPartition {
    if (partitionName === 'default') return cluster.defaultPartition;
    return cluster.importPartition(id, partitionName);
  }

  public readonly partitionName: string;
  public readonly cluster: IConsulCluster;
  public readonly isDefault: boolean;
  /** The `consul_admin_partition` L1 (non-default partitions this app creates only). */
  public readonly resource?: adminPartition.AdminPartition;
  /** True for a partition that exists already ({@link Partition.fromPartitionName}). */
  public readonly existing: boolean;
  private resourceName?: string;

  public constructor(scope: Construct, id: string, props: PartitionProps) {
    super(scope, id);
    const name = props.partitionName ?? id;
    assertDnsLabel('partitionName', name, this);
    this.partitionName = name;
    this.cluster = props.cluster;
    this.isDefault = name === 'default';
    this.existing = props.existing ?? false;
    if (!this.isDefault) {
      requireEnterprise(this, props.cluster, 'partitionName', name, 'admin partitions');
      if (!this.existing) {
        this.resource = new (require('@cdktf/provider-consul/lib/admin-partition') as typeof adminPartition).AdminPartition(this, 'Resource', {
          name,
          description: props.description,
          provider: props.cluster.provider,
        });
      }
    }
    register(props.cluster, KIND.PARTITION, this);
    this.node.addValidation({ validate: () => this.validatePartition() });
  }

  public get resourcePartition(): string | undefined {
    if (!isEnterprise(this.cluster)) return undefined;
    // One reference, made on first read: every read returns the same string, so it can be compared.
    if (this.resource && this.resourceName === undefined) this.resourceName = this.resource.name;
    return this.resource ? this.resourceName : this.partitionName;
  }

  /** Adds a mesh gateway that carries this partition's peered traffic. */
  public addMeshGateway(id: string, options: MeshGatewayOptions): MeshGateway {
    return new MeshGateway(this, id, { ...options, partition: this });
  }

  /**
   * Adds a namespace (Consul Enterprise): creates a `consul_namespace` in this partition.
   * @param id construct id; also the namespace name (in kebab case) unless `options.namespaceName` is set
   */
  public addNamespace(id: string, options: NamespaceOptions = {}): Namespace {
    return new Namespace(this, id, { ...options, partition: this });
  }

  /** Adds a service with a sidecar proxy in this partition. */
  public addService(id: string, options: MeshServiceOptions): MeshService {
    return new MeshService(this, id, { ...options, partition: this });
  }

  public get meshGateways(): IMeshGateway[] {
    return [...registered<MeshGateway>(this, KIND.GATEWAY)];
  }

  /** The services of this partition (this app's and those registered elsewhere), sorted by construct path. */
  public get services(): IMeshService[] {
    return [...registered<IMeshService>(this, KIND.SERVICE)];
  }

  public get peerings(): IClusterPeering[] {
    return [...registered<IClusterPeering>(this, KIND.PEERING)];
  }

  public get namespaces(): INamespace[] {
    return Namespace.of(this);
  }

  public get exportedServices(): ExportedServices | undefined {
    return ExportedServices.of(this);
  }

  public addExport(serviceName: string, consumer: ExportConsumer, options: ExportOptions = {}): void {
    this._exportsEntry().addExport(serviceName, consumer, options);
  }

  public isExportedTo(serviceName: string, consumer: ExportConsumer, namespace?: string): boolean {
    return this.exportedServices?.isExportedTo(serviceName, consumer, namespace) ?? false;
  }

  /**
   * True when this partition's mesh gateways are managed outside this app (an existing partition, or a
   * cluster from {@link ConsulCluster.fromClusterAttributes}): checks that need one assume it exists.
   */
  public get gatewaysElsewhere(): boolean {
    return this.existing || this.cluster.isImported;
  }

  /** True when something in the app exports a service from this partition. */
  public get hasExports(): boolean {
    return (this.exportedServices?.services.length ?? 0) > 0;
  }

  /** @internal */
  public _exportsEntry(): ExportedServices {
    return ExportedServices.of(this) ?? new ExportedServices(this, 'ExportedServices', { partition: this });
  }

  private validatePartition(): string[] {
    const messages: string[] = [];
    if (this.hasExports && this.meshGateways.length === 0 && !this.gatewaysElsewhere) {
      const exported = this.exportedServices!.services.map((e) => e.serviceName).join(', ');
      const elsewhere = this.cluster.partitions.filter((p) => p !== this && p.meshGateways.length > 0);
      if (isEnterprise(this.cluster) && elsewhere.length > 0) {
        messages.push(errors.gatewayInOtherPartition(this.partitionName, exported, elsewhere.map((p) => p.partitionName)));
      } else {
        messages.push(errors.exportsWithoutGateway(this.partitionName, this.cluster.datacenter, exported));
      }
    }
    messages.push(...this.validateNamespaces());
    return messages;
  }

  /**
   * Every namespace the library writes into in this partition (services, their `service-defaults` and
   * `service-intentions`, exports) must be declared: the library does not create namespaces implicitly.
   */
  private validateNamespaces(): string[] {
    if (!isEnterprise(this.cluster)) return [];
    const users = new Map<string, string[]>();
    const use = (namespace: string | undefined, what: string) => {
      const ns = normalizeNamespace(namespace);
      if (ns === undefined || ns === '*' || Namespace.find(this, ns)) return;
      users.set(ns, [...(users.get(ns) ?? []), what]);
    };
    for (const s of this.services) use(s.namespace, `service "${s.serviceName}"`);
    for (const e of registered<ServiceIntentions>(this, KIND.INTENTIONS)) use(e.namespace, `intentions of "${e.destinationName}"`);
    for (const e of this.exportedServices?.services ?? []) use(e.namespace, `export of "${e.serviceName}"`);
    return [...users.entries()].map(([ns, what]) =>
      ValidationError.message({
        prop: 'namespace',
        value: ns,
        problem: `is used in partition "${this.partitionName}" of cluster "${this.cluster.datacenter}" (${[...new Set(what)].join(', ')}) but not declared`,
        fix: `declare it with partition.addNamespace('${ns}') to create it, or Namespace.fromNamespaceName(scope, id, partition, '${ns}') when it exists already`,
      }),
    );
  }
}

import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { renderedConfigEntry } from '../private/config-entry';
import type { Connection } from '../connection';
import { ValidationError } from '../errors';
import type { IPartition } from '../partition';
import type { IClusterPeering } from '../peering';
import { lazyDependsOn } from '../private/deps';
import { Namespace } from '../namespace';
import { SamenessGroup } from './sameness-group';
import { KIND, register, registered } from '../private/registry';
import { describePartition, isEnterprise, namespaceArg, normalizeNamespace, requireEnterprise } from '../private/scoping';
import { assertDnsLabel, assertNotBlank, assertPeerName, assertServiceNameOrWildcard, compareStrings, isUnresolved } from '../private/validate';

/** Which kind of consumer an {@link ExportConsumer} is. */
export enum ExportConsumerKind {
  /** A cluster peer, named by the exporting partition's local name for it. */
  PEER = 'Peer',
  /** Another admin partition of the same cluster (Enterprise). */
  PARTITION = 'Partition',
  /** A sameness group (Enterprise). */
  SAMENESS_GROUP = 'SamenessGroup',
}

/**
 * Who may import an exported service: exactly one of a peer, a local partition or a sameness group.
 *
 * @example
 * ExportConsumer.peer('dc1') // dc1 is the exporting partition's local name for the importing peer
 */
export class ExportConsumer {
  /**
   * A cluster peer. `peerName` is the name the *exporting* partition uses for the importer
   * (its side of the peering), never the importer's own name. The wildcard `*` is rejected by Consul.
   */
  public static peer(peerName: string): ExportConsumer {
    assertPeerName('peerName', peerName);
    return new ExportConsumer(ExportConsumerKind.PEER, peerName);
  }

  /** Another admin partition in the same cluster (Enterprise only). */
  public static partition(partitionName: string): ExportConsumer {
    assertDnsLabel('partitionName', partitionName);
    return new ExportConsumer(ExportConsumerKind.PARTITION, partitionName);
  }

  /** Every member of a sameness group (Enterprise only). */
  public static samenessGroup(groupName: string): ExportConsumer {
    assertDnsLabel('groupName', groupName);
    return new ExportConsumer(ExportConsumerKind.SAMENESS_GROUP, groupName);
  }

  private constructor(
    /** Which field of `Consumers[]` this sets. */
    public readonly kind: ExportConsumerKind,
    /** The peer, partition or sameness-group name. */
    public readonly name: string,
  ) {}

  /** True for consumers only Consul Enterprise understands. */
  public get isEnterpriseOnly(): boolean {
    return this.kind !== ExportConsumerKind.PEER;
  }

  /** @internal */
  public _key(): string {
    return `${this.kind}:${this.name}`;
  }
}

/** Options of {@link ExportedServices.addExport}. */
export interface ExportOptions {
  /**
   * Namespace of the exported service (Enterprise).
   * @default "default" on Enterprise; not written on Community Edition
   */
  readonly namespace?: string;
}

/** One exported service with its consumers, as recorded (sorted). */
export interface ExportedService {
  /** Service name. */
  readonly serviceName: string;
  /** Namespace, when one was given. */
  readonly namespace?: string;
  /** Consumers, sorted by kind then name. */
  readonly consumers: ExportConsumer[];
}

/**
 * Props of {@link ExportedServices}.
 */
export interface ExportedServicesProps {
  /**
   * The admin partition whose services are exported. Its cluster's provider writes the entry; on
   * Enterprise the entry is named after the partition and written into it (namespaces explicit, so plans
   * converge), on Community Edition it is named `default`.
   */
  readonly partition: IPartition;
}

type ExportRecord = { serviceName: string; namespace?: string; consumers: Map<string, ExportConsumer> };

/**
 * The one `exported-services` config entry of an admin partition, aggregated from every export made
 * anywhere in the app, sorted so the output is deterministic: the ones added with {@link addExport} and, at
 * synth, one for every {@link Connection} that imports a service of the partition.
 *
 * Creates one `consul_config_entry` (kind `exported-services`; name `default` on Community Edition, the
 * partition name on Enterprise, with `partition` set to the same value). Use {@link Partition.addExport}
 * rather than `new`: a partition has one entry, and a second one is reported at synth.
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/exported-services
 */
export class ExportedServices extends Construct {
  /** The entry of `partition`, if this app declares one. */
  public static of(partition: IPartition): ExportedServices | undefined {
    return registered<ExportedServices>(partition, KIND.EXPORTS)[0];
  }

  /** The `consul_config_entry` L1. */
  public readonly resource: configEntry.ConfigEntry;
  /** The entry name: `default` on Community Edition, else the partition. */
  public readonly entryName: string;
  /** The exporting partition. */
  public readonly partition: IPartition;
  private readonly exports = new Map<string, ExportRecord>();
  /**
   * The aggregate behind {@link services} (not copied), with the partition's list of incoming connections it
   * was computed from (the registry hands out a new list after every registration); {@link addExport} drops it.
   * It is read at least three times at synth (the validation, then cdktf's two resolve passes of the body), and
   * each read would otherwise rebuild and re-sort it.
   */
  private aggregate?: { readonly into: readonly Connection[]; readonly services: readonly ExportedService[] };

  public constructor(scope: Construct, id: string, props: ExportedServicesProps) {
    super(scope, id);
    const partition = props.partition;
    this.partition = partition;
    const enterprise = isEnterprise(partition.cluster);
    this.entryName = enterprise ? partition.partitionName : 'default';
    this.resource = renderedConfigEntry(this, {
      kind: 'exported-services',
      name: this.entryName,
      partition: enterprise ? this.entryName : undefined,
      provider: partition.cluster.provider,
      render: () => this.toJson(),
    });
    // The partition, every namespace the entry exports from, and the consumer partitions and sameness groups it
    // names (found at synth) exist before it; all of them are Enterprise-only.
    if (enterprise) lazyDependsOn(this.resource, () => this.dependencies());
    register(partition, KIND.EXPORTS, this);
    this.node.addValidation({ validate: () => this.validateExports() });
  }

  /**
   * Exports `serviceName` to `consumer`. Idempotent for the same service and consumer.
   */
  public addExport(serviceName: string, consumer: ExportConsumer, options: ExportOptions = {}): void {
    assertNotBlank('serviceName', serviceName, this);
    assertServiceNameOrWildcard('serviceName', serviceName, this);
    if (options.namespace !== undefined) assertDnsLabel('namespace', options.namespace, this);
    if (consumer.isEnterpriseOnly) {
      requireEnterprise(this, this.partition.cluster, `consumer ${consumer.kind}`, consumer.name, `exports to a ${consumer.kind.toLowerCase()}`);
    }
    if (normalizeNamespace(options.namespace) !== undefined) {
      requireEnterprise(this, this.partition.cluster, 'namespace', options.namespace, 'namespaces');
    }
    record(this.exports, serviceName, namespaceArg(this.partition, options.namespace), consumer);
    this.aggregate = undefined;
  }

  /**
   * Every export, sorted by namespace then service name; consumers sorted: the ones added and the ones
   * derived from connections. Copies.
   */
  public get services(): ExportedService[] {
    return this.aggregated().map((e) => ({ ...e, consumers: [...e.consumers] }));
  }

  /** {@link services}, shared: do not modify. */
  private aggregated(): readonly ExportedService[] {
    const into = registered<Connection>(this.partition, KIND.CONNECTION_INTO);
    const cached = this.aggregate;
    if (cached && cached.into === into) return cached.services;
    const all = new Map<string, ExportRecord>();
    for (const [key, e] of this.exports) all.set(key, { ...e, consumers: new Map(e.consumers) });
    for (const c of into) {
      const consumer = c.exportConsumer;
      if (consumer) record(all, c.callee.serviceName, namespaceArg(this.partition, c.callee.namespace), consumer);
    }
    const services = [...all.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, e]) => ({
        serviceName: e.serviceName,
        namespace: e.namespace,
        consumers: [...e.consumers.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, c]) => c),
      }));
    this.aggregate = { into, services };
    return services;
  }

  /** True when `serviceName` (in `namespace`) is exported to `consumer`. */
  public isExportedTo(serviceName: string, consumer: ExportConsumer, namespace?: string): boolean {
    const ns = namespaceArg(this.partition, namespace);
    return this.aggregated().some(
      (e) => e.serviceName === serviceName && e.namespace === ns && e.consumers.some((c) => c._key() === consumer._key()),
    );
  }

  private dependencies(): ITerraformDependable[] {
    const deps: ITerraformDependable[] = [];
    const exported = this.aggregated();
    const partitionResource = this.partition.isDefault ? undefined : this.partition.node.defaultChild;
    if (partitionResource !== undefined) deps.push(partitionResource as unknown as ITerraformDependable);
    // Consumer partitions this app creates exist before the entry names them.
    const consumers = new Set(exported.flatMap((e) => e.consumers.filter((c) => c.kind === ExportConsumerKind.PARTITION).map((c) => c.name)));
    for (const p of this.partition.cluster.partitions) {
      const created = p.isDefault ? undefined : p.node.defaultChild;
      if (created !== undefined && consumers.has(p.partitionName)) deps.push(created as unknown as ITerraformDependable);
    }
    // Sameness groups it exports to are written before it (Consul's order for sameness groups).
    const groups = new Set(exported.flatMap((e) => e.consumers.filter((c) => c.kind === ExportConsumerKind.SAMENESS_GROUP).map((c) => c.name)));
    for (const g of [...groups].sort(compareStrings)) {
      const group = SamenessGroup.find(this.partition, g);
      if (group) deps.push(group.resource);
    }
    const names = new Set(exported.map((e) => normalizeNamespace(e.namespace)));
    for (const ns of Namespace.of(this.partition)) {
      if (ns instanceof Namespace && names.has(ns.namespaceName)) deps.push(ns.resource);
    }
    return deps;
  }

  private validateExports(): string[] {
    const messages: string[] = [];
    const exported = this.aggregated();
    if (exported.length === 0) {
      messages.push(
        ValidationError.message({
          prop: 'exported-services entry',
          value: this.entryName,
          problem: 'has no exports',
          fix: 'call addExport() or remove it',
        }),
      );
    }
    // A peer consumer is named the way this partition names the importer; any other name (a peer of
    // another partition, a typo, the importer's own name for itself) exports to nobody, silently.
    const peers = registered<IClusterPeering>(this.partition, KIND.PEERING).map((p) => p.peerNameIn(this.partition));
    for (const e of exported) {
      for (const c of e.consumers) {
        if (c.kind !== ExportConsumerKind.PEER || isUnresolved(c.name) || peers.includes(c.name)) continue;
        messages.push(
          ValidationError.message({
            prop: 'ExportConsumer.peer(peerName)',
            value: c.name,
            problem:
              `is not a peer of ${describePartition(this.partition)}, which exports "${e.serviceName}" to it ` +
              `(its peerings name ${peers.length > 0 ? peers.map((n) => `"${n}"`).join(', ') : 'no peer'})`,
            fix: 'use the name this partition gives the importer (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
          }),
        );
      }
    }
    // A sameness-group consumer must be a group declared in this partition.
    for (const e of exported) {
      for (const c of e.consumers) {
        if (c.kind !== ExportConsumerKind.SAMENESS_GROUP || isUnresolved(c.name) || SamenessGroup.find(this.partition, c.name)) continue;
        const known = SamenessGroup.of(this.partition).map((g) => `"${g.groupName}"`);
        messages.push(
          ValidationError.message({
            prop: 'ExportConsumer.samenessGroup(groupName)',
            value: c.name,
            problem: `is not a sameness group declared in ${describePartition(this.partition)} (export of "${e.serviceName}"; declared: ${known.length > 0 ? known.join(', ') : 'none'})`,
            fix: 'declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the exporting partition',
          }),
        );
      }
    }
    // A partition consumer must be another partition of the cluster that the app declares.
    const partitions = this.partition.cluster.partitions.map((p) => p.partitionName);
    for (const e of exported) {
      for (const c of e.consumers) {
        if (c.kind !== ExportConsumerKind.PARTITION || isUnresolved(c.name)) continue;
        if (c.name === this.partition.partitionName) {
          messages.push(
            ValidationError.message({
              prop: 'ExportConsumer.partition(partitionName)',
              value: c.name,
              problem: `is the exporting partition itself (export of "${e.serviceName}"); its own services need no export`,
              fix: 'remove the export, or name another partition',
            }),
          );
        } else if (!partitions.includes(c.name)) {
          messages.push(
            ValidationError.message({
              prop: 'ExportConsumer.partition(partitionName)',
              value: c.name,
              problem:
                `is not a partition of cluster "${this.partition.cluster.datacenter}" in this app (export of "${e.serviceName}"; ` +
                `it has ${partitions.map((n) => `"${n}"`).join(', ')})`,
              fix: 'declare it with cluster.addPartition(), or fix the name',
            }),
          );
        }
      }
    }
    const twins = registered<ExportedServices>(this.partition, KIND.EXPORTS).filter((e) => e !== this);
    if (twins.length > 0) {
      messages.push(
        ValidationError.message({
          prop: 'partition',
          value: this.partition.partitionName,
          problem: `has a second exported-services entry (${twins.map((t) => t.node.path).join(', ')}); Consul keeps one per partition`,
          fix: 'export everything through partition.addExport()',
        }),
      );
    }
    return messages;
  }

  /** The entry body as the Consul API returns it (without Kind, Name, Partition, Namespace). */
  public toJson(): any {
    return {
      Services: this.aggregated().map((e) => {
        const svc: Record<string, unknown> = { Name: e.serviceName };
        if (e.namespace !== undefined) svc.Namespace = e.namespace;
        svc.Consumers = e.consumers.map((c) => ({ [c.kind]: c.name }));
        return svc;
      }),
    };
  }
}

function record(into: Map<string, ExportRecord>, serviceName: string, namespace: string | undefined, consumer: ExportConsumer): void {
  const key = `${namespace ?? ''}/${serviceName}`;
  let entry = into.get(key);
  if (!entry) {
    entry = { serviceName, namespace, consumers: new Map() };
    into.set(key, entry);
  }
  entry.consumers.set(consumer._key(), consumer);
}

import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Lazy, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { assertDnsLabel, assertNotBlank, compareStrings } from '../private/validate';

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
    assertDnsLabel('peerName', peerName);
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
   * The admin partition whose services are exported. On Enterprise the entry is named after it and
   * written into it; on Community Edition leave it unset and the entry is named `default`.
   * @default - Community Edition: the entry is named "default" and no partition argument is written
   */
  readonly partition?: string;
  /**
   * Whether the cluster is Consul Enterprise (namespaces are then written explicitly so plans converge).
   * @default false
   */
  readonly enterprise?: boolean;
  /**
   * Consul provider alias of the cluster.
   * @default - the stack's default consul provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The one `exported-services` config entry of an admin partition, aggregated from every export made
 * anywhere in the app, sorted so the output is deterministic.
 *
 * Creates one `consul_config_entry` (kind `exported-services`; name `default` on Community Edition, the
 * partition name on Enterprise, with `partition` set to the same value).
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/exported-services
 */
export class ExportedServices extends Construct {
  /** The `consul_config_entry` L1. */
  public readonly resource: configEntry.ConfigEntry;
  /** The entry name: `default` on Community Edition, else the partition. */
  public readonly entryName: string;
  private readonly enterprise: boolean;
  private readonly exports = new Map<string, { serviceName: string; namespace?: string; consumers: Map<string, ExportConsumer> }>();

  public constructor(scope: Construct, id: string, props: ExportedServicesProps = {}) {
    super(scope, id);
    this.enterprise = props.enterprise ?? false;
    if (props.partition !== undefined) assertDnsLabel('partition', props.partition);
    if (!this.enterprise && props.partition !== undefined && props.partition !== 'default') {
      throw new Error(
        `partition ${JSON.stringify(props.partition)} needs Consul Enterprise; on Community Edition the ` +
          'exported-services entry is always named "default": omit partition or set enterprise: true',
      );
    }
    this.entryName = this.enterprise ? props.partition ?? 'default' : 'default';
    this.resource = new configEntry.ConfigEntry(this, 'Resource', {
      kind: 'exported-services',
      name: this.entryName,
      partition: this.enterprise ? this.entryName : undefined,
      configJson: Lazy.stringValue({ produce: () => JSON.stringify(this.toJson()) }),
      provider: props.provider,
    });
    this.node.addValidation({
      validate: () =>
        this.exports.size === 0
          ? [`exported-services entry "${this.entryName}" has no exports; call addExport() or remove it`]
          : [],
    });
  }

  /**
   * Exports `serviceName` to `consumer`. Idempotent for the same service and consumer.
   */
  public addExport(serviceName: string, consumer: ExportConsumer, options: ExportOptions = {}): void {
    assertNotBlank('serviceName', serviceName);
    if (!Token.isUnresolved(serviceName) && serviceName !== '*') assertDnsLabel('serviceName', serviceName);
    if (options.namespace !== undefined) assertDnsLabel('namespace', options.namespace);
    if (!this.enterprise && consumer.isEnterpriseOnly) {
      throw new Error(
        `consumer ${consumer.kind} ${JSON.stringify(consumer.name)} for service ${JSON.stringify(serviceName)} needs ` +
          'Consul Enterprise; on Community Edition export to a peer with ExportConsumer.peer()',
      );
    }
    if (!this.enterprise && options.namespace !== undefined && options.namespace !== 'default') {
      throw new Error(
        `namespace ${JSON.stringify(options.namespace)} for service ${JSON.stringify(serviceName)} needs Consul ` +
          'Enterprise; omit namespace on Community Edition',
      );
    }
    const namespace = options.namespace ?? (this.enterprise ? 'default' : undefined);
    const key = `${namespace ?? ''}/${serviceName}`;
    let entry = this.exports.get(key);
    if (!entry) {
      entry = { serviceName, namespace, consumers: new Map() };
      this.exports.set(key, entry);
    }
    entry.consumers.set(consumer._key(), consumer);
  }

  /** Every export, sorted by namespace then service name; consumers sorted. Copies. */
  public get exportedServices(): ExportedService[] {
    return [...this.exports.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, e]) => ({
        serviceName: e.serviceName,
        namespace: e.namespace,
        consumers: [...e.consumers.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, c]) => c),
      }));
  }

  /** True when `serviceName` (in `namespace`) is exported to the peer `peerName`. */
  public isExportedToPeer(serviceName: string, peerName: string, namespace?: string): boolean {
    const ns = namespace ?? (this.enterprise ? 'default' : undefined);
    const entry = this.exports.get(`${ns ?? ''}/${serviceName}`);
    return entry?.consumers.has(ExportConsumer.peer(peerName)._key()) ?? false;
  }

  /** The entry body as the Consul API returns it (without Kind, Name, Partition, Namespace). */
  public toJson(): any {
    return {
      Services: this.exportedServices.map((e) => {
        const svc: Record<string, unknown> = { Name: e.serviceName };
        if (e.namespace !== undefined) svc.Namespace = e.namespace;
        svc.Consumers = e.consumers.map((c) => ({ [c.kind]: c.name }));
        return svc;
      }),
    };
  }
}

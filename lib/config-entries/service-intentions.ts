import * as intentionsL1 from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { lazyDependsOn } from '../private/deps';
import type { Connection } from '../connection';
import { ValidationError } from '../errors';
import type { IPartition } from '../partition';
import type { IClusterPeering } from '../peering';
import { describePartition, isEnterprise, namespaceArg, namespaceResourceArg, normalizeNamespace } from '../private/scoping';
import { BY_NAME, KIND, nameKey, register, registered, registeredWhere } from '../private/registry';
import { renderedAny } from '../private/rendered';
import { assertDnsLabel, assertPeerName, assertServiceName, compareStrings, isUnresolved } from '../private/validate';
import { SamenessGroup } from './sameness-group';

/** What an intention does with matching traffic. */
export enum IntentionAction {
  /** Let the source connect. */
  ALLOW = 'allow',
  /** Refuse the source. */
  DENY = 'deny',
}

/**
 * The source of an intention: a local service, a service of a cluster peer, or a service of another admin
 * partition of the same cluster (Enterprise).
 *
 * @example
 * IntentionSource.peerService('dc1', 'web') // 'dc1' is the destination cluster's local name for the caller's cluster
 */
export class IntentionSource {
  /** A service in the destination's own cluster (and, on Enterprise, optionally another namespace). */
  public static service(serviceName: string, namespace?: string): IntentionSource {
    assertServiceName('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, undefined, namespace);
  }

  /**
   * A service of a cluster peer. `peerName` is the *destination* cluster's local name for the peer
   * where the caller runs.
   */
  public static peerService(peerName: string, serviceName: string, namespace?: string): IntentionSource {
    assertPeerName('peerName', peerName);
    assertServiceName('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, peerName, namespace);
  }

  /** A service of another admin partition of the destination's cluster (Enterprise). */
  public static partitionService(partitionName: string, serviceName: string, namespace?: string): IntentionSource {
    assertDnsLabel('partitionName', partitionName);
    assertServiceName('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, undefined, namespace, partitionName);
  }

  /**
   * A service in every member of a sameness group (Enterprise): `Sources[].SamenessGroup`. The group must be
   * declared in the destination's partition.
   */
  public static samenessGroupService(groupName: string, serviceName: string, namespace?: string): IntentionSource {
    assertDnsLabel('groupName', groupName);
    assertServiceName('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, undefined, namespace, undefined, groupName);
  }

  private constructor(
    /** Source service name. */
    public readonly serviceName: string,
    /** Peer the source lives in, for cross-peer sources. */
    public readonly peerName?: string,
    /** Source namespace (Enterprise). */
    public readonly namespace?: string,
    /** Source partition, for sources in another partition of the same cluster (Enterprise). */
    public readonly partitionName?: string,
    /** Sameness group whose members the source lives in (Enterprise). */
    public readonly samenessGroup?: string,
  ) {}

  /** @internal */
  public _key(): string {
    const partition = this.partitionName !== undefined ? `${this.partitionName}:` : '';
    const group = this.samenessGroup !== undefined ? `~${this.samenessGroup}:` : '';
    return `${this.peerName ?? ''}/${group}${partition}${normalizeNamespace(this.namespace) ?? ''}/${this.serviceName}`;
  }
}

/** Props of {@link ServiceIntentions}. */
export interface ServiceIntentionsProps {
  /** The destination service. */
  readonly destinationName: string;
  /**
   * The admin partition of the destination. Its cluster's provider writes the entry; on Enterprise the
   * entry and its sources carry explicit partition and namespace arguments, so plans converge.
   */
  readonly partition: IPartition;
  /**
   * Namespace of the destination (Enterprise).
   * @default - not written (Community Edition); "default" is written on Enterprise
   */
  readonly namespace?: string;
}

/**
 * The `service-intentions` config entry of one destination service, with its sources aggregated and sorted:
 * the ones added with {@link addSource} and, at synth, one allowing source for every {@link Connection} to
 * the destination.
 *
 * Creates one `consul_config_entry_service_intentions`. One entry per destination and partition: a second
 * one for the same destination is reported at synth. Every source carries the precedence Consul computes
 * for an exact source and destination (9) and `type = "consul"`, because the provider writes the server's
 * values back into state and would otherwise plan a change forever.
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-intentions
 */
export class ServiceIntentions extends Construct {
  /** Precedence Consul assigns to an exact-name, exact-namespace source towards an exact destination. */
  public static readonly EXACT_PRECEDENCE = 9;

  /** The `consul_config_entry_service_intentions` L1. */
  public readonly resource: intentionsL1.ConfigEntryServiceIntentions;
  /**
   * The entry of `destinationName` (in `namespace`) in `partition`, if this app declares one.
   */
  public static find(partition: IPartition, destinationName: string, namespace?: string): ServiceIntentions | undefined {
    return ServiceIntentions.entriesFor(partition, destinationName, normalizeNamespace(namespace))[0];
  }

  /** Every entry of `destinationName` in (normalized) `namespace`, through the partition's index (no scan). */
  private static entriesFor(partition: IPartition, destinationName: string, namespace: string | undefined): ServiceIntentions[] {
    return registeredWhere<ServiceIntentions>(partition, KIND.INTENTIONS, BY_NAME, entryKey, nameKey(destinationName, namespace));
  }

  /** The destination service name. */
  public readonly destinationName: string;
  /** The destination's partition. */
  public readonly partition: IPartition;
  /** The destination's namespace, when not `default`. */
  public readonly namespace?: string;
  private readonly sources = new Map<string, IntentionRecord>();
  /**
   * The merged sources ({@link allSources}) and their sorted records, with the partition's list of incoming
   * connections they were computed from (the registry hands out a new list after every registration);
   * {@link addSource} drops them. An entry is read at least three times at synth (its validation, then cdktf's
   * two resolve passes), and each read would otherwise rebuild and re-sort it.
   */
  private merged?: {
    readonly into: readonly Connection[];
    readonly all: ReadonlyMap<string, IntentionRecord>;
    readonly sorted: readonly IntentionRecord[];
  };

  public constructor(scope: Construct, id: string, props: ServiceIntentionsProps) {
    super(scope, id);
    assertServiceName('destinationName', props.destinationName, this);
    if (props.namespace !== undefined) assertDnsLabel('namespace', props.namespace, this);
    this.destinationName = props.destinationName;
    this.partition = props.partition;
    this.namespace = normalizeNamespace(props.namespace);
    this.resource = new intentionsL1.ConfigEntryServiceIntentions(this, 'Resource', {
      name: props.destinationName,
      namespace: namespaceResourceArg(this, props.partition, props.namespace),
      partition: props.partition.resourcePartition,
      sources: renderedAny(this, 'sources', () => this.renderSources()) as any,
      provider: props.partition.cluster.provider,
    });
    // Source partitions this app creates, and source sameness groups, exist before the entry names them (both
    // Enterprise only: Community entries pay nothing for it).
    if (isEnterprise(props.partition.cluster)) lazyDependsOn(this.resource, () => {
      const records = [...this.allSources().values()];
      const sources = new Set(records.map((r) => r.source.partitionName).filter((n) => n !== undefined));
      const partitions = this.partition.cluster.partitions
        .filter((p) => !p.isDefault && p !== this.partition && sources.has(p.partitionName) && p.node.defaultChild !== undefined)
        .map((p) => p.node.defaultChild as unknown as ITerraformDependable);
      const groups = [...new Set(records.map((r) => r.source.samenessGroup).filter((g): g is string => g !== undefined))]
        .sort(compareStrings)
        .map((g) => SamenessGroup.find(this.partition, g)?.resource)
        .filter((r): r is NonNullable<typeof r> => r !== undefined);
      return [...partitions, ...groups];
    });
    register(props.partition, KIND.INTENTIONS, this);
    this.node.addValidation({ validate: () => this.validateIntentions() });
  }

  /**
   * Adds a source with an action. Idempotent for the same source and action; a different action for the
   * same source throws.
   */
  public addSource(source: IntentionSource, action: IntentionAction, description?: string): void {
    if (source.samenessGroup !== undefined && !isEnterprise(this.partition.cluster)) {
      throw new ValidationError(this, {
        prop: 'source',
        value: source.serviceName,
        problem: `names sameness group "${source.samenessGroup}", which needs Consul Enterprise on cluster "${this.partition.cluster.datacenter}"`,
        fix: 'use IntentionSource.peerService() for each peer on Community Edition',
      });
    }
    if (source.partitionName !== undefined && !isEnterprise(this.partition.cluster)) {
      throw new ValidationError(this, {
        prop: 'source',
        value: source.serviceName,
        problem: `names partition "${source.partitionName}", which needs Consul Enterprise on cluster "${this.partition.cluster.datacenter}"`,
        fix: 'use IntentionSource.service() or IntentionSource.peerService() on Community Edition',
      });
    }
    const existing = this.sources.get(source._key());
    if (existing && existing.action !== action) {
      throw new ValidationError(this, {
        prop: 'addSource(action)',
        value: action,
        problem: `contradicts the earlier ${existing.action} for source ${describe(source)} towards "${this.destinationName}"`,
        fix: 'remove one of the two calls',
      });
    }
    this.sources.set(source._key(), { source, action, description: description ?? existing?.description });
    this.merged = undefined;
  }

  /** True when `source` is allowed (by {@link addSource} or by a connection). */
  public allows(source: IntentionSource): boolean {
    return this.allSources().get(source._key())?.action === IntentionAction.ALLOW;
  }

  /** Every source with its action, sorted: the ones added and the ones derived from connections. Copies. */
  public get intentionSources(): IntentionRecord[] {
    return this.merge().sorted.map((r) => ({ ...r }));
  }

  /** The connections that this entry allows (the callers of its destination). */
  private connections(): Connection[] {
    return registeredWhere<Connection>(this.partition, KIND.CONNECTION_INTO, BY_NAME, calleeKey, nameKey(this.destinationName, this.namespace));
  }

  /** Every source by key: the ones added and the ones derived from connections. Shared: do not modify. */
  private allSources(): ReadonlyMap<string, IntentionRecord> {
    return this.merge().all;
  }

  /** The merged sources, rebuilt only after a change (see {@link merged}). */
  private merge(): NonNullable<ServiceIntentions['merged']> {
    const into = registered<Connection>(this.partition, KIND.CONNECTION_INTO);
    const cached = this.merged;
    if (cached && cached.into === into) return cached;
    const all = new Map(this.sources);
    for (const c of this.connections()) {
      const source = c.intentionSource;
      const key = source._key();
      if (!all.has(key)) all.set(key, { source, action: IntentionAction.ALLOW, description: c.description });
    }
    const sorted = [...all.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, r]) => r);
    this.merged = { into, all, sorted };
    return this.merged;
  }

  private validateIntentions(): string[] {
    const messages: string[] = [];
    if (this.allSources().size === 0) {
      messages.push(
        ValidationError.message({
          prop: 'destinationName',
          value: this.destinationName,
          problem: 'has a service-intentions entry without sources',
          fix: 'call addSource() or remove the entry',
        }),
      );
    }
    // Sources added by hand may contradict a connection, and may name a scope that does not exist; connections
    // alone can do neither (most entries have no other source).
    if (this.sources.size > 0) {
      for (const c of this.connections()) {
        const own = this.sources.get(c.intentionSource._key());
        if (own && own.action !== IntentionAction.ALLOW) {
          messages.push(
            ValidationError.message({
              prop: 'addSource(action)',
              value: own.action,
              problem: `for source ${describe(c.intentionSource)} contradicts ${c.caller.node.path}.connectTo("${this.destinationName}")`,
              fix: 'remove the deny or the connection',
            }),
          );
        }
      }
      messages.push(...this.validateSourceScopes());
    }
    const twins = ServiceIntentions.entriesFor(this.partition, this.destinationName, this.namespace).filter((e) => e !== this);
    for (const twin of twins) {
      messages.push(
        ValidationError.message({
          prop: 'destinationName',
          value: this.destinationName,
          problem: `has a second service-intentions entry in the same partition (${twin.node.path}); Consul keeps one per service`,
          fix: 'add every source to one entry (MeshService.addIntention() uses the service\'s own)',
        }),
      );
    }
    return messages;
  }

  /**
   * A source from a peer must name a peer of this partition (by this partition's name for it), and a source
   * from a partition a partition of this cluster declared in the app: any other source allows nobody, silently.
   * (Sources from connections are right by construction.)
   */
  private validateSourceScopes(): string[] {
    const messages: string[] = [];
    const peers = registered<IClusterPeering>(this.partition, KIND.PEERING).map((p) => p.peerNameIn(this.partition));
    const partitions = this.partition.cluster.partitions.map((p) => p.partitionName);
    for (const { source } of this.sources.values()) {
      if (source.peerName !== undefined && !isUnresolved(source.peerName) && !peers.includes(source.peerName)) {
        messages.push(
          ValidationError.message({
            prop: 'IntentionSource.peerService(peerName)',
            value: source.peerName,
            problem:
              `is not a peer of ${describePartition(this.partition)}, so the intention for "${this.destinationName}" ` +
              `allows nobody (its peerings name ${peers.length > 0 ? peers.map((n) => `"${n}"`).join(', ') : 'no peer'})`,
            fix: 'use the name this partition gives the caller\'s side (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
          }),
        );
      }
      if (source.samenessGroup !== undefined && !isUnresolved(source.samenessGroup) && !SamenessGroup.find(this.partition, source.samenessGroup)) {
        messages.push(
          ValidationError.message({
            prop: 'IntentionSource.samenessGroupService(groupName)',
            value: source.samenessGroup,
            problem: `is not a sameness group declared in ${describePartition(this.partition)}, so the intention for "${this.destinationName}" allows nobody`,
            fix: 'declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the destination\'s partition',
          }),
        );
      }
      if (source.partitionName !== undefined && !isUnresolved(source.partitionName) && !partitions.includes(source.partitionName)) {
        messages.push(
          ValidationError.message({
            prop: 'IntentionSource.partitionService(partitionName)',
            value: source.partitionName,
            problem: `is not a partition of cluster "${this.partition.cluster.datacenter}" in this app (it has ${partitions.map((n) => `"${n}"`).join(', ')})`,
            fix: 'declare it with cluster.addPartition(), or fix the name',
          }),
        );
      }
    }
    return messages;
  }

  // A value rendered at synth bypasses the L1's camelCase-to-snake_case mapper, so this must produce Terraform's own
  // attribute names; every attribute of a source is a single word, so the two spellings coincide.
  private renderSources(): intentionsL1.ConfigEntryServiceIntentionsSources[] {
    return this.merge().sorted.map(({ source, action, description }) => ({
      name: source.serviceName,
      peer: source.peerName,
      partition: source.partitionName,
      sameness_group: source.samenessGroup,
      namespace: namespaceArg(this.partition, source.namespace),
      action,
      description,
      precedence: ServiceIntentions.EXACT_PRECEDENCE,
      type: 'consul',
    }));
  }
}

/** One source of a `service-intentions` entry with its action. */
export interface IntentionRecord {
  /** The source. */
  readonly source: IntentionSource;
  /** Allow or deny. */
  readonly action: IntentionAction;
  /**
   * Description.
   * @default - none
   */
  readonly description?: string;
}

const entryKey = (e: ServiceIntentions): string => nameKey(e.destinationName, e.namespace);
const calleeKey = (c: Connection): string => nameKey(c.callee.serviceName, c.callee.namespace);

function describe(source: IntentionSource): string {
  if (source.peerName) return `"${source.serviceName}" from peer "${source.peerName}"`;
  if (source.partitionName) return `"${source.serviceName}" from partition "${source.partitionName}"`;
  if (source.samenessGroup) return `"${source.serviceName}" from sameness group "${source.samenessGroup}"`;
  return `"${source.serviceName}"`;
}

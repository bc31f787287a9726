// Types only: the module (about 300 kB) is loaded by the first resolver, not by every program that loads the library.
import type * as resolverL1 from '@cdktf/provider-consul/lib/config-entry-service-resolver';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { assertDatacenter } from '../acl/names';
import { ValidationError } from '../errors';
import type { IPartition } from '../partition';
import { ClusterPeering, IClusterPeering, PeeringAcceptor, PeeringDialer } from '../peering';
import { lazyDependsOn } from '../private/deps';
import { FailoverLanding, failoverLandingProblems, routedCallers } from '../private/failover';
import { BY_NAME, KIND, nameKey, register, registered, registeredWhere } from '../private/registry';
import { renderedAny } from '../private/rendered';
import { describePartition, isEnterprise, namespaceResourceArg, normalizeNamespace, requireEnterprise } from '../private/scoping';
import { assertDnsLabel, assertPeerName, assertServiceName, compareStrings, isUnresolved } from '../private/validate';
import { SamenessGroup, SamenessGroupMemberKind } from './sameness-group';

/** Which kind of place a {@link FailoverTarget} names. */
export enum FailoverTargetKind {
  /** A cluster peer (`Failover[*].Targets[].Peer`). */
  PEER = 'peer',
  /** Another admin partition of the same cluster (`Failover[*].Targets[].Partition`, Enterprise). */
  PARTITION = 'partition',
  /** Another namespace of the same partition (`Failover[*].Targets[].Namespace`, Enterprise). */
  NAMESPACE = 'namespace',
  /** A WAN-federated datacenter (`Failover[*].Targets[].Datacenter`). */
  DATACENTER = 'datacenter',
  /** Every member of a sameness group, in its order (`Failover[*].SamenessGroup`, Enterprise). */
  SAMENESS_GROUP = 'sameness-group',
}

/**
 * Where a service fails over to: a cluster peer, another partition or namespace, a WAN-federated
 * datacenter, or a sameness group. Targets are tried in the order they are added to the resolver.
 *
 * @example
 * FailoverTarget.peer('dc3')                  // "api" (the resolver's service) in the cluster this partition calls "dc3"
 * FailoverTarget.peer('dc3', 'api-fallback')  // another service name in that peer
 * FailoverTarget.samenessGroup('products')    // Enterprise: every member of the group, in its order
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#failover
 */
export class FailoverTarget {
  /**
   * The service in a cluster peer (`Targets[].Peer`). `peerName` is the name the *resolver's* partition uses
   * for the peer (`peering.peerNameIn(partition)`); the peering must be declared in the app.
   * @param peerName the resolver's partition's local name for the peer
   * @param serviceName the service in the peer; the resolver's own service when not given (`Targets[].Service`)
   * @param namespace the namespace in the peer (`Targets[].Namespace`; needs Consul Enterprise on the resolver's
   * cluster, whose server refuses the field otherwise); the peer's `default` when not given
   */
  public static peer(peerName: string, serviceName?: string, namespace?: string): FailoverTarget {
    assertPeerName('peerName', peerName);
    checkOptional(serviceName, namespace);
    return new FailoverTarget(FailoverTargetKind.PEER, peerName, serviceName, namespace);
  }

  /**
   * The service in another admin partition of the resolver's cluster (`Targets[].Partition`, Consul
   * Enterprise). The partition must export the service to the resolver's partition.
   * @param serviceName the service there; the resolver's own service when not given
   * @param namespace the namespace there; the resolver's namespace when not given
   */
  public static partition(partitionName: string, serviceName?: string, namespace?: string): FailoverTarget {
    assertDnsLabel('partitionName', partitionName);
    checkOptional(serviceName, namespace);
    return new FailoverTarget(FailoverTargetKind.PARTITION, partitionName, serviceName, namespace);
  }

  /**
   * The service in another namespace of the resolver's partition (`Targets[].Namespace`, Consul Enterprise).
   * @param serviceName the service there; the resolver's own service when not given
   */
  public static namespace(namespace: string, serviceName?: string): FailoverTarget {
    assertDnsLabel('namespace', namespace);
    checkOptional(serviceName, undefined);
    return new FailoverTarget(FailoverTargetKind.NAMESPACE, namespace, serviceName, namespace);
  }

  /**
   * The service in a WAN-federated datacenter (`Targets[].Datacenter`). Consul fails over across datacenters
   * only from the `default` partition; a peered cluster is a {@link FailoverTarget.peer}.
   * @param serviceName the service there; the resolver's own service when not given
   */
  public static datacenter(datacenter: string, serviceName?: string): FailoverTarget {
    assertDatacenter('datacenter', datacenter);
    checkOptional(serviceName, undefined);
    return new FailoverTarget(FailoverTargetKind.DATACENTER, datacenter, serviceName);
  }

  /**
   * Every member of a sameness group declared in the resolver's partition, in the group's order
   * (`Failover[*].SamenessGroup`, Consul Enterprise). Consul allows no other target next to a sameness group.
   */
  public static samenessGroup(groupName: string): FailoverTarget {
    assertDnsLabel('groupName', groupName);
    return new FailoverTarget(FailoverTargetKind.SAMENESS_GROUP, groupName);
  }

  private constructor(
    /** Which kind of place this names. */
    public readonly kind: FailoverTargetKind,
    /** The peer, partition, namespace, datacenter or sameness-group name. */
    public readonly name: string,
    /** The service at the target, when it is not the resolver's own service. */
    public readonly serviceName?: string,
    /** The namespace at the target, when given. */
    public readonly targetNamespace?: string,
  ) {}

  /** True for targets only Consul Enterprise understands (partitions, namespaces, sameness groups). */
  public get isEnterpriseOnly(): boolean {
    return this.kind === FailoverTargetKind.PARTITION || this.kind === FailoverTargetKind.SAMENESS_GROUP || this.targetNamespace !== undefined;
  }

  /** `peer "dc3"`, `partition "ap1"`, ... as messages name the target. @internal */
  public _describe(): string {
    const service = this.serviceName !== undefined ? ` service "${this.serviceName}"` : '';
    const ns = this.targetNamespace !== undefined && this.kind !== FailoverTargetKind.NAMESPACE ? ` namespace "${this.targetNamespace}"` : '';
    return `${this.kind} "${this.name}"${service}${ns}`;
  }
}

function checkOptional(serviceName: string | undefined, namespace: string | undefined): void {
  if (serviceName !== undefined) assertServiceName('serviceName', serviceName);
  if (namespace !== undefined) assertDnsLabel('namespace', namespace);
}

/**
 * A named subset of a service's instances (`Subsets.<name>`).
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#subsets
 */
export interface ServiceResolverSubset {
  /** The subset's name: a lower-case DNS label (Consul uses it in SNI names). */
  readonly name: string;
  /**
   * The filter expression that selects the subset's instances (`Subsets.<name>.Filter`), e.g.
   * `Service.Meta.version == v2`.
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#subsets-filter
   */
  readonly filter: string;
  /**
   * Only instances whose checks all pass belong to the subset (`Subsets.<name>.OnlyPassing`); otherwise
   * instances with warning checks count as healthy too.
   * @default false
   */
  readonly onlyPassing?: boolean;
}

/** Props of {@link ServiceResolver}. */
export interface ServiceResolverProps {
  /**
   * The admin partition the entry is written in: where callers resolve `serviceName` through it (for
   * failover to cluster peers, the callers' side). Its cluster's provider writes the entry; on Enterprise
   * the entry carries explicit partition and namespace arguments, so plans converge.
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#partition
   */
  readonly partition: IPartition;
  /**
   * The service the resolver applies to (entry `Name`).
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#name
   */
  readonly serviceName: string;
  /**
   * Namespace of the service (entry `Namespace`, Consul Enterprise).
   * @default - not written on Community Edition; "default" on Enterprise
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#namespace
   */
  readonly namespace?: string;
  /**
   * Timeout for new connections to the service, in milliseconds (entry `ConnectTimeout`, written as the Go
   * duration the provider stores back, e.g. 1500 -> "1.5s"). Must be a positive integer.
   * @default - not set ("0s"): Envoy's default of 5 seconds
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#connecttimeout
   */
  readonly connectTimeoutMs?: number;
  /**
   * Timeout for an HTTP response from the service, in milliseconds (entry `RequestTimeout`, written as a Go
   * duration). Must be a positive integer.
   * @default - not set ("0s"): Envoy's default of 15 seconds
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#requesttimeout
   */
  readonly requestTimeoutMs?: number;
  /**
   * The subset used when a caller asks for none (entry `DefaultSubset`); must be one of the subsets.
   * @default - the unnamed default subset (all healthy instances)
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#defaultsubset
   */
  readonly defaultSubset?: string;
  /**
   * Named subsets of the service's instances (entry `Subsets`). More can be added with
   * {@link ServiceResolver.addSubset}.
   * @default - none
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#subsets
   */
  readonly subsets?: ServiceResolverSubset[];
  /**
   * Failover targets, tried in this order when no healthy instance is left (entry `Failover["*"]`, for every
   * subset). More can be added with {@link ServiceResolver.addFailoverTarget}.
   * @default - no failover
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#failover
   */
  readonly failover?: FailoverTarget[];
}

/**
 * The `service-resolver` config entry of one service: its subsets, timeouts and failover targets.
 *
 * Creates one `consul_config_entry_service_resolver`. Subsets and failover targets are rendered at synth
 * from everything added, in any order of the other calls; failover targets keep the order they were added
 * in, because that order is the failover order. Failover is written for every subset (`Failover["*"]`):
 * targets go to `Targets[]` (the form that can name peers and partitions), a sameness group to
 * `SamenessGroup`. The entry `depends_on` the peerings, sameness groups and partitions its targets name.
 *
 * Written so a second plan is empty with provider 2.22: `connect_timeout` and `request_timeout` are always
 * set (the provider parses both with Go's `time.ParseDuration`, which fails on the empty string, and
 * stores `Duration.String()` back, so they are written in exactly that form, "0s" when unset); target
 * namespaces and partitions are written only when given (Consul stores targets as written).
 *
 * Validated at synth: every peer target is a peer of the resolver's partition declared in the app, every
 * partition target a declared partition of the same cluster, every sameness group declared in the
 * partition; no target equals the primary (the service itself) or repeats; a sameness group stands alone;
 * datacenter targets only from the `default` partition; timeouts are positive; the default subset exists;
 * one resolver per service; every peer target, and every member (peer or partition) of a sameness group
 * target, whose far side is in the app exports the service to the resolver's side (or to the group) and
 * allows the callers the resolver routes.
 *
 * @example
 * new ServiceResolver(stack, 'ApiResolver', {
 *   partition: dc1.defaultPartition,
 *   serviceName: 'api',
 *   connectTimeoutMs: 3000,
 *   failover: [FailoverTarget.peer('dc2'), FailoverTarget.peer('dc3')],
 * });
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver
 * @see https://developer.hashicorp.com/consul/docs/manage-traffic/failover
 */
export class ServiceResolver extends Construct {
  /** The resolver of `serviceName` (in `namespace`) in `partition`, if this app declares one. */
  public static find(partition: IPartition, serviceName: string, namespace?: string): ServiceResolver | undefined {
    return ServiceResolver.entriesFor(partition, serviceName, normalizeNamespace(namespace))[0];
  }

  private static entriesFor(partition: IPartition, serviceName: string, namespace: string | undefined): ServiceResolver[] {
    return registeredWhere<ServiceResolver>(partition, KIND.SERVICE_RESOLVER, BY_NAME, resolverKey, nameKey(serviceName, namespace));
  }

  /** The `consul_config_entry_service_resolver` L1. */
  public readonly resource: resolverL1.ConfigEntryServiceResolver;
  /** The service the resolver applies to. */
  public readonly serviceName: string;
  /** The resolver's partition. */
  public readonly partition: IPartition;
  /** The service's namespace, when not `default`. */
  public readonly namespace?: string;
  /** Connect timeout in milliseconds, when set. */
  public readonly connectTimeoutMs?: number;
  /** Request timeout in milliseconds, when set. */
  public readonly requestTimeoutMs?: number;
  /** The default subset, when set. */
  public readonly defaultSubset?: string;
  private readonly subsetsByName = new Map<string, ServiceResolverSubset>();
  private readonly targets: FailoverTarget[] = [];

  public constructor(scope: Construct, id: string, props: ServiceResolverProps) {
    super(scope, id);
    const partition = props.partition;
    assertServiceName('serviceName', props.serviceName, this);
    if (props.namespace !== undefined) assertDnsLabel('namespace', props.namespace, this);
    if (normalizeNamespace(props.namespace) !== undefined) {
      requireEnterprise(this, partition.cluster, 'namespace', props.namespace, 'namespaces');
    }
    for (const [prop, value] of [['connectTimeoutMs', props.connectTimeoutMs], ['requestTimeoutMs', props.requestTimeoutMs]] as const) {
      if (value !== undefined && isUnresolved(value)) {
        throw new ValidationError(this, {
          prop,
          problem: 'is a token; the provider stores the timeout back as a Go duration string and would plan a change unless it is written in exactly that form',
          fix: 'give a literal number of milliseconds',
        });
      }
    }
    if (props.defaultSubset !== undefined) assertSubsetName('defaultSubset', props.defaultSubset, this);
    this.serviceName = props.serviceName;
    this.partition = partition;
    this.namespace = normalizeNamespace(props.namespace);
    this.connectTimeoutMs = props.connectTimeoutMs;
    this.requestTimeoutMs = props.requestTimeoutMs;
    this.defaultSubset = props.defaultSubset;
    for (const s of props.subsets ?? []) this.addSubset(s);
    for (const t of props.failover ?? []) this.addFailoverTarget(t);

    this.resource = new (require('@cdktf/provider-consul/lib/config-entry-service-resolver') as typeof resolverL1).ConfigEntryServiceResolver(this, 'Resource', {
      name: props.serviceName,
      namespace: namespaceResourceArg(this, partition, props.namespace),
      partition: partition.resourcePartition,
      connectTimeout: goDuration(props.connectTimeoutMs ?? 0),
      requestTimeout: goDuration(props.requestTimeoutMs ?? 0),
      defaultSubset: props.defaultSubset,
      subsets: renderedAny(this, 'subsets', () => this.renderSubsets()) as any,
      failover: renderedAny(this, 'failover', () => this.renderFailover()) as any,
      provider: partition.cluster.provider,
    });
    lazyDependsOn(this.resource, () => this.dependencies());
    register(partition, KIND.SERVICE_RESOLVER, this);
    this.node.addValidation({ validate: () => this.validateResolver() });
  }

  /**
   * Adds a named subset. Idempotent for the same subset; the same name with another filter or
   * `onlyPassing` throws.
   */
  public addSubset(subset: ServiceResolverSubset): void {
    assertSubsetName('subsets[].name', subset.name, this);
    const existing = this.subsetsByName.get(subset.name);
    if (existing && (existing.filter !== subset.filter || (existing.onlyPassing ?? false) !== (subset.onlyPassing ?? false))) {
      throw new ValidationError(this, {
        prop: 'subsets[].name',
        value: subset.name,
        problem: `is defined twice with different filters (${JSON.stringify(existing.filter)} and ${JSON.stringify(subset.filter)})`,
        fix: 'give each subset its own name',
      });
    }
    if (!existing) this.subsetsByName.set(subset.name, { ...subset });
  }

  /**
   * Adds a failover target after the ones added before (the order is the failover order). Targets that
   * need Consul Enterprise throw on a Community cluster; the other rules are checked at synth.
   */
  public addFailoverTarget(target: FailoverTarget): void {
    const cluster = this.partition.cluster;
    if (target.kind === FailoverTargetKind.PARTITION) {
      requireEnterprise(this, cluster, 'FailoverTarget.partition(partitionName)', target.name, 'admin partitions');
    } else if (target.kind === FailoverTargetKind.SAMENESS_GROUP) {
      requireEnterprise(this, cluster, 'FailoverTarget.samenessGroup(groupName)', target.name, 'sameness groups');
    } else if (target.kind === FailoverTargetKind.NAMESPACE) {
      requireEnterprise(this, cluster, 'FailoverTarget.namespace(namespace)', target.name, 'namespaces');
    } else if (target.targetNamespace !== undefined) {
      requireEnterprise(this, cluster, `FailoverTarget.${target.kind}(namespace)`, target.targetNamespace, 'namespaces');
    }
    this.targets.push(target);
  }

  /** The failover targets in failover order (copy). */
  public get failoverTargets(): FailoverTarget[] {
    return [...this.targets];
  }

  /** The subsets, sorted by name (copies). */
  public get subsets(): ServiceResolverSubset[] {
    return [...this.subsetsByName.values()].sort((a, b) => compareStrings(a.name, b.name)).map((s) => ({ ...s }));
  }

  // Values rendered at synth bypass the L1's camelCase-to-snake_case mapper: these use Terraform's own names.
  private renderSubsets(): unknown {
    const subsets = this.subsets;
    if (subsets.length === 0) return undefined;
    return subsets.map((s) => ({ name: s.name, filter: s.filter, only_passing: s.onlyPassing ?? false }));
  }

  private renderFailover(): unknown {
    if (this.targets.length === 0) return undefined;
    const group = this.targets.find((t) => t.kind === FailoverTargetKind.SAMENESS_GROUP);
    const targets = this.targets.filter((t) => t.kind !== FailoverTargetKind.SAMENESS_GROUP).map((t) => renderTarget(t));
    const failover: Record<string, unknown> = { subset_name: '*' };
    if (group) failover.sameness_group = group.name;
    if (targets.length > 0) failover.targets = targets;
    return [failover];
  }

  /** The target's service, with the resolver's own name for "not given". */
  private serviceOf(t: FailoverTarget): string {
    return t.serviceName ?? this.serviceName;
  }

  /** Two targets with the same key send traffic to the same place. */
  private targetKey(t: FailoverTarget): string {
    const ns = t.kind === FailoverTargetKind.PARTITION ? normalizeNamespace(t.targetNamespace ?? this.namespace) : normalizeNamespace(t.targetNamespace);
    return `${t.kind}:${t.name}/${ns ?? ''}/${this.serviceOf(t)}`;
  }

  /** True when `t` names the service itself: the primary that fails over, not a place to fail over to. */
  private isPrimary(t: FailoverTarget): boolean {
    if (this.serviceOf(t) !== this.serviceName) return false;
    switch (t.kind) {
      case FailoverTargetKind.PARTITION:
        return t.name === this.partition.partitionName && normalizeNamespace(t.targetNamespace ?? this.namespace) === this.namespace;
      case FailoverTargetKind.NAMESPACE:
        return normalizeNamespace(t.name) === this.namespace;
      case FailoverTargetKind.DATACENTER:
        return t.name === this.partition.cluster.datacenter;
      default:
        return false;
    }
  }

  private peeringOf(t: FailoverTarget): IClusterPeering | undefined {
    return ClusterPeering.findByPeerName(this.partition, t.name);
  }

  private dependencies(): ITerraformDependable[] {
    const deps: ITerraformDependable[] = [];
    const add = (d: ITerraformDependable | undefined) => {
      if (d && !deps.includes(d)) deps.push(d);
    };
    for (const t of this.targets) {
      if (isUnresolved(t.name)) continue;
      if (t.kind === FailoverTargetKind.PEER) {
        const p = this.peeringOf(t);
        // This partition's own side of the peering (in its own cluster and stack).
        if (p instanceof ClusterPeering) add(p.acceptor === this.partition ? p.tokenResource : p.peeringResource);
        else if (p instanceof PeeringAcceptor) add(p.tokenResource);
        else if (p instanceof PeeringDialer) add(p.peeringResource);
      } else if (t.kind === FailoverTargetKind.SAMENESS_GROUP) {
        add(SamenessGroup.find(this.partition, t.name)?.resource);
      } else if (t.kind === FailoverTargetKind.PARTITION) {
        const p = this.partition.cluster.partitions.find((x) => x.partitionName === t.name);
        if (p && !p.isDefault) add(p.node.defaultChild as unknown as ITerraformDependable | undefined);
      }
    }
    return deps;
  }

  /**
   * A peer or partition target, or a member of the sameness group the resolver fails over to, whose far side
   * is in the app must export the service to this side and allow every caller here that reaches the service
   * through this resolver (an upstream of its name without a peer): otherwise the failover lands on nothing,
   * or is denied.
   */
  private checkLanding(landing: FailoverLanding, service: string, namespace: string | undefined, group?: string): string[] {
    const member = landing.kind === 'peer' ? 'SamenessGroupMember.peer(peerName)' : 'SamenessGroupMember.partition(partitionName)';
    const target = landing.kind === 'peer' ? 'FailoverTarget.peer(peerName)' : 'FailoverTarget.partition(partitionName)';
    return failoverLandingProblems({
      from: this.partition,
      landing,
      service,
      namespace,
      callers: routedCallers(this.partition, this.serviceName, this.namespace),
      group,
      prop: group !== undefined ? member : target,
      what: group !== undefined ? `is a member of sameness group "${group}", the failover target of "${this.serviceName}"` : `is a failover target of "${this.serviceName}"`,
    });
  }

  private validateResolver(): string[] {
    const messages: string[] = [];
    const where = describePartition(this.partition);
    const push = (prop: string, value: unknown, problem: string, fix: string) => messages.push(ValidationError.message({ prop, value, problem, fix }));

    for (const [prop, value, example] of [
      ['connectTimeoutMs', this.connectTimeoutMs, 5000],
      ['requestTimeoutMs', this.requestTimeoutMs, 15000],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        push(prop, value, `of the service-resolver of "${this.serviceName}" is not a positive integer (milliseconds)`, `e.g. ${example}, or leave it out for Envoy's default`);
      }
    }
    if (this.defaultSubset !== undefined && !this.subsetsByName.has(this.defaultSubset)) {
      const known = [...this.subsetsByName.keys()].sort(compareStrings);
      push(
        'defaultSubset',
        this.defaultSubset,
        `is not a subset of the service-resolver of "${this.serviceName}" (its subsets: ${known.length > 0 ? known.map((n) => `"${n}"`).join(', ') : 'none'})`,
        'add it with addSubset({ name, filter }) or name one of the subsets',
      );
    }
    if (this.namespace !== undefined && isEnterprise(this.partition.cluster) && !isDeclaredNamespace(this.partition, this.namespace)) {
      push(
        'namespace',
        this.namespace,
        `of the service-resolver of "${this.serviceName}" is not declared in ${where}`,
        `declare it with partition.addNamespace('${this.namespace}') to create it, or Namespace.fromNamespaceName(scope, id, partition, '${this.namespace}') when it exists already`,
      );
    }

    const seen = new Map<string, FailoverTarget>();
    const groups = this.targets.filter((t) => t.kind === FailoverTargetKind.SAMENESS_GROUP);
    if (groups.length > 0 && this.targets.length > 1) {
      push(
        'failover',
        this.targets.map((t) => t._describe()),
        `of the service-resolver of "${this.serviceName}" mixes sameness group "${groups[0].name}" with other targets, which Consul refuses`,
        'fail over to the sameness group alone (list the other places as its members), or drop FailoverTarget.samenessGroup() and list the targets',
      );
    }
    const peerNames = registered<IClusterPeering>(this.partition, KIND.PEERING).map((p) => p.peerNameIn(this.partition));
    for (const t of this.targets) {
      const key = this.targetKey(t);
      if (seen.has(key)) {
        push('failover', t._describe(), `is listed twice in the failover targets of "${this.serviceName}"`, 'list each target once, in failover order');
        continue;
      }
      seen.set(key, t);
      if (isUnresolved(t.name) || (t.serviceName !== undefined && isUnresolved(t.serviceName))) continue;
      if (this.isPrimary(t)) {
        push(
          'failover',
          t._describe(),
          `is the service-resolver's own service "${this.serviceName}" in ${where}, the primary that fails over, not a place to fail over to`,
          'name another peer, partition, namespace or datacenter, or another service',
        );
        continue;
      }
      switch (t.kind) {
        case FailoverTargetKind.PEER:
          if (this.peeringOf(t)) {
            messages.push(...this.checkLanding({ kind: 'peer', name: t.name }, t.serviceName ?? this.serviceName, t.targetNamespace));
          } else {
            push(
              'FailoverTarget.peer(peerName)',
              t.name,
              `is not a peer of ${where}, where the service-resolver of "${this.serviceName}" fails over to it ` +
                `(its peerings name ${peerNames.length > 0 ? peerNames.map((n) => `"${n}"`).join(', ') : 'no peer'})`,
              "use the name the resolver's partition gives the other cluster (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)",
            );
          }
          break;
        case FailoverTargetKind.PARTITION:
          if (!this.partition.cluster.partitions.some((p) => p.partitionName === t.name)) {
            push(
              'FailoverTarget.partition(partitionName)',
              t.name,
              `is not a partition of cluster "${this.partition.cluster.datacenter}" declared in the app (failover of "${this.serviceName}")`,
              `declare it with cluster.addPartition('${t.name}'), or fail over to a partition of another cluster through a peering: FailoverTarget.peer()`,
            );
          } else {
            // Without a namespace a partition target keeps the resolver's (a peer target's is "default"): Consul
            // 1.14 agent/consul/discoverychain/compile.go, rewriteTarget and newTarget.
            const ns = normalizeNamespace(t.targetNamespace ?? this.namespace);
            messages.push(...this.checkLanding({ kind: 'partition', name: t.name }, t.serviceName ?? this.serviceName, ns));
          }
          break;
        case FailoverTargetKind.DATACENTER:
          if (!this.partition.isDefault) {
            push(
              'FailoverTarget.datacenter(datacenter)',
              t.name,
              `is a cross-datacenter failover target of "${this.serviceName}" in ${where}; Consul fails over across datacenters only from the default partition`,
              'fail over to a peer instead (FailoverTarget.peer()), or write the resolver in the default partition',
            );
          }
          break;
        case FailoverTargetKind.SAMENESS_GROUP:
          if (SamenessGroup.find(this.partition, t.name)) {
            // Every member in the app (a peer or another partition) must export the service, under its own name and
            // namespace, and allow the callers.
            for (const member of SamenessGroup.find(this.partition, t.name)!.members) {
              if (isUnresolved(member.name)) continue;
              const landing: FailoverLanding = { kind: member.kind === SamenessGroupMemberKind.PEER ? 'peer' : 'partition', name: member.name };
              messages.push(...this.checkLanding(landing, this.serviceName, this.namespace, t.name));
            }
          } else {
            const known = SamenessGroup.of(this.partition).map((g) => `"${g.groupName}"`);
            push(
              'FailoverTarget.samenessGroup(groupName)',
              t.name,
              `is not a sameness group declared in ${where} (declared: ${known.length > 0 ? known.join(', ') : 'none'})`,
              'declare it with new SamenessGroup(scope, id, { partition, groupName, members }) in the same app',
            );
          }
          break;
        default:
          break;
      }
    }

    const twins = ServiceResolver.entriesFor(this.partition, this.serviceName, this.namespace).filter((r) => r !== this);
    for (const twin of twins) {
      push(
        'serviceName',
        this.serviceName,
        `has a second service-resolver entry in ${where} (${twin.node.path}); Consul keeps one per service`,
        'put every subset and failover target into one ServiceResolver (ServiceResolver.find() returns it)',
      );
    }
    return messages;
  }
}

const resolverKey = (r: ServiceResolver): string => nameKey(r.serviceName, r.namespace);

/** True when `partition` declares `namespace` (created or imported), as `Namespace.find` answers it. */
function isDeclaredNamespace(partition: IPartition, namespace: string): boolean {
  return registeredWhere<{ namespaceName: string }>(partition, KIND.NAMESPACE, BY_NAME, (n) => n.namespaceName, namespace).length > 0;
}

/** One element of `failover[].targets`, in Terraform's attribute names; only the fields that are set. */
function renderTarget(t: FailoverTarget): Record<string, string> {
  const out: Record<string, string> = {};
  if (t.serviceName !== undefined) out.service = t.serviceName;
  switch (t.kind) {
    case FailoverTargetKind.PEER:
      out.peer = t.name;
      break;
    case FailoverTargetKind.PARTITION:
      out.partition = t.name;
      break;
    case FailoverTargetKind.DATACENTER:
      out.datacenter = t.name;
      break;
    default:
      break;
  }
  if (t.targetNamespace !== undefined) out.namespace = t.targetNamespace;
  return out;
}

/** Consul's rule for subset names (`validateServiceSubset`): a lower-case DNS label, used in SNI names. */
const SUBSET_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function assertSubsetName(prop: string, value: string, scope: Construct): void {
  if (isUnresolved(value)) return;
  if (!SUBSET_NAME.test(value)) {
    throw new ValidationError(scope, {
      prop,
      value,
      problem: 'is not a subset name Consul accepts (it goes into SNI names)',
      fix: 'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "v2"',
    });
  }
}

/**
 * A whole number of milliseconds as Go's `time.Duration.String()` writes it ("0s", "500ms", "1.5s",
 * "1m30s", "1h0m0s"): the form the provider stores after reading the entry back.
 */
function goDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) return `${ms}ms`; // refused by the validation
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  const fraction = rest % 1000 === 0 ? '' : `.${String(rest % 1000).padStart(3, '0').replace(/0+$/, '')}`;
  const seconds = `${Math.floor(rest / 1000)}${fraction}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

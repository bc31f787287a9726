import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ValidationError } from '../errors';
import type { IPartition } from '../partition';
import { ClusterPeering, IClusterPeering, PeeringAcceptor, PeeringDialer } from '../peering';
import { renderedConfigEntry } from '../private/config-entry';
import { lazyDependsOn } from '../private/deps';
import { failoverLandingProblems, routedCallers, routedNames } from '../private/failover';
import { BY_NAME, KIND, register, registered, registeredWhere } from '../private/registry';
import { describePartition, requireEnterprise } from '../private/scoping';
import { assertDnsLabel, assertPeerName, isUnresolved, kebabFromId } from '../private/validate';
// Used at synth only (the two modules import each other).
import { ServiceResolver } from './service-resolver';

/** Which kind of member a {@link SamenessGroupMember} is: the key it writes in `Members[]`. */
export enum SamenessGroupMemberKind {
  /** An admin partition of the group's own cluster (`Members[].Partition`). */
  PARTITION = 'Partition',
  /** A cluster peer of the group's partition (`Members[].Peer`). */
  PEER = 'Peer',
}

/**
 * One member of a sameness group: an admin partition of the same cluster, or a cluster peer.
 *
 * @example
 * SamenessGroupMember.partition('ap1') // another partition of the group's own cluster
 * SamenessGroupMember.peer('dc2')      // dc2 is the group's partition's local name for the peer
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#members
 */
export class SamenessGroupMember {
  /**
   * An admin partition of the group's own cluster (`Members[].Partition`). Local partitions need no
   * peering.
   */
  public static partition(partitionName: string): SamenessGroupMember {
    assertDnsLabel('partitionName', partitionName);
    return new SamenessGroupMember(SamenessGroupMemberKind.PARTITION, partitionName);
  }

  /**
   * A cluster peer (`Members[].Peer`). `peerName` is the name the group's *own* partition uses for the peer
   * (its side of the peering: `peering.peerNameIn(partition)`), and the peering must be declared in the app.
   */
  public static peer(peerName: string): SamenessGroupMember {
    assertPeerName('peerName', peerName);
    return new SamenessGroupMember(SamenessGroupMemberKind.PEER, peerName);
  }

  private constructor(
    /** Which field of `Members[]` this sets. */
    public readonly kind: SamenessGroupMemberKind,
    /** The partition or peer name. */
    public readonly name: string,
  ) {}

  /** @internal */
  public _key(): string {
    return `${this.kind}:${this.name}`;
  }

  /** @internal */
  public _describe(): string {
    return `${this.kind === SamenessGroupMemberKind.PEER ? 'peer' : 'partition'} "${this.name}"`;
  }
}

/** Props of {@link SamenessGroup}. */
export interface SamenessGroupProps {
  /**
   * The admin partition the group is defined in (the "local" partition, entry field `Partition`). Its
   * cluster's provider writes the entry; the cluster must run Consul Enterprise.
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#partition
   */
  readonly partition: IPartition;
  /**
   * The sameness group's name (entry field `Name`). Use the same name in every member's own entry.
   * @default - the construct id in kebab case ("ProductsApi" -> "products-api")
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#name
   */
  readonly groupName?: string;
  /**
   * Use this group for failover of every service in the partition (entry field `DefaultForFailover`):
   * upstreams fail over to the members in the order of `members`. Consul applies it to every service that has
   * no service-resolver in the partition (a resolver, even one without failover, takes its service out). When
   * false, the group is used for failover only where a service resolver names it
   * (`FailoverTarget.samenessGroup()`). A partition has at most one default group.
   *
   * Checked at synth when true: for every service the partition's services call by plain name (an upstream
   * with no peer and no partition) and that has no resolver there, every member declared in the app (a
   * peer's far side, another partition of the cluster) exports the service to this partition or to the group,
   * and allows each caller (from this partition, or from the group), as Consul's docs ask of every member.
   * @default false
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#defaultforfailover
   */
  readonly defaultForFailover?: boolean;
  /**
   * Treat the group's own partition as its first member (entry field `IncludeLocal`): local healthy
   * instances are preferred before any member. When false, Consul's docs ask for the local partition as
   * the first member (`SamenessGroupMember.partition(<own partition>)`).
   * @default false
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#includelocal
   */
  readonly includeLocal?: boolean;
  /**
   * The members, in failover order (entry field `Members`): partitions of the same cluster and cluster
   * peers of the group's partition. More can be added with {@link SamenessGroup.addMember}; the order of
   * the members is their precedence and is kept as written.
   * @default - none; add them with addMember()
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group#members
   */
  readonly members?: SamenessGroupMember[];
}

/**
 * A `sameness-group` config entry (Consul Enterprise): admin partitions of this cluster and cluster peers
 * whose services of the same name (in the same namespace) count as one service, for failover and for
 * exports to the group (`ExportConsumer.samenessGroup()`).
 *
 * Creates one `consul_config_entry` (kind `sameness-group`, named after the group, with `partition` set to
 * the group's partition). The provider has no typed resource for it, so the body is rendered at synth with
 * the PascalCase keys the Consul API returns (booleans left out when false, as the server omits them),
 * from every member added, in the order added. The entry `depends_on` the peerings of its peer members
 * and the `consul_admin_partition` of its partition members.
 *
 * Validated at synth: every peer member is a peer of the group's partition declared in the app (a
 * `ClusterPeering`), every partition member is a partition of the group's cluster declared in the app, no
 * member is listed twice (the group's own partition counts as listed when `includeLocal` is on), the group
 * has members, a partition has one group of a name, at most one default-for-failover group, and no member in
 * two of its groups; for a default-for-failover group, every member in the app exports the services the
 * partition's callers fail over to it and allows those callers (see `defaultForFailover`).
 *
 * @example
 * const group = new SamenessGroup(stack, 'Products', {
 *   partition: dc1.defaultPartition,
 *   includeLocal: true,
 *   defaultForFailover: true,
 *   members: [SamenessGroupMember.peer('dc2'), SamenessGroupMember.peer('dc3')],
 * });
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/sameness-group
 * @see https://developer.hashicorp.com/consul/docs/manage-traffic/failover/sameness-group
 */
export class SamenessGroup extends Construct {
  /** The group called `groupName` in `partition`, if this app declares one. */
  public static find(partition: IPartition, groupName: string): SamenessGroup | undefined {
    return registeredWhere<SamenessGroup>(partition, KIND.SAMENESS_GROUP, BY_NAME, groupKey, groupName)[0];
  }

  /** Every sameness group this app declares in `partition`, sorted by construct path. */
  public static of(partition: IPartition): SamenessGroup[] {
    return [...registered<SamenessGroup>(partition, KIND.SAMENESS_GROUP)];
  }

  /** The `consul_config_entry` L1. */
  public readonly resource: configEntry.ConfigEntry;
  /** The group name (entry `Name`). */
  public readonly groupName: string;
  /** The partition the group is defined in. */
  public readonly partition: IPartition;
  /** Entry field `DefaultForFailover`. */
  public readonly defaultForFailover: boolean;
  /** Entry field `IncludeLocal`. */
  public readonly includeLocal: boolean;
  private readonly memberList: SamenessGroupMember[] = [];

  public constructor(scope: Construct, id: string, props: SamenessGroupProps) {
    super(scope, id);
    const partition = props.partition;
    const name = props.groupName ?? kebabFromId(id);
    assertDnsLabel('groupName', name, this);
    requireEnterprise(this, partition.cluster, 'SamenessGroup', name, 'sameness groups');
    this.groupName = name;
    this.partition = partition;
    this.defaultForFailover = props.defaultForFailover ?? false;
    this.includeLocal = props.includeLocal ?? false;
    for (const m of props.members ?? []) this.addMember(m);
    this.resource = renderedConfigEntry(this, {
      kind: 'sameness-group',
      name,
      partition: partition.resourcePartition,
      provider: partition.cluster.provider,
      render: () => this.toJson(),
    });
    // Consul's docs: peerings must be established before a peer is added to a group; member partitions exist first.
    lazyDependsOn(this.resource, () => this.dependencies());
    register(partition, KIND.SAMENESS_GROUP, this);
    this.node.addValidation({ validate: () => this.validateGroup() });
  }

  /**
   * Adds a member after the ones added before (the order is the failover order). Listing a member twice is
   * reported at synth.
   */
  public addMember(member: SamenessGroupMember): void {
    this.memberList.push(member);
  }

  /** The members in failover order, as added (copy). */
  public get members(): SamenessGroupMember[] {
    return [...this.memberList];
  }

  /** True when `member` (a partition or peer) is listed, or is the group's own partition with `includeLocal`. */
  public hasMember(member: SamenessGroupMember): boolean {
    return this.memberKeys().includes(member._key());
  }

  /** The entry body as the Consul API returns it (without Kind, Name, Partition). */
  public toJson(): any {
    const body: Record<string, unknown> = {};
    if (this.defaultForFailover) body.DefaultForFailover = true;
    if (this.includeLocal) body.IncludeLocal = true;
    body.Members = this.memberList.map((m) => ({ [m.kind]: m.name }));
    return body;
  }

  private memberKeys(): string[] {
    const keys = this.memberList.map((m) => m._key());
    if (this.includeLocal) keys.unshift(SamenessGroupMember.partition(this.partition.partitionName)._key());
    return keys;
  }

  /**
   * The resources of what the members name: each peer member's peering (its token and its `consul_peering`,
   * which establish it) and each non-default member partition's `consul_admin_partition`. Imported peerings
   * and unknown names (reported by the validation) add nothing.
   */
  private dependencies(): ITerraformDependable[] {
    const deps: ITerraformDependable[] = [];
    const add = (d: ITerraformDependable | undefined) => {
      if (d && !deps.includes(d)) deps.push(d);
    };
    for (const m of this.memberList) {
      if (isUnresolved(m.name)) continue;
      if (m.kind === SamenessGroupMemberKind.PEER) {
        const p = ClusterPeering.findByPeerName(this.partition, m.name);
        // This partition's own side of the peering (in its own cluster and stack).
        if (p instanceof ClusterPeering) add(p.acceptor === this.partition ? p.tokenResource : p.peeringResource);
        else if (p instanceof PeeringAcceptor) add(p.tokenResource);
        else if (p instanceof PeeringDialer) add(p.peeringResource);
      } else {
        const p = this.partition.cluster.partitions.find((x) => x.partitionName === m.name);
        if (p && !p.isDefault && p !== this.partition) add(p.node.defaultChild as unknown as ITerraformDependable | undefined);
      }
    }
    return deps;
  }

  private validateGroup(): string[] {
    const messages: string[] = [];
    const where = describePartition(this.partition);
    if (this.memberList.length === 0) {
      messages.push(
        ValidationError.message({
          prop: 'members',
          problem: `of sameness group "${this.groupName}" in ${where} is empty`,
          fix: 'add the partitions and peers that run the same services with addMember(SamenessGroupMember.partition(...)) or addMember(SamenessGroupMember.peer(...))',
        }),
      );
    }
    const seen = new Set<string>();
    if (this.includeLocal) seen.add(SamenessGroupMember.partition(this.partition.partitionName)._key());
    const peerNames = registered<IClusterPeering>(this.partition, KIND.PEERING).map((p) => p.peerNameIn(this.partition));
    const partitionNames = this.partition.cluster.partitions.map((p) => p.partitionName);
    for (const m of this.memberList) {
      if (seen.has(m._key())) {
        const local = this.includeLocal && m.kind === SamenessGroupMemberKind.PARTITION && m.name === this.partition.partitionName;
        messages.push(
          ValidationError.message({
            prop: 'members',
            value: { [m.kind]: m.name },
            problem: local
              ? `lists the group's own partition, which includeLocal already makes the first member of "${this.groupName}"`
              : `is listed twice in sameness group "${this.groupName}"`,
            fix: local ? 'remove it from members, or set includeLocal: false and keep it as the first member' : 'list each member once, in failover order',
          }),
        );
      }
      seen.add(m._key());
      if (isUnresolved(m.name)) continue;
      if (m.kind === SamenessGroupMemberKind.PEER && !peerNames.includes(m.name)) {
        messages.push(
          ValidationError.message({
            prop: 'SamenessGroupMember.peer(peerName)',
            value: m.name,
            problem:
              `is not a peer of ${where}, which lists it in sameness group "${this.groupName}" ` +
              `(its peerings name ${peerNames.length > 0 ? peerNames.map((n) => `"${n}"`).join(', ') : 'no peer'})`,
            fix: 'use the name this partition gives the other cluster (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
          }),
        );
      }
      if (m.kind === SamenessGroupMemberKind.PARTITION && !partitionNames.includes(m.name)) {
        messages.push(
          ValidationError.message({
            prop: 'SamenessGroupMember.partition(partitionName)',
            value: m.name,
            problem: `is not a partition of cluster "${this.partition.cluster.datacenter}" declared in the app (sameness group "${this.groupName}")`,
            fix: `declare it with cluster.addPartition('${m.name}'), or name a partition of cluster "${this.partition.cluster.datacenter}" (a partition of another cluster joins through a peering: SamenessGroupMember.peer())`,
          }),
        );
      }
    }
    messages.push(...this.validateSiblings(where));
    if (this.defaultForFailover) messages.push(...this.validateDefaultFailover(where));
    return messages;
  }

  /**
   * A default group is the failover of every service that the partition's callers resolve through its own
   * discovery chain (an upstream with no peer and no partition) and that has no service-resolver there: Consul
   * applies the default group exactly where no resolver exists. So each member declared in the app (a peer's far
   * side, or another partition of the cluster) must export each such service, under its name and namespace, to
   * this partition (or to the group) and allow its callers, as for a resolver that fails over to the group.
   */
  private validateDefaultFailover(where: string): string[] {
    const messages: string[] = [];
    for (const { serviceName, namespace } of routedNames(this.partition)) {
      if (isUnresolved(serviceName) || ServiceResolver.find(this.partition, serviceName, namespace)) continue;
      const callers = routedCallers(this.partition, serviceName, namespace);
      for (const m of this.memberList) {
        if (isUnresolved(m.name)) continue;
        const peer = m.kind === SamenessGroupMemberKind.PEER;
        messages.push(
          ...failoverLandingProblems({
            from: this.partition,
            landing: { kind: peer ? 'peer' : 'partition', name: m.name },
            service: serviceName,
            namespace,
            callers,
            group: this.groupName,
            prop: peer ? 'SamenessGroupMember.peer(peerName)' : 'SamenessGroupMember.partition(partitionName)',
            what:
              `is a member of sameness group "${this.groupName}", the default for failover (defaultForFailover) of ${where}, ` +
              `where "${serviceName}" has no service-resolver, so calls to it fail over there`,
            alternative: `or write a ServiceResolver for "${serviceName}" in ${where}, which takes it out of the default failover`,
          }),
        );
      }
    }
    return messages;
  }

  /** Rules across the groups of one partition; each is reported on the later group (by construct path). */
  private validateSiblings(where: string): string[] {
    const messages: string[] = [];
    const groups = registered<SamenessGroup>(this.partition, KIND.SAMENESS_GROUP);
    const earlier = groups.slice(0, groups.indexOf(this));
    const twin = earlier.find((g) => g.groupName === this.groupName);
    if (twin) {
      messages.push(
        ValidationError.message({
          prop: 'groupName',
          value: this.groupName,
          problem: `is declared twice in ${where} (also ${twin.node.path}); Consul keeps one entry per name`,
          fix: 'add every member to one SamenessGroup',
        }),
      );
    }
    const otherDefault = earlier.find((g) => g.defaultForFailover && g.groupName !== this.groupName);
    if (this.defaultForFailover && otherDefault) {
      messages.push(
        ValidationError.message({
          prop: 'defaultForFailover',
          value: true,
          problem: `is also set on sameness group "${otherDefault.groupName}" in ${where}; a partition has one default group for failover`,
          fix: 'set defaultForFailover on one group, and name the other in a service resolver (FailoverTarget.samenessGroup())',
        }),
      );
    }
    for (const other of earlier) {
      if (other.groupName === this.groupName) continue;
      const shared = this.memberList.filter((m) => other.memberList.some((o) => o._key() === m._key()));
      for (const m of shared) {
        messages.push(
          ValidationError.message({
            prop: 'members',
            value: { [m.kind]: m.name },
            problem: `is also a member of sameness group "${other.groupName}" in ${where}; a partition or peer belongs to one sameness group`,
            fix: `keep ${m._describe()} in one of the two groups`,
          }),
        );
      }
    }
    return messages;
  }
}

const groupKey = (g: SamenessGroup): string => g.groupName;

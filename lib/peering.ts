import * as peeringL1 from '@cdktf/provider-consul/lib/peering';
import * as peeringTokenL1 from '@cdktf/provider-consul/lib/peering-token';
import { Annotations, ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './errors';
import type { IPartition } from './partition';
import { lazyDependsOn } from './private/deps';
import { KIND, register, registered } from './private/registry';
import { describePartition as describe } from './private/scoping';
import { assertPeerName, compareStrings } from './private/validate';

/** What other constructs need to know about a cluster peering. */
export interface IClusterPeering extends IConstruct {
  /**
   * The sides of the peering that this app declares: both for a {@link ClusterPeering} (acceptor, then
   * dialer); one or two for an existing peering ({@link ClusterPeering.fromPeerName}), sorted by construct path.
   */
  readonly sides: IPartition[];
  /** True when `partition` is one side of this peering. */
  involves(partition: IPartition): boolean;
  /** The name `partition` (one side of this peering) uses for the other side. */
  peerNameIn(partition: IPartition): string;
  /**
   * The side of this peering that is not `partition`, or `undefined` when that side is not in this app (an
   * existing peering declared from one side).
   */
  remoteOf(partition: IPartition): IPartition | undefined;
}

/** Attributes of a peering that exists already (made outside this app). */
export interface ClusterPeeringAttributes {
  /** A partition of this app that is one side of the peering. */
  readonly partition: IPartition;
  /** The name `partition` uses for the other side (its `peer_name`). */
  readonly peerName: string;
  /**
   * The other side, when it is in this app too (then `connectTo` can cross the peering).
   * @default - the other side is outside this app: upstreams, exports and intentions of `partition` may name
   * the peer, and nothing on the other side can be checked
   */
  readonly remotePartition?: IPartition;
  /**
   * The name `remotePartition` uses for `partition`. Required with `remotePartition`.
   * @default - no remote side
   */
  readonly remotePeerName?: string;
}

/** Props of {@link ClusterPeering}. */
export interface ClusterPeeringProps {
  /** The partition that generates the peering token (`consul_peering_token`, on its cluster's provider). */
  readonly acceptor: IPartition;
  /** The partition that establishes the peering with the token (`consul_peering`, on its cluster's provider). */
  readonly dialer: IPartition;
  /**
   * The acceptor's local name for the dialer (`peer_name` of the token). Used in the acceptor's
   * `exported-services` consumers and intention sources.
   * @default - the dialer's datacenter, plus "-<partition>" for a non-default partition
   */
  readonly acceptorPeerName?: string;
  /**
   * The dialer's local name for the acceptor (`peer_name` of the peering). Used in the dialer's
   * exports, intention sources and every upstream's `destination_peer`.
   * @default - the acceptor's datacenter, plus "-<partition>" for a non-default partition
   */
  readonly dialerPeerName?: string;
  /**
   * `host:port` addresses to put in the token instead of the ones Consul picks (the acceptor's mesh
   * gateways' WAN addresses when peering through mesh gateways).
   * @default - Consul chooses
   */
  readonly serverExternalAddresses?: string[];
  /**
   * Metadata on both sides of the peering.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
}

/**
 * A cluster peering between two admin partitions of two clusters. It knows both local names, so nobody
 * types a peer name twice or swaps them, and answers "what does partition X call the other side".
 *
 * Creates `consul_peering_token` on the acceptor's provider (depending on the acceptor's `mesh` entry) and
 * `consul_peering` on the dialer's provider (depending on the dialer's `mesh` entry), with the token passed
 * from one to the other as a sensitive value. Both are ForceNew in every argument: changing a peer name or
 * regenerating the token re-establishes the peering.
 *
 * @example
 * const peering = new ClusterPeering(stack, 'Dc2ToDc1', {
 *   acceptor: dc2.defaultPartition, // dc2 calls dc1 "dc1"
 *   dialer: dc1.defaultPartition,   // dc1 calls dc2 "dc2"
 * });
 */
export class ClusterPeering extends Construct implements IClusterPeering {
  /**
   * A peering that exists already, seen from `partition`, which calls the other side `peerName`: creates
   * nothing. Upstreams (`UpstreamTarget.peerService`), exports (`ExportConsumer.peer`) and intention sources
   * (`IntentionSource.peerService`) of `partition` may then name the peer; what the other side exports and
   * allows is not in this app and is not checked.
   */
  public static fromPeerName(scope: Construct, id: string, partition: IPartition, peerName: string): IClusterPeering {
    return new ImportedClusterPeering(scope, id, { partition, peerName });
  }

  /**
   * A peering that exists already, with one or both sides in this app (with both, `connectTo` can cross it
   * and checks both sides). Creates nothing.
   */
  public static fromPeeringAttributes(scope: Construct, id: string, attrs: ClusterPeeringAttributes): IClusterPeering {
    return new ImportedClusterPeering(scope, id, attrs);
  }

  /** All peerings of the app that contains `scope`, sorted by construct path. */
  public static all(scope: IConstruct): IClusterPeering[] {
    return [...registered<IClusterPeering>(scope.node.root, KIND.PEERING)];
  }

  /** The peering in which `partition` calls the other side `peerName`, if any. */
  public static findByPeerName(partition: IPartition, peerName: string): IClusterPeering | undefined {
    return registered<IClusterPeering>(partition, KIND.PEERING).find((p) => p.peerNameIn(partition) === peerName);
  }

  public readonly acceptor: IPartition;
  public readonly dialer: IPartition;
  /** The acceptor's local name for the dialer. */
  public readonly acceptorPeerName: string;
  /** The dialer's local name for the acceptor. */
  public readonly dialerPeerName: string;
  /** The `consul_peering_token` L1 (acceptor side). */
  public readonly tokenResource: peeringTokenL1.PeeringToken;
  /** The `consul_peering` L1 (dialer side). */
  public readonly peeringResource: peeringL1.Peering;

  public constructor(scope: Construct, id: string, props: ClusterPeeringProps) {
    super(scope, id);
    const { acceptor, dialer } = props;
    if (acceptor.cluster === dialer.cluster) {
      throw new ValidationError(this, {
        prop: 'dialer',
        value: dialer.partitionName,
        problem: `is in the acceptor's own cluster "${acceptor.cluster.datacenter}"; peering connects two different clusters`,
        fix: 'partitions of one cluster call each other without a peering: use connectTo() without via',
      });
    }
    const stack = TerraformStack.of(this);
    for (const [prop, side] of [['acceptor', acceptor], ['dialer', dialer]] as const) {
      if (TerraformStack.of(side) !== stack) {
        throw new ValidationError(this, {
          prop,
          value: side.partitionName,
          problem:
            `(${describe(side)}) is in stack "${TerraformStack.of(side).node.id}" but the peering is in stack ` +
            `"${stack.node.id}"; both clusters' providers must be in the peering's stack`,
          fix: 'create them in the same stack',
        });
      }
    }
    this.acceptor = acceptor;
    this.dialer = dialer;
    this.acceptorPeerName = props.acceptorPeerName ?? defaultPeerName(dialer);
    this.dialerPeerName = props.dialerPeerName ?? defaultPeerName(acceptor);
    assertPeerName('acceptorPeerName', this.acceptorPeerName, this, props.acceptorPeerName === undefined ? "the default: the dialer's datacenter" : undefined);
    assertPeerName('dialerPeerName', this.dialerPeerName, this, props.dialerPeerName === undefined ? "the default: the acceptor's datacenter" : undefined);
    for (const [prop, side, name] of [['acceptorPeerName', acceptor, this.acceptorPeerName], ['dialerPeerName', dialer, this.dialerPeerName]] as const) {
      if (name === side.cluster.datacenter) {
        // Works (peer names are local aliases), but every export, intention and upstream of that side then
        // names the other cluster with its own datacenter: almost always two swapped names.
        Annotations.of(this).addWarning(
          `${prop} "${name}" is the datacenter of the ${prop === 'acceptorPeerName' ? 'acceptor' : 'dialer'} itself, ` +
            `so ${describe(side)} calls the other cluster by its own name; check that acceptorPeerName and ` +
            'dialerPeerName are not swapped (each is the name that side uses for the OTHER side)',
        );
      }
    }

    this.tokenResource = new peeringTokenL1.PeeringToken(this, 'Token', {
      peerName: this.acceptorPeerName,
      partition: acceptor.resourcePartition,
      serverExternalAddresses: props.serverExternalAddresses,
      meta: props.meta,
      provider: acceptor.cluster.provider,
    });
    this.peeringResource = new peeringL1.Peering(this, 'Peering', {
      peerName: this.dialerPeerName,
      peeringToken: this.tokenResource.peeringToken,
      partition: dialer.resourcePartition,
      meta: props.meta,
      provider: dialer.cluster.provider,
    });
    // The token waits for the acceptor's mesh entry and its default-partition gateways to be registered
    // and passing (readiness checks the data plane adds, possibly after this constructor), the peering
    // likewise for the dialer's side.
    lazyDependsOn(this.tokenResource, () => readinessOf(acceptor));
    lazyDependsOn(this.peeringResource, () => readinessOf(dialer));

    for (const owner of [acceptor, dialer, acceptor.cluster, dialer.cluster, this.node.root]) {
      register(owner, KIND.PEERING, this);
    }
    this.node.addValidation({ validate: () => this.validatePeering() });
  }

  /**
   * The peering token (sensitive in the provider). Surface it only through a `sensitive` output if at all.
   */
  public get peeringToken(): string {
    return this.tokenResource.peeringToken;
  }

  public get sides(): IPartition[] {
    return [this.acceptor, this.dialer];
  }

  /** True when `partition` is one side of this peering. */
  public involves(partition: IPartition): boolean {
    return partition === this.acceptor || partition === this.dialer;
  }

  /** The name `partition` (one side of this peering) uses for the other side. */
  public peerNameIn(partition: IPartition): string {
    if (partition === this.acceptor) return this.acceptorPeerName;
    if (partition === this.dialer) return this.dialerPeerName;
    throw new ValidationError(this, {
      prop: 'partition',
      value: partition.partitionName,
      problem: `(${describe(partition)}) is not a side of this peering (${describe(this.acceptor)} <-> ${describe(this.dialer)})`,
      fix: 'ask the peering that connects that partition',
    });
  }

  /** The side of this peering that is not `partition`. */
  public remoteOf(partition: IPartition): IPartition | undefined {
    this.peerNameIn(partition);
    return partition === this.acceptor ? this.dialer : this.acceptor;
  }

  private validatePeering(): string[] {
    const messages: string[] = [];
    const [a, d] = [this.acceptor.cluster, this.dialer.cluster];
    if (a.peerThroughMeshGateways !== d.peerThroughMeshGateways) {
      const [on, off] = a.peerThroughMeshGateways ? [a, d] : [d, a];
      messages.push(
        ValidationError.message({
          prop: 'peerThroughMeshGateways',
          value: `${on.datacenter}: true, ${off.datacenter}: false`,
          problem:
            `differs between the two sides of the peering ${describe(this.acceptor)} / ${describe(this.dialer)}: ` +
            `one side's servers would dial or advertise the other's addresses directly, which servers that reach ` +
            `each other only through the gateways (as in the local lab) never can, so the peering stays pending`,
          fix:
            `give "${off.datacenter}" a mesh gateway in its default partition (then it peers through gateways by ` +
            `default) or set peerThroughMeshGateways to the same value on both clusters`,
        }),
      );
    }
    for (const other of ClusterPeering.all(this)) {
      if (other === this) continue;
      if (other.involves(this.acceptor) && other.involves(this.dialer) && other instanceof ClusterPeering) {
        messages.push(
          `peering between ${describe(this.acceptor)} and ${describe(this.dialer)} is declared twice (also ` +
            `${other.node.path}); two partitions peer once: remove one of them`,
        );
      }
      for (const side of [this.acceptor, this.dialer]) {
        if (other.involves(side) && other.peerNameIn(side) === this.peerNameIn(side)) {
          messages.push(
            `${describe(side)} uses peer name "${this.peerNameIn(side)}" for two peerings (also ` +
              `${other.node.path}); peer names must be unique within a partition: set ` +
              `${side === this.acceptor ? 'acceptorPeerName' : 'dialerPeerName'} to a different name`,
          );
        }
      }
    }
    return messages;
  }
}

/**
 * What a side's peering resource waits for: its cluster's `mesh` entry and, when peering goes through
 * mesh gateways, the readiness checks of the default partition's gateways (which carry the peering
 * control-plane traffic).
 */
/** An existing peering (see {@link ClusterPeering.fromPeeringAttributes}): creates nothing. */
class ImportedClusterPeering extends Construct implements IClusterPeering {
  private readonly names = new Map<IPartition, string>();

  public constructor(scope: Construct, id: string, attrs: ClusterPeeringAttributes) {
    super(scope, id);
    assertPeerName('peerName', attrs.peerName, this);
    this.names.set(attrs.partition, attrs.peerName);
    if (attrs.remotePartition !== undefined || attrs.remotePeerName !== undefined) {
      if (attrs.remotePartition === undefined || attrs.remotePeerName === undefined) {
        throw new ValidationError(this, {
          prop: attrs.remotePartition === undefined ? 'remotePartition' : 'remotePeerName',
          problem: `is missing: ${attrs.remotePartition === undefined ? 'remotePeerName' : 'remotePartition'} is given`,
          fix: 'give both (the other side and its name for this side), or neither',
        });
      }
      if (attrs.remotePartition.cluster === attrs.partition.cluster) {
        throw new ValidationError(this, {
          prop: 'remotePartition',
          value: attrs.remotePartition.partitionName,
          problem: `is in the same cluster "${attrs.partition.cluster.datacenter}" as partition; peering connects two different clusters`,
          fix: 'name the partition of the other cluster',
        });
      }
      assertPeerName('remotePeerName', attrs.remotePeerName, this);
      this.names.set(attrs.remotePartition, attrs.remotePeerName);
    }
    for (const side of this.names.keys()) {
      register(side, KIND.PEERING, this);
      register(side.cluster, KIND.PEERING, this);
    }
    register(this.node.root, KIND.PEERING, this);
    this.node.addValidation({ validate: () => this.validateImported() });
  }

  public get sides(): IPartition[] {
    return [...this.names.keys()].sort((a, b) => compareStrings(a.node.path, b.node.path));
  }

  public involves(partition: IPartition): boolean {
    return this.names.has(partition);
  }

  public peerNameIn(partition: IPartition): string {
    const name = this.names.get(partition);
    if (name !== undefined) return name;
    throw new ValidationError(this, {
      prop: 'partition',
      value: partition.partitionName,
      problem: `(${describe(partition)}) is not a side of this existing peering (${this.sides.map((p) => describe(p)).join(', ')})`,
      fix: 'ask the peering that connects that partition',
    });
  }

  public remoteOf(partition: IPartition): IPartition | undefined {
    this.peerNameIn(partition);
    return this.sides.find((p) => p !== partition);
  }

  private validateImported(): string[] {
    const messages: string[] = [];
    for (const other of ClusterPeering.all(this)) {
      if (other === this) continue;
      for (const side of this.sides) {
        if (other.involves(side) && other.peerNameIn(side) === this.peerNameIn(side)) {
          messages.push(
            ValidationError.message({
              prop: 'peerName',
              value: this.peerNameIn(side),
              problem: `is also the name ${describe(side)} uses in ${other.node.path}; peer names are unique within a partition`,
              fix: 'declare an existing peering once, and do not declare it again with new ClusterPeering',
            }),
          );
        }
      }
    }
    return messages;
  }
}

function readinessOf(side: IPartition): ITerraformDependable[] {
  const cluster = side.cluster;
  const deps: ITerraformDependable[] = cluster.meshConfig ? [cluster.meshConfig.resource] : [];
  if (!cluster.peerThroughMeshGateways) return deps;
  return deps.concat(cluster.defaultPartition.meshGateways.flatMap((g) => g.readinessChecks));
}

function defaultPeerName(remote: IPartition): string {
  return remote.isDefault ? remote.cluster.datacenter : `${remote.cluster.datacenter}-${remote.partitionName}`;
}


import * as peeringL1 from '@cdktf/provider-consul/lib/peering';
import * as peeringTokenL1 from '@cdktf/provider-consul/lib/peering-token';
import { Annotations, ITerraformDependable, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './errors';
import type { IPartition } from './partition';
import { lazyDependsOn } from './private/deps';
import { KIND, register, registered } from './private/registry';
import { defaultPartitionOf, describePartition as describe } from './private/scoping';
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
  /**
   * Rotation: raise it (1, 2, ...) to replace the token and the peering together, in order. It is written
   * into both resources' `meta` as `cdktf-consul-peering-generation`; `meta` is ForceNew, so the next apply
   * deletes the peering on the dialer, then on the acceptor, generates a new token and establishes the
   * peering again. Imported services disappear from the dialer's side until the new peering is active
   * (seconds, with gateways registered); exports, intentions and upstreams name the peer, not the token,
   * and are not touched. See the README's rotation runbook.
   * @default 0 - nothing is written
   */
  readonly generation?: number;
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
 * @exampleMetadata fixture=clusters
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

  /** The partition that generates the peering token. */
  public readonly acceptor: IPartition;
  /** The partition that establishes the peering with the token. */
  public readonly dialer: IPartition;
  /** The acceptor's local name for the dialer. */
  public readonly acceptorPeerName: string;
  /** The dialer's local name for the acceptor. */
  public readonly dialerPeerName: string;
  /** The `consul_peering_token` L1 (acceptor side). */
  public readonly tokenResource: peeringTokenL1.PeeringToken;
  /** The `consul_peering` L1 (dialer side). */
  public readonly peeringResource: peeringL1.Peering;
  /** The rotation generation (0 until the first rotation). */
  public readonly generation: number;

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
    // Each resource goes into the stack of its side's provider. When the two clusters are in two stacks, the
    // peering lives in one of them and the other side's resource under that side's partition; the token
    // crosses as a cdktf cross-stack reference (a sensitive output and a remote-state read).
    const stack = TerraformStack.of(this);
    const [acceptorStack, dialerStack] = [TerraformStack.of(acceptor), TerraformStack.of(dialer)];
    if (stack !== acceptorStack && stack !== dialerStack) {
      throw new ValidationError(this, {
        prop: 'scope',
        value: stack.node.id,
        problem: `is neither the acceptor's stack "${acceptorStack.node.id}" nor the dialer's stack "${dialerStack.node.id}"`,
        fix: "create the peering in the acceptor's or the dialer's stack",
      });
    }
    const sideScope = (sideStack: TerraformStack, side: IPartition): Construct =>
      sideStack === stack ? this : new Construct(side, `Peering-${stack.node.id}-${id}`);
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

    const generation = props.generation ?? 0;
    if (!Number.isInteger(generation) || generation < 0) {
      throw new ValidationError(this, { prop: 'generation', value: generation, problem: 'is not a non-negative integer', fix: 'start at 0 and raise it by 1 for every rotation' });
    }
    if (props.meta !== undefined && GENERATION_KEY in props.meta) {
      throw new ValidationError(this, {
        prop: 'meta',
        value: GENERATION_KEY,
        problem: 'is a key the library writes for rotation',
        fix: 'set generation instead of writing the key yourself',
      });
    }
    const meta = generation > 0 ? { ...props.meta, [GENERATION_KEY]: String(generation) } : props.meta;
    this.generation = generation;
    this.tokenResource = new peeringTokenL1.PeeringToken(sideScope(acceptorStack, acceptor), 'Token', {
      peerName: this.acceptorPeerName,
      partition: acceptor.resourcePartition,
      serverExternalAddresses: props.serverExternalAddresses,
      meta,
      provider: acceptor.cluster.provider,
    });
    this.peeringResource = new peeringL1.Peering(sideScope(dialerStack, dialer), 'Peering', {
      peerName: this.dialerPeerName,
      peeringToken: this.tokenResource.peeringToken,
      partition: dialer.resourcePartition,
      meta,
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
/**
 * A peering seen from the sides this app declares (one or two), each with its name for the other: the
 * bookkeeping shared by existing peerings and by the two halves of a peering made by two apps.
 */
abstract class PeeringSides extends Construct implements IClusterPeering {
  private readonly names = new Map<IPartition, string>();

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.validateNames() });
  }

  /** Declares `partition` as a side that calls the other side `peerName` (registers it for lookups). */
  protected addSide(partition: IPartition, peerName: string, prop: string): void {
    assertPeerName(prop, peerName, this);
    this.names.set(partition, peerName);
    register(partition, KIND.PEERING, this);
    register(partition.cluster, KIND.PEERING, this);
    register(this.node.root, KIND.PEERING, this);
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
      problem: `(${describe(partition)}) is not a side of this peering (${this.sides.map((p) => describe(p)).join(', ')})`,
      fix: 'ask the peering that connects that partition',
    });
  }

  public remoteOf(partition: IPartition): IPartition | undefined {
    this.peerNameIn(partition);
    return this.sides.find((p) => p !== partition);
  }

  private validateNames(): string[] {
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
              fix: 'declare each peering once (an existing one with ClusterPeering.fromPeerName, not also with new ClusterPeering)',
            }),
          );
        }
      }
    }
    return messages;
  }
}

/** An existing peering (see {@link ClusterPeering.fromPeeringAttributes}): creates nothing. */
class ImportedClusterPeering extends PeeringSides {
  public constructor(scope: Construct, id: string, attrs: ClusterPeeringAttributes) {
    super(scope, id);
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
    }
    this.addSide(attrs.partition, attrs.peerName, 'peerName');
    if (attrs.remotePartition !== undefined && attrs.remotePeerName !== undefined) {
      this.addSide(attrs.remotePartition, attrs.remotePeerName, 'remotePeerName');
    }
  }
}

/** Props of {@link PeeringAcceptor}. */
export interface PeeringAcceptorProps {
  /** The partition that generates the token (its cluster's provider writes `consul_peering_token`). */
  readonly partition: IPartition;
  /** This partition's name for the dialing cluster (`peer_name` of the token). */
  readonly peerName: string;
  /**
   * `host:port` addresses to put in the token instead of the ones Consul picks.
   * @default - Consul chooses
   */
  readonly serverExternalAddresses?: string[];
  /**
   * Metadata of the peering.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
}

/**
 * The accepting half of a peering whose other half is in another app (another team's Terraform): generates
 * the token. Hand {@link peeringToken} to the other team through a sensitive output, a secret store or a
 * sensitive variable; their app uses {@link PeeringDialer}. Within one app, or two stacks of one app, use
 * {@link ClusterPeering}.
 *
 * Creates one `consul_peering_token` (waiting for the partition's cluster `mesh` entry and gateways, like
 * {@link ClusterPeering}'s).
 *
 * @example
 * const acceptor = new PeeringAcceptor(stack, 'ForDc1', { partition: dc2.defaultPartition, peerName: 'dc1' });
 * new TerraformOutput(stack, 'PeeringToken', { value: acceptor.peeringToken, sensitive: true });
 */
export class PeeringAcceptor extends PeeringSides {
  /** The `consul_peering_token` L1. */
  public readonly tokenResource: peeringTokenL1.PeeringToken;

  public constructor(scope: Construct, id: string, props: PeeringAcceptorProps) {
    super(scope, id);
    this.addSide(props.partition, props.peerName, 'peerName');
    this.tokenResource = new peeringTokenL1.PeeringToken(this, 'Token', {
      peerName: props.peerName,
      partition: props.partition.resourcePartition,
      serverExternalAddresses: props.serverExternalAddresses,
      meta: props.meta,
      provider: props.partition.cluster.provider,
    });
    lazyDependsOn(this.tokenResource, () => readinessOf(props.partition));
  }

  /** The peering token (sensitive in the provider): surface it only through a `sensitive` output. */
  public get peeringToken(): string {
    return this.tokenResource.peeringToken;
  }
}

/** Props of {@link PeeringDialer}. */
export interface PeeringDialerProps {
  /** The partition that establishes the peering (its cluster's provider writes `consul_peering`). */
  readonly partition: IPartition;
  /** This partition's name for the accepting cluster (`peer_name` of the peering). */
  readonly peerName: string;
  /**
   * The token the accepting side generated: a sensitive variable's value (or a secret store's data source),
   * never a literal.
   */
  readonly peeringToken: string;
  /**
   * Metadata of the peering.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
}

/**
 * The dialing half of a peering whose other half ({@link PeeringAcceptor}) is in another app: establishes
 * the peering with a token handed over by the operator.
 *
 * Creates one `consul_peering` (waiting for the partition's cluster `mesh` entry and gateways).
 *
 * @example
 * const token = new TerraformVariable(stack, 'dc2_peering_token', { type: 'string', sensitive: true });
 * new PeeringDialer(stack, 'ToDc2', { partition: dc1.defaultPartition, peerName: 'dc2', peeringToken: token.stringValue });
 */
export class PeeringDialer extends PeeringSides {
  /** The `consul_peering` L1. */
  public readonly peeringResource: peeringL1.Peering;

  public constructor(scope: Construct, id: string, props: PeeringDialerProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.peeringToken)) {
      throw new ValidationError(this, {
        prop: 'peeringToken',
        problem: 'is a literal string, which would be written into the synthesized JSON (a peering token is a secret)',
        fix: "pass a sensitive TerraformVariable's value (new TerraformVariable(this, 'peering_token', { type: 'string', sensitive: true }).stringValue) or a secret store's data source",
      });
    }
    this.addSide(props.partition, props.peerName, 'peerName');
    this.peeringResource = new peeringL1.Peering(this, 'Peering', {
      peerName: props.peerName,
      peeringToken: props.peeringToken,
      partition: props.partition.resourcePartition,
      meta: props.meta,
      provider: props.partition.cluster.provider,
    });
    lazyDependsOn(this.peeringResource, () => readinessOf(props.partition));
  }
}

/** The `meta` key that carries a peering's rotation generation. */
const GENERATION_KEY = 'cdktf-consul-peering-generation';

function readinessOf(side: IPartition): ITerraformDependable[] {
  const cluster = side.cluster;
  const deps: ITerraformDependable[] = cluster.meshConfig ? [cluster.meshConfig.resource] : [];
  if (!cluster.peerThroughMeshGateways) return deps;
  return deps.concat(defaultPartitionOf<IPartition>(cluster).meshGateways.flatMap((g) => g.readinessChecks));
}

function defaultPeerName(remote: IPartition): string {
  return remote.isDefault ? remote.cluster.datacenter : `${remote.cluster.datacenter}-${remote.partitionName}`;
}


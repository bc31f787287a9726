import { ExportConsumer } from './config-entries/exported-services';
import { FailoverTarget } from './config-entries/service-resolver';
import { IntentionSource } from './config-entries/service-intentions';
import { ValidationError } from './errors';
import { MeshGatewayMode } from './mesh-gateway-mode';
import type { IMeshService } from './mesh-service';
import type { IPartition } from './partition';
import type { IClusterPeering } from './peering';
import { KIND, pathOf, register, registered } from './private/registry';
import { describePartition, namespaceArg } from './private/scoping';
import { resolveUpstream } from './private/upstream';
import { assertDnsLabel, assertPeerName, assertServiceName } from './private/validate';

/**
 * Where an upstream points: a local service, a service of a cluster peer, or a service of another admin
 * partition of the same cluster.
 */
export class UpstreamTarget {
  /**
   * A service in the caller's own partition (and, on Enterprise, optionally another namespace).
   * @param namespace the destination's namespace (Enterprise); without it, the calling service's own
   * namespace, as Consul resolves an upstream without `destination_namespace`
   */
  public static service(serviceName: string, namespace?: string): UpstreamTarget {
    return new UpstreamTarget(serviceName, undefined, undefined, namespace);
  }

  /**
   * A service imported from a cluster peer. `peerName` is the *importing* partition's local name for the
   * exporting cluster (it becomes `destination_peer`).
   * @param namespace the namespace the exporter exports from (Enterprise); without it, the calling service's
   * own namespace, as Consul resolves an upstream without `destination_namespace`
   */
  public static peerService(peerName: string, serviceName: string, namespace?: string): UpstreamTarget {
    assertPeerName('peerName', peerName);
    return new UpstreamTarget(serviceName, peerName, undefined, namespace);
  }

  /**
   * A service of another admin partition of the same cluster (Enterprise).
   * @param namespace the destination's namespace; without it, the calling service's own namespace, as Consul
   * resolves an upstream without `destination_namespace`
   */
  public static partitionService(partitionName: string, serviceName: string, namespace?: string): UpstreamTarget {
    assertDnsLabel('partitionName', partitionName);
    return new UpstreamTarget(serviceName, undefined, partitionName, namespace);
  }

  private constructor(
    /** Destination service name. */
    public readonly serviceName: string,
    /** Destination peer (importing side's name for the exporter). */
    public readonly peerName?: string,
    /** Destination partition (same cluster, Enterprise). */
    public readonly partitionName?: string,
    /** Destination namespace (Enterprise); undefined: the calling service's own namespace. */
    public readonly namespace?: string,
  ) {
    assertServiceName('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
  }

  /** True when the target is outside the caller's partition (a peer or another partition). */
  public get isRemote(): boolean {
    return this.peerName !== undefined || this.partitionName !== undefined;
  }
}

/** Options for {@link MeshService.addUpstream}. */
export interface UpstreamOptions {
  /** What the upstream points at. */
  readonly target: UpstreamTarget;
  /** Port the sidecar listens on locally for this upstream; the app dials `localBindAddress:localBindPort`. */
  readonly localBindPort: number;
  /**
   * Address the sidecar listens on for this upstream.
   * @default "127.0.0.1"
   */
  readonly localBindAddress?: string;
  /**
   * Gateway mode of this upstream (`mesh_gateway.mode`). Precedence, most specific first: this, then the
   * service's `meshGatewayMode` (`service-defaults`), then the cluster's (`proxy-defaults`).
   * @default - for peers and partitions the service's meshGatewayMode if set, else the cluster's, is written;
   * for local services nothing
   */
  readonly meshGatewayMode?: MeshGatewayMode;
}

/** One upstream of a sidecar, as rendered. */
export interface MeshUpstream {
  /** `destination_name`. */
  readonly destinationName: string;
  /** `destination_peer`: the importing partition's name for the exporter. */
  readonly destinationPeer?: string;
  /** `destination_partition` (same cluster, Enterprise). */
  readonly destinationPartition?: string;
  /**
   * The destination's namespace, undefined for `default` (an upstream target without a namespace is in the
   * caller's). Rendered as `destination_namespace`, and as `"default"` from a service in another namespace.
   */
  readonly destinationNamespace?: string;
  /** `local_bind_address`. */
  readonly localBindAddress: string;
  /** `local_bind_port`. */
  readonly localBindPort: number;
  /** `mesh_gateway.mode`, when written. */
  readonly meshGatewayMode?: MeshGatewayMode;
}

/** Where a connection fails over to: a copy of the callee in another cluster, across a peering. */
export interface ConnectionFailover {
  /** The service to fail over to (usually the callee's copy, same name, in another cluster). */
  readonly callee: IMeshService;
  /** The peering between the caller's partition and that service's partition. */
  readonly via: IClusterPeering;
}

/** Options for {@link MeshService.connectTo}. */
export interface ConnectionOptions {
  /**
   * The peering the call crosses; its two sides must be the caller's and the callee's partitions.
   * @default - no peering: the callee is in the caller's own cluster (its own partition, or on Enterprise
   * another partition of the same cluster)
   */
  readonly via?: IClusterPeering;
  /** Port the caller's sidecar listens on locally for the callee. */
  readonly localBindPort: number;
  /**
   * Address the caller's sidecar listens on for the callee.
   * @default "127.0.0.1"
   */
  readonly localBindAddress?: string;
  /**
   * Gateway mode of the upstream (`mesh_gateway.mode`). `LOCAL` needs a mesh gateway in the caller's partition.
   * Consul's precedence, most specific first, which the library follows when it writes the mode on the upstream:
   * this option (the upstream), then the caller's `meshGatewayMode` (its `service-defaults`), then the caller's
   * cluster `meshGatewayMode` (`proxy-defaults`).
   * @default - for calls across a peering or a partition, the caller's meshGatewayMode if set, else its cluster's;
   * nothing for calls inside one partition
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Description of the intention written for the callee.
   * @default - "<caller> in <peer or partition> may call <callee> (cdktf-consul-peering)"
   */
  readonly description?: string;
  /**
   * Where the call fails over to, in order, when the callee has no healthy instance: copies of the callee in
   * other clusters, each across its peering with the caller's partition. The library writes a
   * `service-resolver` for the callee's name in the caller's partition (targets: the callee itself when it is
   * remote, then these), exports each copy to the caller's side and allows the caller in each copy's
   * intentions. With a remote callee the caller's upstream then names the service without
   * `destination_peer` (the resolver routes it), so the caller's partition must not have a service of that
   * name itself.
   * @default - no failover
   * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-resolver#failover
   */
  readonly failover?: ConnectionFailover[];
}

/** What a connection crosses. */
export enum ConnectionKind {
  /** A cluster peering: upstream with `destination_peer`, export to a `Peer`, intention source with `Peer`. */
  PEER = 'peer',
  /**
   * Two admin partitions of one Enterprise cluster: upstream with `destination_partition`, export to a
   * `Partition`, intention source with `Partition`.
   */
  PARTITION = 'partition',
  /** Nothing: both services are in one partition; upstream and intention only, no export. */
  LOCAL = 'local',
}

/**
 * "`caller` may call `callee`": one recorded call, made by {@link MeshService.connectTo}. Every document the
 * call needs is derived from this one record at synth: the caller's upstream, the export of the callee to the
 * caller's side (by the name the callee's partition uses for it), and the allowing intention source. The
 * validations read the same record, so no decision is made twice.
 */
export class Connection {
  /**
   * Every connection that imports a service of `partition` (sorted by caller, then callee construct path).
   * A new array.
   */
  public static into(partition: IPartition): Connection[] {
    return [...registered<Connection>(partition, KIND.CONNECTION_INTO)];
  }

  /** The outbound connections of `service` (sorted by callee construct path). A new array. */
  public static from(service: IMeshService): Connection[] {
    return [...Connection._outbound(service)];
  }

  /**
   * {@link from} without the copy: the registry's list, which is replaced (not changed) when a connection is
   * added, so callers may cache by its identity. Do not modify.
   * @internal
   */
  public static _outbound(service: IMeshService): readonly Connection[] {
    return registered<Connection>(service, KIND.CONNECTION_FROM);
  }

  /**
   * Records `caller -> callee` (idempotent for the same options; throws on contradicting ones).
   * @internal
   */
  public static _record(
    caller: IMeshService,
    callee: IMeshService,
    options: ConnectionOptions,
    check: (connection: Connection) => void,
  ): Connection {
    const connection = new Connection(caller, callee, options);
    const existing = Connection._outbound(caller).find((c) => c.callee === callee);
    if (existing) {
      if (existing.sameAs(connection)) return existing;
      throw new ValidationError(caller, {
        prop: 'connectTo(target)',
        value: callee.serviceName,
        problem: `is already connected (${existing.describeOptions()}), with other options than now (${connection.describeOptions()})`,
        fix: 'connect a caller to a callee once: use the same options or remove one call',
      });
    }
    check(connection);
    register(caller, KIND.CONNECTION_FROM, connection, byKey);
    register(callee.partition, KIND.CONNECTION_INTO, connection, byKey);
    for (const leg of connection.failover) register(leg.callee.partition, KIND.CONNECTION_INTO, leg, byKey);
    return connection;
  }

  /** The calling service. */
  public readonly caller: IMeshService;
  /** The called service. */
  public readonly callee: IMeshService;
  /** The peering the call crosses, for {@link ConnectionKind.PEER}. */
  public readonly via?: IClusterPeering;
  /** What the call crosses. */
  public readonly kind: ConnectionKind;
  /**
   * The caller's partition's local name for the callee's side (`destination_peer` of the upstream), for peers.
   */
  public readonly callerPeerName?: string;
  /**
   * The callee's partition's local name for the caller's side (the export's `Peer` consumer and the
   * intention source's `Peer`), for peers.
   */
  public readonly calleePeerName?: string;
  /** The caller's upstream for the callee. */
  public readonly upstream: MeshUpstream;
  /** Description of the intention. */
  public readonly description: string;
  /** Stable sort key: caller path, then callee path. */
  public readonly key: string;
  /**
   * The failover legs, in order: one connection from the caller to each failover target (exported to and
   * allowed for the caller like the primary; they add no upstream of their own). Frozen.
   */
  public readonly failover: Connection[];

  private constructor(caller: IMeshService, callee: IMeshService, options: ConnectionOptions, leg = false) {
    if (caller === callee) {
      throw new ValidationError(caller, {
        prop: 'connectTo(target)',
        value: callee.serviceName,
        problem: 'is the calling service itself',
        fix: 'a service reaches itself without its sidecar: remove the call',
      });
    }
    const via = options.via;
    const from = caller.partition;
    const to = callee.partition;
    if (via) {
      if (!via.involves(from) || !via.involves(to) || from === to) {
        throw new ValidationError(caller, {
          prop: 'connectTo(via)',
          value: via.node.path,
          problem:
            `does not connect the caller's ${describePartition(from)} and the callee's ${describePartition(to)} ` +
            `(it peers ${via.sides.map((p) => describePartition(p)).join(' and ')}${via.sides.length === 1 ? ' with a cluster outside this app' : ''})`,
          fix:
            from.cluster === to.cluster
              ? 'both services are in one cluster: leave out via'
              : 'pass the ClusterPeering between those two partitions',
        });
      }
      this.kind = ConnectionKind.PEER;
      this.callerPeerName = via.peerNameIn(from);
      this.calleePeerName = via.peerNameIn(to);
    } else if (from.cluster !== to.cluster) {
      throw new ValidationError(caller, {
        prop: 'connectTo(via)',
        problem: `is missing: the caller is in ${describePartition(from)} and the callee "${callee.serviceName}" in ${describePartition(to)}`,
        fix: 'services of two clusters talk across a peering: pass via: the ClusterPeering between those partitions',
      });
    } else {
      this.kind = from === to ? ConnectionKind.LOCAL : ConnectionKind.PARTITION;
    }
    this.caller = caller;
    this.callee = callee;
    this.via = via;

    // The callee's namespace, "default" included: a target without one would be the caller's namespace.
    const namespace = callee.namespace ?? 'default';
    const target =
      this.kind === ConnectionKind.PEER
        ? UpstreamTarget.peerService(this.callerPeerName!, callee.serviceName, namespace)
        : this.kind === ConnectionKind.PARTITION
          ? UpstreamTarget.partitionService(to.partitionName, callee.serviceName, namespace)
          : UpstreamTarget.service(callee.serviceName, namespace);
    const serviceMode = (caller as { readonly meshGatewayMode?: MeshGatewayMode }).meshGatewayMode;
    this.upstream = resolveUpstream(
      caller,
      from,
      target,
      options,
      `connection "${caller.serviceName}" -> "${callee.serviceName}"`,
      serviceMode,
      caller.namespace,
    );
    const where =
      this.kind === ConnectionKind.PEER ? ` in ${this.calleePeerName}` : this.kind === ConnectionKind.PARTITION ? ` in partition ${from.partitionName}` : '';
    this.description = options.description ?? `${caller.serviceName}${where} may call ${callee.serviceName} (cdktf-consul-peering)`;
    this.key = `${pathOf(caller)}\u0000${pathOf(callee)}`;
    this.failover = Object.freeze(leg ? [] : this.failoverLegs(options)) as Connection[];
    if (this.failover.length > 0 && this.kind !== ConnectionKind.LOCAL) {
      // The resolver in the caller's partition routes the local name to the callee, then to the failover targets.
      this.upstream = { ...this.upstream, destinationPeer: undefined, destinationPartition: undefined };
    }
  }

  /**
   * The targets of the `service-resolver` this connection needs in the caller's partition, in order: the
   * callee when it is remote, then every failover leg. Empty without failover.
   */
  public get failoverTargets(): FailoverTarget[] {
    if (this.failover.length === 0) return [];
    const name = this.callee.serviceName;
    const primary =
      this.kind === ConnectionKind.PEER
        ? [FailoverTarget.peer(this.callerPeerName!, undefined, this.callee.namespace)]
        : this.kind === ConnectionKind.PARTITION
          ? [FailoverTarget.partition(this.callee.partition.partitionName, undefined, this.callee.namespace)]
          : [];
    return [
      ...primary,
      ...this.failover.map((leg) => FailoverTarget.peer(leg.callerPeerName!, leg.callee.serviceName === name ? undefined : leg.callee.serviceName, leg.callee.namespace)),
    ];
  }

  private failoverLegs(options: ConnectionOptions): Connection[] {
    const legs: Connection[] = [];
    for (const target of options.failover ?? []) {
      const problem = (problem: string, fix: string) =>
        new ValidationError(this.caller, { prop: 'connectTo(failover)', value: target.callee.node.path, problem, fix });
      if (target.callee === this.callee) throw problem('is the callee itself', 'fail over to a copy of the callee in another cluster');
      if (legs.some((l) => l.callee === target.callee)) throw problem('is listed twice', 'list each failover target once');
      if (target.callee.partition.cluster === this.caller.partition.cluster) {
        throw problem(
          `is in the caller's own cluster "${this.caller.partition.cluster.datacenter}"`,
          'failover targets are copies of the callee in other clusters, reached across a peering',
        );
      }
      legs.push(new Connection(this.caller, target.callee, { via: target.via, localBindPort: this.upstream.localBindPort, description: this.description }, true));
    }
    return legs;
  }

  /** The consumer the callee's partition exports the callee to; none for calls inside one partition. */
  public get exportConsumer(): ExportConsumer | undefined {
    switch (this.kind) {
      case ConnectionKind.PEER:
        return ExportConsumer.peer(this.calleePeerName!);
      case ConnectionKind.PARTITION:
        return ExportConsumer.partition(this.caller.partition.partitionName);
      default:
        return undefined;
    }
  }

  /** The source the callee's intentions allow. */
  public get intentionSource(): IntentionSource {
    const from = this.caller.partition;
    // The source namespace is written explicitly on Enterprise, so the provider's read-back converges.
    const namespace = namespaceArg(from, this.caller.namespace);
    switch (this.kind) {
      case ConnectionKind.PEER:
        return IntentionSource.peerService(this.calleePeerName!, this.caller.serviceName, namespace);
      case ConnectionKind.PARTITION:
        return IntentionSource.partitionService(from.partitionName, this.caller.serviceName, namespace);
      default:
        return IntentionSource.service(this.caller.serviceName, namespace);
    }
  }

  private sameAs(other: Connection): boolean {
    return (
      other.via === this.via &&
      other.description === this.description &&
      JSON.stringify(other.upstream) === JSON.stringify(this.upstream) &&
      other.failover.length === this.failover.length &&
      other.failover.every((leg, i) => leg.callee === this.failover[i].callee && leg.via === this.failover[i].via)
    );
  }

  private describeOptions(): string {
    const u = this.upstream;
    const failover = this.failover.length > 0 ? `, failover [${this.failover.map((l) => l.callee.node.path).join(', ')}]` : '';
    return `localBindPort ${u.localBindPort}${u.meshGatewayMode ? `, meshGatewayMode ${u.meshGatewayMode}` : ''}${this.via ? `, via ${this.via.node.path}` : ''}${failover}`;
  }
}

const byKey = (c: Connection): string => c.key;

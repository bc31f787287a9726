import { Construct } from 'constructs';
import { ConsulCluster } from '../cluster';
import type { ServiceProtocol } from '../config-entries/service-defaults';
import type { AppContainerOptions } from '../dataplane/docker/app';
import { ClusterDataPlane } from '../dataplane/docker/cluster-data-plane';
import { DockerHost } from '../dataplane/docker/docker-host';
import type { ConsulEdition } from '../edition';
import { ValidationError } from '../errors';
import type { MeshGateway } from '../mesh-gateway';
import type { MeshGatewayMode } from '../mesh-gateway-mode';
import type { MeshService } from '../mesh-service';
import type { Namespace } from '../namespace';
import type { Partition } from '../partition';
import { ClusterPeering } from '../peering';
import { compareStrings } from '../private/validate';
import { MeshPlan, planMesh, PlannedService, serviceLabel } from './mesh-plan';
import { LabTopology, PeeringLabServers } from './peering-lab';

/** A partition of a cluster of the mesh, by names. */
export interface MeshPartitionRef {
  /** The cluster's datacenter. */
  readonly datacenter: string;
  /**
   * The admin partition.
   * @default "default"
   */
  readonly partition?: string;
}

/** A service of the mesh, by names. */
export interface MeshServiceRef extends MeshPartitionRef {
  /** The Consul service name. */
  readonly serviceName: string;
  /**
   * The namespace (Enterprise).
   * @default "default"
   */
  readonly namespace?: string;
}

/** Addresses pinned for one mesh gateway (the rest is allocated, see {@link MeshAddressPlan}). */
export interface MeshGatewayAddresses {
  /**
   * The gateway's LAN address. Required for every gateway when the mesh has no data plane.
   * @default - allocated in the cluster's LAN subnet
   */
  readonly lanAddress?: string;
  /**
   * The gateway's WAN address (what other clusters reach it on). Required for every gateway when the mesh
   * has no data plane.
   * @default - allocated in the WAN subnet
   */
  readonly wanAddress?: string;
}

/** One admin partition of a mesh cluster: its gateways and namespaces. */
export interface MeshPartitionSpec {
  /**
   * The partition name. `"default"` configures the default partition (which always exists); any other
   * name creates a partition and needs Consul Enterprise.
   */
  readonly partitionName: string;
  /**
   * How many mesh gateways the partition runs (2 or more is an HA set; each has its own pod, addresses and
   * ACL policy). Their construct ids are `Gateway`, `Gateway2`, `Gateway3`, ..., so raising the count adds
   * gateways and renames none.
   * @default 1
   */
  readonly gatewayCount?: number;
  /**
   * Pinned addresses: entry `i` is for gateway `i + 1`. At most `gatewayCount` entries.
   * @default - every address allocated (see {@link MeshAddressPlan})
   */
  readonly gatewayAddresses?: MeshGatewayAddresses[];
  /**
   * Namespaces to create in the partition (Enterprise). A service may only live in a declared namespace:
   * the mesh never creates one implicitly.
   * @default - none (only "default")
   */
  readonly namespaces?: string[];
}

/** One cluster of the mesh. */
export interface MeshClusterSpec {
  /** The Consul datacenter name; the cluster's key everywhere in the mesh description. */
  readonly datacenter: string;
  /**
   * Construct id of the cluster (part of every Terraform address in it).
   * @default - the datacenter in PascalCase ("dc1" -> "Dc1", "us-east-1" -> "UsEast1")
   */
  readonly id?: string;
  /**
   * `host:port` of the cluster's HTTP API.
   * @default - with dockerDataPlane, the lab server's published API ("127.0.0.1:<httpHostPort>"); required otherwise
   */
  readonly address?: string;
  /**
   * ACL token of the Terraform operator for this cluster (a sensitive TerraformVariable's value).
   * @default - the provider reads CONSUL_HTTP_TOKEN
   */
  readonly token?: string;
  /**
   * `http` or `https`.
   * @default "http"
   */
  readonly scheme?: string;
  /**
   * Consul edition.
   * @default ConsulEdition.COMMUNITY
   */
  readonly edition?: ConsulEdition;
  /**
   * The Consul version the cluster runs.
   * @default ConsulCluster.DEFAULT_CONSUL_VERSION
   */
  readonly consulVersion?: string;
  /**
   * Gateway mode for calls out of this cluster (`proxy-defaults`, and every upstream unless the call sets one).
   * @default MeshGatewayMode.REMOTE
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Whether the cluster runs with ACLs (see {@link ConsulClusterProps.acls}).
   * @default true
   */
  readonly acls?: boolean;
  /**
   * The cluster's partitions. The default partition is always there (with one gateway unless an entry named
   * "default" says otherwise); other entries need Consul Enterprise.
   * @default - the default partition with one gateway
   */
  readonly partitions?: MeshPartitionSpec[];
}

/** One service of the mesh (it gets a sidecar, an identity token and, with a data plane, a pod). */
export interface MeshServiceSpec extends MeshServiceRef {
  /**
   * Construct id of the service.
   * @default - the service name in PascalCase ("web-frontend" -> "WebFrontend")
   */
  readonly id?: string;
  /** Port the app listens on. */
  readonly port: number;
  /**
   * Protocol, written as a `service-defaults` entry.
   * @default - no service-defaults entry (tcp)
   */
  readonly protocol?: ServiceProtocol;
  /**
   * HTTP path of the app's health check.
   * @default - a TCP check
   */
  readonly healthCheckHttpPath?: string;
  /**
   * Interval of the app's health check, in seconds.
   * @default 10
   */
  readonly healthCheckIntervalSec?: number;
  /**
   * Port of the sidecar's public listener.
   * @default 21000
   */
  readonly sidecarPort?: number;
  /**
   * Tags of the service.
   * @default - none
   */
  readonly tags?: string[];
  /**
   * Service metadata.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
  /**
   * The application container of the service's pod (needs dockerDataPlane).
   * @default - no app container
   */
  readonly app?: AppContainerOptions;
  /**
   * The pod's address on the cluster LAN (needs dockerDataPlane).
   * @default - allocated (see {@link MeshAddressPlan})
   */
  readonly lanAddress?: string;
}

/** "`caller` calls `callee`": the export, the intention and the upstream follow from it. */
export interface MeshCallSpec {
  /** The calling service. */
  readonly caller: MeshServiceRef;
  /** The called service (any cluster, partition and namespace of the mesh). */
  readonly callee: MeshServiceRef;
  /**
   * Port the caller's sidecar listens on for the callee (the app dials `127.0.0.1:<port>`).
   * @default - allocated from the callee's names: the same in every caller (see {@link MeshAddressPlan})
   */
  readonly localBindPort?: number;
  /**
   * Gateway mode of this upstream.
   * @default - the caller's cluster meshGatewayMode
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Description of the intention.
   * @default - the library's ("<caller> in <peer> may call <callee> ...")
   */
  readonly description?: string;
}

/** A peering declared explicitly (instead of derived from the calls), with its direction and both local names. */
export interface MeshPeeringSpec {
  /** The partition that generates the token. */
  readonly acceptor: MeshPartitionRef;
  /** The partition that establishes the peering. */
  readonly dialer: MeshPartitionRef;
  /**
   * The acceptor's local name for the dialer.
   * @default - the dialer's datacenter (plus "-<partition>" for a non-default partition)
   */
  readonly acceptorPeerName?: string;
  /**
   * The dialer's local name for the acceptor.
   * @default - the acceptor's datacenter (plus "-<partition>" for a non-default partition)
   */
  readonly dialerPeerName?: string;
  /**
   * Construct id of the peering.
   * @default - acceptor label + dialer label, a label being the cluster id plus the partition in PascalCase
   * unless default ("Dc2Dc1", "Dc2BackendDc1")
   */
  readonly id?: string;
}

/** The Docker data plane of the mesh: every gateway and service runs in a pod on the lab's networks. */
export interface MeshDockerDataPlaneOptions {
  /**
   * The Docker host.
   * @default - a DockerHost (id "Docker") with the local Docker daemon
   */
  readonly host?: DockerHost;
  /**
   * The networks and servers the pods join: a LAN subnet, server (`.2`) and HTTP host port per cluster, and
   * the WAN subnet. The lab's server stack ({@link PeeringLabServers}) creates them from the same value.
   * @default MeshAddressPlan.labTopology(<the mesh's datacenters>)
   */
  readonly lab?: LabTopology;
  /**
   * Envoy version of the default images (checked against the compatibility matrix).
   * @default - the default for each cluster's Consul version
   */
  readonly envoyVersion?: string;
}

/** Props of {@link ConsulMesh}. */
export interface ConsulMeshProps {
  /** The clusters (at least one). */
  readonly clusters: MeshClusterSpec[];
  /**
   * The services.
   * @default - none
   */
  readonly services?: MeshServiceSpec[];
  /**
   * Who calls whom. A call across clusters goes through the peering between the two partitions: the one
   * declared in `peerings`, else one derived from the calls (one per pair of partitions).
   * @default - none
   */
  readonly calls?: MeshCallSpec[];
  /**
   * Peerings declared explicitly: for a direction or local names other than the derived ones, or a
   * peering no call needs yet.
   * @default - only the peerings the calls need, derived
   */
  readonly peerings?: MeshPeeringSpec[];
  /**
   * Run every gateway and service in Docker, with every address and port allocated.
   * @default - no data plane: only the control plane (gateway addresses must be pinned)
   */
  readonly dockerDataPlane?: MeshDockerDataPlaneOptions;
}

/** One address or port the mesh placed (allocated, or pinned by the description). */
export interface MeshAllocation {
  /** What it belongs to: `gateway dc1/default#1`, `service dc1/web`, `upstream dc1/web -> dc2/api`. */
  readonly owner: string;
  /** Where: `dc1 LAN`, `WAN`, `127.0.0.1 in the pod of dc1/web`. */
  readonly network: string;
  /** The address or port. */
  readonly value: string;
  /** True when the description gave it, false when the mesh allocated it. */
  readonly pinned: boolean;
}

/**
 * A peered Consul mesh of N clusters from one declarative description: clusters (edition, partitions,
 * namespaces, gateways per partition with an HA count), services, and calls ("web in dc1 calls api in dc2").
 *
 * Built from the library's L2s only: per cluster a {@link ConsulCluster} (id from the datacenter, e.g.
 * `Dc1`) with its partitions, namespaces ({@link Partition.addNamespace}), mesh gateways (`Gateway`,
 * `Gateway2`, ...) and services (id from the service name, e.g. `Web`); a {@link ClusterPeering} per pair of
 * partitions that a call crosses (or declared in `peerings`); one `connectTo` per call. With
 * `dockerDataPlane`: a {@link DockerHost} (`Docker`), the lab's networks joined by name
 * ({@link PeeringLabServers.networksFor}: `Wan`, `Lan-<datacenter>`), and a {@link ClusterDataPlane} per
 * cluster (`<ClusterId>DataPlane`) running every gateway and service.
 *
 * **Peerings derived from calls**: one per pair of partitions, whatever the number and direction of the
 * calls; the partition whose `<datacenter>/<partition>` sorts last (code-point order) accepts, the other
 * dials, and each side calls the other by its datacenter (plus `-<partition>` unless default). The
 * direction depends on the two names only, so adding or removing calls never re-creates a peering (every
 * argument of a peering token and a peering is ForceNew).
 *
 * **Addresses and ports** are allocated from names, never from positions: see {@link MeshAddressPlan}.
 * Adding a cluster, partition, gateway, service or call moves no existing address or port; a clash between
 * two names is reported, never resolved by moving one.
 *
 * **Order-free**: the description is read sorted by names, so any order of its arrays gives the same
 * constructs, ids and byte-identical JSON; errors are the same too. Reading a property creates nothing.
 *
 * **Construct ids** derive from names and are public API (they form the Terraform addresses). Give the
 * mesh the id `Default` and cdktf leaves it out of the addresses: the mesh then writes exactly the
 * addresses a hand-written L2 program with the same ids writes, so a program can move between the two
 * styles without replacing a resource. (Only when nothing else in the stack uses the ids it derives: cdktf
 * would give both the same address.)
 *
 * Bad input throws a {@link ValidationError} naming the prop (`services[].datacenter`), the value and the
 * fix, before anything is created; the L2s' own checks run as usual.
 *
 * @example
 * new ConsulMesh(stack, 'Default', {
 *   clusters: [
 *     { datacenter: 'dc1', token: dc1Token.stringValue },
 *     { datacenter: 'dc2', token: dc2Token.stringValue },
 *   ],
 *   services: [
 *     { datacenter: 'dc1', serviceName: 'web', port: 8080 },
 *     { datacenter: 'dc2', serviceName: 'api', port: 8080 },
 *   ],
 *   calls: [{ caller: { datacenter: 'dc1', serviceName: 'web' }, callee: { datacenter: 'dc2', serviceName: 'api' } }],
 *   dockerDataPlane: {},
 * });
 */
export class ConsulMesh extends Construct {
  /** The Docker host of the data plane, when there is one. */
  public readonly dockerHost?: DockerHost;
  /** The lab topology the data plane runs on, when there is one. */
  public readonly labTopology?: LabTopology;
  private readonly plan: MeshPlan;
  private readonly clusterByName = new Map<string, ConsulCluster>();
  private readonly partitionByKey = new Map<string, Partition>();
  private readonly serviceByKey = new Map<string, MeshService>();
  private readonly gatewaysByKey = new Map<string, MeshGateway[]>();
  private readonly peeringByPair = new Map<string, ClusterPeering>();
  private readonly dataPlaneByName = new Map<string, ClusterDataPlane>();

  public constructor(scope: Construct, id: string, props: ConsulMeshProps) {
    super(scope, id);
    this.plan = planMesh(this, props);
    this.labTopology = this.plan.lab;

    // Control plane: clusters, partitions, namespaces, gateways, services (sorted by names).
    const namespaces = new Map<string, Namespace>();
    for (const c of this.plan.clusters) {
      const cluster = new ConsulCluster(this, c.id, {
        datacenter: c.datacenter,
        address: c.address,
        token: c.spec.token,
        scheme: c.spec.scheme,
        edition: c.spec.edition,
        consulVersion: c.spec.consulVersion,
        meshGatewayMode: c.spec.meshGatewayMode,
        acls: c.spec.acls,
      });
      this.clusterByName.set(c.datacenter, cluster);
      for (const p of c.partitions) {
        const partition = p.isDefault ? cluster.defaultPartition : cluster.addPartition(p.name);
        this.partitionByKey.set(partitionKeyOf(c.datacenter, p.name), partition);
        for (const n of p.namespaces) {
          namespaces.set(`${c.datacenter}/${p.name}/${n.name}`, partition.addNamespace(n.id, { namespaceName: n.name }));
        }
        const gateways = p.gateways.map((g) => partition.addMeshGateway(g.id, { lanAddress: g.lanAddress, wanAddress: g.wanAddress }));
        this.gatewaysByKey.set(partitionKeyOf(c.datacenter, p.name), gateways);
      }
    }
    for (const s of this.plan.services) {
      const options = {
        serviceName: s.serviceName,
        port: s.spec.port,
        protocol: s.spec.protocol,
        healthCheckHttpPath: s.spec.healthCheckHttpPath,
        healthCheckIntervalSec: s.spec.healthCheckIntervalSec,
        sidecarPort: s.spec.sidecarPort,
        tags: s.spec.tags,
        meta: s.spec.meta,
      };
      const partition = this.partitionByKey.get(partitionKeyOf(s.partition.cluster.datacenter, s.partition.name))!;
      const service =
        s.namespace === 'default'
          ? partition.addService(s.id, options)
          : namespaces.get(`${s.partition.cluster.datacenter}/${s.partition.name}/${s.namespace}`)!.addService(s.id, options);
      this.serviceByKey.set(keyOfPlanned(s), service);
    }

    // Peerings (declared and derived), then one connectTo per call.
    for (const p of this.plan.peerings) {
      const peering = new ClusterPeering(this, p.id, {
        acceptor: this.partitionByKey.get(partitionKeyOf(p.acceptor.cluster.datacenter, p.acceptor.name))!,
        dialer: this.partitionByKey.get(partitionKeyOf(p.dialer.cluster.datacenter, p.dialer.name))!,
        acceptorPeerName: p.acceptorPeerName,
        dialerPeerName: p.dialerPeerName,
      });
      this.peeringByPair.set(pairKeyOf(partitionKeyOf(p.acceptor.cluster.datacenter, p.acceptor.name), partitionKeyOf(p.dialer.cluster.datacenter, p.dialer.name)), peering);
    }
    for (const call of this.plan.calls) {
      const via = call.via
        ? this.peeringByPair.get(pairKeyOf(partitionKeyOf(call.via.acceptor.cluster.datacenter, call.via.acceptor.name), partitionKeyOf(call.via.dialer.cluster.datacenter, call.via.dialer.name)))
        : undefined;
      this.serviceByKey.get(keyOfPlanned(call.caller))!.connectTo(this.serviceByKey.get(keyOfPlanned(call.callee))!, {
        via,
        localBindPort: call.localBindPort,
        meshGatewayMode: call.spec.meshGatewayMode,
        description: call.spec.description,
      });
    }

    // Data plane: one host, the lab's networks, one ClusterDataPlane per cluster running everything.
    const dataPlane = props.dockerDataPlane;
    if (dataPlane && this.plan.lab) {
      const host = dataPlane.host ?? new DockerHost(this, 'Docker');
      this.dockerHost = host;
      const networks = PeeringLabServers.networksFor(this, host, this.plan.lab);
      for (const c of this.plan.clusters) {
        const plane = new ClusterDataPlane(this, `${c.id}DataPlane`, {
          cluster: this.clusterByName.get(c.datacenter)!,
          host,
          lan: networks.lans[c.datacenter],
          retryJoin: [PeeringLabServers.serverAddress(c.lab!)],
          envoyVersion: dataPlane.envoyVersion,
        });
        this.dataPlaneByName.set(c.datacenter, plane);
        for (const p of c.partitions) {
          for (const gateway of this.gatewaysByKey.get(partitionKeyOf(c.datacenter, p.name))!) plane.addGateway(gateway, { wan: networks.wan });
        }
      }
      for (const s of this.plan.services) {
        const plane = this.dataPlaneByName.get(s.partition.cluster.datacenter)!;
        plane.addService(this.serviceByKey.get(keyOfPlanned(s))!, { address: s.lanAddress!, app: s.spec.app });
      }
    }
  }

  /** The clusters, sorted by datacenter. */
  public get clusters(): ConsulCluster[] {
    return [...this.clusterByName.values()];
  }

  /** The services, sorted by datacenter, partition, namespace and name. */
  public get services(): MeshService[] {
    return this.plan.services.map((s) => this.serviceByKey.get(keyOfPlanned(s))!);
  }

  /** The peerings (declared and derived), sorted by construct id. */
  public get peerings(): ClusterPeering[] {
    return this.plan.peerings.map((p) => this.node.findChild(p.id) as ClusterPeering);
  }

  /** Every address and port the mesh placed (allocated or pinned), sorted by owner; empty without a data plane. */
  public get allocations(): MeshAllocation[] {
    return this.plan.allocations.map((a) => ({ ...a }));
  }

  /** The cluster of `datacenter`; throws a {@link ValidationError} when the mesh has none. */
  public cluster(datacenter: string): ConsulCluster {
    const cluster = this.clusterByName.get(datacenter);
    if (!cluster) {
      throw new ValidationError(this, {
        prop: 'datacenter',
        value: datacenter,
        problem: `is not a cluster of this mesh (clusters: ${[...this.clusterByName.keys()].join(', ')})`,
        fix: 'use one of those datacenters',
      });
    }
    return cluster;
  }

  /** The partition `ref` names; throws a {@link ValidationError} when the mesh has none. */
  public partition(ref: MeshPartitionRef): Partition {
    const cluster = this.cluster(ref.datacenter);
    const name = ref.partition ?? 'default';
    const partition = this.partitionByKey.get(partitionKeyOf(ref.datacenter, name));
    if (!partition) {
      throw new ValidationError(this, {
        prop: 'partition',
        value: name,
        problem: `is not a partition of cluster "${ref.datacenter}" in this mesh (partitions: ${cluster.partitions.map((p) => p.partitionName).join(', ')})`,
        fix: 'use one of those partitions',
      });
    }
    return partition;
  }

  /** The mesh gateways of the partition `ref` names, by index (`Gateway`, `Gateway2`, ...). */
  public gateways(ref: MeshPartitionRef): MeshGateway[] {
    this.partition(ref);
    return [...this.gatewaysByKey.get(partitionKeyOf(ref.datacenter, ref.partition ?? 'default'))!];
  }

  /** The service `ref` names; throws a {@link ValidationError} when the mesh has none. */
  public service(ref: MeshServiceRef): MeshService {
    const partition = ref.partition ?? 'default';
    const namespace = ref.namespace ?? 'default';
    const service = this.serviceByKey.get(`${ref.datacenter}/${partition}/${namespace}/${ref.serviceName}`);
    if (!service) {
      throw new ValidationError(this, {
        prop: 'serviceName',
        value: serviceLabel(ref.datacenter, partition, namespace, ref.serviceName),
        problem: 'is not a service of this mesh',
        fix: 'name a service declared in services (datacenter, partition, namespace and serviceName)',
      });
    }
    return service;
  }

  /** The peering between the partitions `a` and `b` (in either role), if the mesh has one. */
  public peeringBetween(a: MeshPartitionRef, b: MeshPartitionRef): ClusterPeering | undefined {
    return this.peeringByPair.get(pairKeyOf(partitionKeyOf(a.datacenter, a.partition ?? 'default'), partitionKeyOf(b.datacenter, b.partition ?? 'default')));
  }

  /** The data plane of `datacenter`, when the mesh has a data plane. */
  public dataPlane(datacenter: string): ClusterDataPlane | undefined {
    this.cluster(datacenter);
    return this.dataPlaneByName.get(datacenter);
  }
}

function partitionKeyOf(datacenter: string, partition: string): string {
  return `${datacenter}/${partition}`;
}

function pairKeyOf(a: string, b: string): string {
  return [a, b].sort(compareStrings).join(' ');
}

function keyOfPlanned(s: PlannedService): string {
  return `${s.partition.cluster.datacenter}/${s.partition.name}/${s.namespace}/${s.serviceName}`;
}

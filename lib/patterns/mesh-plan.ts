/*
 * The declarative mesh's plan: the whole description read, checked and completed (ids, peerings, addresses,
 * ports) before a single construct exists. Everything is sorted by names here, so the plan, every error and
 * the order the mesh builds its L2s in are the same for any order of the user's arrays.
 * Not exported from the package; the contract is documented on ConsulMesh and MeshAddressPlan.
 */
import { IConstruct } from 'constructs';
import { assertDatacenter } from '../acl/names';
import { ConsulEdition } from '../edition';
import { ValidationError } from '../errors';
import { ipv4ToNumber, numberToIpv4, parseCidr } from '../private/ip';
import { assertDnsLabel, assertServiceName, compareStrings, isUnresolved } from '../private/validate';
import type {
  ConsulMeshProps,
  MeshAllocation,
  MeshCallSpec,
  MeshClusterSpec,
  MeshPartitionRef,
  MeshPartitionSpec,
  MeshServiceRef,
  MeshServiceSpec,
} from './mesh';
import { MeshAddressPlan } from './mesh-address-plan';
import { LabClusterSpec, LabTopology, PeeringLabServers } from './peering-lab';

/** A cluster of the plan. */
export interface PlannedCluster {
  readonly spec: MeshClusterSpec;
  readonly datacenter: string;
  readonly id: string;
  readonly enterprise: boolean;
  /** `default` first, then by name. */
  readonly partitions: PlannedPartition[];
  /** The provider address (given, or the lab server's published HTTP API). */
  address: string;
  /** The cluster's entry in the lab topology, with a data plane. */
  lab?: LabClusterSpec;
}

/** A partition of the plan. */
export interface PlannedPartition {
  readonly cluster: PlannedCluster;
  readonly name: string;
  readonly isDefault: boolean;
  /** What the user declared for it, if anything. */
  readonly spec?: MeshPartitionSpec;
  /** Sorted by name. */
  readonly namespaces: PlannedNamespace[];
  /** By index. */
  readonly gateways: PlannedGateway[];
}

/** A namespace of the plan. */
export interface PlannedNamespace {
  readonly name: string;
  readonly id: string;
}

/** A mesh gateway of the plan. */
export interface PlannedGateway {
  readonly partition: PlannedPartition;
  /** From 1. */
  readonly index: number;
  readonly id: string;
  readonly lanAddress: string;
  readonly wanAddress: string;
  /** True when the user gave lanAddress (else allocated). */
  readonly lanPinned: boolean;
  /** True when the user gave wanAddress (else allocated). */
  readonly wanPinned: boolean;
}

/** A service of the plan. */
export interface PlannedService {
  readonly spec: MeshServiceSpec;
  readonly partition: PlannedPartition;
  /** "default" for the default namespace. */
  readonly namespace: string;
  readonly serviceName: string;
  readonly id: string;
  /** `dc1/web`, `dc1/ap1/web`, `dc1/ap1/team-a/web`. */
  readonly label: string;
  /** Pod address on the cluster LAN (with a data plane). */
  readonly lanAddress?: string;
}

/** A peering of the plan (declared, or derived from calls). */
export interface PlannedPeering {
  readonly id: string;
  readonly acceptor: PlannedPartition;
  readonly dialer: PlannedPartition;
  readonly acceptorPeerName?: string;
  readonly dialerPeerName?: string;
  readonly declared: boolean;
}

/** A call of the plan. */
export interface PlannedCall {
  readonly spec: MeshCallSpec;
  readonly caller: PlannedService;
  readonly callee: PlannedService;
  readonly via?: PlannedPeering;
  readonly localBindPort: number;
}

/** The whole plan, every list sorted by names. */
export interface MeshPlan {
  readonly clusters: PlannedCluster[];
  readonly services: PlannedService[];
  readonly peerings: PlannedPeering[];
  readonly calls: PlannedCall[];
  /** With a data plane: the lab topology it runs on. */
  readonly lab?: LabTopology;
  /** Every address and port placed, sorted by owner. */
  readonly allocations: MeshAllocation[];
}

/** PascalCase of a name: "us-east-1" -> "UsEast1", "team-a" -> "TeamA". */
export function pascal(name: string): string {
  return name
    .split(/[-_]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The construct id of the `index`-th (from 1) gateway of a partition: `Gateway`, `Gateway2`, ... */
export function gatewayId(index: number): string {
  return index === 1 ? 'Gateway' : `Gateway${index}`;
}

const partitionKey = (datacenter: string, partition: string): string => `${datacenter}/${partition}`;
const serviceKey = (datacenter: string, partition: string, namespace: string, name: string): string =>
  `${datacenter}/${partition}/${namespace}/${name}`;

/** `dc1/web`, `dc1/ap1/web`, `dc1/ap1/team-a/web`: how messages name a service. */
export function serviceLabel(datacenter: string, partition: string, namespace: string, name: string): string {
  if (namespace !== 'default') return `${datacenter}/${partition}/${namespace}/${name}`;
  return partition === 'default' ? `${datacenter}/${name}` : `${datacenter}/${partition}/${name}`;
}

/** Reads, checks and completes a mesh description. Throws a {@link ValidationError} on `scope` for bad input. */
export function planMesh(scope: IConstruct, props: ConsulMeshProps): MeshPlan {
  return new Planner(scope, props).plan();
}

class Planner {
  private readonly clusters = new Map<string, PlannedCluster>();
  private readonly partitions = new Map<string, PlannedPartition>();
  private readonly services = new Map<string, PlannedService>();
  private readonly allocations: MeshAllocation[] = [];
  private lab?: LabTopology;

  public constructor(
    private readonly scope: IConstruct,
    private readonly props: ConsulMeshProps,
  ) {}

  public plan(): MeshPlan {
    this.planClusters();
    this.planDataPlane();
    this.planGateways();
    const services = this.planServices();
    const declared = this.planDeclaredPeerings();
    const { calls, derived } = this.planCalls(declared);
    const peerings = [...declared.values(), ...derived.values()].sort((a, b) => compareStrings(a.id, b.id));
    const clusters = [...this.clusters.values()];
    this.checkIds(clusters, services, peerings);
    this.checkAddresses(clusters, services);
    return {
      clusters,
      services,
      peerings,
      calls,
      lab: this.lab,
      allocations: [...this.allocations].sort((a, b) => compareStrings(a.owner, b.owner) || compareStrings(a.network, b.network)),
    };
  }

  private fail(prop: string, value: unknown, problem: string, fix: string): never {
    throw new ValidationError(this.scope, { prop, value, problem, fix });
  }

  // --- clusters, partitions, namespaces ------------------------------------------------------------

  private planClusters(): void {
    if (this.props.clusters.length === 0) {
      this.fail('clusters', undefined, 'is empty', 'declare at least one cluster ({ datacenter: "dc1", ... })');
    }
    const specs = [...this.props.clusters].sort((a, b) => compareStrings(a.datacenter, b.datacenter));
    for (const spec of specs) {
      assertDatacenter('clusters[].datacenter', spec.datacenter, this.scope);
      if (this.clusters.has(spec.datacenter)) {
        this.fail('clusters[].datacenter', spec.datacenter, 'is declared twice', 'declare each cluster once');
      }
      const enterprise = spec.edition === ConsulEdition.ENTERPRISE;
      const cluster: PlannedCluster = {
        spec,
        datacenter: spec.datacenter,
        id: spec.id ?? pascal(spec.datacenter),
        enterprise,
        partitions: [],
        address: spec.address ?? '',
      };
      const byName = new Map<string, MeshPartitionSpec>();
      for (const p of [...(spec.partitions ?? [])].sort((a, b) => compareStrings(a.partitionName, b.partitionName))) {
        assertDnsLabel('partitions[].partitionName', p.partitionName, this.scope);
        if (byName.has(p.partitionName)) {
          this.fail('partitions[].partitionName', p.partitionName, `is declared twice in cluster "${spec.datacenter}"`, 'declare each partition once');
        }
        if (p.partitionName !== 'default' && !enterprise) {
          this.fail(
            'partitions[].partitionName',
            p.partitionName,
            `needs Consul Enterprise, but cluster "${spec.datacenter}" is Community Edition (admin partitions are an Enterprise feature)`,
            `set edition: ConsulEdition.ENTERPRISE on cluster "${spec.datacenter}" if it runs Enterprise, or remove the partition`,
          );
        }
        byName.set(p.partitionName, p);
      }
      const names = ['default', ...[...byName.keys()].filter((n) => n !== 'default')];
      for (const name of names) {
        const partition = this.planPartition(cluster, name, byName.get(name));
        cluster.partitions.push(partition);
        this.partitions.set(partitionKey(spec.datacenter, name), partition);
      }
      this.clusters.set(spec.datacenter, cluster);
    }
  }

  private planPartition(cluster: PlannedCluster, name: string, spec: MeshPartitionSpec | undefined): PlannedPartition {
    const where = `partition "${name}" of cluster "${cluster.datacenter}"`;
    const count = spec?.gatewayCount ?? 1;
    if (!Number.isInteger(count) || count < 0) {
      this.fail('partitions[].gatewayCount', count, `of ${where} is not a whole number of gateways`, 'use 0, 1, or 2 and more for an HA set');
    }
    const pins = spec?.gatewayAddresses ?? [];
    if (pins.length > count) {
      this.fail(
        'partitions[].gatewayAddresses',
        pins.length,
        `entries for ${where} pin more gateways than its gatewayCount (${count})`,
        `raise gatewayCount to ${pins.length} or remove entries (entry i pins gateway i + 1)`,
      );
    }
    const namespaces: PlannedNamespace[] = [];
    for (const ns of [...(spec?.namespaces ?? [])].sort(compareStrings)) {
      assertDnsLabel('partitions[].namespaces', ns, this.scope);
      if (!cluster.enterprise) {
        this.fail(
          'partitions[].namespaces',
          ns,
          `needs Consul Enterprise, but cluster "${cluster.datacenter}" is Community Edition (namespaces are an Enterprise feature)`,
          `set edition: ConsulEdition.ENTERPRISE on cluster "${cluster.datacenter}" if it runs Enterprise, or remove the namespace`,
        );
      }
      if (ns === 'default') {
        this.fail('partitions[].namespaces', ns, `always exists in ${where}`, 'leave "default" out of namespaces');
      }
      if (namespaces.some((n) => n.name === ns)) {
        this.fail('partitions[].namespaces', ns, `is declared twice in ${where}`, 'declare each namespace once');
      }
      namespaces.push({ name: ns, id: pascal(ns) });
    }
    return { cluster, name, isDefault: name === 'default', spec, namespaces, gateways: [] };
  }

  // --- data plane ------------------------------------------------------------------------------------

  private planDataPlane(): void {
    const dataPlane = this.props.dockerDataPlane;
    const clusters = [...this.clusters.values()];
    if (!dataPlane) {
      for (const c of clusters) {
        if (c.spec.address === undefined) {
          this.fail(
            'clusters[].address',
            undefined,
            `of cluster "${c.datacenter}" is not set, and there is no dockerDataPlane whose lab topology would give it`,
            'set address to the host:port of the cluster\'s HTTP API (e.g. "consul.dc1.example.com:8500"), or add dockerDataPlane',
          );
        }
      }
      return;
    }
    const lab = dataPlane.lab ?? MeshAddressPlan._labTopology(clusters.map((c) => c.datacenter), this.scope);
    for (const c of clusters) {
      const entry = lab.clusters.find((l) => l.datacenter === c.datacenter);
      if (!entry) {
        this.fail(
          'dockerDataPlane.lab',
          lab.clusters.map((l) => l.datacenter).sort(compareStrings),
          `has no cluster "${c.datacenter}", so its data plane has no LAN and no server to join`,
          `add { datacenter: "${c.datacenter}", lanSubnet, httpHostPort } to the lab topology, or leave dockerDataPlane.lab out to derive one`,
        );
      }
      for (const [prop, subnet] of [['lanSubnet', entry.lanSubnet], ['wanSubnet', lab.wanSubnet]] as const) {
        if (MeshAddressPlan.allocatableAddresses(subnet) === 0) {
          this.fail(
            `dockerDataPlane.lab.${prop}`,
            subnet,
            `${prop === 'lanSubnet' ? `of cluster "${c.datacenter}" ` : ''}is not an IPv4 CIDR block with room for automatic addresses (a /27 or larger: the first ${MeshAddressPlan.RESERVED_HOST_ADDRESSES} host addresses are reserved)`,
            'use a larger subnet, e.g. "10.11.0.0/24" or "10.11.0.0/16"',
          );
        }
      }
      c.lab = entry;
      c.address = c.spec.address ?? `127.0.0.1:${entry.httpHostPort}`;
    }
    this.lab = lab;
  }

  // --- gateways ------------------------------------------------------------------------------------

  private planGateways(): void {
    for (const cluster of this.clusters.values()) {
      for (const partition of cluster.partitions) {
        const spec = partition.spec;
        const count = spec?.gatewayCount ?? 1;
        for (let index = 1; index <= count; index++) {
          const pin = spec?.gatewayAddresses?.[index - 1] ?? {};
          const owner = `gateway ${cluster.datacenter}/${partition.name}#${index}`;
          const lanAddress = this.address(owner, 'lan', cluster, pin.lanAddress, () =>
            MeshAddressPlan.gatewayLanAddress(cluster.lab!.lanSubnet, partition.name, index),
          );
          const wanAddress = this.address(owner, 'wan', cluster, pin.wanAddress, () =>
            MeshAddressPlan.gatewayWanAddress(this.lab!.wanSubnet, cluster.datacenter, partition.name, index),
          );
          partition.gateways.push({
            partition,
            index,
            id: gatewayId(index),
            lanAddress,
            wanAddress,
            lanPinned: pin.lanAddress !== undefined,
            wanPinned: pin.wanAddress !== undefined,
          });
        }
      }
    }
  }

  /** A pinned address, or the automatic one with a data plane; without either, the pin is required. */
  private address(owner: string, network: 'lan' | 'wan', cluster: PlannedCluster, pinned: string | undefined, auto: () => string): string {
    const prop = `partitions[].gatewayAddresses[].${network}Address`;
    if (pinned !== undefined) {
      if (!isUnresolved(pinned) && ipv4ToNumber(pinned) === undefined) {
        this.fail(prop, pinned, `of ${owner} is not an IPv4 address`, 'give a dotted-quad address, e.g. "10.11.0.10"');
      }
      if (this.lab) this.allocate(owner, network === 'lan' ? `${cluster.datacenter} LAN` : 'WAN', pinned, true);
      return pinned;
    }
    if (!this.lab) {
      this.fail(
        prop,
        undefined,
        `of ${owner} is not set, and without dockerDataPlane the mesh has no network to take it from`,
        'pin the gateway\'s lanAddress and wanAddress in gatewayAddresses (where it runs), or add dockerDataPlane',
      );
    }
    const address = auto();
    this.allocate(owner, network === 'lan' ? `${cluster.datacenter} LAN` : 'WAN', address, false);
    return address;
  }

  private allocate(owner: string, network: string, value: string, pinned: boolean): void {
    this.allocations.push({ owner, network, value, pinned });
  }

  // --- services ------------------------------------------------------------------------------------

  private resolvePartition(prop: string, ref: MeshPartitionRef, what: string): PlannedPartition {
    const cluster = this.clusters.get(ref.datacenter);
    if (!cluster) {
      this.fail(
        `${prop}.datacenter`,
        ref.datacenter,
        `of ${what} is not a cluster of this mesh (clusters: ${[...this.clusters.keys()].join(', ')})`,
        'declare the cluster in clusters, or fix the name',
      );
    }
    const name = ref.partition ?? 'default';
    const partition = this.partitions.get(partitionKey(ref.datacenter, name));
    if (!partition) {
      this.fail(
        `${prop}.partition`,
        name,
        `of ${what} is not a partition of cluster "${ref.datacenter}" (partitions: ${cluster.partitions.map((p) => p.name).join(', ')})`,
        `declare it in the partitions of cluster "${ref.datacenter}", or fix the name`,
      );
    }
    return partition;
  }

  private planServices(): PlannedService[] {
    const specs = [...(this.props.services ?? [])].map((spec) => ({
      spec,
      key: serviceKey(spec.datacenter, spec.partition ?? 'default', normalizeNs(spec.namespace), spec.serviceName),
    }));
    specs.sort((a, b) => compareStrings(a.key, b.key));
    const planned: PlannedService[] = [];
    for (const { spec, key } of specs) {
      const namespace = normalizeNs(spec.namespace);
      const label = serviceLabel(spec.datacenter, spec.partition ?? 'default', namespace, spec.serviceName);
      assertServiceName('services[].serviceName', spec.serviceName, this.scope);
      const partition = this.resolvePartition('services[]', spec, `service "${label}"`);
      if (namespace !== 'default' && !partition.namespaces.some((n) => n.name === namespace)) {
        this.fail(
          'services[].namespace',
          namespace,
          `of service "${label}" is not declared in partition "${partition.name}" of cluster "${spec.datacenter}"` +
            `${partition.cluster.enterprise ? '' : ' (namespaces are an Enterprise feature)'}`,
          `add "${namespace}" to the namespaces of that partition (the mesh never creates a namespace implicitly)`,
        );
      }
      if (this.services.has(key)) {
        this.fail('services[].serviceName', spec.serviceName, `is declared twice as "${label}"`, 'declare each service once');
      }
      if (!this.lab) {
        for (const [prop, value] of [['app', spec.app], ['lanAddress', spec.lanAddress]] as const) {
          if (value !== undefined) {
            this.fail(`services[].${prop}`, prop === 'app' ? spec.app!.image : value, `of service "${label}" needs a data plane to run on`, 'add dockerDataPlane, or leave it out');
          }
        }
      }
      let lanAddress: string | undefined;
      if (this.lab) {
        const owner = `service ${label}`;
        const network = `${spec.datacenter} LAN`;
        if (spec.lanAddress !== undefined) {
          if (!isUnresolved(spec.lanAddress) && ipv4ToNumber(spec.lanAddress) === undefined) {
            this.fail('services[].lanAddress', spec.lanAddress, `of service "${label}" is not an IPv4 address`, 'give a dotted-quad address, e.g. "10.11.0.20"');
          }
          lanAddress = spec.lanAddress;
          this.allocate(owner, network, lanAddress, true);
        } else {
          lanAddress = MeshAddressPlan.serviceLanAddress(partition.cluster.lab!.lanSubnet, partition.name, namespace, spec.serviceName);
          this.allocate(owner, network, lanAddress, false);
        }
      }
      const service: PlannedService = {
        spec,
        partition,
        namespace,
        serviceName: spec.serviceName,
        id: spec.id ?? pascal(spec.serviceName),
        label,
        lanAddress,
      };
      this.services.set(key, service);
      planned.push(service);
    }
    return planned;
  }

  private resolveService(prop: string, ref: MeshServiceRef, what: string): PlannedService {
    const namespace = normalizeNs(ref.namespace);
    const partition = ref.partition ?? 'default';
    const service = this.services.get(serviceKey(ref.datacenter, partition, namespace, ref.serviceName));
    if (!service) {
      const label = serviceLabel(ref.datacenter, partition, namespace, ref.serviceName);
      this.fail(
        prop,
        label,
        `(${what}) is not a service of this mesh`,
        'declare it in services (same datacenter, partition, namespace and serviceName), or fix the reference',
      );
    }
    return service;
  }

  // --- peerings and calls --------------------------------------------------------------------------

  private planDeclaredPeerings(): Map<string, PlannedPeering> {
    const declared = new Map<string, PlannedPeering>();
    const resolved = (this.props.peerings ?? []).map((spec) => {
      const what = `peering ${refLabel(spec.acceptor)} <- ${refLabel(spec.dialer)}`;
      const acceptor = this.resolvePartition('peerings[].acceptor', spec.acceptor, what);
      const dialer = this.resolvePartition('peerings[].dialer', spec.dialer, what);
      return { spec, acceptor, dialer, key: pairKey(acceptor, dialer), what };
    });
    resolved.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(describeSide(a.acceptor), describeSide(b.acceptor)));
    for (const { spec, acceptor, dialer, key, what } of resolved) {
      if (acceptor.cluster === dialer.cluster) {
        this.fail(
          'peerings[].dialer',
          refLabel(spec.dialer),
          `is in the acceptor's own cluster "${acceptor.cluster.datacenter}" (${what}); a peering joins two clusters`,
          'remove the peering: partitions of one cluster call each other without one',
        );
      }
      if (declared.has(key)) {
        this.fail(
          'peerings',
          `${describeSide(acceptor)} / ${describeSide(dialer)}`,
          'declares the peering between these two partitions twice (in either direction)',
          'declare it once: two partitions peer once',
        );
      }
      declared.set(key, {
        id: spec.id ?? peeringId(acceptor, dialer),
        acceptor,
        dialer,
        acceptorPeerName: spec.acceptorPeerName,
        dialerPeerName: spec.dialerPeerName,
        declared: true,
      });
    }
    return declared;
  }

  private planCalls(declared: Map<string, PlannedPeering>): { calls: PlannedCall[]; derived: Map<string, PlannedPeering> } {
    const derived = new Map<string, PlannedPeering>();
    const resolved = (this.props.calls ?? []).map((spec) => {
      const what = `call ${refLabel(spec.caller, true)} -> ${refLabel(spec.callee, true)}`;
      const caller = this.resolveService('calls[].caller', spec.caller, what);
      const callee = this.resolveService('calls[].callee', spec.callee, what);
      return { spec, caller, callee, key: `${caller.label} -> ${callee.label}` };
    });
    resolved.sort((a, b) => compareStrings(a.key, b.key));
    const calls: PlannedCall[] = [];
    for (const { spec, caller, callee, key } of resolved) {
      if (caller === callee) {
        this.fail('calls[].callee', callee.label, 'is the caller itself', 'a service reaches itself without the mesh: remove the call');
      }
      if (calls.some((c) => c.caller === caller && c.callee === callee)) {
        this.fail('calls', key, 'is declared twice', 'declare each call once (one set of options per caller and callee)');
      }
      let via: PlannedPeering | undefined;
      if (caller.partition.cluster !== callee.partition.cluster) {
        const pair = pairKey(caller.partition, callee.partition);
        via = declared.get(pair) ?? derived.get(pair);
        if (!via) {
          // Direction from the names alone: the partition whose "<datacenter>/<partition>" sorts last accepts.
          const [dialer, acceptor] = [caller.partition, callee.partition].sort((a, b) => compareStrings(describeSide(a), describeSide(b)));
          via = { id: peeringId(acceptor, dialer), acceptor, dialer, declared: false };
          derived.set(pair, via);
        }
      }
      const localBindPort = spec.localBindPort ?? MeshAddressPlan.localBindPort(callee.partition.cluster.datacenter, callee.partition.name, callee.namespace, callee.serviceName);
      this.checkPort(caller, callee, localBindPort, spec.localBindPort !== undefined, calls);
      if (this.lab) {
        this.allocate(`upstream ${key}`, `127.0.0.1 in the pod of ${caller.label}`, String(localBindPort), spec.localBindPort !== undefined);
      }
      calls.push({ spec, caller, callee, via, localBindPort });
    }
    return { calls, derived };
  }

  private checkPort(caller: PlannedService, callee: PlannedService, port: number, pinned: boolean, earlier: PlannedCall[]): void {
    if (isUnresolved(port)) return;
    const fix = pinned
      ? 'pick another localBindPort for this call'
      : `pin localBindPort on the call ${caller.label} -> ${callee.label} (or on the other one) so that nothing that exists moves`;
    const own: Array<[number | undefined, string]> = [
      [caller.spec.port, 'port'],
      [caller.spec.sidecarPort ?? 21000, 'sidecarPort'],
    ];
    for (const [used, what] of own) {
      if (used === port) {
        this.fail(
          'calls[].localBindPort',
          port,
          `${pinned ? '' : '(allocated) '}of the call ${caller.label} -> ${callee.label} is the caller's own ${what}; the app, its sidecar and the upstream listeners share one network namespace`,
          fix,
        );
      }
    }
    const other = earlier.find((c) => c.caller === caller && c.localBindPort === port);
    if (other) {
      this.fail(
        'calls[].localBindPort',
        port,
        `${pinned ? '' : '(allocated) '}of the call ${caller.label} -> ${callee.label} is also the local port of ${caller.label} -> ${other.callee.label}`,
        fix,
      );
    }
  }

  // --- whole-plan checks ---------------------------------------------------------------------------

  /** Construct ids the mesh derives must be unique in each scope (they are Terraform addresses). */
  private checkIds(clusters: PlannedCluster[], services: PlannedService[], peerings: PlannedPeering[]): void {
    const claims = new Map<string, { readonly owner: string; readonly prop?: string }>();
    const claim = (scope: string, id: string, owner: string, prop?: string) => {
      const key = `${scope}\u0000${id}`;
      const other = claims.get(key);
      if (other !== undefined) {
        const fixes = [prop && `${prop} on ${owner}`, other.prop && `${other.prop} on ${other.owner}`].filter((f) => f);
        this.fail(
          prop ?? other.prop ?? 'id',
          id,
          `is the construct id of both ${other.owner} and ${owner} in ${scope} (ids derive from names and form the Terraform addresses)`,
          fixes.length > 0 ? `set ${fixes.join(', or ')} to keep them apart` : 'rename one of them',
        );
      }
      claims.set(key, { owner, prop });
    };
    const mesh = 'the mesh';
    if (this.lab) {
      if (!this.props.dockerDataPlane?.host) claim(mesh, 'Docker', 'the Docker host of the data plane');
      claim(mesh, 'Wan', 'the WAN network of the data plane');
      for (const l of this.lab.clusters) claim(mesh, `Lan-${l.datacenter}`, `the LAN network of "${l.datacenter}"`);
    }
    for (const c of clusters) {
      claim(mesh, c.id, `cluster "${c.datacenter}"`, 'clusters[].id');
      if (this.lab) claim(mesh, `${c.id}DataPlane`, `the data plane of cluster "${c.datacenter}"`, 'clusters[].id');
    }
    for (const p of peerings) {
      claim(mesh, p.id, `the peering ${describeSide(p.acceptor)} (acceptor) / ${describeSide(p.dialer)} (dialer)`, 'peerings[].id');
    }
    for (const c of clusters) {
      for (const p of c.partitions) {
        const scope = `partition "${p.name}" of cluster "${c.datacenter}"`;
        claim(scope, 'ExportedServices', 'the partition\'s exported-services entry');
        claim(scope, 'Resource', 'the partition\'s consul_admin_partition');
        p.gateways.forEach((g) => claim(scope, g.id, `gateway ${g.index} of ${scope}`));
        p.namespaces.forEach((n) => claim(scope, n.id, `namespace "${n.name}"`));
        p.namespaces.forEach((n) => claim(`namespace "${n.name}" of ${scope}`, 'Resource', 'the namespace\'s consul_namespace'));
      }
    }
    for (const s of services) {
      const partition = `partition "${s.partition.name}" of cluster "${s.partition.cluster.datacenter}"`;
      const scope = s.namespace === 'default' ? partition : `namespace "${s.namespace}" of ${partition}`;
      claim(scope, s.id, `service "${s.label}"`, 'services[].id');
    }
  }

  /** Two things on one address of one network: reported, never resolved by moving one. */
  private checkAddresses(clusters: PlannedCluster[], services: PlannedService[]): void {
    if (!this.lab) return;
    const taken = new Map<string, string>();
    const place = (network: string, address: string, owner: string, prop?: string, pinned = true) => {
      const key = `${network}\u0000${address}`;
      const other = taken.get(key);
      if (other !== undefined && prop !== undefined) {
        this.fail(
          prop,
          address,
          `${pinned ? '' : '(allocated) '}of ${owner} on the ${network} is also the address of ${other}`,
          pinned ? 'pin another address' : `pin an address for ${owner} (${prop}) or for ${other}, preferably the one added last, so that nothing that exists moves`,
        );
      }
      taken.set(key, owner);
    };
    place('WAN', numberToIpv4(parseCidr(this.lab.wanSubnet)!.network + 1), 'the WAN\'s Docker gateway');
    for (const c of clusters) {
      place(`${c.datacenter} LAN`, numberToIpv4(parseCidr(c.lab!.lanSubnet)!.network + 1), 'the LAN\'s Docker gateway');
      place(`${c.datacenter} LAN`, PeeringLabServers.serverAddress(c.lab!), `the server of cluster "${c.datacenter}"`);
    }
    for (const c of clusters) {
      for (const p of c.partitions) {
        for (const g of p.gateways) {
          const owner = `gateway ${c.datacenter}/${p.name}#${g.index}`;
          place(`${c.datacenter} LAN`, g.lanAddress, owner, 'partitions[].gatewayAddresses[].lanAddress', g.lanPinned);
          place('WAN', g.wanAddress, owner, 'partitions[].gatewayAddresses[].wanAddress', g.wanPinned);
        }
      }
    }
    for (const s of services) {
      place(`${s.partition.cluster.datacenter} LAN`, s.lanAddress!, `service ${s.label}`, 'services[].lanAddress', s.spec.lanAddress !== undefined);
    }
  }
}

function normalizeNs(namespace: string | undefined): string {
  return namespace ?? 'default';
}

function describeSide(p: PlannedPartition): string {
  return partitionKey(p.cluster.datacenter, p.name);
}

function refLabel(ref: MeshPartitionRef | MeshServiceRef, service = false): string {
  if (service) {
    const s = ref as MeshServiceRef;
    return serviceLabel(s.datacenter, s.partition ?? 'default', normalizeNs(s.namespace), s.serviceName);
  }
  return partitionKey(ref.datacenter, ref.partition ?? 'default');
}

/** The same key for both directions of a pair of partitions. */
function pairKey(a: PlannedPartition, b: PlannedPartition): string {
  return [describeSide(a), describeSide(b)].sort(compareStrings).join(' ');
}

/** `<acceptor label><dialer label>`, a label being the cluster id plus the PascalCase partition unless default. */
function peeringId(acceptor: PlannedPartition, dialer: PlannedPartition): string {
  const label = (p: PlannedPartition) => `${p.cluster.id}${p.isDefault ? '' : pascal(p.name)}`;
  return `${label(acceptor)}${label(dialer)}`;
}

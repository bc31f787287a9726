/*
 * Random VALID topologies for property-based tests (and benchmarks), built through the public API the way a
 * user writes a program, in any order of the calls that respects their real dependencies.
 *
 * Three layers:
 *
 * 1. {@link topologyArbitrary}: a fast-check arbitrary of {@link Topology} values: plain data (clusters,
 *    partitions, services, peerings, calls, with or without the Docker data plane). It is generated as a
 *    flat "genome" of small integers and booleans and then normalized, so fast-check shrinks it well (fewer
 *    clusters, services and calls; indices towards 0) and every shrunk value is still a valid topology.
 * 2. {@link programOf}: the topology as a {@link Program}: a list of {@link Step}s, each one public call
 *    (`new ConsulCluster`, `addPartition`, `addMeshGateway`, `addService`, `new ClusterPeering`, `connectTo`,
 *    `new DockerHost`, `new DockerNetwork`, `new ClusterDataPlane`, `plane.addGateway`, `plane.addService`)
 *    with the ids of the steps it depends on (an object exists before it is used) and its TypeScript line.
 *    Every construct id, name, address and port is derived from names and indices, never from call order,
 *    so every order of the steps builds the same program.
 * 3. {@link orderOf}: a topological order of the steps, picked by a list of choices (from fast-check, see
 *    {@link orderChoicesArbitrary}), or one of the two fixed orders {@link CANONICAL} and
 *    {@link LATEST_FIRST}; {@link build} runs the steps in that order in a fresh app and stack,
 *    {@link synthesize} synthesizes them with validations on, {@link renderProgram} prints the order as the
 *    TypeScript program it is (for failure reports).
 *
 * The rules that keep a topology valid (so validations must pass):
 * - 2 to 5 clusters `dc<i>`, Community or Enterprise, optionally with `meshGatewayMode` LOCAL or REMOTE;
 *   Enterprise clusters have 0 to 2 extra partitions `ap1`, `ap2`.
 * - Every partition has one mesh gateway `Gateway`, or in HA clusters two (`Gateway`, `GatewayB`: the same
 *   service name, so the default policy names get the id suffix), so every exporting and every LOCAL-mode
 *   importing partition has one, and every cluster peers through gateways. Addresses: LAN
 *   `10.<20+i>.0.<100+k>`, WAN `10.10.0.<10*i+k>` (`k` = partition index, 0 for default); the second
 *   gateway LAN `.<150+k>`, WAN `10.10.0.<10*i+5+k>`.
 * - 1 to 10 services `Svc<j>` (`svc<j>`, port 8080) per cluster, spread over its partitions, on Enterprise
 *   some in namespace `team-a`, declared with `addNamespace('TeamA')` in each partition that uses it (a
 *   step of its own, so it may come before or after the services); service names are unique per cluster.
 * - Calls `caller.connectTo(callee, { via?, localBindPort })`: never to itself, at most once per pair;
 *   across clusters always `via` the one peering between the two partitions (created when a call needs it,
 *   in the direction the genome says), inside a cluster without `via` (local or partition-to-partition).
 *   `localBindPort` = 9000 + 100 * callee cluster + callee index: unique per caller, never 8080 or 21000.
 * - 0 to 4 extra peerings between partitions of two different clusters, at most one per partition pair.
 * - With the data plane: one `DockerHost`, the WAN `10.10.0.0/24`, a LAN `10.<20+i>.0.0/24` and a
 *   `ClusterDataPlane` per cluster (servers at `10.<20+i>.0.2`), every gateway and every service run by
 *   it (services at `10.<20+i>.0.<10+j>`).
 *
 * Two helpers keep thousands of builds in one jest process fast and within memory:
 * {@link withCheapTokenStackTraces} (around a whole property) and {@link forgettingTokens} (around each run).
 *
 * @example
 * // A benchmark or another test: the same topologies for the same seed.
 * for (const topology of fc.sample(topologyArbitrary(), { seed: 42, numRuns: 20 })) {
 *   const program = programOf(topology);
 *   const json = forgettingTokens(() => synthesize(build(orderOf(program, CANONICAL))));
 * }
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import {
  ClusterDataPlane,
  ClusterPeering,
  Connection,
  ConsulCluster,
  ConsulEdition,
  DockerHost,
  DockerNetwork,
  MeshGateway,
  MeshGatewayMode,
  MeshService,
  Partition,
} from '../../lib';

// ---------------------------------------------------------------------------------------------------------
// The topology (plain data)
// ---------------------------------------------------------------------------------------------------------

/** One cluster of a {@link Topology}. */
export interface ClusterSpec {
  /** 1-based index: datacenter `dc<index>`, construct id `Dc<index>`. */
  readonly index: number;
  /** Consul Enterprise (else Community). */
  readonly enterprise: boolean;
  /** `meshGatewayMode` of the cluster, when set. */
  readonly meshGatewayMode?: MeshGatewayMode;
  /** Partition names, `default` first, then `ap1`, `ap2` (Enterprise only). */
  readonly partitions: string[];
  /** Construct ids of the mesh gateways of every partition: `Gateway`, plus `GatewayB` in HA clusters. */
  readonly gateways: string[];
}

/** A partition of a cluster. */
export interface PartitionRef {
  /** Cluster index. */
  readonly cluster: number;
  /** Partition name (`default`, `ap1`, `ap2`). */
  readonly partition: string;
}

/** One service of a {@link Topology}. */
export interface ServiceSpec extends PartitionRef {
  /** `dc<cluster>/svc<index>`. */
  readonly key: string;
  /** 1-based index within its cluster: construct id `Svc<index>`, service name `svc<index>`. */
  readonly index: number;
  /** Namespace (Enterprise only), when not default. */
  readonly namespace?: string;
}

/** One peering of a {@link Topology}. */
export interface PeeringSpec {
  /** The construct id, `<Acceptor>To<Dialer>` (e.g. `Dc2Ap1ToDc1`). */
  readonly id: string;
  /** The acceptor partition. */
  readonly acceptor: PartitionRef;
  /** The dialer partition. */
  readonly dialer: PartitionRef;
}

/** One `connectTo` call of a {@link Topology}. */
export interface CallSpec {
  /** Key of the calling service. */
  readonly caller: string;
  /** Key of the called service. */
  readonly callee: string;
  /** Id of the peering the call crosses (cross-cluster calls only). */
  readonly via?: string;
  /** The caller's local bind port for the callee. */
  readonly localBindPort: number;
}

/** A valid topology: what the program declares, independent of the order of its calls. */
export interface Topology {
  readonly clusters: ClusterSpec[];
  readonly services: ServiceSpec[];
  readonly peerings: PeeringSpec[];
  readonly calls: CallSpec[];
  /** Run every gateway and service on the Docker data plane. */
  readonly dataPlane: boolean;
}

/** Bounds of the generated topologies. */
export const LIMITS = {
  minClusters: 2,
  maxClusters: 5,
  maxExtraPartitions: 2,
  maxServicesPerCluster: 10,
  maxCalls: 25,
  maxExtraPeerings: 4,
} as const;

/** Namespace given to some services of Enterprise clusters. */
export const NAMESPACE = 'team-a';
/** Port every service listens on. */
export const SERVICE_PORT = 8080;

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const partitionKey = (p: PartitionRef): string => `dc${p.cluster}/${p.partition}`;
/** `Dc1` for the default partition of dc1, `Dc1Ap1` for its partition ap1. */
const partitionLabel = (p: PartitionRef): string => `Dc${p.cluster}${p.partition === 'default' ? '' : pascal(p.partition)}`;

interface ClusterGenome {
  readonly enterprise: boolean;
  readonly mode: 'unset' | 'local' | 'remote';
  readonly extraPartitions: number;
  readonly ha: boolean;
  readonly services: Array<{ readonly partition: number; readonly namespaced: boolean }>;
}

interface Genome {
  readonly clusters: ClusterGenome[];
  readonly calls: Array<{ readonly caller: number; readonly callee: number; readonly calleeAccepts: boolean }>;
  readonly extraPeerings: Array<{ readonly a: number; readonly b: number; readonly aAccepts: boolean }>;
  readonly dataPlane: boolean;
}

const genomeArbitrary: fc.Arbitrary<Genome> = fc.record({
  clusters: fc.array(
    fc.record({
      enterprise: fc.boolean(),
      mode: fc.constantFrom<'unset' | 'local' | 'remote'>('unset', 'local', 'remote'),
      extraPartitions: fc.integer({ min: 0, max: LIMITS.maxExtraPartitions }),
      ha: fc.boolean(),
      services: fc.array(fc.record({ partition: fc.nat(), namespaced: fc.boolean() }), {
        minLength: 1,
        maxLength: LIMITS.maxServicesPerCluster,
        size: 'max',
      }),
    }),
    { minLength: LIMITS.minClusters, maxLength: LIMITS.maxClusters, size: 'max' },
  ),
  calls: fc.array(fc.record({ caller: fc.nat(), callee: fc.nat(), calleeAccepts: fc.boolean() }), {
    maxLength: LIMITS.maxCalls,
    size: 'max',
  }),
  extraPeerings: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), aAccepts: fc.boolean() }), {
    maxLength: LIMITS.maxExtraPeerings,
    size: 'max',
  }),
  dataPlane: fc.boolean(),
});

/** Turns a genome into a valid topology (indices are taken modulo what exists; invalid calls are dropped). */
function normalize(genome: Genome): Topology {
  const clusters: ClusterSpec[] = genome.clusters.map((g, i) => ({
    index: i + 1,
    enterprise: g.enterprise,
    meshGatewayMode: g.mode === 'local' ? MeshGatewayMode.LOCAL : g.mode === 'remote' ? MeshGatewayMode.REMOTE : undefined,
    partitions: ['default', ...Array.from({ length: g.enterprise ? g.extraPartitions : 0 }, (_, k) => `ap${k + 1}`)],
    gateways: g.ha ? ['Gateway', 'GatewayB'] : ['Gateway'],
  }));
  const services: ServiceSpec[] = genome.clusters.flatMap((g, i) =>
    g.services.map((s, j) => {
      const cluster = clusters[i];
      return {
        key: `dc${cluster.index}/svc${j + 1}`,
        cluster: cluster.index,
        index: j + 1,
        partition: cluster.partitions[s.partition % cluster.partitions.length],
        namespace: cluster.enterprise && s.namespaced ? NAMESPACE : undefined,
      };
    }),
  );
  const peeringsByPair = new Map<string, PeeringSpec>();
  const pairKey = (a: PartitionRef, b: PartitionRef) => [partitionKey(a), partitionKey(b)].sort().join('|');
  const peer = (acceptor: PartitionRef, dialer: PartitionRef): PeeringSpec => {
    const key = pairKey(acceptor, dialer);
    let p = peeringsByPair.get(key);
    if (!p) {
      p = { id: `${partitionLabel(acceptor)}To${partitionLabel(dialer)}`, acceptor, dialer };
      peeringsByPair.set(key, p);
    }
    return p;
  };
  const ref = (p: PartitionRef): PartitionRef => ({ cluster: p.cluster, partition: p.partition });

  const calls: CallSpec[] = [];
  const seen = new Set<string>();
  for (const c of genome.calls) {
    const caller = services[c.caller % services.length];
    const callee = services[c.callee % services.length];
    const key = `${caller.key}>${callee.key}`;
    if (caller === callee || seen.has(key)) continue;
    seen.add(key);
    const via =
      caller.cluster === callee.cluster
        ? undefined
        : c.calleeAccepts
          ? peer(ref(callee), ref(caller))
          : peer(ref(caller), ref(callee));
    // If the pair already had a peering, `peer` returns it whatever direction this call would have picked.
    calls.push({
      caller: caller.key,
      callee: callee.key,
      via: via?.id,
      localBindPort: 9000 + 100 * callee.cluster + callee.index,
    });
  }
  const allPartitions: PartitionRef[] = clusters.flatMap((c) => c.partitions.map((p) => ({ cluster: c.index, partition: p })));
  for (const e of genome.extraPeerings) {
    const a = allPartitions[e.a % allPartitions.length];
    const b = allPartitions[e.b % allPartitions.length];
    if (a.cluster === b.cluster) continue;
    if (e.aAccepts) peer(a, b);
    else peer(b, a);
  }
  const peerings = [...peeringsByPair.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { clusters, services, peerings, calls, dataPlane: genome.dataPlane };
}

/** Random valid topologies (see the module doc for the space and the rules). Shrinks towards smaller ones. */
export function topologyArbitrary(): fc.Arbitrary<Topology> {
  return genomeArbitrary.map(normalize);
}

// ---------------------------------------------------------------------------------------------------------
// The program (steps with dependencies)
// ---------------------------------------------------------------------------------------------------------

/** What a program has built so far, by key. */
export interface Built {
  readonly app: App;
  readonly stack: TerraformStack;
  /** By cluster index. */
  readonly clusters: Map<number, ConsulCluster>;
  /** By `dc<i>/<partition>`. */
  readonly partitions: Map<string, Partition>;
  /** By `dc<i>/<partition>/<gateway id>`. */
  readonly gateways: Map<string, MeshGateway>;
  /** By service key. */
  readonly services: Map<string, MeshService>;
  /** By peering id. */
  readonly peerings: Map<string, ClusterPeering>;
  /** The `connectTo` results, by `<caller key>><callee key>`. */
  readonly connections: Map<string, Connection>;
  /** The data plane, by name (`host`, `wan`, `lan<i>`, `plane<i>`). */
  readonly dataPlane: Map<string, DockerHost | DockerNetwork | ClusterDataPlane>;
}

/** One public call of a program. */
export interface Step {
  /** Unique id, e.g. `service dc1/svc3` or `call dc1/svc1 -> dc2/svc2`. */
  readonly id: string;
  /** Ids of the steps that create what this one uses. */
  readonly deps: string[];
  /** The call as a TypeScript line (variables named after the keys). */
  readonly code: string;
  /** Makes the call. */
  run(built: Built): void;
}

/** A topology as steps, in canonical order (which is one valid order). */
export interface Program {
  readonly topology: Topology;
  readonly steps: Step[];
}

const clusterVar = (i: number) => `dc${i}`;
const partitionVar = (p: PartitionRef) => (p.partition === 'default' ? `${clusterVar(p.cluster)}.defaultPartition` : `dc${p.cluster}${pascal(p.partition)}`);
const gatewayVar = (p: PartitionRef, id: string) => `dc${p.cluster}${pascal(p.partition)}${id}`;
const gatewayKey = (p: PartitionRef, id: string) => `${partitionKey(p)}/${id}`;
const serviceVar = (key: string) => key.replace(/^dc(\d+)\/svc(\d+)$/, 'dc$1Svc$2');
const peeringVar = (id: string) => id.charAt(0).toLowerCase() + id.slice(1);
const partitionStep = (p: PartitionRef) => (p.partition === 'default' ? `cluster dc${p.cluster}` : `partition ${partitionKey(p)}`);

function need<K, T>(map: ReadonlyMap<K, T>, key: K, what: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`step order bug: ${what} ${key} is used before it exists`);
  return value;
}

/** The addresses of gateway `g` (0 = `Gateway`, 1 = `GatewayB`) of partition `k` (0 = default) of cluster `i`. */
export function gatewayAddresses(cluster: number, partitionIndex: number, gateway = 0): { lanAddress: string; wanAddress: string } {
  return {
    lanAddress: `10.${20 + cluster}.0.${100 + 50 * gateway + partitionIndex}`,
    wanAddress: `10.10.0.${10 * cluster + 5 * gateway + partitionIndex}`,
  };
}

/** The steps of `topology`, in canonical order: clusters with their partitions, gateways and services, then peerings, calls, the data plane. */
export function programOf(topology: Topology): Program {
  const steps: Step[] = [];
  const partitionOf = (ref: PartitionRef) => (b: Built) => need(b.partitions, partitionKey(ref), 'partition');

  for (const c of topology.clusters) {
    const edition = c.enterprise ? 'ENTERPRISE' : 'COMMUNITY';
    const props = {
      datacenter: `dc${c.index}`,
      address: `127.0.0.1:${8400 + 100 * c.index}`,
      edition: c.enterprise ? ConsulEdition.ENTERPRISE : ConsulEdition.COMMUNITY,
      ...(c.meshGatewayMode ? { meshGatewayMode: c.meshGatewayMode } : {}),
    };
    const mode = c.meshGatewayMode ? `, meshGatewayMode: MeshGatewayMode.${c.meshGatewayMode.toUpperCase()}` : '';
    steps.push({
      id: `cluster dc${c.index}`,
      deps: [],
      code: `const ${clusterVar(c.index)} = new ConsulCluster(stack, 'Dc${c.index}', { datacenter: '${props.datacenter}', address: '${props.address}', edition: ConsulEdition.${edition}${mode} });`,
      run: (b) => {
        const cluster = new ConsulCluster(b.stack, `Dc${c.index}`, props);
        b.clusters.set(c.index, cluster);
        b.partitions.set(partitionKey({ cluster: c.index, partition: 'default' }), cluster.defaultPartition);
      },
    });
    c.partitions.forEach((name, k) => {
      const ref = { cluster: c.index, partition: name };
      if (name !== 'default') {
        steps.push({
          id: `partition ${partitionKey(ref)}`,
          deps: [`cluster dc${c.index}`],
          code: `const ${partitionVar(ref)} = ${clusterVar(c.index)}.addPartition('${name}');`,
          run: (b) => {
            b.partitions.set(partitionKey(ref), need(b.clusters, c.index, 'cluster').addPartition(name));
          },
        });
      }
      c.gateways.forEach((gatewayId, g) => {
        const addresses = gatewayAddresses(c.index, k, g);
        steps.push({
          id: `gateway ${gatewayKey(ref, gatewayId)}`,
          deps: [partitionStep(ref)],
          code: `const ${gatewayVar(ref, gatewayId)} = ${partitionVar(ref)}.addMeshGateway('${gatewayId}', { lanAddress: '${addresses.lanAddress}', wanAddress: '${addresses.wanAddress}' });`,
          run: (b) => {
            b.gateways.set(gatewayKey(ref, gatewayId), partitionOf(ref)(b).addMeshGateway(gatewayId, addresses));
          },
        });
      });
      if (topology.services.some((s) => s.cluster === c.index && s.partition === name && s.namespace !== undefined)) {
        steps.push({
          id: `namespace ${partitionKey(ref)}`,
          deps: [partitionStep(ref)],
          code: `${partitionVar(ref)}.addNamespace('TeamA');`,
          run: (b) => {
            partitionOf(ref)(b).addNamespace('TeamA');
          },
        });
      }
    });
    for (const s of topology.services.filter((x) => x.cluster === c.index)) {
      const ns = s.namespace ? `, namespace: '${s.namespace}'` : '';
      const options = { port: SERVICE_PORT, ...(s.namespace ? { namespace: s.namespace } : {}) };
      steps.push({
        id: `service ${s.key}`,
        deps: [partitionStep(s)],
        code: `const ${serviceVar(s.key)} = ${partitionVar(s)}.addService('Svc${s.index}', { port: ${SERVICE_PORT}${ns} });`,
        run: (b) => {
          b.services.set(s.key, partitionOf(s)(b).addService(`Svc${s.index}`, options));
        },
      });
    }
  }

  for (const p of topology.peerings) {
    steps.push({
      id: `peering ${p.id}`,
      deps: [partitionStep(p.acceptor), partitionStep(p.dialer)],
      code: `const ${peeringVar(p.id)} = new ClusterPeering(stack, '${p.id}', { acceptor: ${partitionVar(p.acceptor)}, dialer: ${partitionVar(p.dialer)} });`,
      run: (b) => {
        b.peerings.set(p.id, new ClusterPeering(b.stack, p.id, { acceptor: partitionOf(p.acceptor)(b), dialer: partitionOf(p.dialer)(b) }));
      },
    });
  }

  for (const c of topology.calls) {
    const via = c.via ? `via: ${peeringVar(c.via)}, ` : '';
    steps.push({
      id: `call ${c.caller} -> ${c.callee}`,
      deps: [`service ${c.caller}`, `service ${c.callee}`, ...(c.via ? [`peering ${c.via}`] : [])],
      code: `${serviceVar(c.caller)}.connectTo(${serviceVar(c.callee)}, { ${via}localBindPort: ${c.localBindPort} });`,
      run: (b) => {
        const caller = need(b.services, c.caller, 'service');
        const callee = need(b.services, c.callee, 'service');
        const options = c.via
          ? { via: need(b.peerings, c.via, 'peering'), localBindPort: c.localBindPort }
          : { localBindPort: c.localBindPort };
        b.connections.set(`${c.caller}>${c.callee}`, caller.connectTo(callee, options));
      },
    });
  }

  if (topology.dataPlane) {
    const host = (b: Built) => need(b.dataPlane, 'host', 'Docker host') as DockerHost;
    steps.push({
      id: 'host',
      deps: [],
      code: `const host = new DockerHost(stack, 'Docker');`,
      run: (b) => {
        b.dataPlane.set('host', new DockerHost(b.stack, 'Docker'));
      },
    });
    steps.push({
      id: 'wan',
      deps: ['host'],
      code: `const wan = new DockerNetwork(stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });`,
      run: (b) => {
        b.dataPlane.set('wan', new DockerNetwork(b.stack, 'Wan', { host: host(b), networkName: 'consul-wan', subnet: '10.10.0.0/24' }));
      },
    });
    for (const c of topology.clusters) {
      const i = c.index;
      steps.push({
        id: `lan dc${i}`,
        deps: ['host'],
        code: `const lan${i} = new DockerNetwork(stack, 'Lan${i}', { host, networkName: 'dc${i}-lan', subnet: '10.${20 + i}.0.0/24' });`,
        run: (b) => {
          b.dataPlane.set(`lan${i}`, new DockerNetwork(b.stack, `Lan${i}`, { host: host(b), networkName: `dc${i}-lan`, subnet: `10.${20 + i}.0.0/24` }));
        },
      });
    }
    for (const c of topology.clusters) {
      const i = c.index;
      steps.push({
        id: `plane dc${i}`,
        deps: [`cluster dc${i}`, 'host', `lan dc${i}`],
        code: `const plane${i} = new ClusterDataPlane(stack, 'Plane${i}', { cluster: ${clusterVar(i)}, host, lan: lan${i}, retryJoin: ['10.${20 + i}.0.2'] });`,
        run: (b) => {
          b.dataPlane.set(
            `plane${i}`,
            new ClusterDataPlane(b.stack, `Plane${i}`, {
              cluster: need(b.clusters, i, 'cluster'),
              host: host(b),
              lan: need(b.dataPlane, `lan${i}`, 'LAN') as DockerNetwork,
              retryJoin: [`10.${20 + i}.0.2`],
            }),
          );
        },
      });
    }
    const plane = (b: Built, i: number) => need(b.dataPlane, `plane${i}`, 'data plane') as ClusterDataPlane;
    for (const c of topology.clusters) {
      for (const name of c.partitions) {
        const ref = { cluster: c.index, partition: name };
        for (const gatewayId of c.gateways) {
          const key = gatewayKey(ref, gatewayId);
          steps.push({
            id: `plane.addGateway ${key}`,
            deps: [`plane dc${c.index}`, `gateway ${key}`, 'wan'],
            code: `plane${c.index}.addGateway(${gatewayVar(ref, gatewayId)}, { wan });`,
            run: (b) => {
              plane(b, c.index).addGateway(need(b.gateways, key, 'gateway'), { wan: need(b.dataPlane, 'wan', 'WAN') as DockerNetwork });
            },
          });
        }
      }
    }
    for (const s of topology.services) {
      const address = `10.${20 + s.cluster}.0.${10 + s.index}`;
      steps.push({
        id: `plane.addService ${s.key}`,
        deps: [`plane dc${s.cluster}`, `service ${s.key}`],
        code: `plane${s.cluster}.addService(${serviceVar(s.key)}, { address: '${address}' });`,
        run: (b) => {
          plane(b, s.cluster).addService(need(b.services, s.key, 'service'), { address });
        },
      });
    }
  }

  const ids = new Set<string>();
  for (const s of steps) {
    if (ids.has(s.id)) throw new Error(`duplicate step id ${s.id}`);
    for (const d of s.deps) if (!ids.has(d)) throw new Error(`canonical order bug: ${s.id} depends on ${d}, which comes later or not at all`);
    ids.add(s.id);
  }
  return { topology, steps };
}

// ---------------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------------

/** At least the number of steps of the largest program the generator makes (at most 256 with HA gateways and namespaces). */
export const MAX_STEPS = 320;

/**
 * How to order a program's steps: `CANONICAL` (the order of {@link programOf}), `LATEST_FIRST` (always the
 * ready step that comes last canonically: the data plane and each service's `plane.addService` as early as
 * possible, so before that service's `connectTo` calls), or a list of choices (see {@link orderOf}).
 */
export type OrderSpec = typeof CANONICAL | typeof LATEST_FIRST | readonly number[];
export const CANONICAL = 'canonical' as const;
export const LATEST_FIRST = 'latest-first' as const;

/** Choices are fractions of 256: choice `c` picks ready step `floor(c * ready / 256)`. */
export const CHOICE_RANGE = 256;

/**
 * Choices for {@link orderOf}: up to {@link MAX_STEPS} numbers below {@link CHOICE_RANGE}. They shrink
 * quickly (fewer and smaller) towards the empty list, that is towards the canonical order.
 */
export function orderChoicesArbitrary(): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: CHOICE_RANGE - 1 }), { maxLength: MAX_STEPS, size: 'max' });
}

/**
 * A topological order of `program`'s steps: Kahn's algorithm over the steps whose dependencies have run
 * ("ready", kept in canonical order). With a list of choices, step `n` runs the ready step at fraction
 * `choices[n % choices.length] / CHOICE_RANGE` of the ready list (the list is reused cyclically; the empty
 * list always picks the first ready step, which is the canonical order). `LATEST_FIRST` always runs the
 * last ready step.
 */
export function orderOf(program: Program, spec: OrderSpec): Step[] {
  if (spec === CANONICAL) return [...program.steps];
  const position = new Map(program.steps.map((s, i) => [s.id, i]));
  const waiting = new Map(program.steps.map((s) => [s.id, new Set(s.deps)]));
  const dependents = new Map<string, string[]>();
  for (const s of program.steps) for (const d of s.deps) dependents.set(d, [...(dependents.get(d) ?? []), s.id]);
  let ready = program.steps.filter((s) => s.deps.length === 0).map((s) => s.id);
  const order: Step[] = [];
  while (ready.length > 0) {
    const n = order.length;
    const pick =
      spec === LATEST_FIRST
        ? ready.length - 1
        : spec.length === 0
          ? 0
          : Math.floor((Math.min(spec[n % spec.length], CHOICE_RANGE - 1) * ready.length) / CHOICE_RANGE);
    const id = ready[pick];
    ready = ready.filter((r) => r !== id);
    order.push(program.steps[position.get(id)!]);
    for (const next of dependents.get(id) ?? []) {
      const deps = waiting.get(next)!;
      deps.delete(id);
      if (deps.size === 0) ready.push(next);
    }
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
  }
  if (order.length !== program.steps.length) throw new Error('the program has a dependency cycle');
  return order;
}

/**
 * True when, in `order`, some service is handed to its data plane (`plane.addService`) before one of its
 * `connectTo` calls (the case a data plane that copies the definition at construction gets wrong).
 */
export function runsServiceBeforeItsCalls(order: readonly Step[]): boolean {
  const added = new Set<string>();
  for (const s of order) {
    const m = /^plane\.addService (.*)$/.exec(s.id);
    if (m) added.add(m[1]);
    const c = /^call (\S+) -> /.exec(s.id);
    if (c && added.has(c[1])) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Building and synthesizing
// ---------------------------------------------------------------------------------------------------------

/**
 * Runs `fn` with cheap stack traces for cdktf's tokens. cdktf captures a full stack trace for every token it
 * creates (kept only to explain a token that fails to resolve), and under jest each one is source-mapped:
 * about four fifths of the time a build takes. While `fn` runs, such captures (on objects that are not
 * `Error`s) get an empty trace; real errors keep their usual stack traces. Nothing synthesized changes.
 */
export function withCheapTokenStackTraces<T>(fn: () => T): T {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    !(error instanceof Error) ? '' : saved ? saved(error, frames) : `${error}${frames.map((f) => `\n    at ${f}`).join('')}`;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = saved;
  }
}

/**
 * Runs `fn`, then makes cdktf forget the tokens registered meanwhile. cdktf keeps every token it encodes in
 * a process-wide map for good, and through them the whole app (about half a megabyte per app built here),
 * so thousands of builds (a property run, more while fast-check shrinks) would exhaust the heap. Use it only
 * around code whose tokens are never resolved afterwards (a whole build-and-synthesize); token keys are not
 * reused, since cdktf's counter keeps counting.
 */
export function forgettingTokens<T>(fn: () => T): T {
  const map = (globalThis as { __cdktfTokenMap?: { stringTokenMap?: Map<string, unknown>; numberTokenMap?: Map<number, unknown> } }).__cdktfTokenMap;
  const strings = map?.stringTokenMap ? new Set(map.stringTokenMap.keys()) : undefined;
  const numbers = map?.numberTokenMap ? new Set(map.numberTokenMap.keys()) : undefined;
  try {
    return fn();
  } finally {
    // The map may have been created during fn (the first token of the process); then nothing is kept.
    const now = (globalThis as { __cdktfTokenMap?: typeof map }).__cdktfTokenMap;
    for (const key of [...(now?.stringTokenMap?.keys() ?? [])]) if (!strings?.has(key)) now!.stringTokenMap!.delete(key);
    for (const key of [...(now?.numberTokenMap?.keys() ?? [])]) if (!numbers?.has(key)) now!.numberTokenMap!.delete(key);
  }
}

let sharedOutdir: string | undefined;

/** One temporary output directory shared by every app built here (no app writes to it; Testing.synth does not). */
function outdir(): string {
  if (!sharedOutdir) sharedOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-order-free.'));
  return sharedOutdir;
}

/**
 * Runs `steps` (an order from {@link orderOf}) in a fresh app with stack `mesh`; `afterStep(n, built)` is
 * called after the n-th step (0-based).
 */
export function build(steps: readonly Step[], afterStep?: (n: number, built: Built) => void): Built {
  const app = Testing.app({ outdir: outdir() });
  const built: Built = {
    app,
    stack: new TerraformStack(app, 'mesh'),
    clusters: new Map(),
    partitions: new Map(),
    gateways: new Map(),
    services: new Map(),
    peerings: new Map(),
    connections: new Map(),
    dataPlane: new Map(),
  };
  steps.forEach((step, n) => {
    try {
      step.run(built);
    } catch (e) {
      throw new Error(`step ${n} (${step.code}) threw: ${(e as Error).message}`);
    }
    afterStep?.(n, built);
  });
  return built;
}

/** `Testing.synth(stack, true)`: runs every validation (throws on the first failing app) and key-sorts. */
export function synthesize(built: Built): string {
  return Testing.synth(built.stack, true);
}

/** The order as the TypeScript program it is (with a marker after the steps in `peeks`, where a test reads every getter). */
export function renderProgram(order: readonly Step[], peeks?: ReadonlySet<number>): string {
  return [
    `const app = Testing.app();`,
    `const stack = new TerraformStack(app, 'mesh');`,
    ...order.flatMap((s, n) => (peeks?.has(n) ? [s.code, '// (every public getter is read here)'] : [s.code])),
    `Testing.synth(stack, true);`,
  ].join('\n');
}

/** A short description of a topology (for test names and reports). */
export function describeTopology(t: Topology): string {
  const clusters = t.clusters
    .map((c) => `dc${c.index}:${c.enterprise ? 'ent' : 'ce'}${c.meshGatewayMode ? `/${c.meshGatewayMode}` : ''}[${c.partitions.join(',')}]`)
    .join(' ');
  return `${clusters}; ${t.services.length} services, ${t.peerings.length} peerings, ${t.calls.length} calls${t.dataPlane ? ', data plane' : ''}`;
}

/**
 * Reads every public getter of every construct the program built (and renders what they return), the way
 * a user inspecting the model would. Getters must not create constructs nor change any output.
 */
export function readPublicGetters(built: Built): number {
  let touched = 0;
  const touch = (value: unknown) => {
    touched += JSON.stringify(value ?? null, (_k, v) => (v instanceof Object && 'node' in v ? v.node.path : v)).length;
  };
  for (const cluster of built.clusters.values()) {
    touch(cluster.partitions.map((p) => p.partitionName));
    touch(cluster.peerings.map((p) => p.node.path));
    touch(cluster.peerThroughMeshGateways);
    touch(cluster.meshConfig?.toJson());
  }
  for (const partition of built.partitions.values()) {
    touch(partition.exportedServices?.toJson());
    touch(partition.exportedServices?.services);
    touch(partition.meshGateways.map((g) => g.node.path));
    touch(partition.services.map((s) => s.node.path));
    touch(partition.peerings.map((p) => p.node.path));
    touch(partition.hasExports);
    touch(Connection.into(partition).map((c) => c.key));
  }
  for (const gateway of built.gateways.values()) {
    touch(gateway.serviceDefinition);
    touch(gateway.readinessChecks.length);
  }
  for (const service of built.services.values()) {
    touch(service.intentions?.intentionSources);
    touch(service.upstreams);
    touch(service.serviceDefinition);
    touch(service.connections.map((c) => c.key));
  }
  for (const peering of built.peerings.values()) {
    touch([peering.acceptorPeerName, peering.dialerPeerName]);
  }
  touch(ClusterPeering.all(built.stack).map((p) => p.node.path));
  return touched;
}

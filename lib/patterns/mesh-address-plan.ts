import { IConstruct } from 'constructs';
import { ValidationError } from '../errors';
import { numberToIpv4, parseCidr } from '../private/ip';
import { compareStrings } from '../private/validate';
import type { LabClusterSpec, LabTopology } from './peering-lab';

/**
 * Where the declarative mesh ({@link ConsulMesh}) puts things: subnets, addresses and ports, each derived from
 * the names of the one thing it belongs to and from nothing else.
 *
 * **The rule.** Every automatically placed thing has a *key* built from its own names (below). Its slot is a
 * hash of the key (32-bit FNV-1a with a final avalanche step) modulo the size of its range, and its address
 * or port is the start of the range plus the slot. So it depends on its own names and on the range (the
 * subnet) only: never on which other clusters, partitions, gateways or services exist, nor on the order they
 * were declared in.
 *
 * **Why this and nothing cleverer.** Take any rule where adding a declaration never changes an existing
 * address. Start from a program with one service `s`, and add the others one at a time: `s` never moves, so
 * its address in any program is its address when alone, a function of `s` alone. So every stable rule is
 * "address = f(own names)", and two names that `f` maps to one address cannot both be placed
 * automatically. Positions in sorted order, or a hash with linear probing, are not stable: a new name that
 * sorts (or probes) first takes an existing one's place. Here, two keys with one slot are reported (a
 * {@link ValidationError} naming both) and never resolved silently: pin one of them (`lanAddress`,
 * `gatewayAddresses`, `localBindPort`), preferably the one just added, and nothing that exists moves.
 *
 * **Keys and ranges.**
 *
 * | what | key | range |
 * | --- | --- | --- |
 * | a cluster's network number `n` (derived lab topology) | `cluster/<datacenter>` | 11 to 250 |
 * | a gateway's LAN address | `gateway/<partition>/<index>` | the cluster's LAN subnet |
 * | a service's LAN address | `service/<partition>/<namespace>/<serviceName>` | the cluster's LAN subnet |
 * | a gateway's WAN address | `gateway/<datacenter>/<partition>/<index>` | the WAN subnet |
 * | a caller's local bind port for a callee | `upstream/<datacenter>/<partition>/<namespace>/<serviceName>` of the callee | 10000 to 18999 |
 *
 * In a subnet, the network address, its first 15 host addresses (Docker's gateway on `.1`, the lab's server
 * on `.2`, room for more servers) and the broadcast address are never allocated: a /24 has 239 slots, a /16
 * 65,519. `<index>` counts a partition's gateways from 1, so raising a partition's gateway count adds
 * gateways and moves none. A callee gets the same local port in every caller. Changing a subnet moves
 * every address in it, and renaming a thing moves it (it is another thing).
 *
 * **Derived lab topology** ({@link MeshAddressPlan.labTopology}): cluster `n` gets the LAN
 * `10.<n>.0.0/16` (its server on `10.<n>.0.2`) and the server's HTTP API on host port `20000 + n`; the WAN is
 * `10.10.0.0/16`.
 */
export class MeshAddressPlan {
  /** WAN subnet of a derived lab topology. */
  public static readonly WAN_SUBNET = '10.10.0.0/16';
  /** First local bind port allocated to an upstream. */
  public static readonly FIRST_LOCAL_BIND_PORT = 10000;
  /** Number of local bind ports upstreams are allocated from (10000 to 18999). */
  public static readonly LOCAL_BIND_PORT_COUNT = 9000;
  /** Host addresses at the start of every subnet that are never allocated (Docker's gateway, servers). */
  public static readonly RESERVED_HOST_ADDRESSES = 15;
  /** Smallest network number of a derived cluster LAN (`10.<n>.0.0/16`). */
  public static readonly FIRST_NETWORK_NUMBER = 11;
  /** How many network numbers derived cluster LANs are drawn from (11 to 250). */
  public static readonly NETWORK_NUMBER_COUNT = 240;
  /** Host port of a derived lab server's HTTP API is this plus the cluster's network number. */
  public static readonly HTTP_HOST_PORT_BASE = 20000;

  /**
   * The lab topology the mesh derives for `datacenters` when its data plane is given none: per cluster the
   * LAN `10.<n>.0.0/16` and HTTP API host port `20000 + n`, with `n` = {@link networkNumber}; the WAN
   * `10.10.0.0/16`. Give the same datacenters to the lab's server stack (`PeeringLabServers`) and to the mesh,
   * in any order: the result is the same, sorted by datacenter.
   *
   * Throws a {@link ValidationError} when two datacenters get one network number; then write the topology
   * yourself (a `lanSubnet` and `httpHostPort` per cluster) and hand it to both stacks.
   */
  public static labTopology(datacenters: string[]): LabTopology {
    return MeshAddressPlan._labTopology(datacenters);
  }

  /**
   * {@link labTopology}, with its error reported on `scope` (the mesh that derives it).
   * @internal
   */
  public static _labTopology(datacenters: string[], scope?: IConstruct): LabTopology {
    const sorted = [...new Set(datacenters)].sort(compareStrings);
    const byNumber = new Map<number, string>();
    const clusters: LabClusterSpec[] = [];
    for (const datacenter of sorted) {
      const n = MeshAddressPlan.networkNumber(datacenter);
      const other = byNumber.get(n);
      if (other !== undefined) {
        throw new ValidationError(scope, {
          prop: 'datacenters',
          value: [other, datacenter],
          problem: `both map to network number ${n} (LAN 10.${n}.0.0/16, HTTP API port ${MeshAddressPlan.HTTP_HOST_PORT_BASE + n}) in the derived lab topology`,
          fix: 'write the LabTopology yourself (a lanSubnet and httpHostPort per cluster) and pass it to the lab stack and to dockerDataPlane.lab',
        });
      }
      byNumber.set(n, datacenter);
      clusters.push({ datacenter, lanSubnet: `10.${n}.0.0/16`, httpHostPort: MeshAddressPlan.HTTP_HOST_PORT_BASE + n });
    }
    return { wanSubnet: MeshAddressPlan.WAN_SUBNET, clusters };
  }

  /** The network number `n` (11 to 250) of a cluster in a derived lab topology: its LAN is `10.<n>.0.0/16`. */
  public static networkNumber(datacenter: string): number {
    return MeshAddressPlan.FIRST_NETWORK_NUMBER + (slotHash(`cluster/${datacenter}`) % MeshAddressPlan.NETWORK_NUMBER_COUNT);
  }

  /**
   * The LAN address of a service (in `namespace` of `partition`) in its cluster's `lanSubnet`.
   * @param namespace "default" for the default namespace
   */
  public static serviceLanAddress(lanSubnet: string, partition: string, namespace: string, serviceName: string): string {
    return MeshAddressPlan.hostAddress('lanSubnet', lanSubnet, `service/${partition}/${namespace}/${serviceName}`);
  }

  /** The LAN address of the `index`-th (from 1) gateway of `partition` in its cluster's `lanSubnet`. */
  public static gatewayLanAddress(lanSubnet: string, partition: string, index: number): string {
    return MeshAddressPlan.hostAddress('lanSubnet', lanSubnet, `gateway/${partition}/${index}`);
  }

  /** The WAN address of the `index`-th (from 1) gateway of `partition` of `datacenter` in `wanSubnet`. */
  public static gatewayWanAddress(wanSubnet: string, datacenter: string, partition: string, index: number): string {
    return MeshAddressPlan.hostAddress('wanSubnet', wanSubnet, `gateway/${datacenter}/${partition}/${index}`);
  }

  /**
   * The local bind port every caller uses for a callee (10000 to 18999).
   * @param namespace "default" for the default namespace
   */
  public static localBindPort(datacenter: string, partition: string, namespace: string, serviceName: string): number {
    const key = `upstream/${datacenter}/${partition}/${namespace}/${serviceName}`;
    return MeshAddressPlan.FIRST_LOCAL_BIND_PORT + (slotHash(key) % MeshAddressPlan.LOCAL_BIND_PORT_COUNT);
  }

  /** The number of addresses allocated from in `subnet` (0 when it is too small or not a CIDR block). */
  public static allocatableAddresses(subnet: string): number {
    const cidr = parseCidr(subnet);
    if (!cidr) return 0;
    return Math.max(0, 2 ** (32 - cidr.prefix) - MeshAddressPlan.RESERVED_HOST_ADDRESSES - 2);
  }

  /** The address of `key` in `subnet`; `prop` names the subnet in a {@link ValidationError}. */
  private static hostAddress(prop: string, subnet: string, key: string): string {
    const cidr = parseCidr(subnet);
    const size = MeshAddressPlan.allocatableAddresses(subnet);
    if (!cidr || size === 0) {
      throw new ValidationError(undefined, {
        prop,
        value: subnet,
        problem: `is not an IPv4 CIDR block with room for automatic addresses (a /27 or larger: the first ${MeshAddressPlan.RESERVED_HOST_ADDRESSES} host addresses are reserved)`,
        fix: 'use a larger subnet, e.g. "10.11.0.0/24" or "10.11.0.0/16"',
      });
    }
    return numberToIpv4(cidr.network + 1 + MeshAddressPlan.RESERVED_HOST_ADDRESSES + (slotHash(key) % size));
  }

  private constructor() {}
}

/**
 * 32-bit FNV-1a of `key`, followed by MurmurHash3's finalizer so that keys differing in one character land
 * far apart in every range. Pure and platform-independent (integer arithmetic on UTF-16 code units).
 */
function slotHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

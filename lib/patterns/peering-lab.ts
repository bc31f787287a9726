import { Construct } from 'constructs';
import { ConsulEdition } from '../edition';
import { ValidationError } from '../errors';
import { DockerHost } from '../dataplane/docker/docker-host';
import { DockerNetwork, IDockerNetwork } from '../dataplane/docker/network';
import { ConsulServerContainer } from '../dataplane/docker/server';
import { ipv4ToNumber, numberToIpv4, parseCidr } from '../private/ip';
import { assertDatacenter } from '../acl/names';
import { compareStrings, firstRepeated } from '../private/validate';

/** One cluster of the lab. */
export interface LabClusterSpec {
  /** Datacenter name. */
  readonly datacenter: string;
  /** The cluster LAN subnet, e.g. "10.11.0.0/24". The server gets its second host address (".2"). */
  readonly lanSubnet: string;
  /** Host port of the server's HTTP API (published on 127.0.0.1). */
  readonly httpHostPort: number;
}

/** The lab's layout: clusters and the WAN subnet (shared by the server stack and the mesh stack). */
export interface LabTopology {
  /** The clusters (at least two). */
  readonly clusters: LabClusterSpec[];
  /** The WAN subnet shared by the mesh gateways of every cluster, e.g. "10.10.0.0/24". */
  readonly wanSubnet: string;
}

/** Props of {@link PeeringLabServers}. */
export interface PeeringLabServersProps extends LabTopology {
  /** Initial management token of every server (from a sensitive TerraformVariable). */
  readonly managementToken: string;
  /**
   * Consul version of the servers.
   * @default "1.22.5"
   */
  readonly consulVersion?: string;
  /**
   * The Docker host.
   * @default - a DockerHost with the local Docker daemon
   */
  readonly host?: DockerHost;
}

/**
 * The first stack of a local lab: for each cluster a LAN network and a single Consul server, plus one WAN
 * network for the mesh gateways; everything on one Docker host with fixed addresses. The second stack
 * (the mesh) joins these networks by name with {@link PeeringLabServers.networksFor}.
 *
 * Composed only of L2s: {@link DockerHost}, {@link DockerNetwork}, {@link ConsulServerContainer}.
 */
export class PeeringLabServers extends Construct {
  /** Name of the shared WAN network. */
  public static readonly WAN_NETWORK = 'consul-wan';

  /** Name of a cluster's LAN network. */
  public static lanNetworkName(datacenter: string): string {
    return `${datacenter}-lan`;
  }

  /** The server's LAN address for a cluster spec (the subnet's second host address). */
  public static serverAddress(spec: LabClusterSpec): string {
    const cidr = parseCidr(spec.lanSubnet);
    if (!cidr) {
      throw new ValidationError(undefined, {
        prop: 'lanSubnet',
        value: spec.lanSubnet,
        problem: `of cluster "${spec.datacenter}" is not an IPv4 CIDR block`,
        fix: 'use e.g. "10.11.0.0/24"',
      });
    }
    return numberToIpv4(cidr.network + 2);
  }

  /**
   * The lab's networks as seen from another stack on `host`: the WAN and one LAN per cluster, imported by
   * name (the lab stack creates them).
   */
  public static networksFor(scope: Construct, host: DockerHost, props: LabTopology): LabNetworks {
    const lans: { [datacenter: string]: IDockerNetwork } = {};
    for (const spec of sorted(props.clusters)) {
      lans[spec.datacenter] = DockerNetwork.fromNetworkAttributes(scope, `Lan-${spec.datacenter}`, {
        host,
        networkName: PeeringLabServers.lanNetworkName(spec.datacenter),
        subnet: spec.lanSubnet,
      });
    }
    const wan = DockerNetwork.fromNetworkAttributes(scope, 'Wan', { host, networkName: PeeringLabServers.WAN_NETWORK, subnet: props.wanSubnet });
    return { wan, lans };
  }

  /** The Docker host of the lab. */
  public readonly host: DockerHost;
  /** The WAN network. */
  public readonly wan: DockerNetwork;
  /** Servers by datacenter. */
  public readonly servers: { [datacenter: string]: ConsulServerContainer } = {};

  public constructor(scope: Construct, id: string, props: PeeringLabServersProps) {
    super(scope, id);
    if (props.clusters.length < 2) {
      throw new ValidationError(this, {
        prop: 'clusters',
        problem: `has ${props.clusters.length} entr${props.clusters.length === 1 ? 'y' : 'ies'}, but a peering lab needs at least two`,
        fix: 'give at least two clusters',
      });
    }
    for (const spec of props.clusters) assertDatacenter('datacenter', spec.datacenter, this);
    const repeated = firstRepeated(props.clusters.map((spec) => spec.datacenter));
    if (repeated !== undefined) {
      throw new ValidationError(this, { prop: 'datacenter', value: repeated, problem: 'appears twice in clusters', fix: 'give each cluster its own name' });
    }
    this.host = props.host ?? new DockerHost(this, 'Host');
    this.wan = new DockerNetwork(this, 'Wan', { host: this.host, networkName: PeeringLabServers.WAN_NETWORK, subnet: props.wanSubnet });
    for (const spec of sorted(props.clusters)) {
      const group = new Construct(this, spec.datacenter);
      const lan = new DockerNetwork(group, 'Lan', {
        host: this.host,
        networkName: PeeringLabServers.lanNetworkName(spec.datacenter),
        subnet: spec.lanSubnet,
      });
      this.servers[spec.datacenter] = new ConsulServerContainer(group, 'Server', {
        host: this.host,
        datacenter: spec.datacenter,
        network: lan,
        address: PeeringLabServers.serverAddress(spec),
        managementToken: props.managementToken,
        httpHostPort: spec.httpHostPort,
        consulVersion: props.consulVersion,
        edition: ConsulEdition.COMMUNITY,
      });
    }
    const wanCidr = parseCidr(props.wanSubnet)!;
    for (const spec of props.clusters) {
      const lanCidr = parseCidr(spec.lanSubnet)!;
      if (lanCidr.network === wanCidr.network || ipv4ToNumber(PeeringLabServers.serverAddress(spec)) === undefined) {
        throw new ValidationError(this, {
          prop: 'lanSubnet',
          value: spec.lanSubnet,
          problem: `of cluster "${spec.datacenter}" is the WAN subnet`,
          fix: 'give each network its own subnet',
        });
      }
    }
  }
}

/** The lab networks seen from the mesh stack. */
export interface LabNetworks {
  /** The WAN network. */
  readonly wan: IDockerNetwork;
  /** LAN networks by datacenter. */
  readonly lans: { [datacenter: string]: IDockerNetwork };
}

function sorted(specs: LabClusterSpec[]): LabClusterSpec[] {
  return [...specs].sort((a, b) => compareStrings(a.datacenter, b.datacenter));
}

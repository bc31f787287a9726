import type * as networkL1 from '@cdktf/provider-docker/lib/network';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../../errors';
import { Cidr, cidrContainsHost, ipv4ToNumber, numberToIpv4, parseCidr } from '../../private/ip';
import { KIND, register, registered } from '../../private/registry';
import { assertNotBlank, isUnresolved } from '../../private/validate';
import type { DockerHost } from './docker-host';
import { dockerL1 } from './provider-docker';

/** What pods need to know about a Docker network. */
export interface IDockerNetwork extends IConstruct {
  /** The Docker host the network lives on. */
  readonly host: DockerHost;
  /** Docker network name. */
  readonly networkName: string;
  /** IPv4 subnet in CIDR form. */
  readonly subnet: string;
  /** The subnet's gateway address (never handed to a pod). */
  readonly gateway: string;
  /** What containers put in `networks_advanced.name`: a reference to the network resource when this app owns it. */
  readonly attachmentName: string;
  /** True when `address` is a usable host address of the subnet. */
  contains(address: string): boolean;
  /**
   * Reserves `address` for `owner`; throws a {@link ValidationError} on `owner`'s `prop` when it is outside the
   * subnet, the gateway, or taken by another construct. Idempotent for the same owner.
   */
  claimAddress(prop: string, address: string, owner: IConstruct): void;
}

/** Attributes of a network this app does not create. */
export interface DockerNetworkAttributes {
  /** The Docker host the network lives on. */
  readonly host: DockerHost;
  /** Docker network name. */
  readonly networkName: string;
  /** Its IPv4 subnet in CIDR form. */
  readonly subnet: string;
  /**
   * Its gateway address.
   * @default - the first host address of the subnet
   */
  readonly gateway?: string;
}

/** Props of {@link DockerNetwork}. */
export interface DockerNetworkProps extends DockerNetworkAttributes {}

abstract class DockerNetworkBase extends Construct implements IDockerNetwork {
  public readonly host: DockerHost;
  public readonly networkName: string;
  public readonly subnet: string;
  public readonly gateway: string;
  /** What containers put in `networks_advanced.name`: a reference to the network resource when this app owns it. */
  public abstract readonly attachmentName: string;
  private readonly cidr: Cidr;
  private readonly claims = new Map<string, IConstruct>();

  protected constructor(scope: Construct, id: string, props: DockerNetworkAttributes) {
    super(scope, id);
    assertNotBlank('networkName', props.networkName, this);
    const cidr = parseCidr(props.subnet);
    if (!cidr) {
      throw new ValidationError(this, {
        prop: 'subnet',
        value: props.subnet,
        problem: 'is not an IPv4 CIDR block with a /8 to /30 prefix and zero host bits',
        fix: 'use e.g. "10.11.0.0/24"',
      });
    }
    this.cidr = cidr;
    this.host = props.host;
    this.networkName = props.networkName;
    this.subnet = props.subnet;
    this.gateway = props.gateway ?? numberToIpv4(cidr.network + 1);
    this.assertHostAddress('gateway', this.gateway, this);
    register(props.host, KIND.DOCKER_NETWORK, this);
    this.node.addValidation({ validate: () => this.validateOnHost() });
  }

  /** True when this app creates the network (an imported one exists already). */
  protected abstract get created(): boolean;

  /**
   * Docker refuses a second network with a name it has, and one whose subnet overlaps another network's
   * ("Pool overlaps with other one on this address space"). Each pair on the host is reported once, on the
   * network with the later construct path; two imported networks exist already and are left alone.
   */
  private validateOnHost(): string[] {
    const messages: string[] = [];
    for (const other of registered<DockerNetworkBase>(this.host, KIND.DOCKER_NETWORK)) {
      if (other === this) break;
      if (!this.created && !other.created) continue;
      if (other.networkName === this.networkName) {
        messages.push(
          ValidationError.message({
            prop: 'networkName',
            value: this.networkName,
            problem: `is also the name of ${other.node.path} on Docker host ${this.host.node.path}; Docker keeps one network per name`,
            fix: other.created || this.created ? 'give each network its own networkName, or join the existing one with DockerNetwork.fromNetworkAttributes once' : 'declare the network once',
          }),
        );
      } else if (cidrsOverlap(this.cidr, other.cidr)) {
        messages.push(
          ValidationError.message({
            prop: 'subnet',
            value: this.subnet,
            problem: `overlaps subnet ${other.subnet} of network "${other.networkName}" (${other.node.path}) on Docker host ${this.host.node.path}; Docker refuses overlapping pools`,
            fix: 'give each network on one host its own, non-overlapping subnet',
          }),
        );
      }
    }
    return messages;
  }

  public contains(address: string): boolean {
    const n = ipv4ToNumber(address);
    return n !== undefined && cidrContainsHost(this.cidr, n);
  }

  public claimAddress(prop: string, address: string, owner: IConstruct): void {
    if (isUnresolved(address)) {
      throw new ValidationError(owner, {
        prop,
        problem: `must be a literal IPv4 address on network "${this.networkName}" so it is known at plan time`,
        fix: 'give the address as a string, not a Terraform reference',
      });
    }
    this.assertHostAddress(prop, address, owner);
    if (address === this.gateway) {
      throw new ValidationError(owner, {
        prop,
        value: address,
        problem: `is the gateway of network "${this.networkName}"`,
        fix: `pick another address in ${this.subnet}`,
      });
    }
    const holder = this.claims.get(address);
    if (holder && holder !== owner) {
      throw new ValidationError(owner, {
        prop,
        value: address,
        problem: `on network "${this.networkName}" is already used by ${holder.node.path}`,
        fix: 'give each pod its own address',
      });
    }
    this.claims.set(address, owner);
  }

  private assertHostAddress(prop: string, address: string, scope: IConstruct): void {
    if (!this.contains(address)) {
      throw new ValidationError(scope, {
        prop,
        value: address,
        problem: `is not a host address in subnet ${this.subnet} of network "${this.networkName}"`,
        fix: `pick an address inside ${this.subnet} other than its network and broadcast addresses`,
      });
    }
  }
}

/**
 * A user-defined Docker bridge network with a fixed subnet: a cluster's LAN, or the WAN shared by the mesh
 * gateways of every cluster on one Docker host.
 *
 * Creates one `docker_network` with an `ipam_config` block. Addresses handed out on it are checked to be
 * inside the subnet and unique.
 */
export class DockerNetwork extends DockerNetworkBase {
  /**
   * A network created elsewhere (for example by the lab's server stack), joined by name.
   */
  public static fromNetworkAttributes(scope: Construct, id: string, attrs: DockerNetworkAttributes): IDockerNetwork {
    return new ImportedDockerNetwork(scope, id, attrs);
  }

  /** The `docker_network` L1. */
  public readonly resource: networkL1.Network;
  /** A reference to the `docker_network` resource's name (so containers wait for the network). */
  public readonly attachmentName: string;
  protected readonly created = true;

  public constructor(scope: Construct, id: string, props: DockerNetworkProps) {
    super(scope, id, props);
    this.resource = new (dockerL1(this).network.Network)(this, 'Resource', {
      name: props.networkName,
      driver: 'bridge',
      ipamConfig: [{ subnet: props.subnet, gateway: this.gateway }],
      provider: props.host.provider,
    });
    this.attachmentName = this.resource.name;
  }
}

class ImportedDockerNetwork extends DockerNetworkBase {
  public readonly attachmentName: string;
  protected readonly created = false;

  public constructor(scope: Construct, id: string, attrs: DockerNetworkAttributes) {
    super(scope, id, attrs);
    this.attachmentName = attrs.networkName;
  }
}

function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + 2 ** (32 - b.prefix) && b.network < a.network + 2 ** (32 - a.prefix);
}

import { ConsulProvider, ConsulProviderConfig } from '@cdktf/provider-consul/lib/provider';
import { Annotations, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ConsulEdition } from './edition';
import { MeshConfigEntry } from './config-entries/mesh';
import { ProxyDefaults } from './config-entries/proxy-defaults';
import { MeshGatewayMode } from './mesh-gateway-mode';
import { ValidationError } from './errors';
import { IPartition, Partition, PartitionOptions } from './partition';
import type { IClusterPeering } from './peering';
import * as errors from './private/errors';
import { KIND, register, registered } from './private/registry';
import { isEnterprise, requireEnterprise } from './private/scoping';
import { writtenInAliasOrder } from './private/provider-order';
import { assertDatacenter } from './acl/names';
import type { AclPolicyDocument } from './acl/policy-document';
import { operatorPolicyDocument } from './private/operator-policy';
import { assertNotBlank, compareVersions, parseVersion } from './private/validate';


/** What other constructs need to know about a Consul cluster (one datacenter). */
export interface IConsulCluster extends IConstruct {
  /** The Consul datacenter name. */
  readonly datacenter: string;
  /** Community or Enterprise. */
  readonly edition: ConsulEdition;
  /** The Consul version the cluster runs ("1.22.5"). */
  readonly consulVersion: string;
  /** The provider alias every Consul resource of this cluster is created with. */
  readonly provider: ConsulProvider;
  /** Gateway mode for peered upstreams, as written to `proxy-defaults`. */
  readonly meshGatewayMode: MeshGatewayMode;
  /** Whether peering control-plane traffic goes through mesh gateways (resolved at synth). */
  readonly peerThroughMeshGateways: boolean;
  /** The cluster's `mesh` config entry, when this app manages it. */
  readonly meshConfig?: MeshConfigEntry;
  /** True on Consul Enterprise. */
  readonly isEnterprise: boolean;
  /** False for a cluster that runs without ACLs: the library then writes no token, policy or token file for it. */
  readonly aclsEnabled: boolean;
  /** Every admin partition of the cluster, `default` first, then by construct path. */
  readonly partitions: IPartition[];
  /** Peerings this cluster takes part in, sorted by construct path. */
  readonly peerings: IClusterPeering[];
  /**
   * True for a cluster made with {@link ConsulCluster.fromClusterAttributes}: its `mesh` and `proxy-defaults`
   * entries and its mesh gateways are managed elsewhere, so checks that need them assume they exist.
   */
  readonly isImported: boolean;
}

/** What both a cluster of this app and an existing one ({@link ConsulCluster.fromClusterAttributes}) are given. */
export interface ConsulClusterCommonProps {
  /**
   * The Consul datacenter name. It is set explicitly on the provider, so no operation needs `agent:read`
   * to discover it, and it is the default alias and the default peer name others use for this cluster.
   */
  readonly datacenter: string;
  /**
   * `host:port` of the cluster's HTTP API (a server or client agent).
   * @see https://registry.terraform.io/providers/hashicorp/consul/latest/docs#address
   */
  readonly address: string;
  /**
   * `http` or `https`.
   * @default "http"
   */
  readonly scheme?: string;
  /**
   * ACL token of the Terraform operator for this cluster. Pass a sensitive `TerraformVariable`'s value,
   * never a literal: a literal lands in the synthesized JSON.
   * @default - the provider reads CONSUL_HTTP_TOKEN
   */
  readonly token?: string;
  /**
   * PEM of the CA that signed the cluster's HTTPS certificate.
   * @default - system roots (or CONSUL_CACERT)
   */
  readonly caPem?: string;
  /**
   * Alias of this cluster's `consul` provider block.
   * @default - the datacenter name
   */
  readonly providerAlias?: string;
  /**
   * Consul edition.
   * @default ConsulEdition.COMMUNITY
   */
  readonly edition?: ConsulEdition;
  /**
   * The Consul version the cluster runs, "major.minor.patch". Peering through mesh gateways needs 1.14.1+,
   * and the bundled provider (hashicorp/consul 2.22.1) supports 1.19.0+.
   * @default ConsulCluster.DEFAULT_CONSUL_VERSION
   */
  readonly consulVersion?: string;
  /**
   * Gateway mode for peered upstreams, written to `proxy-defaults` and on every peered upstream.
   * `LOCAL` needs a mesh gateway in each importing partition; `NONE` is rejected for peered traffic.
   * @default MeshGatewayMode.REMOTE
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Whether the cluster runs with ACLs. Without them (development clusters), the library creates no
   * `consul_acl_token`, policy or secret lookup for the cluster, its client agents run with ACLs off and its
   * Envoys without a token file; intentions are still written, but with ACLs off Consul's default intention
   * action is allow, so every caller (from peers too) reaches its exported services. A peering between a
   * cluster with and one without ACLs works; the cluster without them draws a warning when it exports.
   * @default true
   */
  readonly acls?: boolean;
}

/** Attributes of a cluster whose mesh defaults and gateways are managed elsewhere. */
export interface ConsulClusterAttributes extends ConsulClusterCommonProps {
  /**
   * What the cluster's `mesh` entry says about `Peering.PeerThroughMeshGateways` (checked against the peers
   * of the cluster: both sides of a peering must agree).
   * @default false - Consul's default without a `mesh` entry
   */
  readonly peerThroughMeshGateways?: boolean;
}

/** Props of {@link ConsulCluster}. */
export interface ConsulClusterProps extends ConsulClusterCommonProps {
  /**
   * Route peering control-plane traffic through mesh gateways (`mesh` entry,
   * `Peering.PeerThroughMeshGateways`). Needs a mesh gateway in the default partition.
   * @default - true when the default partition has a mesh gateway
   */
  readonly peerThroughMeshGateways?: boolean;
  /**
   * Write the cluster-wide `mesh` and `proxy-defaults` entries. Turn off only when something else manages
   * them; they must then set `PeerThroughMeshGateways` and the gateway mode themselves.
   * @default true
   */
  readonly manageMeshDefaults?: boolean;
}

/**
 * One Consul datacenter: its provider alias, edition, version and admin partitions.
 *
 * Creates a `consul` provider block (alias = datacenter, explicit `datacenter`), and unless
 * `manageMeshDefaults` is false, the `mesh` and `proxy-defaults` config entries (in the `default` partition).
 * Every Consul resource of the cluster is created with this provider; none relies on a default provider.
 *
 * @exampleMetadata fixture=stack
 * @example
 * const dc1 = new ConsulCluster(stack, 'Dc1', {
 *   datacenter: 'dc1',
 *   address: 'consul-dc1.example.com:8501',
 *   scheme: 'https',
 *   token: dc1Token.stringValue,
 * });
 */
export class ConsulCluster extends Construct implements IConsulCluster {
  /** Consul version assumed when none is given (paired with Envoy 1.35.x by the data plane). */
  public static readonly DEFAULT_CONSUL_VERSION = '1.22.5';
  /** Oldest Consul version the bundled provider (hashicorp/consul 2.22.1) supports. */
  public static readonly MINIMUM_CONSUL_VERSION = '1.19.0';

  /**
   * A cluster this app does not set up: writes only its `consul` provider block, so the app can add
   * partitions, services, exports, intentions and peerings to it; creates no `mesh` or `proxy-defaults`
   * entry, and assumes the mesh gateways it needs exist (checks that need a gateway of this app are skipped
   * for it).
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: ConsulClusterAttributes): ConsulCluster {
    const cluster = new ConsulCluster(scope, id, {
      ...attrs,
      peerThroughMeshGateways: attrs.peerThroughMeshGateways ?? false,
      manageMeshDefaults: false,
    });
    IMPORTED.add(cluster);
    return cluster;
  }

  /** Returns true when `x` is a {@link ConsulCluster}. */
  public static isConsulCluster(x: unknown): x is ConsulCluster {
    return x instanceof ConsulCluster;
  }

  public readonly datacenter: string;
  public readonly edition: ConsulEdition;
  public readonly consulVersion: string;
  public readonly provider: ConsulProvider;
  /**
   * The `default` admin partition (the only one on Community Edition), where `addService` and
   * `addMeshGateway` declare what runs outside admin partitions.
   */
  public readonly defaultPartition: Partition;
  public readonly meshGatewayMode: MeshGatewayMode;
  /** The `mesh` config entry, unless `manageMeshDefaults` is false. */
  public readonly meshConfig?: MeshConfigEntry;
  /** The `proxy-defaults` config entry, unless `manageMeshDefaults` is false. */
  public readonly proxyDefaults?: ProxyDefaults;
  public readonly aclsEnabled: boolean;
  private readonly partitionScope: Construct;
  private readonly explicitPeerThrough?: boolean;

  public constructor(scope: Construct, id: string, props: ConsulClusterProps) {
    super(scope, id);
    assertDatacenter('datacenter', props.datacenter, this);
    assertNotBlank('address', props.address, this);
    if (props.scheme !== undefined && !Token.isUnresolved(props.scheme) && !['http', 'https'].includes(props.scheme)) {
      throw new ValidationError(this, { prop: 'scheme', value: props.scheme, problem: 'is not supported', fix: 'use "http" or "https"' });
    }
    const alias = props.providerAlias ?? props.datacenter;
    if (!Token.isUnresolved(alias) && !/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(alias)) {
      throw new ValidationError(this, {
        prop: 'providerAlias',
        value: alias,
        problem: 'is not a Terraform identifier',
        fix: 'start with a letter and use letters, digits, "_" and "-"',
      });
    }
    this.consulVersion = props.consulVersion ?? ConsulCluster.DEFAULT_CONSUL_VERSION;
    const version = parseVersion('consulVersion', this.consulVersion, this);
    if (compareVersions(version, parseVersion('minimum', ConsulCluster.MINIMUM_CONSUL_VERSION)) < 0) {
      throw new ValidationError(this, {
        prop: 'consulVersion',
        value: this.consulVersion,
        problem:
          `is too old: peering through mesh gateways needs Consul 1.14.1+ and the bundled provider supports ` +
          `${ConsulCluster.MINIMUM_CONSUL_VERSION}+`,
        fix: `upgrade the cluster or set consulVersion to what it runs (>= ${ConsulCluster.MINIMUM_CONSUL_VERSION})`,
      });
    }
    if (props.token !== undefined && !Token.isUnresolved(props.token)) {
      Annotations.of(this).addWarning(
        'token is a literal string and will be written into the synthesized JSON; pass a sensitive ' +
          'TerraformVariable instead (new TerraformVariable(this, "Dc1Token", { sensitive: true }).stringValue)',
      );
    }

    this.datacenter = props.datacenter;
    this.aclsEnabled = props.acls ?? true;
    this.edition = props.edition ?? ConsulEdition.COMMUNITY;
    this.meshGatewayMode = props.meshGatewayMode ?? MeshGatewayMode.REMOTE;
    this.explicitPeerThrough = props.peerThroughMeshGateways;

    this.provider = new ClusterProvider(this, 'Provider', {
      alias,
      address: props.address,
      scheme: props.scheme,
      datacenter: props.datacenter,
      token: props.token,
      caPem: props.caPem,
    });

    this.partitionScope = new Construct(this, 'Partitions');
    this.defaultPartition = new Partition(this.partitionScope, 'default', { cluster: this });

    if (props.manageMeshDefaults ?? true) {
      this.meshConfig = new MeshConfigEntry(this, 'Mesh', { cluster: this });
      this.proxyDefaults = new ProxyDefaults(this, 'ProxyDefaults', { cluster: this, meshGatewayMode: this.meshGatewayMode });
    }

    register(TerraformStack.of(this), KIND.CLUSTER, this);
    this.node.addValidation({ validate: () => this.validateCluster() });
  }

  /** True on Consul Enterprise. */
  public get isEnterprise(): boolean {
    return isEnterprise(this);
  }

  public get isImported(): boolean {
    return IMPORTED.has(this);
  }

  public get peerThroughMeshGateways(): boolean {
    return this.explicitPeerThrough ?? this.defaultPartition.meshGateways.length > 0;
  }

  /** Every admin partition of the cluster, `default` first, then by construct path. */
  public get partitions(): IPartition[] {
    return [...registered<Partition>(this, KIND.PARTITION)].sort((a, b) =>
      a.isDefault === b.isDefault ? 0 : a.isDefault ? -1 : 1,
    );
  }

  /**
   * Adds an admin partition (Consul Enterprise only): creates a `consul_admin_partition`.
   * @param id construct id; also the partition name unless `options.partitionName` is set
   */
  public addPartition(id: string, options: PartitionOptions = {}): Partition {
    return this.newPartition(id, options, false);
  }

  /**
   * Declares an admin partition that exists already (Consul Enterprise): creates nothing, and resources of
   * this app in it name it literally.
   */
  public importPartition(id: string, partitionName: string): Partition {
    return this.newPartition(id, { partitionName }, true);
  }

  private newPartition(id: string, options: PartitionOptions, existing: boolean): Partition {
    const name = options.partitionName ?? id;
    requireEnterprise(this, this, 'addPartition(id)', id, 'admin partitions');
    if (name === 'default') {
      throw new ValidationError(this, {
        prop: 'partitionName',
        value: name,
        problem: 'always exists',
        fix: 'use cluster.defaultPartition instead of addPartition()',
      });
    }
    return new Partition(this.partitionScope, id, { ...options, partitionName: name, cluster: this, existing });
  }

  /**
   * The least-privilege rules the Terraform operator token of this cluster needs for exactly what the app
   * declares with this cluster's provider: `acl` write where tokens are created, `peering` write where it
   * peers, `mesh` write for the mesh defaults, exports and sameness groups, `service` write for the services
   * whose `service-defaults` or `service-resolver` it writes, `intentions` write for the destinations of its
   * `service-intentions`, read on gateways and nodes for the readiness checks, `operator` write only when it
   * creates partitions or namespaces. Call it once the program is declared (it reads the app as it is then);
   * render it with `document.render()` and create the operator's policy with it, instead of running
   * Terraform with the management token. On Enterprise the rules are scoped by partition and namespace.
   */
  public operatorPolicyDocument(): AclPolicyDocument {
    return operatorPolicyDocument(this);
  }

  /** Peerings this cluster takes part in, sorted by construct path. */
  public get peerings(): IClusterPeering[] {
    return [...registered<IClusterPeering>(this, KIND.PEERING)];
  }

  private validateCluster(): string[] {
    const messages: string[] = [];
    const others = registered<ConsulCluster>(TerraformStack.of(this), KIND.CLUSTER).filter((c) => c !== this);
    for (const other of others) {
      if (other.provider.alias === this.provider.alias) {
        messages.push(
          `clusters "${this.datacenter}" and "${other.datacenter}" (${other.node.path}) both use the consul provider alias ` +
            `"${this.provider.alias}"; set a different providerAlias on one of them`,
        );
      }
    }
    const peered = this.peerings.length > 0;
    if (!this.aclsEnabled && this.partitions.some((p) => p instanceof Partition && p.hasExports)) {
      Annotations.of(this).addWarning(
        `cluster "${this.datacenter}" runs without ACLs: its intentions allow by default, so every caller, from its ` +
          'peers too, reaches the services it exports; run it with ACLs (acls: true) outside development',
      );
    }
    if (peered && this.meshGatewayMode === MeshGatewayMode.NONE) {
      messages.push(errors.modeNoneForPeers('meshGatewayMode', `cluster "${this.datacenter}"`));
    }
    if (peered && !this.isImported && this.peerThroughMeshGateways && this.defaultPartition.meshGateways.length === 0) {
      messages.push(
        `peerThroughMeshGateways is true on cluster "${this.datacenter}" but its default partition has no mesh ` +
          'gateway, so generating or dialing a peering token fails ("no mesh gateway instances are registered"); ' +
          'add one with cluster.defaultPartition.addMeshGateway() or set peerThroughMeshGateways: false',
      );
    }
    return messages;
  }
}

/** A cluster's `consul` provider, whose block is written in alias order (see lib/private/provider-order.ts). */
const ClusterProvider = writtenInAliasOrder<ConsulProvider, ConsulProviderConfig>(ConsulProvider, 'consul-cluster-provider', 'ClusterProvider');

/** Clusters made by {@link ConsulCluster.fromClusterAttributes}. */
const IMPORTED = new WeakSet<ConsulCluster>();

import { ITerraformDependable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AccessLevel, AclGrant, AclPolicyDocument, AclToken, IAclGrantee, IAclToken } from './acl';
import type { IPartition } from './partition';
import { ValidationError } from './errors';
import { KIND, register, registered } from './private/registry';
import { renderedString } from './private/rendered';
import { gatewayProxyConfig, MeshGatewayProxyOptions } from './proxy-config';
import { describePartition, isEnterprise } from './private/scoping';
import { assertNotBlank, assertServiceName, assertPort, assertPositiveInteger, compareStrings, isUnresolved, kebabFromId } from './private/validate';

/** What other constructs need to know about a mesh gateway. */
export interface IMeshGateway extends IConstruct {
  /** The Consul service name the gateway registers as. */
  readonly gatewayServiceName: string;
  /** The partition whose traffic the gateway carries. */
  readonly partition: IPartition;
  /** LAN address (service address and `lan` tagged address). */
  readonly lanAddress: string;
  /** Gateway port on the LAN address. */
  readonly lanPort: number;
  /** WAN address (`wan` tagged address, advertised in peering tokens). */
  readonly wanAddress: string;
  /** Gateway port on the WAN address. */
  readonly wanPort: number;
  /** The gateway's own token (registration and Envoy); none when its cluster runs without ACLs. */
  readonly token?: IAclToken;
  /**
   * What proves the gateway is registered and passing (for example a data plane's health data source),
   * sorted by construct path. Peerings that go through this gateway wait for every one of them.
   */
  readonly readinessChecks: ITerraformDependable[];
  /**
   * Adds a readiness check (see {@link readinessChecks}). The data plane that runs the gateway calls this;
   * idempotent for the same check.
   */
  addReadinessCheck(check: ITerraformDependable): void;
  /**
   * The gateway's registration in Consul's agent config-file form, rendered now (call it at synth).
   */
  renderServiceDefinition(options?: GatewayDefinitionOptions): any;
  /**
   * Grants `grantee` exactly what registering and running this gateway needs (reference: mesh-gateway
   * token): `mesh:write`, `peering:read` where peering control-plane traffic can pass this gateway,
   * `service:write` on the gateway's name, `service:read` and `node:read` on everything (and `agent:read`
   * when enabled), scoped to the gateway's partition on Enterprise.
   */
  grantRegister(grantee: IAclGrantee): AclGrant;
}

/** How a data plane runs a gateway, as far as its registration document depends on it. */
export interface GatewayDefinitionOptions {
  /**
   * Whether Envoy can bind the WAN address inside its network namespace (false when the WAN address is a
   * Docker host's, reached through a published port). When true, Envoy binds listeners on both tagged
   * addresses and not on the default one (`envoy_gateway_bind_tagged_addresses`,
   * `envoy_gateway_no_default_bind`).
   * @default true
   */
  readonly wanAddressBindable?: boolean;
}

/** Options for {@link Partition.addMeshGateway}. */
export interface MeshGatewayOptions {
  /**
   * Consul service name of the gateway.
   * @default "mesh-gateway"
   */
  readonly serviceName?: string;
  /**
   * Address local sidecars and servers use to reach the gateway (the `lan` tagged address and the service address).
   */
  readonly lanAddress: string;
  /**
   * Gateway port on the LAN address.
   * @default 8443
   */
  readonly lanPort?: number;
  /**
   * Address the *other* clusters' gateways and servers reach this gateway on (the `wan` tagged address).
   * Peering tokens advertise it.
   */
  readonly wanAddress: string;
  /**
   * Gateway port on the WAN address.
   * @default - same as lanPort
   */
  readonly wanPort?: number;
  /**
   * `connect_timeout_ms` in the gateway's `Proxy.Config`.
   * @default - Consul's default (5000 ms)
   */
  readonly connectTimeoutMs?: number;
  /**
   * More of the gateway's `Proxy.Config`: Envoy's gateway options (extra bind addresses, DNS discovery type,
   * TCP keepalive towards remote gateways) and bootstrap escape hatches (stats, tracing, extra static
   * clusters and listeners), plus `rawConfig` for keys Consul adds later. Checked when given: a key that is
   * no typed option (a typo, a Consul key) is refused rather than dropped, and so are values Consul would ignore.
   * @default - none
   */
  readonly proxy?: MeshGatewayProxyOptions;
  /**
   * Also grant `agent_prefix "" read`, which lets `consul connect envoy` discover the agent's gRPC port
   * itself. Not needed when Envoy is started with `-grpc-addr`.
   * @default true
   */
  readonly agentRead?: boolean;
  /**
   * Name of the gateway's ACL policy. Consul refuses two policies with one name, so gateways of one
   * partition need different names.
   * @default - "<serviceName>-<partition>"; with several gateways of that service name in the partition
   * (an HA pair), "<serviceName>-<partition>-<construct id in kebab case>" for each
   */
  readonly policyName?: string;
}

/** Props of {@link MeshGateway}. */
export interface MeshGatewayProps extends MeshGatewayOptions {
  /** The admin partition whose services this gateway carries. */
  readonly partition: IPartition;
}

/**
 * A mesh gateway of one admin partition: its least-privilege ACL policy and token, and its registration
 * document (kind `mesh-gateway`, LAN and WAN tagged addresses, gateway `Proxy.Config`).
 *
 * Creates a `consul_acl_token` with an inline `consul_acl_policy` (rules from {@link grantRegister}) and a
 * `consul_acl_token_secret_id` data source, all on the cluster's provider (and in the gateway's partition
 * on Enterprise). The Consul provider cannot register `mesh-gateway` services, so the registration is
 * a document ({@link serviceDefinition}) for a client agent's config directory; the Docker data plane
 * uploads it.
 *
 * @example
 * dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.1.0.10', wanAddress: '192.0.2.10' });
 */
export class MeshGateway extends Construct implements IMeshGateway {
  /** Default gateway port (the one `consul connect envoy -register` uses). */
  public static readonly DEFAULT_PORT = 8443;

  public readonly gatewayServiceName: string;
  public readonly partition: IPartition;
  /** LAN address (service address and `lan` tagged address). */
  public readonly lanAddress: string;
  /** Gateway port on the LAN address. */
  public readonly lanPort: number;
  /** WAN address (`wan` tagged address, advertised in peering tokens). */
  public readonly wanAddress: string;
  /** Gateway port on the WAN address. */
  public readonly wanPort: number;
  /** The gateway's own token (rules from {@link grantRegister}); none when the cluster runs without ACLs. */
  public readonly token?: IAclToken;
  private readonly options: MeshGatewayOptions;
  private readonly checks = new Set<ITerraformDependable>();
  /** The `Proxy.Config` keys of `props.proxy` (checked in the constructor). */
  private readonly extraConfig: Record<string, unknown>;

  public constructor(scope: Construct, id: string, props: MeshGatewayProps) {
    super(scope, id);
    this.gatewayServiceName = props.serviceName ?? 'mesh-gateway';
    assertServiceName('serviceName', this.gatewayServiceName, this);
    assertNotBlank('lanAddress', props.lanAddress, this);
    assertNotBlank('wanAddress', props.wanAddress, this);
    this.lanPort = props.lanPort ?? MeshGateway.DEFAULT_PORT;
    this.wanPort = props.wanPort ?? this.lanPort;
    assertPort('lanPort', this.lanPort, 1, this);
    assertPort('wanPort', this.wanPort, 1, this);
    if (props.connectTimeoutMs !== undefined) assertPositiveInteger('connectTimeoutMs', props.connectTimeoutMs, 'milliseconds', 5000, this);
    this.extraConfig = gatewayProxyConfig(this, props.proxy);
    this.options = props;
    this.partition = props.partition;
    this.lanAddress = props.lanAddress;
    this.wanAddress = props.wanAddress;

    const cluster = props.partition.cluster;
    register(props.partition, KIND.GATEWAY, this);
    if (cluster.aclsEnabled) {
      this.token = new AclToken(this, 'Token', {
        description: `mesh gateway "${this.gatewayServiceName}" of ${cluster.datacenter}/${props.partition.partitionName}`,
        partition: props.partition.resourcePartition,
        policyName: props.policyName ?? renderedString(this, 'policyName', () => this.defaultPolicyName()),
        provider: cluster.provider,
      });
      this.grantRegister(this.token);
    }
    this.node.addValidation({ validate: () => this.validatePolicyName() });
  }

  /**
   * "<serviceName>-<partition>", or with "-<id>" when other gateways of the partition share the service
   * name; decided at synth, from every gateway declared, so the order of the calls does not matter.
   */
  private defaultPolicyName(): string {
    const base = `${this.gatewayServiceName}-${this.partition.partitionName}`;
    const shared = this.partitionGateways().some((g) => g !== this && g.gatewayServiceName === this.gatewayServiceName);
    return shared ? `${base}-${kebabFromId(this.node.id)}` : base;
  }

  private partitionGateways(): readonly MeshGateway[] {
    return registered<IMeshGateway>(this.partition, KIND.GATEWAY).filter((g): g is MeshGateway => g instanceof MeshGateway);
  }

  private validatePolicyName(): string[] {
    const mine = this.options.policyName;
    if (mine === undefined || isUnresolved(mine)) return [];
    const other = this.partitionGateways().find((g) => g !== this && g.options.policyName === mine);
    if (!other) return [];
    return [
      ValidationError.message({
        prop: 'policyName',
        value: mine,
        problem: `is also the policy name of ${other.node.path} in ${describePartition(this.partition)}; Consul refuses a second policy with the same name`,
        fix: 'give each gateway its own policyName, or leave it out (the default is unique per gateway)',
      }),
    ];
  }

  public get readinessChecks(): ITerraformDependable[] {
    const key = (d: ITerraformDependable) => ((d as unknown as IConstruct).node?.path ?? d.fqn);
    return [...this.checks].sort((a, b) => compareStrings(key(a), key(b)));
  }

  public addReadinessCheck(check: ITerraformDependable): void {
    this.checks.add(check);
  }

  /** The gateway token's secret (sensitive; read through `consul_acl_token_secret_id`). */
  public get tokenSecretId(): string | undefined {
    return this.token?.secretId;
  }

  public grantRegister(grantee: IAclGrantee): AclGrant {
    const cluster = this.partition.cluster;
    if (grantee instanceof AclToken && grantee !== this.token) this.checkGrantee(grantee);
    const doc = new AclPolicyDocument();
    const agentRead = this.options.agentRead ?? true;
    // Only a default-partition gateway carries peering control-plane traffic, and only when the cluster
    // peers through mesh gateways; no other gateway reads peerings.
    const readsPeerings = this.partition.isDefault && cluster.peerThroughMeshGateways;
    doc.addMeshRule(AccessLevel.WRITE);
    if (isEnterprise(cluster)) {
      // The policy lives in the gateway's partition, so a non-default gateway's rules are unscoped.
      const scope = this.partition.isDefault ? doc.partition('default') : doc;
      if (readsPeerings) doc.partitionPrefix('').addPeeringRule(AccessLevel.READ);
      const own = scope.namespace('default');
      own.addServiceRule(this.gatewayServiceName, AccessLevel.WRITE);
      if (agentRead) own.addAgentPrefixRule('', AccessLevel.READ);
      const all = scope.namespacePrefix('');
      all.addServicePrefixRule('', AccessLevel.READ);
      all.addNodePrefixRule('', AccessLevel.READ);
    } else {
      if (readsPeerings) doc.addPeeringRule(AccessLevel.READ);
      doc.addServiceRule(this.gatewayServiceName, AccessLevel.WRITE);
      doc.addServicePrefixRule('', AccessLevel.READ);
      doc.addNodePrefixRule('', AccessLevel.READ);
      if (agentRead) doc.addAgentPrefixRule('', AccessLevel.READ);
    }
    return AclGrant.addToGrantee(grantee, doc);
  }

  /**
   * A token of another cluster, or of another partition of this one, would get rules that mean something
   * else there (a non-default partition's gateway rules are unscoped: they apply to the token's partition).
   */
  private checkGrantee(token: AclToken): void {
    const cluster = this.partition.cluster;
    const problem = (what: string) =>
      new ValidationError(this, {
        prop: 'grantRegister(grantee)',
        value: token.node.path,
        problem: `is a token of ${what}, but this gateway registers in ${describePartition(this.partition)}; the rules would grant in the wrong place`,
        fix: `create the token with provider: cluster.provider and partition: gateway.partition.resourcePartition, or grant the gateway of that partition`,
      });
    if (token.provider !== undefined && token.provider !== cluster.provider) {
      throw problem(`another provider (${token.provider.node.path})`);
    }
    if (!isEnterprise(cluster)) return;
    const given = token.partition;
    if (given === undefined || given === this.partition.resourcePartition || given === this.partition.partitionName) {
      if (given !== undefined || this.partition.isDefault) return;
      throw problem('the provider\'s partition ("default")');
    }
    const other = cluster.partitions.find((p) => p.resourcePartition === given || p.partitionName === given);
    if (other !== undefined) throw problem(describePartition(other));
    // A reference to something else: not knowable at synth; leave it to the user.
    if (isUnresolved(given)) return;
    throw problem(`partition ${JSON.stringify(given)}`);
  }

  /**
   * The gateway's registration in Consul's agent config-file form (snake_case), ready to be written
   * into a client agent's config directory: kind `mesh-gateway`, the LAN address as service address,
   * `lan` and `wan` tagged addresses, `Proxy.Config` that binds Envoy's listeners on both tagged
   * addresses (and not on the default address, which is the LAN one), and a TCP check on the LAN listener.
   * Holds no secret. The same as {@link renderServiceDefinition} with default options.
   */
  public get serviceDefinition(): any {
    return this.renderServiceDefinition();
  }

  /**
   * The registration document for a data plane that runs the gateway as `options` say (see
   * {@link serviceDefinition}).
   */
  public renderServiceDefinition(options: GatewayDefinitionOptions = {}): any {
    // Bind on both tagged addresses when both exist in the gateway's network namespace (what
    // `consul connect envoy -register` writes then); otherwise keep Envoy's default bind on the LAN address.
    const config: Record<string, unknown> = options.wanAddressBindable ?? true
      ? { envoy_gateway_bind_tagged_addresses: true, envoy_gateway_no_default_bind: true }
      : {};
    if (this.options.connectTimeoutMs !== undefined) config.connect_timeout_ms = this.options.connectTimeoutMs;
    Object.assign(config, this.extraConfig);
    const service: Record<string, unknown> = {
      kind: 'mesh-gateway',
      id: this.gatewayServiceName,
      name: this.gatewayServiceName,
      address: this.lanAddress,
      port: this.lanPort,
      tagged_addresses: {
        lan: { address: this.lanAddress, port: this.lanPort },
        wan: { address: this.wanAddress, port: this.wanPort },
      },
      proxy: { config },
      checks: [
        {
          name: `${this.gatewayServiceName} listening`,
          tcp: `${this.lanAddress}:${this.lanPort}`,
          interval: '10s',
          deregister_critical_service_after: '6h',
        },
      ],
    };
    return { service };
  }
}

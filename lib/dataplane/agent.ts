import type { IPartition } from '../partition';
import type { GatewayDefinitionOptions, IMeshGateway } from '../mesh-gateway';
import type { ISidecarService } from '../mesh-service';

/*
 * Data-plane-neutral documents a Consul client agent loads: its configuration and the service definitions
 * it registers. Any data plane (Docker today; Kubernetes or Nomad would be siblings of lib/dataplane/docker/)
 * renders them the same way, at synth, from the control plane's interfaces.
 */

/**
 * A service definition a client agent loads from its config directory (`<fileStem>.json`), rendered at
 * synth, so it holds everything declared on the control plane up to then (upstreams of connections made
 * after the data plane, for instance).
 */
export class AgentServiceDefinition {
  /** The definition of a service with its sidecar and upstreams ({@link ISidecarService.renderServiceDefinition}). */
  public static ofService(service: ISidecarService): AgentServiceDefinition {
    return new AgentServiceDefinition(service.serviceName, { service });
  }

  /** The registration of a mesh gateway, for a data plane that runs it as `options` say. */
  public static ofGateway(gateway: IMeshGateway, options: GatewayDefinitionOptions = {}): AgentServiceDefinition {
    return new AgentServiceDefinition(gateway.gatewayServiceName, { gateway, gatewayOptions: options });
  }

  /** A fixed document (agent config-file form, snake_case), e.g. for a service this app does not model. */
  public static fromDocument(fileStem: string, document: any): AgentServiceDefinition {
    return new AgentServiceDefinition(fileStem, { document });
  }

  private constructor(
    /** File stem in the agent's config directory. */
    public readonly fileStem: string,
    private readonly source: {
      readonly service?: ISidecarService;
      readonly gateway?: IMeshGateway;
      readonly gatewayOptions?: GatewayDefinitionOptions;
      readonly document?: any;
    },
  ) {}

  /** The document, rendered now. Data planes call it at synth. */
  public render(): any {
    if (this.source.service) return this.source.service.renderServiceDefinition();
    if (this.source.gateway) return this.source.gateway.renderServiceDefinition(this.source.gatewayOptions);
    return this.source.document;
  }
}

/** Props of {@link ClientAgentConfig.render}. */
export interface ClientAgentConfigProps {
  /** The partition the agent joins. */
  readonly partition: IPartition;
  /** The agent's node name. */
  readonly nodeName: string;
  /** The address the agent binds and advertises on the cluster LAN. */
  readonly lanAddress: string;
  /** Addresses of the cluster's servers (`retry_join`). */
  readonly retryJoin: string[];
  /**
   * Directory of the agent's data.
   * @default "/consul/data"
   */
  readonly dataDir?: string;
}

/** A Consul client agent's configuration file, without secrets (tokens and gossip key go in another file). */
export class ClientAgentConfig {
  /**
   * The configuration: datacenter, node name, LAN bind and advertise address, HTTP/gRPC on loopback only
   * (plaintext gRPC 8502 for the local Envoy, no gRPC TLS), `retry_join`, ACLs on with default deny, and the
   * partition for a non-default partition.
   */
  public static render(props: ClientAgentConfigProps): any {
    const cluster = props.partition.cluster;
    const config: Record<string, unknown> = {
      datacenter: cluster.datacenter,
      node_name: props.nodeName,
      data_dir: props.dataDir ?? '/consul/data',
      bind_addr: props.lanAddress,
      advertise_addr: props.lanAddress,
      client_addr: '127.0.0.1',
      retry_join: [...props.retryJoin],
      ports: { grpc: 8502, grpc_tls: -1 },
      acl: cluster.aclsEnabled
        ? { enabled: true, default_policy: 'deny', down_policy: 'extend-cache', enable_token_persistence: true }
        : { enabled: false },
      log_level: 'INFO',
    };
    if (!props.partition.isDefault) config.partition = props.partition.partitionName;
    return config;
  }

  /**
   * The secrets file: the agent's own token and the token it registers its config-file services with (both
   * references to sensitive values), and the gossip key when there is one.
   */
  public static renderSecrets(agentToken: string, registrationToken: string, gossipEncryptionKey?: string): any {
    const secrets: Record<string, unknown> = {
      acl: { tokens: { agent: agentToken, config_file_service_registration: registrationToken } },
    };
    if (gossipEncryptionKey !== undefined) secrets.encrypt = gossipEncryptionKey;
    return secrets;
  }

  private constructor() {}
}

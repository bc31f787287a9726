import * as serviceDefaultsL1 from '@cdktf/provider-consul/lib/config-entry-service-defaults';
import { Construct } from 'constructs';
import { MeshGatewayMode } from '../mesh-gateway-mode';
import type { IPartition } from '../partition';
import { BY_NAME, KIND, nameKey, register, registeredWhere } from '../private/registry';
import { describePartition, namespaceResourceArg, normalizeNamespace } from '../private/scoping';
import { assertServiceName } from '../private/validate';
import { ValidationError } from '../errors';

/** The protocol a service speaks, as Consul names it. */
export enum ServiceProtocol {
  /** Plain TCP (Consul's default): L4 only. */
  TCP = 'tcp',
  /** HTTP/1.1: enables L7 routing, intentions with HTTP permissions and metrics. */
  HTTP = 'http',
  /** HTTP/2. */
  HTTP2 = 'http2',
  /** gRPC. */
  GRPC = 'grpc',
}

/** Props of {@link ServiceDefaults}. */
export interface ServiceDefaultsProps {
  /** The service these defaults apply to. */
  readonly serviceName: string;
  /**
   * The protocol. For peered services set it in the *exporting* cluster: importers keep the protocol
   * the exporter advertises.
   */
  readonly protocol: ServiceProtocol;
  /** The service's admin partition; its cluster's provider writes the entry. */
  readonly partition: IPartition;
  /**
   * Namespace (Enterprise).
   * @default - not written on Community Edition; "default" on Enterprise
   */
  readonly namespace?: string;
  /**
   * `MeshGateway.Mode` for the service's upstreams (between an upstream's own mode and `proxy-defaults`).
   * @default - not set (written as "", what Consul returns)
   */
  readonly meshGatewayMode?: MeshGatewayMode;
}

/**
 * The `service-defaults` config entry of one service (its protocol).
 *
 * Creates one `consul_config_entry_service_defaults`. Besides the name and protocol it writes the three
 * blocks the provider (v2.22) always stores after reading the entry back, with the values Consul returns
 * when they are not set: `expose { checks = false }`, `mesh_gateway { mode = "" }` and
 * `transparent_proxy { outbound_listener_port = 0, dialed_directly = false }`. These blocks are sets, and
 * a set element left out (or written as `expose {}`) differs from the stored one, so without them every
 * later plan shows an update (seen live against Consul 1.14.0 with the real provider).
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-defaults
 */
export class ServiceDefaults extends Construct {
  /** The `consul_config_entry_service_defaults` L1. */
  public readonly resource: serviceDefaultsL1.ConfigEntryServiceDefaults;
  /** The protocol written. */
  public readonly protocol: ServiceProtocol;

  public constructor(scope: Construct, id: string, props: ServiceDefaultsProps) {
    super(scope, id);
    assertServiceName('serviceName', props.serviceName, this);
    this.protocol = props.protocol;
    this.resource = new serviceDefaultsL1.ConfigEntryServiceDefaults(this, 'Resource', {
      name: props.serviceName,
      protocol: props.protocol,
      namespace: namespaceResourceArg(this, props.partition, props.namespace),
      partition: props.partition.resourcePartition,
      expose: [{ checks: false }],
      meshGateway: [{ mode: props.meshGatewayMode ?? '' }],
      transparentProxy: [{ outboundListenerPort: 0, dialedDirectly: false }],
      provider: props.partition.cluster.provider,
    });
    // One entry per service: a second one would overwrite the first, and every plan would show a change.
    const key = nameKey(props.serviceName, normalizeNamespace(props.namespace));
    register(props.partition, KIND.SERVICE_DEFAULTS, this);
    this.serviceKey = key;
    const partition = props.partition;
    this.node.addValidation({
      validate: () => {
        const twins = registeredWhere<ServiceDefaults>(partition, KIND.SERVICE_DEFAULTS, BY_NAME, (e) => e.serviceKey, key).filter((e) => e !== this);
        if (twins.length === 0) return [];
        return [
          ValidationError.message({
            prop: 'serviceName',
            value: props.serviceName,
            problem:
              `has a second service-defaults entry in ${describePartition(partition)}${props.namespace ? ` (namespace "${props.namespace}")` : ''} ` +
              `(${twins.map((t) => t.node.path).join(', ')}); Consul keeps one per service, so each would overwrite the other`,
            fix: 'keep one: a MeshService writes its own from its protocol and meshGatewayMode, so set them there instead of adding a ServiceDefaults',
          }),
        ];
      },
    });
  }

  /** The service's key in its partition (name and namespace). */
  private readonly serviceKey: string;
}

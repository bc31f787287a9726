import type * as containerL1 from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import type { IAclToken } from '../../acl';
import type { IMeshGateway } from '../../mesh-gateway';
import type { ISidecarService } from '../../mesh-service';
import { isEnterprise } from '../../private/scoping';
import { assertPort } from '../../private/validate';
import type { ConsulAgentPod } from './pod';
import { dockerL1 } from './provider-docker';

/**
 * What an Envoy does: run a mesh gateway (`-gateway=mesh -register` with literal LAN and WAN addresses)
 * or a sidecar (`-sidecar-for <service>`).
 */
export class EnvoyRole {
  /**
   * A mesh gateway. `consul connect envoy` registers it with the LAN and WAN addresses and port of the
   * gateway (never `-expose-servers`: that is WAN federation, not peering).
   */
  public static meshGateway(gateway: IMeshGateway): EnvoyRole {
    return new EnvoyRole('gateway', gateway, undefined);
  }

  /** The sidecar of a service registered on the pod's agent. */
  public static sidecarFor(service: ISidecarService): EnvoyRole {
    return new EnvoyRole('sidecar', undefined, service);
  }

  private constructor(
    /** `gateway` or `sidecar`. */
    public readonly kind: string,
    /** The gateway, for gateway roles. */
    public readonly gateway?: IMeshGateway,
    /** The service, for sidecar roles. */
    public readonly service?: ISidecarService,
  ) {}

  /** @internal */
  public _args(): string[] {
    if (this.gateway) {
      const g = this.gateway;
      return [
        '-gateway=mesh',
        '-register',
        '-service', g.gatewayServiceName,
        '-address', `${g.lanAddress}:${g.lanPort}`,
        '-wan-address', `${g.wanAddress}:${g.wanPort}`,
      ];
    }
    return ['-sidecar-for', this.service!.serviceName];
  }

  /** @internal */
  public _name(): string {
    return this.gateway ? 'mesh gateway' : `sidecar of ${this.service!.serviceName}`;
  }
}

/** Props of {@link EnvoyContainer}. */
export interface EnvoyContainerProps {
  /** The pod the Envoy joins (its agent serves xDS on 127.0.0.1:8502). */
  readonly pod: ConsulAgentPod;
  /** Gateway or sidecar. */
  readonly role: EnvoyRole;
  /**
   * The token `consul connect envoy` uses (uploaded as a file and passed with `-token-file`).
   * @default - none: only for a cluster without ACLs
   */
  readonly token?: IAclToken;
  /**
   * Envoy admin port, bound to 127.0.0.1 inside the pod.
   * @default 19000
   */
  readonly adminPort?: number;
  /**
   * Bind the admin API on all of the pod's addresses instead of loopback (only for debugging).
   * @default false
   */
  readonly exposeAdmin?: boolean;
}

/**
 * An Envoy started by `consul connect envoy` in a pod, from the combined Consul+Envoy image.
 *
 * Creates one `docker_container` joining the pod's network namespace, with the ACL token uploaded to
 * `/consul/tokens/envoy.token` (mode 0600) and passed as `-token-file`: no secret in `command`, `env` or
 * `entrypoint`. xDS goes to the pod agent's plaintext gRPC (`-grpc-addr http://127.0.0.1:8502`); the admin
 * API binds to loopback. The health check asks the admin API's `/ready` for `LIVE`. Restarts on failure
 * (it also exits while the agent has not yet registered its service, and then comes back).
 */
export class EnvoyContainer extends Construct {
  /** Where the token file is uploaded. */
  public static readonly TOKEN_FILE = '/consul/tokens/envoy.token';

  /** The `docker_container` L1. */
  public readonly resource: containerL1.Container;
  /** Admin port inside the pod. */
  public readonly adminPort: number;

  public constructor(scope: Construct, id: string, props: EnvoyContainerProps) {
    super(scope, id);
    const { pod, role } = props;
    this.adminPort = props.adminPort ?? 19000;
    assertPort('adminPort', this.adminPort, 1, this);
    pod.claimPort(this.adminPort, `Envoy admin (${role._name()})`);
    const partition = pod.partition;
    const cluster = partition.cluster;
    const scoping: string[] = [];
    if (isEnterprise(cluster)) {
      scoping.push('-partition', partition.partitionName);
      if (role.service?.namespace) scoping.push('-namespace', role.service.namespace);
    }
    const command = [
      'connect',
      'envoy',
      ...role._args(),
      '-grpc-addr', 'http://127.0.0.1:8502',
      '-http-addr', 'http://127.0.0.1:8500',
      '-admin-bind', `${props.exposeAdmin ? '0.0.0.0' : '127.0.0.1'}:${this.adminPort}`,
      ...(props.token ? ['-token-file', EnvoyContainer.TOKEN_FILE] : []),
      ...scoping,
    ];
    const ready = `exec 3<>/dev/tcp/127.0.0.1/${this.adminPort} && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q LIVE <&3`;
    this.resource = new (dockerL1(this).container.Container)(this, 'Resource', {
      name: `${pod.podName}-envoy`,
      image: pod.image.imageId,
      entrypoint: ['/bin/consul'],
      command,
      networkMode: pod.networkMode,
      restart: 'on-failure',
      upload: props.token ? [{ file: EnvoyContainer.TOKEN_FILE, content: props.token.secretId, permissions: '0600' }] : undefined,
      healthcheck: { test: ['CMD', 'bash', '-c', ready], interval: '10s', timeout: '5s', retries: 6, startPeriod: '15s' },
      dependsOn: [pod.agent],
      provider: pod.host.provider,
    });
  }
}

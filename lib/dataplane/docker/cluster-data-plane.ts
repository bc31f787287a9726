import * as serviceHealth from '@cdktf/provider-consul/lib/data-consul-service-health';
import { Construct } from 'constructs';
import type { IAclToken } from '../../acl';
import type { IConsulCluster } from '../../cluster';
import { ValidationError } from '../../errors';
import type { IMeshGateway } from '../../mesh-gateway';
import type { ISidecarService } from '../../mesh-service';
import type { IPartition } from '../../partition';
import { isEnterprise } from '../../private/scoping';
import { hostnameLabel, kebabFromId } from '../../private/validate';
import { AgentServiceDefinition } from '../agent';
import { AppContainer, AppContainerOptions } from './app';
import type { DockerHost } from './docker-host';
import { EnvoyContainer, EnvoyRole } from './envoy';
import { ConsulEnvoyImage } from './image';
import type { IDockerNetwork } from './network';
import { ConsulAgentPod, ConsulAgentPodProps, PodNetworkAttachment, PodPublishedPort } from './pod';

/** Props of {@link ClusterDataPlane}. */
export interface ClusterDataPlaneProps {
  /** The cluster whose gateways and services run here. */
  readonly cluster: IConsulCluster;
  /** The Docker host the pods run on. */
  readonly host: DockerHost;
  /** The cluster's LAN network: every pod joins it, with the agent bound to its address there. */
  readonly lan: IDockerNetwork;
  /** LAN addresses of the cluster's servers, joined by every client agent. */
  readonly retryJoin: string[];
  /**
   * The Consul+Envoy image. Its Consul version and edition must be the cluster's.
   * @default - a ConsulEnvoyImage for the cluster's version and edition, built on `host` (one per host and pair)
   */
  readonly image?: ConsulEnvoyImage;
  /**
   * Envoy version of the default image (checked against the compatibility matrix).
   * @default - DataPlaneVersions.defaultEnvoyFor(cluster.consulVersion)
   */
  readonly envoyVersion?: string;
  /**
   * The cluster's gossip encryption key (sensitive), when its servers use one.
   * @default - no gossip encryption
   */
  readonly gossipEncryptionKey?: string;
}

/** Options of {@link ClusterDataPlane.addGateway}. */
export interface GatewayDataPlaneOptions {
  /**
   * The WAN network shared by the gateways of all clusters on this Docker host. When the gateway's
   * `wanAddress` is in its subnet, the pod joins it with that address.
   * @default - no WAN network: the WAN port must be published (publishWanPort)
   */
  readonly wan?: IDockerNetwork;
  /**
   * Publish the gateway port on the Docker host, for a `wanAddress` that is the host's own address
   * (gateways on separate Docker hosts).
   * @default false
   */
  readonly publishWanPort?: boolean;
  /**
   * Envoy admin port (loopback inside the pod).
   * @default 19000
   */
  readonly adminPort?: number;
  /**
   * How long the peering waits for this gateway to be registered and passing (default partition only).
   * @default "180s"
   */
  readonly readinessTimeout?: string;
}

/** Options of {@link ClusterDataPlane.addService}. */
export interface ServiceDataPlaneOptions {
  /** The pod's address on the cluster LAN. */
  readonly address: string;
  /**
   * The application container.
   * @default - no app container: run the app yourself in the pod's namespace
   */
  readonly app?: AppContainerOptions;
  /**
   * Envoy admin port (loopback inside the pod).
   * @default 19000
   */
  readonly adminPort?: number;
}

/**
 * The Docker data plane of one cluster: client-agent pods with mesh-gateway and sidecar Envoys.
 *
 * Holds what every pod of the cluster shares (Docker host, LAN, servers to join, image) and creates, per
 * gateway or service, a {@link MeshGatewayDataPlane} or {@link MeshServiceDataPlane} as a child of that
 * gateway or service (id `DataPlane`), so addresses follow the control-plane tree.
 */
export class ClusterDataPlane extends Construct {
  /** The cluster. */
  public readonly cluster: IConsulCluster;
  /** The Docker host. */
  public readonly host: DockerHost;
  /** The cluster LAN. */
  public readonly lan: IDockerNetwork;
  /** Server addresses every agent joins. */
  public readonly retryJoin: string[];
  /** The Consul+Envoy image every container of the cluster runs. */
  public readonly image: ConsulEnvoyImage;
  /** @internal */
  public readonly _gossipEncryptionKey?: string;

  public constructor(scope: Construct, id: string, props: ClusterDataPlaneProps) {
    super(scope, id);
    const { cluster } = props;
    if (props.lan.host !== props.host) {
      throw new ValidationError(this, {
        prop: 'lan',
        value: props.lan.networkName,
        problem: `is a network on another Docker host than host ${props.host.node.path}`,
        fix: 'use a network of that host',
      });
    }
    this.cluster = cluster;
    this.host = props.host;
    this.lan = props.lan;
    this.retryJoin = [...props.retryJoin];
    this._gossipEncryptionKey = props.gossipEncryptionKey;
    for (const server of props.retryJoin) {
      if (!props.lan.contains(server)) {
        throw new ValidationError(this, {
          prop: 'retryJoin',
          value: server,
          problem: `is not on the LAN network "${props.lan.networkName}" (${props.lan.subnet})`,
          fix: 'give the servers\' LAN addresses',
        });
      }
    }
    this.image = props.image ?? sharedImage(props.host, cluster, props.envoyVersion);
    if (this.image.edition !== cluster.edition) {
      throw new ValidationError(this, {
        prop: 'image',
        value: this.image.imageName,
        problem: `is built for Consul ${this.image.edition} but cluster "${cluster.datacenter}" runs ${cluster.edition}`,
        fix: `use a ConsulEnvoyImage with edition ${isEnterprise(cluster) ? 'ConsulEdition.ENTERPRISE' : 'ConsulEdition.COMMUNITY'}`,
      });
    }
    if (this.image.consulVersion !== cluster.consulVersion) {
      throw new ValidationError(this, {
        prop: 'image',
        value: this.image.imageName,
        problem: `carries Consul ${this.image.consulVersion} but cluster "${cluster.datacenter}" runs ${cluster.consulVersion}`,
        fix: `build the image with consulVersion "${cluster.consulVersion}"`,
      });
    }
  }

  /**
   * The props of a pod of this cluster: the host, image, LAN, servers and gossip key shared by every pod of
   * the cluster, plus what is particular to one gateway or service. (The caller creates the pod itself: one
   * call less between the program and the pod's resources, each of which costs cdktf a stack trace as deep
   * as the call stack.)
   * @internal
   */
  public _podProps(pod: PodOfCluster): ConsulAgentPodProps {
    return {
      partition: pod.partition,
      host: this.host,
      image: this.image,
      podName: pod.podName,
      lan: { network: this.lan, address: pod.lanAddress },
      extraNetworks: pod.extraNetworks,
      retryJoin: this.retryJoin,
      registrationToken: pod.registrationToken,
      serviceDefinitions: pod.serviceDefinitions,
      publishedPorts: pod.publishedPorts,
      gossipEncryptionKey: this._gossipEncryptionKey,
    };
  }

  /**
   * Throws unless `partition` (of the gateway or service handed to this data plane) is in this cluster;
   * reported on the data plane, where the mistake was made.
   * @internal
   */
  public _assertOwnCluster(prop: string, value: string, partition: IPartition): void {
    if (partition.cluster === this.cluster) return;
    throw new ValidationError(this, {
      prop,
      value,
      problem: `belongs to cluster "${partition.cluster.datacenter}", not "${this.cluster.datacenter}"`,
      fix: 'use that cluster\'s ClusterDataPlane',
    });
  }

  /** Runs `gateway` in a pod: agent + `consul connect envoy -gateway=mesh -register`. */
  public addGateway(gateway: IMeshGateway, options: GatewayDataPlaneOptions = {}): MeshGatewayDataPlane {
    return new MeshGatewayDataPlane(gateway, 'DataPlane', { ...options, gateway, dataPlane: this });
  }

  /** Runs `service` in a pod: agent (with its definition) + sidecar Envoy (+ the app). */
  public addService(service: ISidecarService, options: ServiceDataPlaneOptions): MeshServiceDataPlane {
    return new MeshServiceDataPlane(service, 'DataPlane', { ...options, service, dataPlane: this });
  }
}

/** Props of {@link MeshGatewayDataPlane}. */
export interface MeshGatewayDataPlaneProps extends GatewayDataPlaneOptions {
  /** The gateway to run. */
  readonly gateway: IMeshGateway;
  /** The cluster's data plane (host, LAN, servers, image). */
  readonly dataPlane: ClusterDataPlane;
}

/**
 * A mesh gateway's pod: client agent with the gateway's registration document, Envoy running
 * `consul connect envoy -gateway=mesh -register` with the literal LAN and WAN addresses, and (in the
 * default partition) a readiness check the peering waits for.
 *
 * Readiness: a `consul_service_health` data source for the gateway's service with `passing = true` and
 * `wait_for`, depending on the Envoy container, so Terraform reads it at apply time after the containers
 * exist, and retries until one instance is registered and all its checks pass. The peering token (acceptor)
 * and the peering (dialer) depend on it.
 */
export class MeshGatewayDataPlane extends Construct {
  /** The gateway's pod (pause container and client agent). */
  public readonly pod: ConsulAgentPod;
  /** The gateway Envoy. */
  public readonly envoy: EnvoyContainer;
  /** The readiness data source (default-partition gateways only). */
  public readonly readiness?: serviceHealth.DataConsulServiceHealth;

  public constructor(scope: Construct, id: string, props: MeshGatewayDataPlaneProps) {
    super(scope, id);
    const { gateway, dataPlane } = props;
    const cluster = dataPlane.cluster;
    dataPlane._assertOwnCluster('gateway', gateway.node.path, gateway.partition);
    const onWan = props.wan !== undefined && props.wan.contains(gateway.wanAddress);
    if (props.wan && props.wan.host !== dataPlane.host) {
      throw new ValidationError(this, {
        prop: 'wan',
        value: props.wan.networkName,
        problem: 'is a network on another Docker host; a pod joins networks of its own host only',
        fix: `use a network of host ${dataPlane.host.node.path}`,
      });
    }
    if (!onWan && !props.publishWanPort) {
      throw new ValidationError(this, {
        prop: 'wanAddress',
        value: gateway.wanAddress,
        problem:
          `of the gateway is ${props.wan ? `not in the WAN network "${props.wan.networkName}" (${props.wan.subnet})` : 'not on any network of its pod'}, ` +
          'and its port is not published, so other clusters cannot reach it',
        fix: 'give a wanAddress in the WAN network\'s subnet, or set publishWanPort: true with the Docker host\'s address as wanAddress',
      });
    }
    // The pod name is a hostname and a node name: the datacenter's "_" (which Consul allows) becomes "-".
    const podName = `${hostnameLabel(cluster.datacenter)}-${gateway.partition.partitionName}-${kebabFromId(gateway.node.id)}`;
    const published: PodPublishedPort[] = props.publishWanPort && !onWan ? [{ containerPort: gateway.lanPort, hostPort: gateway.wanPort }] : [];
    this.pod = new ConsulAgentPod(
      this,
      'Pod',
      dataPlane._podProps({
        partition: gateway.partition,
        podName,
        lanAddress: gateway.lanAddress,
        registrationToken: gateway.token,
        serviceDefinitions: [AgentServiceDefinition.ofGateway(gateway, { wanAddressBindable: onWan })],
        extraNetworks: onWan ? [{ network: props.wan!, address: gateway.wanAddress }] : [],
        publishedPorts: published,
      }),
    );
    this.pod.claimPort(gateway.lanPort, 'mesh gateway listener');
    if (onWan && gateway.wanPort !== gateway.lanPort) this.pod.claimPort(gateway.wanPort, 'mesh gateway WAN listener');
    this.envoy = new EnvoyContainer(this, 'Envoy', {
      pod: this.pod,
      role: EnvoyRole.meshGateway(gateway),
      token: gateway.token,
      adminPort: props.adminPort,
    });
    if (gateway.partition.isDefault) {
      this.readiness = new serviceHealth.DataConsulServiceHealth(this, 'Ready', {
        name: gateway.gatewayServiceName,
        passing: true,
        waitFor: props.readinessTimeout ?? '180s',
        dependsOn: [this.envoy.resource],
        provider: cluster.provider,
      });
      // The peerings of this cluster wait for it (they ask the gateway, which the control plane owns).
      gateway.addReadinessCheck(this.readiness);
    }
  }
}

/** Props of {@link MeshServiceDataPlane}. */
export interface MeshServiceDataPlaneProps extends ServiceDataPlaneOptions {
  /** The service to run. */
  readonly service: ISidecarService;
  /** The cluster's data plane (host, LAN, servers, image). */
  readonly dataPlane: ClusterDataPlane;
}

/**
 * A service's pod: client agent with the service definition (sidecar and `destination_peer` upstreams),
 * the sidecar Envoy (`consul connect envoy -sidecar-for <service>`), and optionally the app.
 */
export class MeshServiceDataPlane extends Construct {
  /** The service's pod (pause container and client agent). */
  public readonly pod: ConsulAgentPod;
  /** The sidecar Envoy. */
  public readonly envoy: EnvoyContainer;
  /** The app container, when one was given. */
  public readonly app?: AppContainer;

  public constructor(scope: Construct, id: string, props: MeshServiceDataPlaneProps) {
    super(scope, id);
    const { service, dataPlane } = props;
    const cluster = dataPlane.cluster;
    dataPlane._assertOwnCluster('service', service.serviceName, service.partition);
    // Unique per service: a partition may have one service name in several namespaces. The datacenter as a hostname label.
    const podName = `${hostnameLabel(cluster.datacenter)}-${service.partition.partitionName}-${service.namespace !== undefined ? `${service.namespace}-` : ''}${service.serviceName}`;
    this.pod = new ConsulAgentPod(
      this,
      'Pod',
      dataPlane._podProps({
        partition: service.partition,
        podName,
        lanAddress: props.address,
        registrationToken: service.token,
        serviceDefinitions: [AgentServiceDefinition.ofService(service)],
      }),
    );
    this.pod.claimPort(service.port, `service "${service.serviceName}"`);
    this.pod.claimPort(service.sidecarPort, `sidecar of "${service.serviceName}"`);
    this.envoy = new EnvoyContainer(this, 'Envoy', {
      pod: this.pod,
      role: EnvoyRole.sidecarFor(service),
      token: service.token,
      adminPort: props.adminPort,
    });
    if (props.app) this.app = new AppContainer(this, 'App', { ...props.app, pod: this.pod });
    // Upstreams may be added after the data plane (connectTo later in the program): their local ports are
    // checked against the pod's other listeners at synth.
    this.node.addValidation({
      validate: () =>
        service.upstreams.flatMap((u) => {
          const holder = this.pod._portHolder(u.localBindPort);
          return holder === undefined
            ? []
            : [
                ValidationError.message({
                  prop: 'localBindPort',
                  value: u.localBindPort,
                  problem: `of upstream "${u.destinationName}" of service "${service.serviceName}" is already used in pod "${this.pod.podName}" by ${holder}`,
                  fix: 'pick another localBindPort (the pod shares one network namespace)',
                }),
              ];
        }),
    });
  }
}

/** What is particular to one pod of a cluster. */
interface PodOfCluster {
  readonly partition: IPartition;
  readonly podName: string;
  readonly lanAddress: string;
  readonly registrationToken?: IAclToken;
  readonly serviceDefinitions: AgentServiceDefinition[];
  readonly extraNetworks?: PodNetworkAttachment[];
  readonly publishedPorts?: PodPublishedPort[];
}

function sharedImage(host: DockerHost, cluster: IConsulCluster, envoyVersion?: string): ConsulEnvoyImage {
  const id = `ConsulEnvoy-${cluster.consulVersion}-${cluster.edition}-${envoyVersion ?? 'default'}`.replace(/[^A-Za-z0-9-]+/g, '_');
  const existing = host.node.tryFindChild(id) as ConsulEnvoyImage | undefined;
  if (existing) return existing;
  return new ConsulEnvoyImage(host, id, {
    consulVersion: cluster.consulVersion,
    envoyVersion,
    edition: cluster.edition,
    provider: host.provider,
  });
}

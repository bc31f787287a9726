import type * as containerL1 from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import { AclToken, IAclToken } from '../../acl';
import type { IPartition } from '../../partition';
import { ValidationError } from '../../errors';
import { renderedString } from '../../private/rendered';
import { assertDnsLabel, assertPort, compareStrings, firstRepeated } from '../../private/validate';
import { AgentServiceDefinition, ClientAgentConfig } from '../agent';
import type { DockerHost } from './docker-host';
import type { ConsulEnvoyImage } from './image';
import type { IDockerNetwork } from './network';
import { dockerL1 } from './provider-docker';

/** A network a pod joins, with its fixed address there. */
export interface PodNetworkAttachment {
  /** The network. */
  readonly network: IDockerNetwork;
  /** The pod's IPv4 address on it (inside the network's subnet). */
  readonly address: string;
}

/** A port the pod publishes on its Docker host. */
export interface PodPublishedPort {
  /** Port inside the pod. */
  readonly containerPort: number;
  /** Port on the Docker host. */
  readonly hostPort: number;
  /**
   * Host address to publish on.
   * @default "0.0.0.0"
   */
  readonly hostIp?: string;
}

/** Props of {@link ConsulAgentPod}. */
export interface ConsulAgentPodProps {
  /** The partition the agent (and everything in the pod) belongs to. */
  readonly partition: IPartition;
  /** The Docker host. */
  readonly host: DockerHost;
  /** The image with `consul` and `envoy` (also runs the agent and the pause process). */
  readonly image: ConsulEnvoyImage;
  /** Pod name: prefix of the container names and the agent's node name (a DNS label, unique in the datacenter). */
  readonly podName: string;
  /** The cluster LAN attachment; the agent binds and advertises this address. */
  readonly lan: PodNetworkAttachment;
  /**
   * More networks (e.g. the gateways' WAN).
   * @default - none
   */
  readonly extraNetworks?: PodNetworkAttachment[];
  /** Addresses of the cluster's servers on the LAN (`retry_join`). */
  readonly retryJoin: string[];
  /**
   * Token the agent registers the uploaded service definitions with (`acl.tokens.config_file_service_registration`).
   * Required when the cluster runs with ACLs.
   * @default - none: only for a cluster without ACLs
   */
  readonly registrationToken?: IAclToken;
  /**
   * Service definitions uploaded into `/consul/config/<fileStem>.json`, rendered at synth (so upstreams of
   * connections declared after the pod are in them).
   */
  readonly serviceDefinitions: AgentServiceDefinition[];
  /**
   * Ports published on the Docker host (from the pod's network namespace).
   * @default - none
   */
  readonly publishedPorts?: PodPublishedPort[];
  /**
   * Gossip encryption key of the cluster (sensitive; goes only into an uploaded file).
   * @default - no gossip encryption
   */
  readonly gossipEncryptionKey?: string;
}

/** Ports the client agent itself listens on inside the pod. */
const AGENT_PORTS: Array<[number, string]> = [
  [8500, 'agent HTTP API'],
  [8502, 'agent gRPC (xDS)'],
  [8301, 'agent Serf LAN'],
  [8600, 'agent DNS'],
];

/**
 * A "pod": one network namespace held by a small always-running container, shared by a Consul client
 * agent and the Envoy (and, for services, the app). Envoy reaches the agent's plaintext gRPC on
 * `127.0.0.1:8502`; the agent's HTTP and gRPC listen on loopback only.
 *
 * Creates the pause `docker_container` (networks with fixed addresses, published ports), the agent
 * `docker_container` (`network_mode = container:<pause>`), and an agent `consul_acl_token` with a node
 * identity. The agent gets its config and the service definitions as uploaded files; its tokens (and
 * gossip key) as a separate uploaded file, never in `command` or `env`.
 */
export class ConsulAgentPod extends Construct {
  /** The container that owns the network namespace. */
  public readonly pause: containerL1.Container;
  /** The client agent container. */
  public readonly agent: containerL1.Container;
  /** The agent's node-identity token; none when the cluster runs without ACLs. */
  public readonly agentToken?: AclToken;
  /** The pod name (agent node name). */
  public readonly podName: string;
  /** `network_mode` for containers joining this pod. */
  public readonly networkMode: string;
  /** The Docker host the pod runs on. */
  public readonly host: DockerHost;
  /** The image every container of the pod runs (except an app). */
  public readonly image: ConsulEnvoyImage;
  /** The partition the agent belongs to. */
  public readonly partition: IPartition;
  private readonly ports = new Map<number, string>();

  public constructor(scope: Construct, id: string, props: ConsulAgentPodProps) {
    super(scope, id);
    assertDnsLabel('podName', props.podName, this);
    if (props.retryJoin.length === 0) {
      throw new ValidationError(this, {
        prop: 'retryJoin',
        problem: 'is empty',
        fix: 'give the LAN addresses of the cluster\'s servers, e.g. ["10.11.0.2"]',
      });
    }
    this.podName = props.podName;
    this.host = props.host;
    this.image = props.image;
    this.partition = props.partition;
    const cluster = props.partition.cluster;
    for (const [port, what] of AGENT_PORTS) this.claimPort(port, what);
    props.host._claimName('podName', props.podName, this);

    const attachments = [props.lan, ...(props.extraNetworks ?? [])];
    for (const a of attachments) a.network.claimAddress(`address of pod "${props.podName}"`, a.address, this);
    for (const p of props.publishedPorts ?? []) {
      assertPort('containerPort', p.containerPort, 1, this);
      assertPort('hostPort', p.hostPort, 1, this);
      props.host._claimHostPort(`hostPort of pod "${props.podName}"`, p.hostIp ?? '0.0.0.0', p.hostPort, this);
    }

    this.pause = new (dockerL1(this).container.Container)(this, 'Pause', {
      name: `${props.podName}-pause`,
      image: props.image.imageId,
      entrypoint: ['sleep'],
      command: ['infinity'],
      hostname: props.podName,
      restart: 'always',
      networksAdvanced: attachments.map((a) => ({ name: a.network.attachmentName, ipv4Address: a.address })),
      ports: props.publishedPorts?.length
        ? props.publishedPorts.map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.hostIp ?? '0.0.0.0' }))
        : undefined,
      // The pause process only holds the namespace: it is healthy while it runs.
      healthcheck: { test: ['CMD', 'true'], interval: '30s', timeout: '5s', retries: 3 },
      provider: props.host.provider,
    });
    this.networkMode = `container:${this.pause.id}`;

    if (cluster.aclsEnabled) {
      if (props.registrationToken === undefined) {
        throw new ValidationError(this, {
          prop: 'registrationToken',
          problem: `is missing, and cluster "${cluster.datacenter}" runs with ACLs`,
          fix: 'pass the token of the gateway or service the pod runs',
        });
      }
      this.agentToken = new AclToken(this, 'AgentToken', {
        description: `client agent ${props.podName} of ${cluster.datacenter}/${props.partition.partitionName}`,
        nodeIdentities: [{ nodeName: props.podName, datacenter: cluster.datacenter }],
        partition: props.partition.resourcePartition,
        provider: cluster.provider,
      });
    }

    const config = ClientAgentConfig.render({
      partition: props.partition,
      nodeName: props.podName,
      lanAddress: props.lan.address,
      retryJoin: props.retryJoin,
    });
    const secrets =
      this.agentToken && props.registrationToken
        ? ClientAgentConfig.renderSecrets(this.agentToken.secretId, props.registrationToken.secretId, props.gossipEncryptionKey)
        : props.gossipEncryptionKey !== undefined
          ? { encrypt: props.gossipEncryptionKey }
          : undefined;
    const repeated = firstRepeated(props.serviceDefinitions.map((d) => d.fileStem), ['agent', 'secrets']);
    if (repeated !== undefined) {
      throw new ValidationError(this, {
        prop: 'serviceDefinitions',
        value: repeated,
        problem: 'names a file of the pod twice (agent.json and secrets.json are the agent\'s own)',
        fix: 'give every definition its own file stem',
      });
    }
    const uploads: containerL1.ContainerUpload[] = [
      { file: '/consul/config/agent.json', content: JSON.stringify(config, null, 2) },
      ...(secrets !== undefined ? [{ file: '/consul/config/secrets.json', content: JSON.stringify(secrets, null, 2), permissions: '0600' }] : []),
      ...[...props.serviceDefinitions]
        .sort((a, b) => compareStrings(a.fileStem, b.fileStem))
        .map((d) => ({
          file: `/consul/config/${d.fileStem}.json`,
          // Rendered at synth: the control plane may still change (connections, upstreams) after the pod exists.
          content: renderedString(this, `/consul/config/${d.fileStem}.json`, () => JSON.stringify(d.render(), null, 2)),
        })),
    ];
    this.agent = new (dockerL1(this).container.Container)(this, 'Agent', {
      name: `${props.podName}-agent`,
      image: props.image.imageId,
      entrypoint: ['/bin/consul'],
      command: ['agent', '-config-dir=/consul/config'],
      networkMode: this.networkMode,
      restart: 'always',
      upload: uploads,
      healthcheck: { test: ['CMD', 'consul', 'members'], interval: '10s', timeout: '5s', retries: 6, startPeriod: '10s' },
      provider: props.host.provider,
    });
  }

  /**
   * Reserves a port inside the pod's network namespace; throws a {@link ValidationError} when something in the
   * pod already uses it.
   */
  public claimPort(port: number, what: string): void {
    assertPort(what, port, 1, this);
    const holder = this.ports.get(port);
    if (holder !== undefined && holder !== what) {
      throw new ValidationError(this, {
        prop: 'port',
        value: port,
        problem: `for ${what} in pod "${this.podName}" is already used by ${holder}`,
        fix: 'pick another port (the pod shares one network namespace)',
      });
    }
    this.ports.set(port, what);
  }

  /**
   * What holds `port` inside the pod, if anything.
   * @internal
   */
  public _portHolder(port: number): string | undefined {
    return this.ports.get(port);
  }

  /** Ports in use inside the pod, sorted. */
  public get portsInUse(): number[] {
    return [...this.ports.keys()].sort((a, b) => a - b);
  }
}


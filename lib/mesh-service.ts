import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AclToken } from './acl';
import { ExportConsumer } from './config-entries/exported-services';
import { ServiceDefaults, ServiceProtocol } from './config-entries/service-defaults';
import { IntentionAction, IntentionSource, ServiceIntentions } from './config-entries/service-intentions';
import { MeshGatewayMode } from './mesh-gateway-mode';
import type { IPartition } from './partition';
import { ClusterPeering } from './peering';
import * as errors from './private/errors';
import { KIND, register, registered } from './private/registry';
import { assertDnsLabel, assertNotBlank, assertPort, compareStrings, kebabFromId } from './private/validate';

/** What other constructs need to know about a service in the mesh. */
export interface IMeshService extends IConstruct {
  /** The Consul service name. */
  readonly serviceName: string;
  /** The admin partition the service runs in. */
  readonly partition: IPartition;
  /** The namespace (Enterprise), when not `default`. */
  readonly namespace?: string;
  /** The service's `service-intentions` entry (created on first use). */
  readonly intentions: ServiceIntentions;
  /** True when an intention of this service allows `source`. */
  allows(source: IntentionSource): boolean;
}

/**
 * Where an upstream points: a local service, a service of a cluster peer, or a service of another admin
 * partition of the same cluster.
 */
export class UpstreamTarget {
  /** A service in the caller's own partition (and, on Enterprise, optionally another namespace). */
  public static service(serviceName: string, namespace?: string): UpstreamTarget {
    return new UpstreamTarget(serviceName, undefined, undefined, namespace);
  }

  /**
   * A service imported from a cluster peer. `peerName` is the *importing* partition's local name for the
   * exporting cluster (it becomes `destination_peer`).
   */
  public static peerService(peerName: string, serviceName: string, namespace?: string): UpstreamTarget {
    assertDnsLabel('peerName', peerName);
    return new UpstreamTarget(serviceName, peerName, undefined, namespace);
  }

  /** A service of another admin partition of the same cluster (Enterprise). */
  public static partitionService(partitionName: string, serviceName: string, namespace?: string): UpstreamTarget {
    assertDnsLabel('partitionName', partitionName);
    return new UpstreamTarget(serviceName, undefined, partitionName, namespace);
  }

  private constructor(
    /** Destination service name. */
    public readonly serviceName: string,
    /** Destination peer (importing side's name for the exporter). */
    public readonly peerName?: string,
    /** Destination partition (same cluster, Enterprise). */
    public readonly partitionName?: string,
    /** Destination namespace (Enterprise). */
    public readonly namespace?: string,
  ) {
    assertDnsLabel('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
  }

  /** @internal */
  public _key(): string {
    return `${this.peerName ?? ''}|${this.partitionName ?? ''}|${this.namespace ?? ''}|${this.serviceName}`;
  }
}

/** Options for {@link MeshService.addUpstream}. */
export interface UpstreamOptions {
  /** What the upstream points at. */
  readonly target: UpstreamTarget;
  /** Port the sidecar listens on locally for this upstream; the app dials `localBindAddress:localBindPort`. */
  readonly localBindPort: number;
  /**
   * Address the sidecar listens on for this upstream.
   * @default "127.0.0.1"
   */
  readonly localBindAddress?: string;
  /**
   * Gateway mode of this upstream (`mesh_gateway.mode`).
   * @default - for peers and partitions the cluster's meshGatewayMode is written; for local services nothing
   */
  readonly meshGatewayMode?: MeshGatewayMode;
}

/** Options for {@link MeshService.connectTo}. */
export interface ConnectionOptions {
  /** The peering the call crosses; its two sides must be the caller's and the callee's partitions. */
  readonly via: ClusterPeering;
  /** Port the caller's sidecar listens on locally for the callee. */
  readonly localBindPort: number;
  /**
   * Address the caller's sidecar listens on for the callee.
   * @default "127.0.0.1"
   */
  readonly localBindAddress?: string;
  /**
   * Gateway mode of the upstream. `LOCAL` needs a mesh gateway in the caller's partition.
   * @default - the caller's cluster meshGatewayMode
   */
  readonly meshGatewayMode?: MeshGatewayMode;
  /**
   * Description of the intention written in the callee's cluster.
   * @default - "<caller> in <peer> may call <callee> (cdktf-consul-peering)"
   */
  readonly description?: string;
}

/** One upstream of a sidecar, as rendered. */
export interface MeshUpstream {
  /** `destination_name`. */
  readonly destinationName: string;
  /** `destination_peer`: the importing partition's name for the exporter. */
  readonly destinationPeer?: string;
  /** `destination_partition` (same cluster, Enterprise). */
  readonly destinationPartition?: string;
  /** `destination_namespace`, only when not `default`. */
  readonly destinationNamespace?: string;
  /** `local_bind_address`. */
  readonly localBindAddress: string;
  /** `local_bind_port`. */
  readonly localBindPort: number;
  /** `mesh_gateway.mode`, when written. */
  readonly meshGatewayMode?: MeshGatewayMode;
}

/** Options for {@link Partition.addService}. */
export interface MeshServiceOptions {
  /**
   * The Consul service name (also its ID).
   * @default - the construct id in kebab case ("WebFrontend" -> "web-frontend")
   */
  readonly serviceName?: string;
  /** Port the app listens on (inside its pod, reached by the sidecar on 127.0.0.1). */
  readonly port: number;
  /**
   * Namespace of the service (Enterprise).
   * @default - the "default" namespace
   */
  readonly namespace?: string;
  /**
   * Protocol, written as a `service-defaults` entry. Set it in the exporting cluster: importers keep what
   * the exporter advertises.
   * @default - no service-defaults entry (Consul's default, tcp, or proxy-defaults)
   */
  readonly protocol?: ServiceProtocol;
  /**
   * Service address registered in the catalog.
   * @default - the agent's address
   */
  readonly address?: string;
  /**
   * Port of the sidecar's public (mTLS) listener.
   * @default 21000 (first port of Consul's sidecar range)
   */
  readonly sidecarPort?: number;
  /**
   * HTTP path of the app's health check (`http://127.0.0.1:<port><path>`).
   * @default - a TCP check on 127.0.0.1:<port>
   */
  readonly healthCheckHttpPath?: string;
  /**
   * Interval of the app's health check, in seconds.
   * @default 10
   */
  readonly healthCheckIntervalSec?: number;
  /**
   * Tags of the service.
   * @default - none
   */
  readonly tags?: string[];
  /**
   * Service metadata.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
}

/** Props of {@link MeshService}. */
export interface MeshServiceProps extends MeshServiceOptions {
  /** The admin partition the service runs in. */
  readonly partition: IPartition;
}

/**
 * A service with a sidecar proxy in an admin partition: its identity token, its service definition with
 * `connect.sidecar_service` and upstreams, and optionally its `service-defaults`.
 *
 * Creates a `consul_acl_token` with the service identity (the `builtin/service` rules: write on the service
 * and its sidecar, read on all services and nodes, which also covers reading imported peer services) and a
 * `consul_acl_token_secret_id` data source; a `service-defaults` entry when `protocol` is set; a
 * `service-intentions` entry when someone is allowed to call it. The service definition itself is a document
 * ({@link serviceDefinition}) for the client agent's config directory; the Docker data plane uploads it.
 *
 * @example
 * const web = dc1.defaultPartition.addService('Web', { port: 9090 });
 * const api = dc2.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
 * web.connectTo(api, { via: peering, localBindPort: 9191 });
 */
export class MeshService extends Construct implements IMeshService {
  /** Default port of the sidecar's public listener. */
  public static readonly DEFAULT_SIDECAR_PORT = 21000;

  public readonly serviceName: string;
  public readonly partition: IPartition;
  public readonly namespace?: string;
  /** Port the app listens on. */
  public readonly port: number;
  /** Port of the sidecar's public listener. */
  public readonly sidecarPort: number;
  /** The service's identity token. */
  public readonly token: AclToken;
  /** The `service-defaults` entry, when `protocol` is set. */
  public readonly serviceDefaults?: ServiceDefaults;
  private readonly options: MeshServiceOptions;
  private readonly upstreamByKey = new Map<string, MeshUpstream & { target: UpstreamTarget }>();
  private intentionsEntry?: ServiceIntentions;

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    const cluster = props.partition.cluster;
    this.serviceName = props.serviceName ?? kebabFromId(id);
    assertDnsLabel('serviceName', this.serviceName);
    assertPort('port', props.port);
    this.sidecarPort = props.sidecarPort ?? MeshService.DEFAULT_SIDECAR_PORT;
    assertPort('sidecarPort', this.sidecarPort);
    if (!Token.isUnresolved(props.port) && props.port === this.sidecarPort) {
      throw new Error(`port ${props.port} is also the sidecarPort; the app and its sidecar share a network namespace: pick another port`);
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace);
      if (!cluster.isEnterprise && props.namespace !== 'default') {
        throw new Error(errors.enterpriseOnly(`namespace "${props.namespace}"`, `cluster "${cluster.datacenter}"`, 'namespaces'));
      }
    }
    if (props.healthCheckHttpPath !== undefined && !props.healthCheckHttpPath.startsWith('/')) {
      throw new Error(`healthCheckHttpPath ${JSON.stringify(props.healthCheckHttpPath)} must start with "/", e.g. "/health"`);
    }
    const interval = props.healthCheckIntervalSec ?? 10;
    if (!Number.isInteger(interval) || interval < 1) {
      throw new Error(`healthCheckIntervalSec ${JSON.stringify(interval)} must be a positive integer number of seconds`);
    }
    for (const other of registered<MeshService>(props.partition, KIND.SERVICE)) {
      if (other.serviceName === this.serviceName && other.namespace === (props.namespace === 'default' ? undefined : props.namespace)) {
        throw new Error(
          `serviceName "${this.serviceName}" is already declared in partition "${props.partition.partitionName}" ` +
            `(${other.node.path}); give this one another serviceName`,
        );
      }
    }
    this.options = props;
    this.partition = props.partition;
    this.namespace = props.namespace === 'default' ? undefined : props.namespace;
    this.port = props.port;

    this.token = new AclToken(this, 'Token', {
      description: `service "${this.serviceName}" of ${cluster.datacenter}/${props.partition.partitionName}`,
      serviceIdentities: [this.serviceName],
      partition: props.partition.resourcePartition,
      namespace: cluster.isEnterprise ? this.namespace ?? 'default' : undefined,
      provider: cluster.provider,
    });
    if (props.protocol !== undefined) {
      this.serviceDefaults = new ServiceDefaults(this, 'Defaults', {
        serviceName: this.serviceName,
        protocol: props.protocol,
        namespace: cluster.isEnterprise ? this.namespace ?? 'default' : undefined,
        partition: props.partition.resourcePartition,
        provider: cluster.provider,
      });
    }
    register(props.partition, KIND.SERVICE, this);
    this.node.addValidation({ validate: () => this.validateUpstreams() });
  }

  /** The service token's secret (sensitive; read through `consul_acl_token_secret_id`). */
  public get tokenSecretId(): string {
    return this.token.secretId;
  }

  /**
   * The service's `service-intentions` entry, created on first use. {@link connectTo} adds sources to it.
   */
  public get intentions(): ServiceIntentions {
    if (!this.intentionsEntry) {
      const cluster = this.partition.cluster;
      this.intentionsEntry = new ServiceIntentions(this, 'Intentions', {
        destinationName: this.serviceName,
        namespace: cluster.isEnterprise ? this.namespace ?? 'default' : undefined,
        partition: this.partition.resourcePartition,
        enterprise: cluster.isEnterprise,
        provider: cluster.provider,
      });
    }
    return this.intentionsEntry;
  }

  /** True when an intention of this service allows `source`. */
  public allows(source: IntentionSource): boolean {
    return this.intentionsEntry?.allows(source) ?? false;
  }

  /**
   * Adds an upstream to the sidecar. Idempotent for the same target and options; throws when the target is
   * already an upstream with other options, or when the local bind port is taken.
   * Prefer {@link connectTo} for peered services: it also writes the export and the intention.
   */
  public addUpstream(options: UpstreamOptions): MeshUpstream {
    const { target } = options;
    const cluster = this.partition.cluster;
    assertPort('localBindPort', options.localBindPort);
    const address = options.localBindAddress ?? '127.0.0.1';
    assertNotBlank('localBindAddress', address);
    if ((target.partitionName !== undefined || target.namespace !== undefined) && !cluster.isEnterprise) {
      const what = target.partitionName !== undefined ? `partition "${target.partitionName}"` : `namespace "${target.namespace}"`;
      throw new Error(errors.enterpriseOnly(`upstream "${target.serviceName}" to ${what}`, `cluster "${cluster.datacenter}"`, 'partitions and namespaces'));
    }
    const remote = target.peerName !== undefined || target.partitionName !== undefined;
    const mode = options.meshGatewayMode ?? (remote ? cluster.meshGatewayMode : undefined);
    if (target.peerName !== undefined && mode === MeshGatewayMode.NONE) {
      throw new Error(errors.modeNoneForPeers('meshGatewayMode', `upstream "${target.serviceName}" of service "${this.serviceName}"`));
    }
    const upstream = {
      target,
      destinationName: target.serviceName,
      destinationPeer: target.peerName,
      destinationPartition: target.partitionName,
      destinationNamespace: target.namespace === 'default' ? undefined : target.namespace,
      localBindAddress: address,
      localBindPort: options.localBindPort,
      meshGatewayMode: mode,
    };
    const existing = this.upstreamByKey.get(target._key());
    if (existing) {
      if (existing.localBindPort === upstream.localBindPort && existing.localBindAddress === address && existing.meshGatewayMode === mode) {
        return strip(existing);
      }
      throw new Error(
        `upstream "${target.serviceName}"${target.peerName ? ` from peer "${target.peerName}"` : ''} of service ` +
          `"${this.serviceName}" already exists with localBindPort ${existing.localBindPort}` +
          `${existing.meshGatewayMode ? ` and meshGatewayMode ${existing.meshGatewayMode}` : ''}; ` +
          'an upstream is declared once: use the same options or remove one call',
      );
    }
    if (!Token.isUnresolved(options.localBindPort)) {
      for (const other of this.upstreamByKey.values()) {
        if (other.localBindPort === options.localBindPort && other.localBindAddress === address) {
          throw new Error(
            `localBindPort ${options.localBindPort} of upstream "${target.serviceName}" on service "${this.serviceName}" ` +
              `is already used by upstream "${other.destinationName}"${other.destinationPeer ? ` (peer "${other.destinationPeer}")` : ''}; ` +
              'give each upstream its own local port',
          );
        }
      }
      if (options.localBindPort === this.port || options.localBindPort === this.sidecarPort) {
        const which = options.localBindPort === this.port ? 'port' : 'sidecarPort';
        throw new Error(
          `localBindPort ${options.localBindPort} of upstream "${target.serviceName}" is the service's own ${which}; ` +
            'the app, its sidecar and the upstream listeners share one network namespace: pick another port',
        );
      }
    }
    this.upstreamByKey.set(target._key(), upstream);
    return strip(upstream);
  }

  /**
   * "This service may call `target` across `via`": from one call, the export of `target` to the name its
   * partition uses for this side, an allowing `service-intentions` source with that `Peer` in the target's
   * cluster, and this sidecar's upstream with `destination_peer` (this side's name for the target's side),
   * `destination_namespace` only when not default, the local bind port and the gateway mode.
   * This service's identity token already reads imported services; no extra ACL is needed.
   */
  public connectTo(target: IMeshService, options: ConnectionOptions): MeshUpstream {
    const { via } = options;
    if (!via.involves(this.partition) || !via.involves(target.partition) || this.partition === target.partition) {
      throw new Error(
        `via peering ${via.node.path} does not connect the caller's partition "${this.partition.partitionName}" of ` +
          `cluster "${this.partition.cluster.datacenter}" and the callee's partition "${target.partition.partitionName}" ` +
          `of cluster "${target.partition.cluster.datacenter}"; pass the ClusterPeering between those two partitions`,
      );
    }
    const importerNameForExporter = via.peerNameIn(this.partition);
    const exporterNameForImporter = via.peerNameIn(target.partition);
    const upstream = this.addUpstream({
      target: UpstreamTarget.peerService(importerNameForExporter, target.serviceName, target.namespace),
      localBindPort: options.localBindPort,
      localBindAddress: options.localBindAddress,
      meshGatewayMode: options.meshGatewayMode,
    });
    target.partition.exportedServices.addExport(target.serviceName, ExportConsumer.peer(exporterNameForImporter), {
      namespace: target.namespace,
    });
    target.intentions.addSource(
      IntentionSource.peerService(exporterNameForImporter, this.serviceName, this.partition.cluster.isEnterprise ? this.namespace ?? 'default' : undefined),
      IntentionAction.ALLOW,
      options.description ?? `${this.serviceName} in ${exporterNameForImporter} may call ${target.serviceName} (cdktf-consul-peering)`,
    );
    return upstream;
  }

  /** The sidecar's upstreams, sorted by peer, partition, namespace and name. Copies. */
  public get upstreams(): MeshUpstream[] {
    return [...this.upstreamByKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, u]) => strip(u));
  }

  /**
   * The service definition in Consul's agent config-file form (snake_case), ready to be written into the
   * client agent's config directory: name, port, a health check, and `connect.sidecar_service` with the
   * sidecar port and `proxy.upstreams` (`destination_name`, `destination_peer`, `destination_namespace` only
   * when not default, `local_bind_address`, `local_bind_port`, `mesh_gateway.mode`). Holds no secret.
   */
  public get serviceDefinition(): any {
    const o = this.options;
    const interval = `${o.healthCheckIntervalSec ?? 10}s`;
    const check = o.healthCheckHttpPath
      ? { name: `${this.serviceName} http`, http: `http://127.0.0.1:${this.port}${o.healthCheckHttpPath}`, interval }
      : { name: `${this.serviceName} tcp`, tcp: `127.0.0.1:${this.port}`, interval };
    const service: Record<string, unknown> = { id: this.serviceName, name: this.serviceName };
    if (this.namespace !== undefined) service.namespace = this.namespace;
    if (o.address !== undefined) service.address = o.address;
    service.port = this.port;
    if (o.tags && o.tags.length > 0) service.tags = [...o.tags];
    if (o.meta && Object.keys(o.meta).length > 0) service.meta = sortedObject(o.meta);
    service.checks = [check];
    service.connect = {
      sidecar_service: {
        port: this.sidecarPort,
        proxy: { upstreams: this.upstreams.map(renderUpstream) },
      },
    };
    return { service };
  }

  private validateUpstreams(): string[] {
    const messages: string[] = [];
    for (const u of this.upstreams) {
      if (u.meshGatewayMode === MeshGatewayMode.LOCAL && (u.destinationPeer !== undefined || u.destinationPartition !== undefined)) {
        if (registered(this.partition, KIND.GATEWAY).length === 0) {
          messages.push(errors.localModeWithoutGateway(this.serviceName, u.destinationName, this.partition.partitionName));
        }
      }
      if (u.destinationPeer === undefined) continue;
      const peering = ClusterPeering.findByPeerName(this.partition, u.destinationPeer);
      if (!peering) {
        const known = registered<ClusterPeering>(this.partition, KIND.PEERING).map((p) => p.peerNameIn(this.partition));
        messages.push(errors.unknownPeer(this.serviceName, u.destinationName, u.destinationPeer, known));
        continue;
      }
      const exporter = peering.remoteOf(this.partition);
      const exporterPeer = peering.peerNameIn(exporter);
      const where = `"${exporter.partitionName}" of cluster "${exporter.cluster.datacenter}"`;
      if (!exporter.isExportedToPeer(u.destinationName, exporterPeer, u.destinationNamespace)) {
        messages.push(errors.notExported(this.serviceName, u.destinationName, u.destinationPeer, where, exporterPeer));
      }
      const callee = registered<IMeshService>(exporter, KIND.SERVICE).find(
        (s) => s.serviceName === u.destinationName && s.namespace === u.destinationNamespace,
      );
      const source = IntentionSource.peerService(
        exporterPeer,
        this.serviceName,
        this.partition.cluster.isEnterprise ? this.namespace ?? 'default' : undefined,
      );
      if (!callee || !callee.allows(source)) {
        messages.push(errors.notAllowed(this.serviceName, u.destinationName, u.destinationPeer, where, exporterPeer));
      }
    }
    return messages;
  }
}

function strip(u: MeshUpstream & { target?: UpstreamTarget }): MeshUpstream {
  const { target: _target, ...rest } = u;
  return rest;
}

function renderUpstream(u: MeshUpstream): Record<string, unknown> {
  const out: Record<string, unknown> = { destination_name: u.destinationName };
  if (u.destinationPeer !== undefined) out.destination_peer = u.destinationPeer;
  if (u.destinationPartition !== undefined) out.destination_partition = u.destinationPartition;
  if (u.destinationNamespace !== undefined) out.destination_namespace = u.destinationNamespace;
  out.local_bind_address = u.localBindAddress;
  out.local_bind_port = u.localBindPort;
  if (u.meshGatewayMode !== undefined) out.mesh_gateway = { mode: u.meshGatewayMode };
  return out;
}

function sortedObject(o: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => compareStrings(a, b)));
}

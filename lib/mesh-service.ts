import { Construct, IConstruct } from 'constructs';
import { AclToken, IAclToken } from './acl';
import { ExportConsumer } from './config-entries/exported-services';
import { ServiceDefaults, ServiceProtocol } from './config-entries/service-defaults';
import { IntentionAction, IntentionSource, ServiceIntentions } from './config-entries/service-intentions';
import { Connection, ConnectionKind, ConnectionOptions, MeshUpstream, UpstreamOptions, UpstreamTarget } from './connection';
import { FailoverTarget, ServiceResolver } from './config-entries/service-resolver';
import { ValidationError } from './errors';
import { MeshGatewayMode } from './mesh-gateway-mode';
import type { IPartition } from './partition';
import { ClusterPeering } from './peering';
import * as errors from './private/errors';
import { BY_NAME, KIND, nameKey, register, registeredWhere } from './private/registry';
import { renderUpstream, resolveUpstream, upstreamKey } from './private/upstream';
import { sidecarProxyConfig, SidecarProxyOptions } from './proxy-config';
import { describePartition, namespaceArg, namespaceResourceArg, normalizeNamespace, requireEnterprise } from './private/scoping';
import { assertDnsLabel, assertNotBlank, assertServiceName, assertPort, assertPositiveInteger, compareStrings, isUnresolved, kebabFromId } from './private/validate';

/**
 * What other constructs need to know about a service in the mesh that may be called (exported, allowed by
 * intentions): a {@link MeshService} of this app, or one registered elsewhere
 * ({@link MeshService.fromServiceAttributes}).
 */
export interface IMeshService extends IConstruct {
  /** The Consul service name. */
  readonly serviceName: string;
  /** The admin partition the service runs in. */
  readonly partition: IPartition;
  /** The namespace (Enterprise), when not `default`. */
  readonly namespace?: string;
  /**
   * The service's `service-intentions` entry, when someone may call it (a connection or an
   * {@link MeshService.addIntention}). Reading it creates nothing.
   */
  readonly intentions?: ServiceIntentions;
  /** True when an intention of this service allows `source` (added, or derived from a connection). */
  allows(source: IntentionSource): boolean;
  /**
   * The service's `service-intentions` entry, created on first use.
   * @internal
   */
  _intentionsEntry(): ServiceIntentions;
}

/** A service this app registers with its sidecar: what a data plane needs to run it. */
export interface ISidecarService extends IMeshService {
  /** Port the app listens on. */
  readonly port: number;
  /** Port of the sidecar's public listener. */
  readonly sidecarPort: number;
  /** The service's identity token (registration and its sidecar Envoy); none when its cluster runs without ACLs. */
  readonly token?: IAclToken;
  /** The sidecar's upstreams (added ones and connections), sorted. Read at synth for the final list. */
  readonly upstreams: MeshUpstream[];
  /**
   * The service definition in Consul's agent config-file form, rendered now (call it at synth).
   */
  renderServiceDefinition(): any;
}

/** Attributes of a service registered outside this app. */
export interface MeshServiceAttributes {
  /** The partition (of this app's model) the service is registered in. */
  readonly partition: IPartition;
  /** The Consul service name. */
  readonly serviceName: string;
  /**
   * Its namespace (Enterprise).
   * @default - the "default" namespace
   */
  readonly namespace?: string;
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
  /**
   * The sidecar's `Proxy.Config`: local app timeouts, inbound connection limits, listener and cluster
   * escape hatches, Envoy bootstrap options (stats, tracing, extra static clusters and listeners), plus
   * `rawConfig` for keys Consul adds later. Checked when given: a key that is no typed option (a typo, a Consul
   * key) is refused rather than dropped, and so are values Consul would ignore.
   * @default - none
   */
  readonly proxy?: SidecarProxyOptions;
  /**
   * Gateway mode for this service's upstreams, written to its `service-defaults` (`MeshGateway.Mode`). Consul's
   * precedence, most specific first: an upstream's own `mesh_gateway.mode` (`connectTo`/`addUpstream`
   * option), then this, then the cluster's `proxy-defaults`. The library also writes the resolved mode on each
   * of the service's peered and cross-partition upstreams, so the registration says what applies.
   * @default - the cluster's meshGatewayMode
   */
  readonly meshGatewayMode?: MeshGatewayMode;
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
export class MeshService extends Construct implements ISidecarService {
  /** Default port of the sidecar's public listener. */
  public static readonly DEFAULT_SIDECAR_PORT = 21000;

  /**
   * A service registered outside this app (by another team, a Helm chart, an agent's config): creates
   * nothing. It can be called (`caller.connectTo(service, ...)`: the export and the intention are written by
   * this app, into the service's partition) and exported; it makes no calls of its own here, and a data plane
   * cannot run it.
   */
  public static fromServiceAttributes(scope: Construct, id: string, attrs: MeshServiceAttributes): IMeshService {
    return new ImportedMeshService(scope, id, attrs);
  }

  public readonly serviceName: string;
  public readonly partition: IPartition;
  public readonly namespace?: string;
  public readonly port: number;
  public readonly sidecarPort: number;
  /** The service's identity token; none when the cluster runs without ACLs. */
  public readonly token?: IAclToken;
  /** The `service-defaults` entry, when `protocol` or `meshGatewayMode` is set. */
  public readonly serviceDefaults?: ServiceDefaults;
  /** The gateway mode of the service's upstreams, when set on the service (see {@link MeshServiceOptions.meshGatewayMode}). */
  public readonly meshGatewayMode?: MeshGatewayMode;
  private readonly options: MeshServiceOptions;
  /** The sidecar's `Proxy.Config` keys (checked in the constructor). */
  private readonly proxyConfig: Record<string, unknown>;
  /** Upstreams added with addUpstream(), by destination. Connections keep their own. */
  private readonly added = new Map<string, MeshUpstream>();
  /**
   * The sorted upstreams, with the list of connections they were computed from (the registry hands out a new
   * list after every change); {@link addUpstream} drops them.
   */
  private upstreamCache?: { readonly connections: readonly Connection[]; readonly sorted: readonly MeshUpstream[] };

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    const cluster = props.partition.cluster;
    this.serviceName = props.serviceName ?? kebabFromId(id);
    assertServiceName('serviceName', this.serviceName, this, props.serviceName === undefined ? 'the default: the construct id in kebab case' : undefined);
    assertPort('port', props.port, 1, this);
    this.sidecarPort = props.sidecarPort ?? MeshService.DEFAULT_SIDECAR_PORT;
    assertPort('sidecarPort', this.sidecarPort, 1, this);
    if (!isUnresolved(props.port) && props.port === this.sidecarPort) {
      throw new ValidationError(this, {
        prop: 'port',
        value: props.port,
        problem: 'is also the sidecarPort; the app and its sidecar share a network namespace',
        fix: 'pick another port',
      });
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace, this);
      if (normalizeNamespace(props.namespace) !== undefined) requireEnterprise(this, cluster, 'namespace', props.namespace, 'namespaces');
    }
    if (props.healthCheckHttpPath !== undefined && !props.healthCheckHttpPath.startsWith('/')) {
      throw new ValidationError(this, { prop: 'healthCheckHttpPath', value: props.healthCheckHttpPath, problem: 'must start with "/"', fix: 'start it with "/", e.g. "/health"' });
    }
    assertPositiveInteger('healthCheckIntervalSec', props.healthCheckIntervalSec ?? 10, 'seconds', 10, this);
    this.proxyConfig = sidecarProxyConfig(this, props.proxy);
    this.namespace = normalizeNamespace(props.namespace);
    const other = serviceNamed(props.partition, this.serviceName, this.namespace);
    if (other) {
      throw new ValidationError(this, {
        prop: 'serviceName',
        value: this.serviceName,
        problem: `is already declared in partition "${props.partition.partitionName}" (${other.node.path})`,
        fix: 'give this one another serviceName',
      });
    }
    this.options = props;
    this.meshGatewayMode = props.meshGatewayMode;
    this.partition = props.partition;
    this.port = props.port;

    if (cluster.aclsEnabled) {
      this.token = new AclToken(this, 'Token', {
        description: `service "${this.serviceName}" of ${cluster.datacenter}/${props.partition.partitionName}`,
        serviceIdentities: [this.serviceName],
        partition: props.partition.resourcePartition,
        namespace: namespaceResourceArg(this, props.partition, this.namespace),
        provider: cluster.provider,
      });
    }
    if (props.protocol !== undefined || props.meshGatewayMode !== undefined) {
      this.serviceDefaults = new ServiceDefaults(this, 'Defaults', {
        serviceName: this.serviceName,
        protocol: props.protocol ?? ServiceProtocol.TCP,
        meshGatewayMode: props.meshGatewayMode,
        namespace: this.namespace,
        partition: props.partition,
      });
    }
    register(props.partition, KIND.SERVICE, this);
    this.node.addValidation({ validate: () => this.validateUpstreams() });
  }

  /** The service token's secret (sensitive; read through `consul_acl_token_secret_id`). */
  public get tokenSecretId(): string | undefined {
    return this.token?.secretId;
  }

  public get intentions(): ServiceIntentions | undefined {
    return ServiceIntentions.find(this.partition, this.serviceName, this.namespace);
  }

  /** @internal */
  public _intentionsEntry(): ServiceIntentions {
    return intentionsEntryOf(this);
  }

  /**
   * Allows (or denies) `source` to call this service, in the service's one `service-intentions` entry.
   * Prefer {@link connectTo} on the caller, which also writes the upstream and the export.
   */
  public addIntention(source: IntentionSource, action: IntentionAction, description?: string): void {
    this._intentionsEntry().addSource(source, action, description);
  }

  public allows(source: IntentionSource): boolean {
    return this.intentions?.allows(source) ?? false;
  }

  /**
   * Adds an upstream to the sidecar. Idempotent for the same target and options; throws when the target is
   * already an upstream with other options, when the local bind port is taken, or when the target is this
   * service itself (its own name in its own partition and namespace, without a peer).
   * Prefer {@link connectTo}: it also writes the export and the intention.
   */
  public addUpstream(options: UpstreamOptions): MeshUpstream {
    const { target } = options;
    const cluster = this.partition.cluster;
    if (target.partitionName !== undefined) {
      requireEnterprise(this, cluster, `upstream "${target.serviceName}" to partition`, target.partitionName, 'partitions');
      if (target.partitionName === this.partition.partitionName) {
        throw new ValidationError(this, {
          prop: 'addUpstream(target)',
          value: `${target.partitionName}/${target.serviceName}`,
          problem: `names the caller's own partition "${target.partitionName}"`,
          fix: `use UpstreamTarget.service("${target.serviceName}") for a service of the same partition`,
        });
      }
    }
    this.checkNotSelf(target);
    if (normalizeNamespace(target.namespace) !== undefined) {
      requireEnterprise(this, cluster, `upstream "${target.serviceName}" to namespace`, target.namespace, 'namespaces');
    }
    const upstream = resolveUpstream(
      this,
      this.partition,
      target,
      options,
      `upstream "${target.serviceName}" of service "${this.serviceName}"`,
      this.meshGatewayMode,
      this.namespace,
    );
    this.checkUpstream(upstream);
    this.added.set(upstreamKey(upstream), upstream);
    this.upstreamCache = undefined;
    return { ...upstream };
  }

  /**
   * "This service may call `target`" (across `options.via`, or inside its own cluster): records one
   * {@link Connection}, from which the library derives at synth the export of `target` to the name its
   * partition uses for this side (or to this partition), an allowing source in `target`'s
   * `service-intentions` (with `Peer` or `Partition`), and this sidecar's upstream (`destination_peer` or
   * `destination_partition`, `destination_namespace` only when not default, the local bind port and the
   * gateway mode). This service's identity token already reads imported services; no extra ACL is needed.
   */
  public connectTo(target: IMeshService, options: ConnectionOptions): Connection {
    // The upstream must fit this sidecar (free local port, no other upstream to the same destination)
    // before the connection is recorded, so a refused call leaves nothing behind.
    const connection = Connection._record(this, target, options, (c) => {
      this.checkUpstream(c.upstream, c);
      this.checkResolver(c);
    });
    if (connection.exportConsumer) target.partition._exportsEntry();
    target._intentionsEntry();
    for (const leg of connection.failover) {
      leg.callee.partition._exportsEntry();
      leg.callee._intentionsEntry();
    }
    const targets = connection.failoverTargets;
    if (targets.length > 0 && !ServiceResolver.find(this.partition, target.serviceName, target.namespace)) {
      const ns = target.namespace !== undefined ? `${kebabFromId(target.namespace)}-` : '';
      const resolver = new ServiceResolver(this.partition as unknown as Construct, `Resolver-${ns}${target.serviceName}`, {
        partition: this.partition,
        serviceName: target.serviceName,
        namespace: target.namespace,
        failover: targets,
      });
      DERIVED_RESOLVERS.add(resolver);
    }
    return connection;
  }

  /**
   * A connection with failover needs the `service-resolver` of the callee's name in this partition: one
   * made by an earlier connection (or by hand) must have exactly these targets.
   */
  private checkResolver(c: Connection): void {
    const targets = c.failoverTargets;
    if (targets.length === 0) return;
    const existing = ServiceResolver.find(this.partition, c.callee.serviceName, c.callee.namespace);
    if (!existing) return;
    if (!DERIVED_RESOLVERS.has(existing)) {
      // Refused in either order: declared after this call, the hand-made one is a second resolver at synth.
      throw new ValidationError(this, {
        prop: 'connectTo(failover)',
        value: c.callee.serviceName,
        problem: `needs the service-resolver of "${c.callee.serviceName}" in ${describePartition(this.partition)}, which ${existing.node.path} already declares by hand`,
        fix: 'let connectTo write the resolver (remove the hand-made one), or keep the hand-made one and call without failover',
      });
    }
    const key = (t: FailoverTarget) => JSON.stringify([t.kind, t.name, t.serviceName ?? '', t.targetNamespace ?? '']);
    const have = existing.failoverTargets.map(key).join(',');
    if (have === targets.map(key).join(',')) return;
    throw new ValidationError(this, {
      prop: 'connectTo(failover)',
      value: c.callee.serviceName,
      problem:
        `needs failover targets [${targets.map((t) => `${t.kind} ${t.name}`).join(', ')}] for "${c.callee.serviceName}" in ` +
        `${describePartition(this.partition)}, whose service-resolver ${existing.node.path} has ` +
        `[${existing.failoverTargets.map((t) => `${t.kind} ${t.name}`).join(', ')}]; Consul keeps one resolver per service`,
      fix: 'give every caller in one partition the same failover list for one service',
    });
  }

  /** This service's outbound connections, sorted by callee. */
  public get connections(): Connection[] {
    return Connection.from(this);
  }

  /** The sidecar's upstreams (added ones and connections), sorted by peer, partition, namespace and name. Copies. */
  public get upstreams(): MeshUpstream[] {
    return this.sortedUpstreams().map((u) => ({ ...u }));
  }

  /** The upstreams, sorted; shared, not copied (read four times per service: connectTo, two checks, the definition). */
  private sortedUpstreams(): readonly MeshUpstream[] {
    const connections = Connection._outbound(this);
    const cache = this.upstreamCache;
    if (cache && cache.connections === connections) return cache.sorted;
    const all = new Map<string, MeshUpstream>(this.added);
    for (const c of connections) all.set(upstreamKey(c.upstream), c.upstream);
    const sorted = [...all.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, u]) => u);
    this.upstreamCache = { connections, sorted };
    return sorted;
  }

  /**
   * The service definition in Consul's agent config-file form (snake_case), ready to be written into the
   * client agent's config directory: name, port, a health check, and `connect.sidecar_service` with the
   * sidecar port and `proxy.upstreams` (`destination_name`, `destination_peer`, `destination_namespace` when
   * not default or when the service is in another namespace, `local_bind_address`, `local_bind_port`,
   * `mesh_gateway.mode`). Holds no secret.
   * Reading it renders the upstreams declared so far; data planes render it at synth.
   */
  public get serviceDefinition(): any {
    return this.renderServiceDefinition();
  }

  public renderServiceDefinition(): any {
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
        proxy: {
          ...(Object.keys(this.proxyConfig).length > 0 ? { config: this.proxyConfig } : {}),
          upstreams: this.sortedUpstreams().map((u) => renderUpstream(u, this.namespace)),
        },
      },
    };
    return { service };
  }

  /**
   * Throws when `target` is this service itself: no peer and no partition (the caller's own partition), its
   * own name, and its own namespace. A target without a namespace counts as the caller's namespace, because
   * Consul resolves an upstream without `destination_namespace` in the namespace of the proxy's service
   * (agent/structs/service_definition.go `NodeService`, agent/proxycfg `state.go`). The same name through a
   * peer, in another partition or in another namespace is another service.
   */
  private checkNotSelf(target: UpstreamTarget): void {
    if (target.isRemote || target.serviceName !== this.serviceName) return;
    const namespace = target.namespace === undefined ? this.namespace : normalizeNamespace(target.namespace);
    if (namespace !== this.namespace) return;
    throw new ValidationError(this, {
      prop: 'addUpstream(target)',
      value: target.serviceName,
      problem:
        `names the service that declares the upstream (${describePartition(this.partition)}, namespace ` +
        `"${this.namespace ?? 'default'}", no peer): its sidecar would route the service to itself`,
      fix:
        'a service reaches itself without its sidecar: remove the upstream; for a copy of the service elsewhere, ' +
        'name it with UpstreamTarget.peerService(), partitionService() or another namespace',
    });
  }

  /**
   * Throws when `upstream` contradicts what the sidecar already has: the same destination with other
   * options, or a local bind port in use.
   */
  private checkUpstream(upstream: MeshUpstream, connection?: Connection): void {
    const key = upstreamKey(upstream);
    const what = `upstream "${upstream.destinationName}"${upstream.destinationPeer ? ` from peer "${upstream.destinationPeer}"` : ''}`;
    const current = this.sortedUpstreams();
    const existing = current.find((u) => upstreamKey(u) === key);
    if (existing) {
      if (JSON.stringify(existing) === JSON.stringify(upstream)) return;
      throw new ValidationError(this, {
        prop: connection ? 'connectTo(target)' : 'addUpstream(target)',
        value: upstream.destinationName,
        problem:
          `is already an upstream of service "${this.serviceName}" (${what}) with localBindPort ${existing.localBindPort}` +
          `${existing.meshGatewayMode ? ` and meshGatewayMode ${existing.meshGatewayMode}` : ''}`,
        fix: 'an upstream is declared once: use the same options or remove one call',
      });
    }
    assertPort('localBindPort', upstream.localBindPort, 1, this);
    assertNotBlank('localBindAddress', upstream.localBindAddress, this);
    if (isUnresolved(upstream.localBindPort)) return;
    for (const other of current) {
      if (other.localBindPort === upstream.localBindPort && other.localBindAddress === upstream.localBindAddress) {
        throw new ValidationError(this, {
          prop: 'localBindPort',
          value: upstream.localBindPort,
          problem:
            `of ${what} on service "${this.serviceName}" is already used by upstream "${other.destinationName}"` +
            `${other.destinationPeer ? ` (peer "${other.destinationPeer}")` : ''}`,
          fix: 'give each upstream its own local port',
        });
      }
    }
    if (upstream.localBindPort === this.port || upstream.localBindPort === this.sidecarPort) {
      const which = upstream.localBindPort === this.port ? 'port' : 'sidecarPort';
      throw new ValidationError(this, {
        prop: 'localBindPort',
        value: upstream.localBindPort,
        problem: `of ${what} is the service's own ${which}; the app, its sidecar and the upstream listeners share one network namespace`,
        fix: 'pick another port',
      });
    }
  }

  private validateUpstreams(): string[] {
    const messages: string[] = [];
    // A remote call with failover is routed by the resolver of the callee's name here: a local service of that
    // name would be its primary instead.
    for (const c of Connection._outbound(this)) {
      if (c.failover.length === 0 || c.kind === ConnectionKind.LOCAL) continue;
      const local = serviceNamed(this.partition, c.callee.serviceName, c.callee.namespace);
      if (local) {
        messages.push(
          ValidationError.message({
            prop: 'connectTo(failover)',
            value: c.callee.serviceName,
            problem:
              `routes "${c.callee.serviceName}" through a service-resolver in ${describePartition(this.partition)}, which has a ` +
              `service of that name itself (${local.node.path}): the local one would be the primary`,
            fix: 'call the local service with failover to the remote copies instead, or rename one of them',
          }),
        );
      }
    }
    const hasGateway = this.partition.meshGateways.length > 0 || this.partition.gatewaysElsewhere;
    // Local mode needs a gateway here for every remote upstream, added or from a connection.
    for (const u of this.sortedUpstreams()) {
      const remote = u.destinationPeer !== undefined || u.destinationPartition !== undefined;
      if (u.meshGatewayMode === MeshGatewayMode.LOCAL && remote && !hasGateway) {
        messages.push(errors.localModeWithoutGateway(this.serviceName, u.destinationName, this.partition.partitionName));
      }
    }
    // Added upstreams must find their export and intention; a connection writes its own.
    for (const u of this.added.values()) {
      if (u.destinationPeer !== undefined) messages.push(...this.validatePeerUpstream(u));
      if (u.destinationPartition !== undefined) messages.push(...this.validatePartitionUpstream(u));
    }
    return messages;
  }

  /** An added upstream to a peer's service must be exported to this side and allowed by an intention there. */
  private validatePeerUpstream(u: MeshUpstream): string[] {
    const peering = ClusterPeering.findByPeerName(this.partition, u.destinationPeer!);
    if (!peering) {
      const known = this.partition.peerings.map((p) => p.peerNameIn(this.partition));
      return [errors.unknownPeer(this.serviceName, u.destinationName, u.destinationPeer!, known)];
    }
    const exporter = peering.remoteOf(this.partition);
    // An existing peering whose other side is outside the app: nothing there can be checked.
    if (exporter === undefined) return [];
    const exporterPeer = peering.peerNameIn(exporter);
    const where = `"${exporter.partitionName}" of cluster "${exporter.cluster.datacenter}"`;
    const source = IntentionSource.peerService(exporterPeer, this.serviceName, namespaceArg(this.partition, this.namespace));
    return this.checkImport(u, exporter, ExportConsumer.peer(exporterPeer), source).map((missing) =>
      missing === 'export'
        ? errors.notExported(this.serviceName, u.destinationName, u.destinationPeer!, where, exporterPeer)
        : errors.notAllowed(this.serviceName, u.destinationName, u.destinationPeer!, where, exporterPeer),
    );
  }

  /** An added upstream to another partition's service must be exported to this partition and allowed there. */
  private validatePartitionUpstream(u: MeshUpstream): string[] {
    const exporter = this.partition.cluster.partitions.find((p) => p.partitionName === u.destinationPartition);
    const target = `upstream "${u.destinationName}" of service "${this.serviceName}"`;
    if (!exporter) {
      return [
        ValidationError.message({
          prop: 'destinationPartition',
          value: u.destinationPartition,
          problem: `of ${target} is not a partition of cluster "${this.partition.cluster.datacenter}" in this app`,
          fix: 'declare it with cluster.addPartition(), or use connectTo() with the callee service',
        }),
      ];
    }
    const consumer = ExportConsumer.partition(this.partition.partitionName);
    const source = IntentionSource.partitionService(this.partition.partitionName, this.serviceName, namespaceArg(this.partition, this.namespace));
    return this.checkImport(u, exporter, consumer, source).map((missing) =>
      ValidationError.message({
        prop: 'addUpstream(target)',
        value: `${u.destinationPartition}/${u.destinationName}`,
        problem:
          missing === 'export'
            ? `is not exported by ${describePartition(exporter)} to partition "${this.partition.partitionName}"`
            : `does not allow "${this.serviceName}" from partition "${this.partition.partitionName}" (no intention)`,
        fix: 'use connectTo() with the callee service, which writes the export and the intention',
      }),
    );
  }

  private checkImport(u: MeshUpstream, exporter: IPartition, consumer: ExportConsumer, source: IntentionSource): Array<'export' | 'intention'> {
    const missing: Array<'export' | 'intention'> = [];
    if (!exporter.isExportedTo(u.destinationName, consumer, u.destinationNamespace)) missing.push('export');
    const callee = exporter.services.find((s) => s.serviceName === u.destinationName && s.namespace === u.destinationNamespace);
    const entry = callee?.intentions ?? ServiceIntentions.find(exporter, u.destinationName, u.destinationNamespace);
    if (!entry || !entry.allows(source)) missing.push('intention');
    return missing;
  }
}

const serviceNameKey = (s: IMeshService): string => nameKey(s.serviceName, s.namespace);

/**
 * The service of `partition` called `name` in (normalized) `namespace`, this app's or imported, through the
 * partition's index (no scan).
 */
function serviceNamed(partition: IPartition, name: string, namespace: string | undefined): IMeshService | undefined {
  return registeredWhere<IMeshService>(partition, KIND.SERVICE, BY_NAME, serviceNameKey, nameKey(name, namespace))[0];
}

/**
 * The service's one `service-intentions` entry, created on first use as its child `Intentions` (looked up through
 * the partition's index: a connectTo looks the callee's entry up before creating it, a scan would be quadratic).
 */
function intentionsEntryOf(service: IMeshService & Construct): ServiceIntentions {
  return (
    service.intentions ??
    new ServiceIntentions(service, 'Intentions', { destinationName: service.serviceName, namespace: service.namespace, partition: service.partition })
  );
}

/** The resolvers connections with failover wrote (the ones later connections may share). */
const DERIVED_RESOLVERS = new WeakSet<ServiceResolver>();

function sortedObject(o: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => compareStrings(a, b)));
}

/** A service registered elsewhere (see {@link MeshService.fromServiceAttributes}). */
class ImportedMeshService extends Construct implements IMeshService {
  public readonly serviceName: string;
  public readonly partition: IPartition;
  public readonly namespace?: string;

  public constructor(scope: Construct, id: string, attrs: MeshServiceAttributes) {
    super(scope, id);
    assertServiceName('serviceName', attrs.serviceName, this);
    if (attrs.namespace !== undefined) {
      assertDnsLabel('namespace', attrs.namespace, this);
      if (normalizeNamespace(attrs.namespace) !== undefined) {
        requireEnterprise(this, attrs.partition.cluster, 'namespace', attrs.namespace, 'namespaces');
      }
    }
    this.serviceName = attrs.serviceName;
    this.partition = attrs.partition;
    this.namespace = normalizeNamespace(attrs.namespace);
    const other = serviceNamed(attrs.partition, this.serviceName, this.namespace);
    if (other) {
      throw new ValidationError(this, {
        prop: 'serviceName',
        value: this.serviceName,
        problem: `is already declared in partition "${attrs.partition.partitionName}" (${other.node.path})`,
        fix: 'declare a service once and pass that object around',
      });
    }
    register(attrs.partition, KIND.SERVICE, this);
  }

  public get intentions(): ServiceIntentions | undefined {
    return ServiceIntentions.find(this.partition, this.serviceName, this.namespace);
  }

  /** @internal */
  public _intentionsEntry(): ServiceIntentions {
    return intentionsEntryOf(this);
  }

  public allows(source: IntentionSource): boolean {
    return this.intentions?.allows(source) ?? false;
  }
}

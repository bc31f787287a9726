import type { IConstruct } from 'constructs';
import type { MeshUpstream, UpstreamTarget } from '../connection';
import { ValidationError } from '../errors';
import { MeshGatewayMode } from '../mesh-gateway-mode';
import type { IPartition } from '../partition';
import * as errors from './errors';
import { normalizeNamespace } from './scoping';

/** How an upstream is asked for (by `addUpstream` or by a connection). */
export interface UpstreamRequest {
  readonly localBindPort: number;
  readonly localBindAddress?: string;
  readonly meshGatewayMode?: MeshGatewayMode;
}

/**
 * The upstream a sidecar in `partition` (of a service in `callerNamespace`, undefined for `default`) gets for
 * `target`: the gateway mode is the request's, else, for a peer or another partition, the calling service's own
 * mode (its `service-defaults`), else its cluster's (Consul's precedence); `none` is refused for peers
 * (reported on `scope`, naming `where`). A target without a namespace is in the caller's namespace, as Consul
 * resolves an upstream without `destination_namespace` (agent/structs/service_definition.go `NodeService`).
 */
export function resolveUpstream(
  scope: IConstruct,
  partition: IPartition,
  target: UpstreamTarget,
  request: UpstreamRequest,
  where: string,
  serviceMode?: MeshGatewayMode,
  callerNamespace?: string,
): MeshUpstream {
  const mode = request.meshGatewayMode ?? (target.isRemote ? serviceMode ?? partition.cluster.meshGatewayMode : undefined);
  if (target.peerName !== undefined && mode === MeshGatewayMode.NONE) {
    throw new ValidationError(scope, { prop: 'meshGatewayMode', value: mode, problem: errors.modeNoneProblem(where), fix: errors.MODE_NONE_FIX });
  }
  return {
    destinationName: target.serviceName,
    destinationPeer: target.peerName,
    destinationPartition: target.partitionName,
    destinationNamespace: target.namespace === undefined ? normalizeNamespace(callerNamespace) : normalizeNamespace(target.namespace),
    localBindAddress: request.localBindAddress ?? '127.0.0.1',
    localBindPort: request.localBindPort,
    meshGatewayMode: mode,
  };
}

/**
 * The upstream in Consul's agent config-file form (snake_case), for a sidecar of a service in `callerNamespace`
 * (undefined for `default`). `destination_namespace` is written when it is not `default`, and as `"default"`
 * from a service in another namespace: Consul would otherwise look in the caller's namespace.
 */
export function renderUpstream(u: MeshUpstream, callerNamespace?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { destination_name: u.destinationName };
  if (u.destinationPeer !== undefined) out.destination_peer = u.destinationPeer;
  if (u.destinationPartition !== undefined) out.destination_partition = u.destinationPartition;
  if (u.destinationNamespace !== undefined) out.destination_namespace = u.destinationNamespace;
  else if (normalizeNamespace(callerNamespace) !== undefined) out.destination_namespace = 'default';
  out.local_bind_address = u.localBindAddress;
  out.local_bind_port = u.localBindPort;
  if (u.meshGatewayMode !== undefined) out.mesh_gateway = { mode: u.meshGatewayMode };
  return out;
}

/** The upstream's key in a sidecar's list: its destination (peer, partition, namespace, name). */
export function upstreamKey(u: MeshUpstream): string {
  return `${u.destinationPeer ?? ''}|${u.destinationPartition ?? ''}|${u.destinationNamespace ?? ''}|${u.destinationName}`;
}

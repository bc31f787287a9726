/**
 * Long validation messages, one factory each (as cdktf's own lib/errors.ts does). Every message names
 * the user's prop or call, shows the value, and says how to fix it. cdktf prefixes the construct path.
 */

export function modeNoneForPeers(prop: string, where: string): string {
  return `${prop} "none" ${modeNoneProblem(where)}; ${MODE_NONE_FIX}`;
}

/** Why MeshGatewayMode.NONE is refused where peered traffic flows. */
export function modeNoneProblem(where: string): string {
  return `on ${where} carries peered traffic, where Consul does not allow MeshGatewayMode.NONE (it silently uses "remote")`;
}

export const MODE_NONE_FIX = 'use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL';

export function exportsWithoutGateway(partition: string, datacenter: string, services: string): string {
  return (
    `partition "${partition}" of cluster "${datacenter}" exports [${services}] but has no mesh gateway, so peers ` +
    `cannot reach them; add one with addMeshGateway() on that partition`
  );
}

export function gatewayInOtherPartition(partition: string, services: string, gatewayPartitions: string[]): string {
  return (
    `partition "${partition}" exports [${services}] but its cluster's mesh gateways are in partition(s) ` +
    `[${gatewayPartitions.join(', ')}]; on Enterprise a gateway only carries the services of its own partition: ` +
    `add a mesh gateway to partition "${partition}"`
  );
}

export function localModeWithoutGateway(service: string, upstream: string, partition: string): string {
  return (
    `upstream "${upstream}" of service "${service}" uses meshGatewayMode LOCAL, but the importing partition ` +
    `"${partition}" has no mesh gateway; add one with addMeshGateway() on "${partition}", or use MeshGatewayMode.REMOTE`
  );
}

export function unknownPeer(service: string, upstream: string, peer: string, known: string[]): string {
  return (
    `upstream "${upstream}" of service "${service}" names destinationPeer "${peer}", but no peering in the app ` +
    `gives its partition a peer of that name (known: [${known.join(', ')}]); declare a ClusterPeering between ` +
    'the two partitions, or use the peer name that partition uses'
  );
}

export function notExported(service: string, upstream: string, peer: string, exporter: string, exporterPeer: string): string {
  return (
    `upstream "${upstream}" of service "${service}" imports it from peer "${peer}", but partition ${exporter} ` +
    `does not export "${upstream}" to "${exporterPeer}"; use connectTo(), or add ` +
    `partition.addExport("${upstream}", ExportConsumer.peer("${exporterPeer}")) on the exporting partition`
  );
}

export function notAllowed(service: string, upstream: string, peer: string, exporter: string, exporterPeer: string): string {
  return (
    `upstream "${upstream}" of service "${service}" imports it from peer "${peer}", but no intention in ${exporter} ` +
    `allows "${service}" from peer "${exporterPeer}"; use connectTo(), or call addIntention(IntentionSource.peerService` +
    `("${exporterPeer}", "${service}"), IntentionAction.ALLOW) on "${upstream}"`
  );
}

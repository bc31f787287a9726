import { ExportConsumer } from '../config-entries/exported-services';
import { SamenessGroup } from '../config-entries/sameness-group';
import { IntentionSource, ServiceIntentions } from '../config-entries/service-intentions';
import { ValidationError } from '../errors';
import type { IMeshService } from '../mesh-service';
import type { IPartition } from '../partition';
import { ClusterPeering } from '../peering';
import { describePartition, namespaceArg } from './scoping';
import { compareStrings } from './validate';

/*
 * The one home of "a failover target exports what it is failed over to, and allows who is failed over": used by
 * a service-resolver's peer and partition targets, by the members of a sameness group a resolver fails over to, and by the
 * members of a sameness group that is the partition's default for failover (which acts as a resolver for every
 * service without one). Checked only where the far side is declared in the app.
 */

/** A place failover lands on, as the failing-over partition names it. */
export interface FailoverLanding {
  /** A cluster peer (`name` is the failing-over partition's peer name) or a partition of its own cluster. */
  readonly kind: 'peer' | 'partition';
  /** The peer or partition name. */
  readonly name: string;
}

/** What one landing must provide, and how a problem with it is reported. */
export interface FailoverLandingCheck {
  /** The partition whose callers fail over (the resolver's, or the sameness group's). */
  readonly from: IPartition;
  readonly landing: FailoverLanding;
  /** The service and namespace at the landing. */
  readonly service: string;
  readonly namespace?: string;
  /** The services of `from` whose calls fail over there (their namespaces are the sources' namespaces). */
  readonly callers: readonly IMeshService[];
  /** The sameness group the landing is a member of, when the failover goes through a group. */
  readonly group?: string;
  /** The prop the messages name, and the sentence fragment saying why the landing matters. */
  readonly prop: string;
  readonly what: string;
  /** Another way out, appended to the fix (e.g. "or write a ServiceResolver ..."). */
  readonly alternative?: string;
}

/** The messages of everything `check.landing` lacks: the export to `from`, an intention for each caller. */
export function failoverLandingProblems(check: FailoverLandingCheck): string[] {
  const { from, landing, service, namespace, group } = check;
  const remote = landingPartition(from, landing);
  if (remote === undefined) return [];
  const peer = landing.kind === 'peer';
  // How the landing names `from`: its own peer name for it, or its partition name.
  const side = peer ? ClusterPeering.findByPeerName(from, landing.name)!.peerNameIn(remote) : from.partitionName;
  const sideText = peer ? `"${side}"` : `partition "${side}"`;
  const consumer = peer ? ExportConsumer.peer(side) : ExportConsumer.partition(side);
  const consumerCode = peer ? `ExportConsumer.peer("${side}")` : `ExportConsumer.partition("${side}")`;
  const viaGroup = group !== undefined && SamenessGroup.find(remote, group) !== undefined;
  const where = describePartition(remote);
  // The service as the landing has it, and the export options that name its namespace.
  const serviceText = namespace !== undefined ? `"${service}" (namespace "${namespace}")` : `"${service}"`;
  const onService = namespace !== undefined ? ` on ${serviceText}` : '';
  const exportOptions = namespace !== undefined ? `, { namespace: "${namespace}" }` : '';
  const orGroup = group !== undefined ? ' or to the group' : '';
  const tail = check.alternative !== undefined ? `, ${check.alternative}` : '';
  const out: string[] = [];
  const exported = remote.isExportedTo(service, consumer, namespace) || (viaGroup && remote.isExportedTo(service, ExportConsumer.samenessGroup(group!), namespace));
  if (!exported) {
    out.push(
      ValidationError.message({
        prop: check.prop,
        value: landing.name,
        problem: `${check.what}, but ${where} does not export ${serviceText} to ${sideText} (this side)${orGroup}`,
        fix:
          group === undefined
            ? `${peer ? 'use connectTo(..., { failover }), which exports it, or ' : ''}add partition.addExport("${service}", ${consumerCode}${exportOptions}) there`
            : `add partition.addExport("${service}", ExportConsumer.samenessGroup("${group}")${exportOptions}) there (with sameness group "${group}" declared there too), or partition.addExport("${service}", ${consumerCode}${exportOptions})${tail}`,
      }),
    );
  }
  const entry = ServiceIntentions.find(remote, service, namespace);
  for (const caller of check.callers) {
    const ns = namespaceArg(from, caller.namespace);
    const source = peer ? IntentionSource.peerService(side, caller.serviceName, ns) : IntentionSource.partitionService(side, caller.serviceName, ns);
    const sourceCode = peer ? `IntentionSource.peerService("${side}", "${caller.serviceName}")` : `IntentionSource.partitionService("${side}", "${caller.serviceName}")`;
    const allowed = entry !== undefined && (entry.allows(source) || (viaGroup && entry.allows(IntentionSource.samenessGroupService(group!, caller.serviceName, ns))));
    if (allowed) continue;
    out.push(
      ValidationError.message({
        prop: check.prop,
        value: landing.name,
        problem: `${check.what}, but no intention in ${where}${onService} allows "${caller.serviceName}" from ${sideText}${group !== undefined ? ' or from the group' : ''}`,
        fix:
          group === undefined
            ? `${peer ? 'use connectTo(..., { failover }), which allows it, or ' : ''}add an allowing ${sourceCode} on "${service}" there`
            : `add an allowing IntentionSource.samenessGroupService("${group}", "${caller.serviceName}") on "${service}" there (with the group declared there too), or an allowing ${sourceCode}${tail}`,
      }),
    );
  }
  return out;
}

/**
 * The services of `partition` whose sidecars resolve `serviceName` (in `namespace`) through the partition's own
 * discovery chain: an upstream of that name with no peer and no partition, so its resolver (or the default
 * sameness group) applies. Sorted by construct path.
 */
export function routedCallers(partition: IPartition, serviceName: string, namespace: string | undefined): IMeshService[] {
  return partition.services.filter((caller) => routedUpstreams(caller).some((u) => u.destinationName === serviceName && u.destinationNamespace === namespace));
}

/** The names (and namespaces) the services of `partition` resolve through its own discovery chain, sorted. */
export function routedNames(partition: IPartition): Array<{ readonly serviceName: string; readonly namespace?: string }> {
  const byKey = new Map<string, { serviceName: string; namespace?: string }>();
  for (const caller of partition.services) {
    for (const u of routedUpstreams(caller)) byKey.set(`${u.destinationNamespace ?? ''}/${u.destinationName}`, { serviceName: u.destinationName, namespace: u.destinationNamespace });
  }
  return [...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k)!);
}

interface RoutedUpstream {
  readonly destinationName: string;
  readonly destinationPeer?: string;
  readonly destinationPartition?: string;
  readonly destinationNamespace?: string;
}

function routedUpstreams(caller: IMeshService): RoutedUpstream[] {
  const upstreams = (caller as { upstreams?: RoutedUpstream[] }).upstreams ?? [];
  return upstreams.filter((u) => u.destinationPeer === undefined && u.destinationPartition === undefined);
}

/** The partition of the app a landing names, or undefined when it is not declared in the app (nothing to check). */
function landingPartition(from: IPartition, landing: FailoverLanding): IPartition | undefined {
  if (landing.kind === 'peer') return ClusterPeering.findByPeerName(from, landing.name)?.remoteOf(from);
  return landing.name === from.partitionName ? undefined : from.cluster.partitions.find((p) => p.partitionName === landing.name);
}

import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  FailoverTarget,
  IntentionAction,
  IntentionSource,
  SamenessGroup,
  SamenessGroupMember,
  ServiceProtocol,
  ServiceResolver,
  UpstreamTarget,
} from '../../lib';

/** The sameness group's name: the same in both clusters, in the exports and in the resolver. */
export const GROUP = 'products';

/**
 * Two Consul Enterprise clusters whose `default` partitions form the sameness group `products`. `api` runs
 * in both; `web` in dc1 calls `api` and is answered by dc1's own `api` while it has a healthy instance, and
 * by dc2's `api` when it has none:
 *
 * - a `sameness-group` entry in each cluster's `default` partition, from that partition's point of view:
 *   the local partition first, then the peer (dc1: `[{Partition: default}, {Peer: dc2}]`, dc2:
 *   `[{Partition: default}, {Peer: dc1}]`), `DefaultForFailover` on;
 * - `api` exported to the group (`Consumers: [{SamenessGroup: products}]`) from both clusters;
 * - intentions allowing `web` in both clusters: from its own partition in dc1, and in dc2 from any member of
 *   the group (`IntentionSource.samenessGroupService`, the source's `sameness_group`), which covers dc1;
 * - a `service-resolver` for `api` in dc1 failing over to the group, and `web`'s upstream to plain `api`
 *   (no `destination_peer`: the resolver routes the name).
 *
 * One mesh gateway per cluster, in its `default` partition: it carries the peering control plane and the
 * services exported from that partition. ACLs are on: the operator tokens arrive as sensitive Terraform
 * variables. Control plane only: run the gateways and services with any data plane (see the enterprise
 * example for the Docker one).
 */
export class SamenessGroupStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps the synthesized JSON identical wherever the repository is checked out.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const [dc1, dc2] = [1, 2].map((i) => {
      const token = new TerraformVariable(this, `dc${i}_token`, {
        type: 'string',
        sensitive: true,
        description: `ACL token of the Terraform operator in dc${i} (Enterprise)`,
      });
      const cluster = new ConsulCluster(this, `Dc${i}`, {
        datacenter: `dc${i}`,
        address: `127.0.0.1:${8500 + 1000 * (i - 1)}`,
        token: token.stringValue,
        edition: ConsulEdition.ENTERPRISE,
      });
      // On Enterprise a gateway carries only its own partition's services: this one carries the peering
      // control plane and the exports of `default`, the partition in the group.
      cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.1${i}.0.10`, wanAddress: `10.10.0.1${i}` });
      return cluster;
    });

    // dc2 accepts, dc1 dials; each side names the other after its datacenter (dc1 says "dc2", dc2 says "dc1").
    const peering = new ClusterPeering(this, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });

    // The group, written in each member partition from its own point of view, in failover order: the
    // local partition first (includeLocal off, as Consul's docs write it), then the peer, by this side's name.
    for (const [id, partition] of [
      ['Dc1Products', dc1.defaultPartition],
      ['Dc2Products', dc2.defaultPartition],
    ] as const) {
      new SamenessGroup(this, id, {
        partition,
        groupName: GROUP,
        defaultForFailover: true,
        includeLocal: false,
        members: [SamenessGroupMember.partition(partition.partitionName), SamenessGroupMember.peer(peering.peerNameIn(partition))],
      });
    }

    // `api` runs in both clusters, under the same name and namespace, and is exported to the whole group.
    const api1 = dc1.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    const api2 = dc2.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    dc1.defaultPartition.addExport('api', ExportConsumer.samenessGroup(GROUP));
    dc2.defaultPartition.addExport('api', ExportConsumer.samenessGroup(GROUP));

    // `web` may call `api` wherever the group sends it: in its own partition of dc1, and in dc2 from any member
    // of the group (one source with `SamenessGroup`, which covers every member).
    const web = dc1.defaultPartition.addService('Web', { port: 80, healthCheckHttpPath: '/' });
    api1.addIntention(IntentionSource.service('web'), IntentionAction.ALLOW);
    api2.addIntention(IntentionSource.samenessGroupService(GROUP, 'web'), IntentionAction.ALLOW);

    // dc1's resolver for `api` fails over to the group: local instances first, then dc2's. `web`'s upstream
    // names plain `api`, which the resolver routes.
    new ServiceResolver(this, 'ApiResolver', {
      partition: dc1.defaultPartition,
      serviceName: 'api',
      failover: [FailoverTarget.samenessGroup(GROUP)],
    });
    web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
  }
}

/** The example's stack name (its directory under `cdktf.out/stacks/`). */
export const STACK_NAME = 'sameness-group';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new SamenessGroupStack(app, STACK_NAME);
  return app;
}

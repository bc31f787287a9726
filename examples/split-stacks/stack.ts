import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterPeering, ConsulCluster, MeshService, ServiceProtocol } from '../../lib';

/** One cluster in its own stack (its own Terraform state, its own team), with a gateway and one service. */
export class ClusterStack extends TerraformStack {
  public readonly cluster: ConsulCluster;
  public readonly service: MeshService;

  public constructor(scope: Construct, id: string, index: number, serviceId: string, protocol?: ServiceProtocol) {
    super(scope, id);
    // Terraform runs each stack in its own directory (cdktf.out/stacks/<id>), and the other stack reads this
    // state through the same path: "../<id>/..." names one file from both, and stays relative, so the
    // synthesized JSON is the same wherever the repository is checked out.
    new LocalBackend(this, { path: `../${id}/terraform.${id}.tfstate` });
    const token = new TerraformVariable(this, `${id}_token`, {
      type: 'string',
      sensitive: true,
      description: `ACL token of the Terraform operator in ${id}`,
    });
    this.cluster = new ConsulCluster(this, 'Cluster', {
      datacenter: id,
      address: `127.0.0.1:${8500 + 1000 * (index - 1)}`,
      token: token.stringValue,
    });
    this.cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.1${index}.0.10`, wanAddress: `10.10.0.1${index}` });
    this.service = this.cluster.defaultPartition.addService(serviceId, { port: 80, protocol, healthCheckHttpPath: '/' });
  }
}

/** The example's stack names, in deployment order (the acceptor's stack first: it writes the token). */
export const STACK_NAMES = ['dc2', 'dc1'];

/**
 * Two stacks of one app, one per cluster: `dc2` (accepts; runs `api`) and `dc1` (dials; runs `web`). The
 * peering is declared in dc1's stack; its token resource goes into dc2's stack, and cdktf hands the token
 * over as a cross-stack reference: a sensitive output of `dc2` read by `dc1` from dc2's state. `web` calls
 * `api`: the export and the intention are written by dc2's stack, the upstream by dc1's.
 */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  const dc2 = new ClusterStack(app, 'dc2', 2, 'Api', ServiceProtocol.HTTP);
  const dc1 = new ClusterStack(app, 'dc1', 1, 'Web');
  const peering = new ClusterPeering(dc1, 'Dc2Dc1', { acceptor: dc2.cluster.defaultPartition, dialer: dc1.cluster.defaultPartition });
  dc1.service.connectTo(dc2.service, { via: peering, localBindPort: 9191 });
  return app;
}

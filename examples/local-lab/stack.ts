import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { MeshAddressPlan, PeeringLabServers } from '../../lib';
import { TwoClustersStack } from '../two-clusters/stack';

/**
 * Where everything lives, derived from the datacenter names exactly as the mesh of stack 2 derives it
 * (MeshAddressPlan): the WAN `10.10.0.0/16`, the LANs `dc1-lan` `10.156.0.0/16` and `dc2-lan`
 * `10.249.0.0/16` with each cluster's server on `.2`, and the HTTP APIs on 127.0.0.1:20156 (dc1) and
 * 127.0.0.1:20249 (dc2).
 */
export const TOPOLOGY = MeshAddressPlan.labTopology(['dc1', 'dc2']);

/**
 * Stack 1 of the local lab: the networks and one Consul server per cluster, in Docker. ACLs are on with a
 * known management token (a sensitive variable), Connect and peering on, gRPC TLS on 8503, and the HTTP API
 * published on 127.0.0.1:20156 (dc1) and 127.0.0.1:20249 (dc2), where stack 2 points its providers.
 */
export class LabServersStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const managementToken = new TerraformVariable(this, 'management_token', {
      type: 'string',
      sensitive: true,
      description: 'initial management token of both lab servers (a UUID, e.g. from uuidgen)',
    });
    const lab = new PeeringLabServers(this, 'Lab', { ...TOPOLOGY, managementToken: managementToken.stringValue });
    for (const spec of TOPOLOGY.clusters) {
      new TerraformOutput(this, `${spec.datacenter}_http_address`, {
        value: lab.servers[spec.datacenter].httpAddress,
        description: `HTTP API of the ${spec.datacenter} server (CONSUL_HTTP_ADDR)`,
      });
    }
  }
}

/** Builds both stacks: `lab` (servers) and `mesh` (the two-clusters mesh on top of them). */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new LabServersStack(app, 'lab');
  new TwoClustersStack(app, 'mesh');
  return app;
}

import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ConsulMesh, MeshGatewayMode, ServiceProtocol } from '../../lib';

/**
 * The default example, on the declarative mesh: two Community clusters, dc1 and dc2, peered through a mesh
 * gateway in each (`local` mode); `web` in dc1 calls `api` in dc2 on local port 9191, with the Docker data
 * plane. `examples/two-clusters-l2` writes the same resources with the L2 constructs. Everything else is
 * derived from the names: the lab topology (`MeshAddressPlan.labTopology(['dc1', 'dc2'])`: the networks, the
 * servers to join, the providers' addresses), every gateway and service address, the peering's direction and
 * names, the export, the intention and the upstream.
 */
export class TwoClustersStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const cluster = (dc: string) => ({
      datacenter: dc,
      token: new TerraformVariable(this, `${dc}_token`, {
        type: 'string',
        sensitive: true,
        description: `ACL token of the Terraform operator in ${dc} (the lab: its management token)`,
      }).stringValue,
      meshGatewayMode: MeshGatewayMode.LOCAL,
    });
    const app = { image: 'nginx:1.27-alpine', healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'] };
    // The mesh's id "Default" is left out of every Terraform address, as if its children were the stack's.
    new ConsulMesh(this, 'Default', {
      clusters: [cluster('dc1'), cluster('dc2')],
      services: [
        { datacenter: 'dc1', serviceName: 'web', port: 80, healthCheckHttpPath: '/', app },
        { datacenter: 'dc2', serviceName: 'api', port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/', app },
      ],
      calls: [{ caller: { datacenter: 'dc1', serviceName: 'web' }, callee: { datacenter: 'dc2', serviceName: 'api' }, localBindPort: 9191 }],
      dockerDataPlane: {},
    });
  }
}

/** The example's stack name (its directory under `cdktf.out/stacks/`). */
export const STACK_NAME = 'two-clusters';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new TwoClustersStack(app, STACK_NAME);
  return app;
}

import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ConsulMesh, LabTopology, MeshGatewayMode, ServiceProtocol } from '../../lib';

/**
 * Where everything lives: one Docker host, a WAN network for the gateways, a LAN per cluster with the
 * cluster's server on ".2" and its HTTP API published on 127.0.0.1 (the local lab's first stack creates
 * exactly this; with your own servers, create the same networks or change the values).
 */
export const TOPOLOGY: LabTopology = {
  wanSubnet: '10.10.0.0/24',
  clusters: [
    { datacenter: 'dc1', lanSubnet: '10.11.0.0/24', httpHostPort: 8500 },
    { datacenter: 'dc2', lanSubnet: '10.12.0.0/24', httpHostPort: 9500 },
  ],
};


/**
 * The default example, on the declarative mesh: two Community clusters, dc1 and dc2, peered through a mesh
 * gateway in each (`local` mode); `web` in dc1 calls `api` in dc2, with the Docker data plane on the lab's
 * networks. `examples/two-clusters-l2` writes the same resources with the L2 constructs. The addresses are
 * pinned to the lab's layout; everything else (peering direction and names, exports, intentions, upstreams,
 * networks, servers to join) is derived.
 */
export class TwoClustersStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const token = (dc: string) =>
      new TerraformVariable(this, `${dc}_token`, {
        type: 'string',
        sensitive: true,
        description: `ACL token of the Terraform operator in ${dc} (the lab: its management token)`,
      }).stringValue;
    const cluster = (dc: string, n: number) => ({
      datacenter: dc,
      token: token(dc),
      meshGatewayMode: MeshGatewayMode.LOCAL,
      partitions: [{ partitionName: 'default', gatewayAddresses: [{ lanAddress: `10.1${n}.0.10`, wanAddress: `10.10.0.1${n}` }] }],
    });
    const app = { image: 'nginx:1.27-alpine', healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'] };
    // The mesh's id "Default" is left out of every Terraform address, as if its children were the stack's.
    new ConsulMesh(this, 'Default', {
      clusters: [cluster('dc1', 1), cluster('dc2', 2)],
      services: [
        { datacenter: 'dc1', serviceName: 'web', port: 80, healthCheckHttpPath: '/', app, lanAddress: '10.11.0.20' },
        { datacenter: 'dc2', serviceName: 'api', port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/', app, lanAddress: '10.12.0.20' },
      ],
      calls: [{ caller: { datacenter: 'dc1', serviceName: 'web' }, callee: { datacenter: 'dc2', serviceName: 'api' }, localBindPort: 9191 }],
      dockerDataPlane: { lab: TOPOLOGY },
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

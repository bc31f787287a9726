import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ConsulMesh, MeshGatewayMode, ServiceProtocol } from '../../lib';
import { TOPOLOGY } from '../two-clusters/stack';

/**
 * The default example (`examples/two-clusters`) written on the declarative mesh: two Community clusters,
 * dc1 and dc2, peered through a mesh gateway in each (`local` mode); `web` in dc1 calls `api` in dc2. Same
 * lab networks and servers, same construct ids, so the same Terraform addresses and the same JSON. The
 * addresses the default example chose by hand are pinned; everything else is derived.
 */
export class TwoClustersL3Stack extends TerraformStack {
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
export const STACK_NAME = 'two-clusters-l3';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new TwoClustersL3Stack(app, STACK_NAME);
  return app;
}

import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterPeering, ConsulCluster, ServiceProtocol } from '../../lib';

/**
 * Three Community clusters. `web` in dc1 calls `api` in dc2 and fails over to `api` in dc3 when dc2 has no
 * healthy instance: dc1 dials both dc2 and dc3, and the library writes the `service-resolver` for `api` in
 * dc1 (targets: peer dc2, then peer dc3), exports `api` to dc1 from both clusters and allows `web` in both.
 * Control plane only: run the services with any data plane (see the default example for Docker).
 */
export class FailoverStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const [dc1, dc2, dc3] = [1, 2, 3].map((i) => {
      const token = new TerraformVariable(this, `dc${i}_token`, {
        type: 'string',
        sensitive: true,
        description: `ACL token of the Terraform operator in dc${i}`,
      });
      const cluster = new ConsulCluster(this, `Dc${i}`, {
        datacenter: `dc${i}`,
        address: `127.0.0.1:${8500 + 1000 * (i - 1)}`,
        token: token.stringValue,
      });
      // One gateway per cluster: it carries the peering control plane and the exported services.
      cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: `10.1${i}.0.10`, wanAddress: `10.10.0.1${i}` });
      return cluster;
    });

    // dc2 and dc3 accept, dc1 dials both; each side names the other after its datacenter.
    const toDc2 = new ClusterPeering(this, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    const toDc3 = new ClusterPeering(this, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: dc1.defaultPartition });

    const web = dc1.defaultPartition.addService('Web', { port: 80, healthCheckHttpPath: '/' });
    const api2 = dc2.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    const api3 = dc3.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    web.connectTo(api2, { via: toDc2, localBindPort: 9191, failover: [{ callee: api3, via: toDc3 }] });
  }
}

/** The example's stack name. */
export const STACK_NAME = 'failover';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new FailoverStack(app, STACK_NAME);
  return app;
}

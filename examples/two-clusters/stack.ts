import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterPeering, ConsulCluster, ServiceProtocol } from '../../lib';

/**
 * Two Community clusters, dc1 and dc2, peered through a mesh gateway in each; `web` in dc1 calls `api`
 * in dc2 across the peering. ACLs are on: every cluster token arrives as a sensitive Terraform variable.
 */
export class TwoClustersStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps the synthesized JSON identical wherever the repository is checked out.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const dc1Token = new TerraformVariable(this, 'dc1_token', {
      type: 'string',
      sensitive: true,
      description: 'ACL token of the Terraform operator in dc1 (acl, peering, mesh and service/intentions write)',
    });
    const dc2Token = new TerraformVariable(this, 'dc2_token', {
      type: 'string',
      sensitive: true,
      description: 'ACL token of the Terraform operator in dc2',
    });

    const dc1 = new ConsulCluster(this, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', token: dc1Token.stringValue });
    const dc2 = new ConsulCluster(this, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:9500', token: dc2Token.stringValue });

    // One gateway per cluster: LAN address for local sidecars, WAN address the other cluster reaches.
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });

    // dc2 accepts (generates the token), dc1 dials. dc2 calls dc1 "dc1"; dc1 calls dc2 "dc2".
    const peering = new ClusterPeering(this, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });

    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = dc2.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/health' });
    web.connectTo(api, { via: peering, localBindPort: 9191 });
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

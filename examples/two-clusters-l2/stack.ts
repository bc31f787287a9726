import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  DockerHost,
  LabTopology,
  MeshGatewayMode,
  PeeringLabServers,
  ServiceProtocol,
} from '../../lib';

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
 * Two Community clusters, dc1 and dc2, peered through a mesh gateway in each; `web` in dc1 calls `api`
 * in dc2 across the peering, through both gateways (`local` mode). ACLs are on: every cluster token
 * arrives as a sensitive Terraform variable. The data plane (client agents, gateway and sidecar Envoys,
 * demo apps) runs in Docker.
 */
export class TwoClustersL2Stack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps the synthesized JSON identical wherever the repository is checked out.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const tokens = {
      dc1: new TerraformVariable(this, 'dc1_token', {
        type: 'string',
        sensitive: true,
        description: 'ACL token of the Terraform operator in dc1 (the lab: its management token)',
      }),
      dc2: new TerraformVariable(this, 'dc2_token', {
        type: 'string',
        sensitive: true,
        description: 'ACL token of the Terraform operator in dc2 (the lab: its management token)',
      }),
    };
    const [spec1, spec2] = TOPOLOGY.clusters;

    // Control plane. Local mode: sidecars go through their own cluster's gateway, which reaches the other
    // cluster's gateway over the WAN network (sidecars themselves are only on their LAN).
    const dc1 = new ConsulCluster(this, 'Dc1', {
      datacenter: 'dc1',
      address: `127.0.0.1:${spec1.httpHostPort}`,
      token: tokens.dc1.stringValue,
      meshGatewayMode: MeshGatewayMode.LOCAL,
    });
    const dc2 = new ConsulCluster(this, 'Dc2', {
      datacenter: 'dc2',
      address: `127.0.0.1:${spec2.httpHostPort}`,
      token: tokens.dc2.stringValue,
      meshGatewayMode: MeshGatewayMode.LOCAL,
    });
    const gw1 = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const gw2 = dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });

    // dc2 accepts (generates the token), dc1 dials. dc2 calls dc1 "dc1"; dc1 calls dc2 "dc2".
    const peering = new ClusterPeering(this, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });

    const web = dc1.defaultPartition.addService('Web', { port: 80, healthCheckHttpPath: '/' });
    const api = dc2.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    web.connectTo(api, { via: peering, localBindPort: 9191 });

    // Data plane on one Docker host, on the networks of the topology above.
    const host = new DockerHost(this, 'Docker');
    const networks = PeeringLabServers.networksFor(this, host, TOPOLOGY);
    const plane1 = new ClusterDataPlane(this, 'Dc1DataPlane', {
      cluster: dc1,
      host,
      lan: networks.lans.dc1,
      retryJoin: [PeeringLabServers.serverAddress(spec1)],
    });
    const plane2 = new ClusterDataPlane(this, 'Dc2DataPlane', {
      cluster: dc2,
      host,
      lan: networks.lans.dc2,
      retryJoin: [PeeringLabServers.serverAddress(spec2)],
    });
    plane1.addGateway(gw1, { wan: networks.wan });
    plane2.addGateway(gw2, { wan: networks.wan });
    const demo = {
      image: 'nginx:1.27-alpine',
      healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'],
    };
    plane1.addService(web, { address: '10.11.0.20', app: demo });
    plane2.addService(api, { address: '10.12.0.20', app: demo });
  }
}

/** The example's stack name (its directory under `cdktf.out/stacks/`). */
export const STACK_NAME = 'two-clusters-l2';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new TwoClustersL2Stack(app, STACK_NAME);
  return app;
}

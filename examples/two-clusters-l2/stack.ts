import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  DockerHost,
  MeshAddressPlan,
  MeshGatewayMode,
  PeeringLabServers,
  ServiceProtocol,
} from '../../lib';

/**
 * Where everything lives: one Docker host, the WAN `10.10.0.0/16` for the gateways, a LAN per cluster
 * (dc1 `10.156.0.0/16`, dc2 `10.249.0.0/16`) with the cluster's server on ".2" and its HTTP API published on
 * 127.0.0.1 (dc1 port 20156, dc2 port 20249): the lab topology the L3 derives from the datacenter names
 * (see `MeshAddressPlan`), which the local lab's first stack creates. With your own servers, create the same
 * networks or write your own `LabTopology`.
 */
export const TOPOLOGY = MeshAddressPlan.labTopology(['dc1', 'dc2']);

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
    // The addresses the L3 derives (dc1: LAN 10.156.79.254, WAN 10.10.119.200; dc2: LAN 10.249.79.254, WAN
    // 10.10.100.57), computed here the way it computes them: from names, the first gateway of each default partition.
    const gw1 = dc1.defaultPartition.addMeshGateway('Gateway', {
      lanAddress: MeshAddressPlan.gatewayLanAddress(spec1.lanSubnet, 'default', 1),
      wanAddress: MeshAddressPlan.gatewayWanAddress(TOPOLOGY.wanSubnet, 'dc1', 'default', 1),
    });
    const gw2 = dc2.defaultPartition.addMeshGateway('Gateway', {
      lanAddress: MeshAddressPlan.gatewayLanAddress(spec2.lanSubnet, 'default', 1),
      wanAddress: MeshAddressPlan.gatewayWanAddress(TOPOLOGY.wanSubnet, 'dc2', 'default', 1),
    });

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
    // The addresses the L3 derives: web 10.156.150.119, api 10.249.70.199.
    plane1.addService(web, { address: MeshAddressPlan.serviceLanAddress(spec1.lanSubnet, 'default', 'default', 'web'), app: demo });
    plane2.addService(api, { address: MeshAddressPlan.serviceLanAddress(spec2.lanSubnet, 'default', 'default', 'api'), app: demo });
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

import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  DockerHost,
  LabTopology,
  MeshGatewayMode,
  PeeringLabServers,
  ServiceProtocol,
} from '../../lib';

/**
 * Where everything lives: one Docker host, a WAN network for the gateways, a LAN per cluster with the
 * cluster's Enterprise server on ".2" and its HTTP API published on 127.0.0.1. The network names of the local
 * lab, with this example's own subnets and ports (the local lab derives others, and its servers are
 * Community Edition): here the servers must be Consul Enterprise (see README.md, step 1).
 */
export const TOPOLOGY: LabTopology = {
  wanSubnet: '10.10.0.0/24',
  clusters: [
    { datacenter: 'dc1', lanSubnet: '10.11.0.0/24', httpHostPort: 8500 },
    { datacenter: 'dc2', lanSubnet: '10.12.0.0/24', httpHostPort: 9500 },
  ],
};

/**
 * Two Consul Enterprise clusters with admin partitions and a namespace:
 *
 * - dc1: the `default` partition (with namespace `store`, where `catalog` runs) and partition `frontend`
 *   (where `web` runs); dc2: the `default` partition and partition `backend` (where `api` runs);
 * - `web` calls `catalog` across partitions of dc1 (no peering: a `Partition` consumer, an intention source
 *   with `Partition`, an upstream with `destination_partition`);
 * - `frontend` (dc1) and `backend` (dc2) are peered, two non-default partitions; `web` calls `api` across
 *   that peering;
 * - a mesh gateway in every partition: the default partitions' gateways carry the peering control plane,
 *   `default` (dc1) and `backend` (dc2) export, and `frontend` needs its own for `local` mode (an Enterprise
 *   gateway carries only its own partition's services).
 *
 * ACLs are on: every cluster token arrives as a sensitive Terraform variable. The data plane (client agents
 * in each service's partition, gateway and sidecar Envoys, demo apps) runs in Docker.
 */
export class EnterpriseStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path keeps the synthesized JSON identical wherever the repository is checked out.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const tokens = {
      dc1: new TerraformVariable(this, 'dc1_token', {
        type: 'string',
        sensitive: true,
        description: 'ACL token of the Terraform operator in dc1 (Enterprise; it manages every partition)',
      }),
      dc2: new TerraformVariable(this, 'dc2_token', {
        type: 'string',
        sensitive: true,
        description: 'ACL token of the Terraform operator in dc2 (Enterprise; it manages every partition)',
      }),
    };
    const [spec1, spec2] = TOPOLOGY.clusters;

    // Control plane. Local mode: sidecars go through a gateway of their own partition, which reaches the
    // other partition's gateway (on the LAN for dc1's partitions, on the WAN network for dc2's).
    const dc1 = new ConsulCluster(this, 'Dc1', {
      datacenter: 'dc1',
      address: `127.0.0.1:${spec1.httpHostPort}`,
      token: tokens.dc1.stringValue,
      edition: ConsulEdition.ENTERPRISE,
      meshGatewayMode: MeshGatewayMode.LOCAL,
    });
    const dc2 = new ConsulCluster(this, 'Dc2', {
      datacenter: 'dc2',
      address: `127.0.0.1:${spec2.httpHostPort}`,
      token: tokens.dc2.stringValue,
      edition: ConsulEdition.ENTERPRISE,
      meshGatewayMode: MeshGatewayMode.LOCAL,
    });
    const frontend = dc1.addPartition('frontend', { description: 'web tier of dc1' });
    const backend = dc2.addPartition('backend', { description: 'API tier of dc2' });

    // One gateway per partition. The default partitions' gateways carry the peering control plane (so both
    // mesh entries turn on PeerThroughMeshGateways); dc1/default exports catalog to frontend, dc2/backend
    // exports api to its peer; frontend's gateway takes web's outbound calls (local mode).
    const gateways = {
      dc1Default: dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' }),
      dc1Frontend: frontend.addMeshGateway('Gateway', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.21' }),
      dc2Default: dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' }),
      dc2Backend: backend.addMeshGateway('Gateway', { lanAddress: '10.12.0.11', wanAddress: '10.10.0.22' }),
    };

    // dc2/backend accepts (generates the token; it calls the other side "dc1-frontend"), dc1/frontend dials
    // (it calls the other side "dc2-backend").
    const peering = new ClusterPeering(this, 'BackendFrontend', { acceptor: backend, dialer: frontend });

    // A namespace must be declared before anything lives in it (an undeclared one fails synth).
    const store = dc1.defaultPartition.addNamespace('Store', { description: 'catalog services of dc1' });

    const web = frontend.addService('Web', { port: 80, healthCheckHttpPath: '/' });
    const catalog = store.addService('Catalog', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    const api = backend.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' });
    web.connectTo(catalog, { localBindPort: 9191 }); // dc1: frontend -> default/store, no peering
    web.connectTo(api, { via: peering, localBindPort: 9192 }); // frontend (dc1) -> backend (dc2)

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
    plane1.addGateway(gateways.dc1Default, { wan: networks.wan });
    plane1.addGateway(gateways.dc1Frontend, { wan: networks.wan });
    plane2.addGateway(gateways.dc2Default, { wan: networks.wan });
    plane2.addGateway(gateways.dc2Backend, { wan: networks.wan });
    const demo = {
      image: 'nginx:1.27-alpine',
      healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'],
    };
    plane1.addService(web, { address: '10.11.0.20', app: demo });
    plane1.addService(catalog, { address: '10.11.0.21', app: demo });
    plane2.addService(api, { address: '10.12.0.20', app: demo });
  }
}

/** The example's stack name (its directory under `cdktf.out/stacks/`). */
export const STACK_NAME = 'enterprise';

/** Builds the example's app without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new EnterpriseStack(app, STACK_NAME);
  return app;
}

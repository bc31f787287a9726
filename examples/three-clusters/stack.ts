import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ConsulMesh, MeshAddressPlan, MeshGatewayMode, PeeringLabServers, ServiceProtocol } from '../../lib';

/** The three clusters. */
export const DATACENTERS = ['dc1', 'dc2', 'dc3'];

/**
 * Where everything lives, derived from the datacenter names (MeshAddressPlan): per cluster a LAN
 * `10.<n>.0.0/16` with its server on `.2` and its HTTP API on `127.0.0.1:<20000 + n>`, and the WAN
 * `10.10.0.0/16`. The lab stack creates these; the mesh derives the same value itself.
 */
export const TOPOLOGY = MeshAddressPlan.labTopology(DATACENTERS);

/**
 * Three Community clusters peered in a triangle through mesh gateways (`local` mode), with calls across all
 * three pairs: `web` (dc1) calls `api` (dc2), `api` calls `payments` (dc3), `payments` calls `ledger` (dc1).
 * The peerings follow from the calls (the partition whose name sorts last accepts: dc2 accepts dc1, dc3
 * accepts dc1 and dc2); dc2 runs an HA pair of gateways. Every address and local port is derived from names.
 */
export class ThreeClustersStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const app = { image: 'nginx:1.27-alpine', healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'] };
    const service = (datacenter: string, serviceName: string, protocol?: ServiceProtocol) =>
      ({ datacenter, serviceName, port: 80, protocol, healthCheckHttpPath: '/', app });
    const call = (from: [string, string], to: [string, string]) => ({
      caller: { datacenter: from[0], serviceName: from[1] },
      callee: { datacenter: to[0], serviceName: to[1] },
    });
    new ConsulMesh(this, 'Mesh', {
      clusters: DATACENTERS.map((dc) => ({
        datacenter: dc,
        token: new TerraformVariable(this, `${dc}_token`, {
          type: 'string',
          sensitive: true,
          description: `ACL token of the Terraform operator in ${dc} (the lab: its management token)`,
        }).stringValue,
        meshGatewayMode: MeshGatewayMode.LOCAL,
        partitions: dc === 'dc2' ? [{ partitionName: 'default', gatewayCount: 2 }] : undefined,
      })),
      services: [
        service('dc1', 'web'),
        service('dc1', 'ledger', ServiceProtocol.HTTP),
        service('dc2', 'api', ServiceProtocol.HTTP),
        service('dc3', 'payments', ServiceProtocol.HTTP),
      ],
      calls: [call(['dc1', 'web'], ['dc2', 'api']), call(['dc2', 'api'], ['dc3', 'payments']), call(['dc3', 'payments'], ['dc1', 'ledger'])],
      dockerDataPlane: {},
    });
  }
}

/**
 * The lab's servers for the three clusters: the networks of {@link TOPOLOGY} and one Consul server per
 * cluster (ACLs on with a known management token, Connect and peering on, gRPC TLS on 8503).
 */
export class ThreeClustersLabStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const managementToken = new TerraformVariable(this, 'management_token', {
      type: 'string',
      sensitive: true,
      description: 'initial management token of the three lab servers (a UUID, e.g. from uuidgen)',
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

/** The example's mesh stack name (its directory under `cdktf.out/stacks/`). */
export const STACK_NAME = 'three-clusters';

/** The lab stack's name: the servers the mesh stack needs, deployed first. */
export const LAB_STACK_NAME = 'three-clusters-lab';

/** Builds the example's app (the lab stack and the mesh stack) without synthesizing it. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new ThreeClustersLabStack(app, LAB_STACK_NAME);
  new ThreeClustersStack(app, STACK_NAME);
  return app;
}

/*
 * The benchmark topology, built through the library's public API (lib/index.ts) the way a user writes it.
 *
 * `clusters` Community clusters dc1..dcN, each with one mesh gateway in its default partition and
 * `services` services svc1..svcS (port 8080, protocol http, HTTP health check). The clusters form a chain of
 * peerings (dc<i+1> accepts, dc<i> dials), and svc<j> of dc<i> calls svc<j> of dc<i+1> across it. With the
 * data plane, everything runs on one Docker host like examples/two-clusters: the lab's networks (imported by
 * name), a ClusterDataPlane per cluster, every gateway and every service in a pod, each service with an app.
 *
 * Resources (without data sources): 2x1 -> 16 (36 with the data plane), 5x20 -> 312 (834),
 * 10x50 -> 1,517 (4,059), 10x200 -> 5,867 (15,909).
 */
import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  DockerHost,
  LabTopology,
  MeshGateway,
  MeshService,
  PeeringLabServers,
  ServiceProtocol,
} from '../lib';
import {
  BenchSize,
  DEMO_HEALTH_CHECK,
  DEMO_IMAGE,
  HTTP_PORT_BASE,
  LOCAL_BIND_PORT,
  SERVICE_PORT,
  STACK_NAME,
  STATE_FILE,
  WAN_SUBNET,
  dcId,
  dcName,
  gatewayLanAddress,
  gatewayWanAddress,
  lanSubnet,
  peeringId,
  serverAddress,
  serviceAddress,
  svcId,
} from './names';

/** The lab layout of a size (for PeeringLabServers.networksFor). */
export function labTopology(size: BenchSize): LabTopology {
  return {
    wanSubnet: WAN_SUBNET,
    clusters: Array.from({ length: size.clusters }, (_, k) => ({
      datacenter: dcName(k + 1),
      lanSubnet: lanSubnet(k + 1),
      httpHostPort: HTTP_PORT_BASE + k + 1,
    })),
  };
}

/** Builds the library's app for `size` (not synthesized). */
export function buildLibraryApp(size: BenchSize, outdir: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, STACK_NAME);
  new LocalBackend(stack, { path: STATE_FILE });
  const n = size.clusters;

  const clusters: ConsulCluster[] = [];
  const gateways: MeshGateway[] = [];
  for (let i = 1; i <= n; i++) {
    const token = new TerraformVariable(stack, `${dcName(i)}_token`, { type: 'string', sensitive: true });
    const cluster = new ConsulCluster(stack, dcId(i), {
      datacenter: dcName(i),
      address: `127.0.0.1:${HTTP_PORT_BASE + i}`,
      token: token.stringValue,
    });
    gateways.push(cluster.defaultPartition.addMeshGateway('Gateway', { lanAddress: gatewayLanAddress(i), wanAddress: gatewayWanAddress(i) }));
    clusters.push(cluster);
  }
  const peerings: ClusterPeering[] = [];
  for (let i = 1; i < n; i++) {
    peerings.push(
      new ClusterPeering(stack, peeringId(i), { acceptor: clusters[i].defaultPartition, dialer: clusters[i - 1].defaultPartition }),
    );
  }
  const services: MeshService[][] = [];
  for (const cluster of clusters) {
    const own: MeshService[] = [];
    for (let j = 1; j <= size.services; j++) {
      own.push(cluster.defaultPartition.addService(svcId(j), { port: SERVICE_PORT, protocol: ServiceProtocol.HTTP, healthCheckHttpPath: '/' }));
    }
    services.push(own);
  }
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < size.services; j++) {
      services[i - 1][j].connectTo(services[i][j], { via: peerings[i - 1], localBindPort: LOCAL_BIND_PORT });
    }
  }

  if (size.dataPlane) {
    const host = new DockerHost(stack, 'Docker');
    const networks = PeeringLabServers.networksFor(stack, host, labTopology(size));
    for (let i = 1; i <= n; i++) {
      const cluster = clusters[i - 1];
      const plane = new ClusterDataPlane(stack, `${dcId(i)}DataPlane`, {
        cluster,
        host,
        lan: networks.lans[dcName(i)],
        retryJoin: [serverAddress(i)],
      });
      plane.addGateway(gateways[i - 1], { wan: networks.wan });
      for (let j = 1; j <= size.services; j++) {
        plane.addService(services[i - 1][j - 1], { address: serviceAddress(i, j), app: { image: DEMO_IMAGE, healthCheck: DEMO_HEALTH_CHECK } });
      }
    }
  }
  return app;
}

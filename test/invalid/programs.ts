import { App, TerraformStack } from 'cdktf';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  ConsulClusterProps,
  ConsulEdition,
  DockerHost,
  DockerNetwork,
  IDockerNetwork,
  MeshGateway,
  MeshService,
} from '../../lib';

/*
 * Valid starting points for the invalid programs, built only from the public API the way a user's program
 * is (the README's smallest program, and the default example's data plane). Each row adds one mistake.
 * Every stack is called "mesh", so construct paths read "mesh/Dc1/Partitions/default/Web".
 */

/** The stack every program is built in. */
export function meshStack(app: App): TerraformStack {
  return new TerraformStack(app, 'mesh');
}

/** Options of {@link twoClusters}. */
export interface ClusterOptions {
  /** Community unless given. */
  readonly edition?: ConsulEdition;
  /** Extra props of both clusters. */
  readonly dc1?: Partial<ConsulClusterProps>;
  readonly dc2?: Partial<ConsulClusterProps>;
}

/** One cluster "dc1" (id Dc1) in the stack. */
export function cluster(stack: TerraformStack, id: string, datacenter: string, extra: Partial<ConsulClusterProps> = {}): ConsulCluster {
  const port = 8500 + 1000 * (Number(/\d+/.exec(datacenter)?.[0] ?? '1') - 1);
  return new ConsulCluster(stack, id, { datacenter, address: `127.0.0.1:${port}`, ...extra });
}

/** dc1 and dc2, no gateways. */
export function twoClusters(app: App, options: ClusterOptions = {}): { stack: TerraformStack; dc1: ConsulCluster; dc2: ConsulCluster } {
  const stack = meshStack(app);
  const dc1 = cluster(stack, 'Dc1', 'dc1', { edition: options.edition, ...options.dc1 });
  const dc2 = cluster(stack, 'Dc2', 'dc2', { edition: options.edition, ...options.dc2 });
  return { stack, dc1, dc2 };
}

/** What {@link peered} builds. */
export interface Peered {
  readonly stack: TerraformStack;
  readonly dc1: ConsulCluster;
  readonly dc2: ConsulCluster;
  readonly gw1: MeshGateway;
  readonly gw2: MeshGateway;
  readonly peering: ClusterPeering;
  readonly web: MeshService;
  readonly api: MeshService;
}

/**
 * The README's smallest program: a gateway in each default partition, dc2 accepts and dc1 dials (dc1 calls
 * dc2 "dc2", dc2 calls dc1 "dc1"), web (dc1, port 9090) calls api (dc2, port 8080) on local port 9191
 * unless `connect` is false.
 */
export function peered(app: App, options: ClusterOptions & { readonly connect?: boolean } = {}): Peered {
  const { stack, dc1, dc2 } = twoClusters(app, options);
  const gw1 = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
  const gw2 = dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
  const peering = new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  const web = dc1.defaultPartition.addService('Web', { port: 9090 });
  const api = dc2.defaultPartition.addService('Api', { port: 8080 });
  if (options.connect ?? true) web.connectTo(api, { via: peering, localBindPort: 9191 });
  return { stack, dc1, dc2, gw1, gw2, peering, web, api };
}

/** What {@link withDataPlane} builds. */
export interface WithDataPlane extends Peered {
  readonly host: DockerHost;
  readonly wan: IDockerNetwork;
  readonly lan1: IDockerNetwork;
  readonly lan2: IDockerNetwork;
  readonly plane1: ClusterDataPlane;
  readonly plane2: ClusterDataPlane;
}

/** The demo app every service pod runs. */
export const DEMO_APP = { image: 'nginx:1.27-alpine', healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'] };

/**
 * The peered program plus the default example's Docker data plane: one host, the WAN 10.10.0.0/24, a LAN
 * per cluster (10.11.0.0/24, 10.12.0.0/24, servers on .2), and a data plane per cluster. With `run` (the
 * default) both gateways run on the WAN and web (10.11.0.20) and api (10.12.0.20) run with the demo app.
 */
export function withDataPlane(app: App, options: ClusterOptions & { readonly connect?: boolean; readonly run?: boolean } = {}): WithDataPlane {
  const p = peered(app, options);
  const host = new DockerHost(p.stack, 'Docker');
  const wan = new DockerNetwork(p.stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
  const lan1 = new DockerNetwork(p.stack, 'Lan1', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
  const lan2 = new DockerNetwork(p.stack, 'Lan2', { host, networkName: 'dc2-lan', subnet: '10.12.0.0/24' });
  const plane1 = new ClusterDataPlane(p.stack, 'Dc1DataPlane', { cluster: p.dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
  const plane2 = new ClusterDataPlane(p.stack, 'Dc2DataPlane', { cluster: p.dc2, host, lan: lan2, retryJoin: ['10.12.0.2'] });
  if (options.run ?? true) {
    plane1.addGateway(p.gw1, { wan });
    plane2.addGateway(p.gw2, { wan });
    plane1.addService(p.web, { address: '10.11.0.20', app: DEMO_APP });
    plane2.addService(p.api, { address: '10.12.0.20', app: DEMO_APP });
  }
  return { ...p, host, wan, lan1, lan2, plane1, plane2 };
}

/** One Community cluster "dc1" and a stack, for ACL and config-entry programs that need a provider. */
export function oneCluster(app: App, edition?: ConsulEdition): { stack: TerraformStack; dc1: ConsulCluster } {
  const stack = meshStack(app);
  return { stack, dc1: cluster(stack, 'Dc1', 'dc1', { edition }) };
}

/** A stack with a Docker host and the lab's LAN for dc1 (10.11.0.0/24), for data-plane programs. */
export function dockerOnly(app: App): { stack: TerraformStack; host: DockerHost; lan1: DockerNetwork } {
  const stack = meshStack(app);
  const host = new DockerHost(stack, 'Docker');
  const lan1 = new DockerNetwork(stack, 'Lan1', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
  return { stack, host, lan1 };
}

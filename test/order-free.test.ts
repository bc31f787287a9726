import { App, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import * as lib from '../lib';
import { ClusterDataPlane, DockerHost, DockerNetwork, MeshGatewayMode } from '../lib';
import { buildApp, STACK_NAME } from '../examples/two-clusters/stack';
import { peeredPair } from './fixtures/topology';

/** The peered pair (web in dc1 -> api in dc2) with a data plane; `dataPlaneFirst` runs the pods before connectTo. */
function program(dataPlaneFirst: boolean) {
  const t = peeredPair({ meshGatewayMode: MeshGatewayMode.LOCAL });
  // peeredPair connects web to api; build the same program with a second call whose order we control.
  const billing = t.dc2.defaultPartition.addService('Billing', { port: 8090 });
  const host = new DockerHost(t.stack, 'Docker');
  const wan = new DockerNetwork(t.stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
  const lan1 = new DockerNetwork(t.stack, 'Lan1', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
  const lan2 = new DockerNetwork(t.stack, 'Lan2', { host, networkName: 'dc2-lan', subnet: '10.12.0.0/24' });
  const connect = () => t.web.connectTo(billing, { via: t.peering, localBindPort: 9192 });
  if (!dataPlaneFirst) connect();
  const plane1 = new ClusterDataPlane(t.stack, 'Plane1', { cluster: t.dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
  const plane2 = new ClusterDataPlane(t.stack, 'Plane2', { cluster: t.dc2, host, lan: lan2, retryJoin: ['10.12.0.2'] });
  plane1.addGateway(t.dc1.defaultPartition.meshGateways[0], { wan });
  plane2.addGateway(t.dc2.defaultPartition.meshGateways[0], { wan });
  plane1.addService(t.web, { address: '10.11.0.20' });
  plane2.addService(t.api, { address: '10.12.0.20' });
  plane2.addService(billing, { address: '10.12.0.21' });
  if (dataPlaneFirst) connect();
  return t;
}

function uploadedUpstreams(json: any, agentName: string): any[] {
  const agent = Object.values(json.resource.docker_container).find((c: any) => c.name === agentName) as any;
  const file = agent.upload.find((u: any) => u.file === '/consul/config/web.json');
  return JSON.parse(file.content).service.connect.sidecar_service.proxy.upstreams;
}

describe('order-free', () => {
  test('regression: data plane first and connectTo after uploads the same upstreams as the reverse order', () => {
    const late = Testing.synth(program(true).stack, true);
    const early = Testing.synth(program(false).stack, true);
    expect(late).toBe(early);
    const upstreams = uploadedUpstreams(JSON.parse(late), 'dc1-default-web-agent');
    expect(upstreams.map((u) => `${u.destination_peer}/${u.destination_name}:${u.local_bind_port}`)).toEqual(['dc2/api:9191', 'dc2/billing:9192']);
  });

  test('regression: an upstream whose local port collides in the pod is reported at synth even when added after the pod', () => {
    const t = program(true);
    const cache = t.dc2.defaultPartition.addService('Cache', { port: 6379 });
    t.web.connectTo(cache, { via: t.peering, localBindPort: 19000 }); // the sidecar Envoy's admin port
    expect(() => Testing.synth(t.stack, true)).toThrow(/localBindPort 19000 of upstream "cache" of service "web" is already used in pod "dc1-default-web" by Envoy admin/);
  });

  test('reading every public getter of every construct of the default example adds nothing and changes nothing', () => {
    const untouched = synthOf(buildApp());
    const app = buildApp();
    const seen = readEveryGetter(app.node.findAll());
    // Every construct class the default example uses is visited (cluster, partition, gateway, service, peering,
    // config entries, ACL, data plane), and each has several getters.
    expect(seen.classes).toEqual(expect.arrayContaining(['ClusterPeering', 'ConsulCluster', 'ExportedServices', 'MeshGateway', 'MeshService', 'MeshServiceDataPlane', 'Partition', 'ServiceIntentions']));
    expect(seen.getters).toBeGreaterThan(100);
    expect(synthOf(app)).toBe(untouched);
  });
});

function synthOf(app: App): string {
  return Testing.synth(app.node.findChild(STACK_NAME) as TerraformStack, true);
}

/**
 * Reads every getter and property, on every construct whose class this library exports, and on the values
 * they return one level down (arrays and plain objects), the way a curious user would. Methods are not called.
 */
function readEveryGetter(constructs: IConstruct[]): { getters: number; classes: string[] } {
  const ours = new Set<Function>(Object.values(lib as Record<string, unknown>).filter((v): v is Function => typeof v === 'function'));
  let getters = 0;
  const classes = new Set<string>();
  for (const c of constructs) {
    if (!isOurs(c, ours)) continue;
    classes.add(c.constructor.name);
    for (const name of propertyNames(c)) {
      try {
        const value = (c as any)[name];
        getters++;
        if (Array.isArray(value)) value.forEach((v) => v && typeof v === 'object' && propertyNames(v).forEach((n) => touch(v, n)));
      } catch {
        // A getter may refuse (an imported policy's unknown ID); refusing is fine, creating is not.
      }
    }
  }
  return { getters, classes: [...classes].sort() };
}

function touch(o: any, name: string): void {
  try {
    void o[name];
  } catch {
    /* see above */
  }
}

function isOurs(c: object, ours: Set<Function>): boolean {
  for (let p = Object.getPrototypeOf(c); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (ours.has(p.constructor)) return true;
  }
  return false;
}

function propertyNames(o: object): string[] {
  const names = new Set<string>();
  for (let p: any = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      if (d.get || (p === o && typeof d.value !== 'function')) names.add(name);
    }
  }
  return [...names].sort();
}

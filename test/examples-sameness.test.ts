/**
 * The structure of examples/sameness-group: two Enterprise clusters whose `default` partitions form the
 * sameness group `products`, `api` exported to the group from both, and a resolver in dc1 failing over to it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { IMeshService, MeshService } from '../lib';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'sameness-group');

type Block = Record<string, any>;

describe('examples/sameness-group', () => {
  let json: { resource: Record<string, Record<string, Block>>; data: Record<string, Record<string, Block>>; variable: Record<string, Block> };
  let services: IMeshService[];
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-sameness-group-structure-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp, STACK_NAME } = require(path.join(EXAMPLE, 'stack')) as { buildApp: (outdir?: string) => App; STACK_NAME: string };
    const app = buildApp(outdir);
    app.synth(); // validations on
    services = app.node.findAll().filter((c): c is MeshService => c instanceof MeshService);
    json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK_NAME, 'cdk.tf.json'), 'utf8'));
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  /** The blocks of one resource type, with their logical names. */
  const blocks = (type: string): Array<[string, Block]> => Object.entries(json.resource[type] ?? {});
  /** The one block of `type` matching `where`, with its logical name (fails unless exactly one matches). */
  const only = (type: string, where: (b: Block) => boolean): [string, Block] => {
    const found = blocks(type).filter(([, b]) => where(b));
    expect(found.map(([name]) => name)).toHaveLength(1);
    return found[0];
  };
  const entry = (kind: string, dc: string): [string, Block] =>
    only('consul_config_entry', (b) => b.kind === kind && b.provider === `consul.${dc}`);

  test('two Enterprise clusters peered through their default partitions, tokens as sensitive variables', () => {
    expect(json.variable.dc1_token).toMatchObject({ type: 'string', sensitive: true });
    expect(json.variable.dc2_token).toMatchObject({ type: 'string', sensitive: true });
    for (const dc of ['dc1', 'dc2']) {
      const [, mesh] = entry('mesh', dc);
      expect(mesh.partition).toBe('default');
      expect(JSON.parse(mesh.config_json).Peering).toEqual({ PeerThroughMeshGateways: true });
    }
    const [, token] = only('consul_peering_token', () => true);
    expect(token).toMatchObject({ provider: 'consul.dc2', partition: 'default', peer_name: 'dc1' });
    const [, peering] = only('consul_peering', () => true);
    expect(peering).toMatchObject({ provider: 'consul.dc1', partition: 'default', peer_name: 'dc2' });
    // One gateway per cluster, in its default partition (it carries the peering and the exports).
    expect(blocks('consul_acl_policy').map(([, b]) => `${b.provider}/${b.name}/${b.partition}`).sort()).toEqual([
      'consul.dc1/mesh-gateway-default/default',
      'consul.dc2/mesh-gateway-default/default',
    ]);
    // Control plane only.
    expect(Object.keys(json.resource).filter((t) => t.startsWith('docker_'))).toEqual([]);
  });

  test('a sameness-group entry in each cluster: the local partition first, then the peer by its local name', () => {
    const [tokenName] = only('consul_peering_token', () => true);
    const [peeringName] = only('consul_peering', () => true);
    for (const [dc, peer] of [
      ['dc1', 'dc2'],
      ['dc2', 'dc1'],
    ]) {
      const [, group] = entry('sameness-group', dc);
      expect(group).toMatchObject({ name: 'products', partition: 'default' });
      // Compared as text: the members' order is the failover order.
      expect(group.config_json).toBe(JSON.stringify({ DefaultForFailover: true, Members: [{ Partition: 'default' }, { Peer: peer }] }));
      // Its own cluster's side of the peering: dc2 accepts (the token), dc1 dials (the peering).
      expect(group.depends_on).toEqual([dc === 'dc2' ? `consul_peering_token.${tokenName}` : `consul_peering.${peeringName}`]);
    }
  });

  test('api is exported to the sameness group from both clusters, after the group entry', () => {
    for (const dc of ['dc1', 'dc2']) {
      const [, exports] = entry('exported-services', dc);
      const [groupName] = entry('sameness-group', dc);
      expect(exports.depends_on).toEqual([`consul_config_entry.${groupName}`]);
      expect(exports).toMatchObject({ name: 'default', partition: 'default' });
      expect(JSON.parse(exports.config_json)).toEqual({
        Services: [{ Name: 'api', Namespace: 'default', Consumers: [{ SamenessGroup: 'products' }] }],
      });
    }
  });

  test("dc1's resolver for api fails over to the group alone, after the group exists", () => {
    const [resolverName, resolver] = only('consul_config_entry_service_resolver', () => true);
    expect(resolverName).toMatch(/^ApiResolver_/);
    expect(resolver).toMatchObject({ name: 'api', provider: 'consul.dc1', partition: 'default', namespace: 'default' });
    expect(resolver.failover).toEqual([{ subset_name: '*', sameness_group: 'products' }]);
    const [groupName] = entry('sameness-group', 'dc1');
    expect(resolver.depends_on).toEqual([`consul_config_entry.${groupName}`]);
  });

  test('intentions allow web where the group sends it: locally in dc1, from any member of the group in dc2', () => {
    const [, dc1] = only('consul_config_entry_service_intentions', (b) => b.provider === 'consul.dc1');
    expect(dc1).toMatchObject({ name: 'api', partition: 'default', namespace: 'default' });
    expect(dc1.sources).toEqual([{ name: 'web', namespace: 'default', action: 'allow', precedence: 9, type: 'consul' }]);
    const [, dc2] = only('consul_config_entry_service_intentions', (b) => b.provider === 'consul.dc2');
    expect(dc2).toMatchObject({ name: 'api', partition: 'default', namespace: 'default' });
    expect(dc2.sources).toEqual([{ name: 'web', namespace: 'default', sameness_group: 'products', action: 'allow', precedence: 9, type: 'consul' }]);
    const [groupName] = entry('sameness-group', 'dc2');
    expect(dc2.depends_on).toEqual([`consul_config_entry.${groupName}`]);
  });

  test("web's upstream names plain api: no destination_peer, the resolver routes it", () => {
    expect(services.map((s) => `${s.partition.cluster.datacenter}/${s.serviceName}`).sort()).toEqual(['dc1/api', 'dc1/web', 'dc2/api']);
    const web = services.find((s) => s.serviceName === 'web') as MeshService;
    expect(web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams).toEqual([
      { destination_name: 'api', local_bind_address: '127.0.0.1', local_bind_port: 9191 },
    ]);
  });

  test("the README's resource count matches the synthesized stack", () => {
    const readme = fs.readFileSync(path.join(EXAMPLE, 'README.md'), 'utf8');
    const count = Object.values(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(readme).toContain(`That is ${count} resources`);
  });
});

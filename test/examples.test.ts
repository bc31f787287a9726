import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

const examplesDir = path.join(__dirname, '..', 'examples');
const examples = fs
  .readdirSync(examplesDir)
  .filter((d) => fs.existsSync(path.join(examplesDir, d, 'stack.ts')))
  .sort();

describe('examples', () => {
  test('there is at least the default example', () => {
    expect(examples).toContain('two-clusters');
  });

  describe.each(examples)('%s', (name) => {
    const dir = path.join(examplesDir, name);

    test('synthesizes every stack with validations on', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { buildApp } = require(path.join(dir, 'stack')) as { buildApp: (outdir?: string) => App };
        const app = buildApp(outdir);
        expect(() => app.synth()).not.toThrow();
        const stacks = fs.readdirSync(path.join(outdir, 'stacks'));
        expect(stacks.length).toBeGreaterThan(0);
        for (const stack of stacks) {
          const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
          expect(Object.keys(json.resource ?? {}).length).toBeGreaterThan(0);
        }
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

    test('imports the library only through its public entry point, like a user', () => {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const libImports = [...text.matchAll(/from '([^']*lib[^']*)'/g)].map((m) => m[1]);
        for (const spec of libImports) expect(spec).toBe('../../lib');
      }
    });

    test('has a README with numbered steps', () => {
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      expect(readme).toMatch(/^1\. /m);
      expect(readme).toMatch(/^2\. /m);
    });
  });
});

describe('examples/enterprise', () => {
  type Block = Record<string, any>;
  let json: { resource: Record<string, Record<string, Block>>; data: Record<string, Record<string, Block>> };
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-enterprise-structure-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp, STACK_NAME } = require(path.join(examplesDir, 'enterprise', 'stack')) as {
      buildApp: (outdir?: string) => App;
      STACK_NAME: string;
    };
    buildApp(outdir).synth(); // validations on
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
  const ref = (type: string, name: string) => `\${${type}.${name}.name}`;
  const partitionRef = (dc: string, name: string) =>
    ref('consul_admin_partition', only('consul_admin_partition', (b) => b.provider === `consul.${dc}` && b.name === name)[0]);
  const uploaded = (container: string, file: string): any => {
    const [, c] = only('docker_container', (b) => b.name === container);
    return JSON.parse(c.upload.find((u: Block) => u.file === file).content);
  };

  test('two Enterprise clusters, each with one non-default admin partition', () => {
    expect(blocks('consul_admin_partition').map(([, b]) => `${b.provider}/${b.name}`).sort()).toEqual([
      'consul.dc1/frontend',
      'consul.dc2/backend',
    ]);
    for (const dc of ['dc1', 'dc2']) {
      const [, mesh] = only('consul_config_entry', (b) => b.kind === 'mesh' && b.provider === `consul.${dc}`);
      expect(mesh.partition).toBe('default');
      expect(JSON.parse(mesh.config_json).Peering).toEqual({ PeerThroughMeshGateways: true });
    }
  });

  test('the namespace is a consul_namespace, and what lives in it references it', () => {
    const [ns, namespace] = only('consul_namespace', () => true);
    expect(namespace).toMatchObject({ name: 'store', partition: 'default', provider: 'consul.dc1' });
    const nsRef = ref('consul_namespace', ns);
    const [, token] = only('consul_acl_token', (b) => (b.service_identities ?? []).some((s: Block) => s.service_name === 'catalog'));
    expect(token).toMatchObject({ namespace: nsRef, partition: 'default', provider: 'consul.dc1' });
    const [, defaults] = only('consul_config_entry_service_defaults', (b) => b.name === 'catalog');
    expect(defaults).toMatchObject({ namespace: nsRef, partition: 'default', protocol: 'http' });
    const [, intentions] = only('consul_config_entry_service_intentions', (b) => b.name === 'catalog');
    expect(intentions.namespace).toBe(nsRef);
    const [, exports] = only('consul_config_entry', (b) => b.kind === 'exported-services' && b.provider === 'consul.dc1');
    // The namespace it exports from, and the consumer partition it names, exist before it.
    const frontend = only('consul_admin_partition', (b) => b.provider === 'consul.dc1' && b.name === 'frontend')[0];
    expect(exports.depends_on).toEqual([`consul_admin_partition.${frontend}`, `consul_namespace.${ns}`]);
    expect(intentions.depends_on).toEqual([`consul_admin_partition.${frontend}`]);
  });

  test('the partition-to-partition call: a Partition consumer, an intention source with partition, destination_partition', () => {
    const [, exports] = only('consul_config_entry', (b) => b.kind === 'exported-services' && b.provider === 'consul.dc1');
    expect(exports).toMatchObject({ name: 'default', partition: 'default' });
    expect(JSON.parse(exports.config_json)).toEqual({
      Services: [{ Name: 'catalog', Namespace: 'store', Consumers: [{ Partition: 'frontend' }] }],
    });
    const [, intentions] = only('consul_config_entry_service_intentions', (b) => b.name === 'catalog');
    expect(intentions.partition).toBe('default');
    expect(intentions.sources).toEqual([
      expect.objectContaining({ name: 'web', partition: 'frontend', namespace: 'default', action: 'allow' }),
    ]);
    expect(intentions.sources[0].peer).toBeUndefined();
    const web = uploaded('dc1-frontend-web-agent', '/consul/config/web.json');
    expect(web.service.connect.sidecar_service.proxy.upstreams).toContainEqual({
      destination_name: 'catalog',
      destination_partition: 'default',
      destination_namespace: 'store',
      local_bind_address: '127.0.0.1',
      local_bind_port: 9191,
      mesh_gateway: { mode: 'local' },
    });
  });

  test('the peering joins the two non-default partitions, named <dc>-<partition> on each side', () => {
    const [tokenName, token] = only('consul_peering_token', () => true);
    expect(token).toMatchObject({ provider: 'consul.dc2', partition: partitionRef('dc2', 'backend'), peer_name: 'dc1-frontend' });
    const [, peering] = only('consul_peering', () => true);
    expect(peering).toMatchObject({
      provider: 'consul.dc1',
      partition: partitionRef('dc1', 'frontend'),
      peer_name: 'dc2-backend',
      peering_token: `\${consul_peering_token.${tokenName}.peering_token}`,
    });
  });

  test('the call across the peering: exported to the peer, allowed from the peer, destination_peer upstream', () => {
    const backend = partitionRef('dc2', 'backend');
    const [, exports] = only('consul_config_entry', (b) => b.kind === 'exported-services' && b.provider === 'consul.dc2');
    expect(exports).toMatchObject({ name: 'backend', partition: 'backend' });
    expect(JSON.parse(exports.config_json)).toEqual({
      Services: [{ Name: 'api', Namespace: 'default', Consumers: [{ Peer: 'dc1-frontend' }] }],
    });
    const [, intentions] = only('consul_config_entry_service_intentions', (b) => b.name === 'api');
    expect(intentions.partition).toBe(backend);
    expect(intentions.sources).toEqual([expect.objectContaining({ name: 'web', peer: 'dc1-frontend', action: 'allow' })]);
    expect(intentions.sources[0].partition).toBeUndefined();
    const web = uploaded('dc1-frontend-web-agent', '/consul/config/web.json');
    expect(web.service.connect.sidecar_service.proxy.upstreams).toContainEqual({
      destination_name: 'api',
      destination_peer: 'dc2-backend',
      local_bind_address: '127.0.0.1',
      local_bind_port: 9192,
      mesh_gateway: { mode: 'local' },
    });
  });

  test('a mesh gateway in every partition, with a policy in its own partition; only default-partition ones read peerings', () => {
    const readsPeerings = { '': { peering: 'read' } };
    const policies = Object.fromEntries(
      blocks('consul_acl_policy').map(([, b]) => {
        const rules = JSON.parse(b.rules);
        return [`${b.provider}/${b.name}`, { partition: b.partition, mesh: rules.mesh, partitionPrefix: rules.partition_prefix }];
      }),
    );
    expect(policies).toEqual({
      'consul.dc1/mesh-gateway-default': { partition: 'default', mesh: 'write', partitionPrefix: readsPeerings },
      'consul.dc1/mesh-gateway-frontend': { partition: partitionRef('dc1', 'frontend'), mesh: 'write', partitionPrefix: undefined },
      'consul.dc2/mesh-gateway-default': { partition: 'default', mesh: 'write', partitionPrefix: readsPeerings },
      'consul.dc2/mesh-gateway-backend': { partition: partitionRef('dc2', 'backend'), mesh: 'write', partitionPrefix: undefined },
    });
    // Peering control-plane traffic goes through the default partitions' gateways: the peering waits for them.
    const ready = Object.keys(json.data.consul_service_health ?? {});
    expect(ready).toHaveLength(2);
    const [, token] = only('consul_peering_token', () => true);
    const [, peering] = only('consul_peering', () => true);
    expect(token.depends_on).toContainEqual(expect.stringMatching(/^data\.consul_service_health\.Dc2_Partitions_default_Gateway_/));
    expect(peering.depends_on).toContainEqual(expect.stringMatching(/^data\.consul_service_health\.Dc1_Partitions_default_Gateway_/));
  });

  test('the data plane runs each pod in its partition (and namespace)', () => {
    expect(uploaded('dc1-frontend-web-agent', '/consul/config/agent.json').partition).toBe('frontend');
    expect(uploaded('dc2-backend-gateway-agent', '/consul/config/agent.json').partition).toBe('backend');
    expect(uploaded('dc1-default-store-catalog-agent', '/consul/config/agent.json').partition).toBeUndefined();
    expect(uploaded('dc1-default-store-catalog-agent', '/consul/config/catalog.json').service.namespace).toBe('store');
    const [, envoy] = only('docker_container', (b) => b.name === 'dc1-default-store-catalog-envoy');
    expect(envoy.command.slice(-4)).toEqual(['-partition', 'default', '-namespace', 'store']);
    const [, image] = only('docker_image', (b) => b.build !== undefined);
    expect(image.build.build_args.CONSUL_IMAGE).toMatch(/^hashicorp\/consul-enterprise:.*-ent$/);
  });
});

describe('examples/failover and examples/split-stacks', () => {
  type Block = Record<string, any>;
  const synth = (example: string): Record<string, any> => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${example}-structure-`));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { buildApp } = require(path.join(examplesDir, example, 'stack')) as { buildApp: (outdir?: string) => App };
      buildApp(outdir).synth(); // validations on
      const stacks = fs.readdirSync(path.join(outdir, 'stacks'));
      return Object.fromEntries(stacks.map((s) => [s, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8'))]));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };
  const all = (json: any, type: string): Block[] => Object.values(json.resource?.[type] ?? {});

  test('failover: one resolver in dc1 (dc2, then dc3), exports and intentions in both, a local-name upstream', () => {
    const { failover: json } = synth('failover');
    expect(all(json, 'consul_config_entry_service_resolver')).toEqual([
      expect.objectContaining({ name: 'api', provider: 'consul.dc1', failover: [{ subset_name: '*', targets: [{ peer: 'dc2' }, { peer: 'dc3' }] }] }),
    ]);
    for (const dc of ['dc2', 'dc3']) {
      const exported = all(json, 'consul_config_entry').find((e) => e.kind === 'exported-services' && e.provider === `consul.${dc}`)!;
      expect(JSON.parse(exported.config_json)).toEqual({ Services: [{ Name: 'api', Consumers: [{ Peer: 'dc1' }] }] });
      const intentions = all(json, 'consul_config_entry_service_intentions').find((e) => e.provider === `consul.${dc}`)!;
      expect(intentions.sources).toEqual([expect.objectContaining({ name: 'web', peer: 'dc1', action: 'allow' })]);
    }
    expect(all(json, 'consul_peering').map((p) => p.peer_name).sort()).toEqual(['dc2', 'dc3']);
  });

  test('split-stacks: each cluster in its own stack; the token crosses as a sensitive output read from state', () => {
    const { dc1, dc2 } = synth('split-stacks');
    expect(dc1.provider.consul.map((p: Block) => p.alias)).toEqual(['dc1']);
    expect(dc2.provider.consul.map((p: Block) => p.alias)).toEqual(['dc2']);
    expect(all(dc2, 'consul_peering_token')).toEqual([expect.objectContaining({ peer_name: 'dc1', provider: 'consul.dc2' })]);
    const outputs = Object.values(dc2.output) as Block[];
    expect(outputs).toEqual([{ value: expect.stringMatching(/^\$\{consul_peering_token\.[\w-]+\.peering_token\}$/), sensitive: true }]);
    const [peering] = all(dc1, 'consul_peering');
    expect(peering).toMatchObject({ peer_name: 'dc2', provider: 'consul.dc1' });
    expect(peering.peering_token).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dc2\.outputs\.[\w-]+\}$/);
    expect(all(dc1, 'consul_peering_token')).toEqual([]);
    expect(all(dc2, 'consul_peering')).toEqual([]);
    // The export and the intention live with api, in dc2's stack.
    expect(all(dc2, 'consul_config_entry_service_intentions')).toEqual([expect.objectContaining({ name: 'api', sources: [expect.objectContaining({ name: 'web', peer: 'dc1' })] })]);
    expect(all(dc1, 'consul_config_entry_service_intentions')).toEqual([]);
  });
});

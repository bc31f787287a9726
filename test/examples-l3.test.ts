/*
 * The examples built on the declarative mesh (ConsulMesh): `two-clusters` (the default example, which must
 * write the same JSON as `two-clusters-l2`, the same topology written with the L2 constructs) and
 * `three-clusters` (a triangle of peerings with calls across all three clusters, on the Docker data plane
 * with derived addresses).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { ConsulMesh, MeshAddressPlan } from '../lib';
import { TwoClustersStack as TwoClustersL3Stack } from '../examples/two-clusters/stack';
import { TwoClustersL2Stack as TwoClustersStack } from '../examples/two-clusters-l2/stack';
import * as three from '../examples/three-clusters/stack';
import * as lab from '../examples/local-lab/stack';

const EXAMPLES = path.join(__dirname, '..', 'examples');

type Block = Record<string, any>;
type Json = Record<string, any>;

/** Synthesizes `build` into a temporary directory and returns each stack's parsed cdk.tf.json and its text. */
function synthesize(build: (app: App) => void): Record<string, { json: Json; text: string }> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-l3-'));
  try {
    const app = new App({ outdir });
    build(app);
    app.synth(); // validations on
    const stacks: Record<string, { json: Json; text: string }> = {};
    for (const name of fs.readdirSync(path.join(outdir, 'stacks'))) {
      const text = fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
      stacks[name] = { json: JSON.parse(text), text };
    }
    return stacks;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A copy without cdktf's `//` comments (Terraform ignores them). */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, withoutComments(v)]));
}

/**
 * Lines of user code in an example's stack module, as the READMEs count them: every non-blank, non-comment
 * line of the file except the imports and the boilerplate the examples share (`export const STACK_NAME` and
 * `export function buildApp`). Module-level constants (a topology, helpers) count like the constructor.
 */
function userCodeLines(file: string): number {
  let inComment = false;
  let skipUntil: RegExp | undefined;
  let count = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim();
    if (inComment) {
      inComment = !t.includes('*/');
    } else if (t.startsWith('/*')) {
      inComment = !t.includes('*/');
    } else if (skipUntil) {
      if (skipUntil.test(line)) skipUntil = undefined;
    } else if (t === '' || t.startsWith('//')) {
      // blank or a comment
    } else if (/^import\b/.test(line)) {
      if (!t.endsWith(';')) skipUntil = /;\s*$/; // a multi-line import
    } else if (/^export function buildApp\(/.test(line)) {
      skipUntil = /^\}/;
    } else if (!/^export const STACK_NAME = /.test(line)) {
      count++;
    }
  }
  return count;
}

describe('examples/two-clusters (on the L3) against examples/two-clusters-l2', () => {
  // Both under the default example's stack name, so backend path and stack metadata are the same too.
  const l2 = synthesize((app) => new TwoClustersStack(app, 'two-clusters'))['two-clusters'];
  const l3 = synthesize((app) => new TwoClustersL3Stack(app, 'two-clusters'))['two-clusters'];

  test('writes the default example\'s JSON resource for resource: same Terraform addresses, same blocks', () => {
    for (const section of ['resource', 'data']) {
      const types = Object.keys(l2.json[section]).sort();
      expect(Object.keys(l3.json[section]).sort()).toEqual(types);
      for (const type of types) {
        expect({ type, addresses: Object.keys(l3.json[section][type]).sort() }).toEqual({ type, addresses: Object.keys(l2.json[section][type]).sort() });
        for (const [name, block] of Object.entries<Block>(l2.json[section][type])) {
          const mine = withoutComments(l3.json[section][type][name]) as Block;
          const theirs = withoutComments(block) as Block;
          expect({ address: `${type}.${name}`, block: mine }).toEqual({ address: `${type}.${name}`, block: theirs });
        }
      }
    }
    for (const section of ['provider', 'variable', 'terraform']) expect(l3.json[section]).toEqual(l2.json[section]);
  });

  test('is byte-identical to it once the construct path segment "Default" is left out', () => {
    expect(l3.text.split('two-clusters/Default/').join('two-clusters/')).toBe(l2.text);
    // Testing.synth (sorted keys, no `//` comments) is identical: the path segment "Default" appears nowhere else.
    const a = Testing.synth(new TwoClustersStack(Testing.app(), 'two-clusters'), true);
    const b = Testing.synth(new TwoClustersL3Stack(Testing.app(), 'two-clusters'), true);
    expect(b).toBe(a);
  });

  test('is at most 25 lines of user code, as its README says', () => {
    const count = userCodeLines(path.join(EXAMPLES, 'two-clusters', 'stack.ts'));
    expect(count).toBeLessThanOrEqual(25);
    const readme = fs.readFileSync(path.join(EXAMPLES, 'two-clusters', 'README.md'), 'utf8');
    expect(readme).toContain(`${count} lines of user code`);
    expect(readme).toContain(`${userCodeLines(path.join(EXAMPLES, 'two-clusters-l2', 'stack.ts'))} lines`);
  });

  test('derives its lab topology and every address: only the call\'s local port is given', () => {
    const mesh = new TwoClustersL3Stack(Testing.app(), 'two-clusters').node.findChild('Default') as ConsulMesh;
    expect(mesh.labTopology).toEqual(MeshAddressPlan.labTopology(['dc1', 'dc2']));
    expect(mesh.labTopology).toEqual(lab.TOPOLOGY);
    expect(mesh.allocations.filter((a) => a.pinned)).toEqual([
      { owner: 'upstream dc1/web -> dc2/api', network: '127.0.0.1 in the pod of dc1/web', value: '9191', pinned: true },
    ]);
    expect(mesh.allocations.filter((a) => !a.pinned)).toHaveLength(6); // two gateways (LAN and WAN), two services
  });

  test('its README and the local lab\'s state the derived topology and addresses', () => {
    const mesh = new TwoClustersL3Stack(Testing.app(), 'two-clusters').node.findChild('Default') as ConsulMesh;
    for (const example of ['two-clusters', 'two-clusters-l2', 'local-lab']) {
      const readme = fs.readFileSync(path.join(EXAMPLES, example, 'README.md'), 'utf8');
      expect({ example, wan: readme.includes(mesh.labTopology!.wanSubnet) }).toEqual({ example, wan: true });
      for (const c of mesh.labTopology!.clusters) {
        expect({ example, lan: readme.includes(c.lanSubnet) }).toEqual({ example, lan: true });
        expect({ example, http: readme.includes(`127.0.0.1:${c.httpHostPort}`) }).toEqual({ example, http: true });
      }
      for (const a of mesh.allocations.filter((x) => !x.pinned)) {
        expect({ example, address: a.value, found: readme.includes(a.value) }).toEqual({ example, address: a.value, found: true });
      }
    }
  });
});

describe('examples/three-clusters', () => {
  const stacks = synthesize((app) => {
    new three.ThreeClustersLabStack(app, three.LAB_STACK_NAME);
    new three.ThreeClustersStack(app, three.STACK_NAME);
  });
  const mesh = stacks[three.STACK_NAME].json;
  const lab = stacks[three.LAB_STACK_NAME].json;
  const blocks = (json: Json, type: string): Block[] => Object.values(json.resource[type] ?? {});
  const container = (name: string): Block => {
    const found = blocks(mesh, 'docker_container').filter((c) => c.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const definition = (pod: string, service: string): any =>
    JSON.parse(container(`${pod}-agent`).upload.find((u: Block) => u.file === `/consul/config/${service}.json`).content);

  test('buildApp builds the lab stack and the mesh stack', () => {
    const app = three.buildApp(fs.mkdtempSync(path.join(os.tmpdir(), 'three-clusters-')));
    expect(app.node.children.map((c) => c.node.id)).toEqual([three.LAB_STACK_NAME, three.STACK_NAME]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('three Community clusters, each provider pointed at its lab server', () => {
    expect(mesh.provider.consul.map((p: Block) => [p.alias, p.address, p.datacenter])).toEqual(
      three.TOPOLOGY.clusters.map((c) => [c.datacenter, `127.0.0.1:${c.httpHostPort}`, c.datacenter]),
    );
    expect(blocks(mesh, 'consul_admin_partition')).toEqual([]);
    expect(blocks(mesh, 'consul_namespace')).toEqual([]);
  });

  test('a triangle of peerings derived from the calls: the side that sorts last accepts', () => {
    const tokens = blocks(mesh, 'consul_peering_token').map((t) => `${t.provider} calls it ${t.peer_name}`).sort();
    const peerings = blocks(mesh, 'consul_peering').map((p) => `${p.provider} calls it ${p.peer_name}`).sort();
    expect(tokens).toEqual(['consul.dc2 calls it dc1', 'consul.dc3 calls it dc1', 'consul.dc3 calls it dc2']);
    expect(peerings).toEqual(['consul.dc1 calls it dc2', 'consul.dc1 calls it dc3', 'consul.dc2 calls it dc3']);
  });

  test('calls across all three clusters: export, intention and upstream for each', () => {
    const calls: Array<[string, string, string, string, string]> = [
      // caller pod, caller, callee, the caller's name for the callee's cluster, the callee's name for the caller's
      ['dc1-default-web', 'web', 'api', 'dc2', 'dc1'],
      ['dc2-default-api', 'api', 'payments', 'dc3', 'dc2'],
      ['dc3-default-payments', 'payments', 'ledger', 'dc1', 'dc3'],
    ];
    for (const [pod, caller, callee, peer, back] of calls) {
      const calleeDc = peer; // each side calls the other by its datacenter
      expect(definition(pod, caller).service.connect.sidecar_service.proxy.upstreams).toEqual([
        {
          destination_name: callee,
          destination_peer: peer,
          local_bind_address: '127.0.0.1',
          local_bind_port: MeshAddressPlan.localBindPort(calleeDc, 'default', 'default', callee),
          mesh_gateway: { mode: 'local' },
        },
      ]);
      const [intentions] = blocks(mesh, 'consul_config_entry_service_intentions').filter((i) => i.name === callee);
      expect(intentions.provider).toBe(`consul.${calleeDc}`);
      expect(intentions.sources).toEqual([expect.objectContaining({ name: caller, peer: back, action: 'allow' })]);
      const [exports] = blocks(mesh, 'consul_config_entry').filter((e) => e.kind === 'exported-services' && e.provider === `consul.${calleeDc}`);
      expect(JSON.parse(exports.config_json).Services).toEqual([{ Name: callee, Consumers: [{ Peer: back }] }]);
    }
  });

  test('the data plane: every pod on its derived address, an HA pair of gateways in dc2', () => {
    const pauses = blocks(mesh, 'docker_container')
      .filter((c) => c.name.endsWith('-pause'))
      .map((c) => [c.name.replace(/-pause$/, ''), c.networks_advanced.map((n: Block) => `${n.name} ${n.ipv4_address}`)]);
    const lan = (dc: string) => three.TOPOLOGY.clusters.find((c) => c.datacenter === dc)!.lanSubnet;
    const wan = three.TOPOLOGY.wanSubnet;
    const gateway = (dc: string, n: number) => [
      `${dc}-lan ${MeshAddressPlan.gatewayLanAddress(lan(dc), 'default', n)}`,
      `consul-wan ${MeshAddressPlan.gatewayWanAddress(wan, dc, 'default', n)}`,
    ];
    const service = (dc: string, name: string) => [`${dc}-lan ${MeshAddressPlan.serviceLanAddress(lan(dc), 'default', 'default', name)}`];
    expect(Object.fromEntries(pauses)).toEqual({
      'dc1-default-gateway': gateway('dc1', 1),
      'dc1-default-web': service('dc1', 'web'),
      'dc1-default-ledger': service('dc1', 'ledger'),
      'dc2-default-gateway': gateway('dc2', 1),
      'dc2-default-gateway2': gateway('dc2', 2),
      'dc2-default-api': service('dc2', 'api'),
      'dc3-default-gateway': gateway('dc3', 1),
      'dc3-default-payments': service('dc3', 'payments'),
    });
    // Each gateway pod has its own policy; dc2's two are told apart by construct id.
    expect(blocks(mesh, 'consul_acl_policy').map((p) => `${p.provider} ${p.name}`).sort()).toEqual([
      'consul.dc1 mesh-gateway-default',
      'consul.dc2 mesh-gateway-default-gateway',
      'consul.dc2 mesh-gateway-default-gateway2',
      'consul.dc3 mesh-gateway-default',
    ]);
  });

  test('the lab stack creates the networks and servers of the same derived topology', () => {
    expect(three.TOPOLOGY).toEqual(MeshAddressPlan.labTopology(['dc3', 'dc2', 'dc1']));
    expect(blocks(lab, 'docker_network').map((n) => [n.name, n.ipam_config[0].subnet]).sort()).toEqual(
      [['consul-wan', three.TOPOLOGY.wanSubnet], ...three.TOPOLOGY.clusters.map((c) => [`${c.datacenter}-lan`, c.lanSubnet])].sort(),
    );
    expect(blocks(lab, 'docker_container').map((c) => [c.name, c.ports[0].external]).sort()).toEqual(
      three.TOPOLOGY.clusters.map((c) => [`${c.datacenter}-server`, c.httpHostPort]).sort(),
    );
    expect(lab.provider.consul).toBeUndefined();
  });

  test('has a README that states the derived addresses it shows', () => {
    const readme = fs.readFileSync(path.join(EXAMPLES, 'three-clusters', 'README.md'), 'utf8');
    for (const c of three.TOPOLOGY.clusters) {
      expect(readme).toContain(c.lanSubnet);
      expect(readme).toContain(`127.0.0.1:${c.httpHostPort}`);
    }
    for (const [dc, callee] of [['dc2', 'api'], ['dc3', 'payments'], ['dc1', 'ledger']]) {
      expect(readme).toContain(`127.0.0.1:${MeshAddressPlan.localBindPort(dc, 'default', 'default', callee)}`);
    }
    expect(readme).toMatch(/^1\. /m);
  });
});

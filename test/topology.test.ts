import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { buildApp } from '../examples/two-clusters/stack';
import { TwoClustersL2Stack } from '../examples/two-clusters-l2/stack';
import {
  ClusterPeering,
  Connection,
  ConsulCluster,
  ConsulEdition,
  ExportConsumer,
  ExportConsumerKind,
  MeshGatewayMode,
  MeshService,
  renderTopology,
  Topology,
  TopologyDiagrams,
} from '../lib';

// ---------------------------------------------------------------------------------------------------------
// Reading the two formats back (just enough of each grammar for what renderTopology writes).

/** The documented id scheme: letters and digits kept, "/" as "__", any other character as "_<hex>_". */
function idOf(prefix: string, constructPath: string): string {
  let out = `${prefix}_`;
  for (const ch of constructPath) {
    if (/[A-Za-z0-9]/.test(ch)) out += ch;
    else if (ch === '/') out += '__';
    else out += `_${ch.codePointAt(0)!.toString(16)}_`;
  }
  return out;
}
const nodeId = (c: IConstruct) => idOf('n', c.node.path);
const partitionId = (c: IConstruct) => idOf('p', c.node.path);

/** Mermaid entity codes and line breaks back to text. */
function unMermaid(label: string): string {
  return label
    .replace(/<br\/>/g, '\n')
    .replace(/#quot;/g, '"')
    .replace(/#lt;/g, '<')
    .replace(/#gt;/g, '>')
    .replace(/#amp;/g, '&')
    .replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)));
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'peering' | 'export' | 'call';
  readonly label: string;
}

/** Mermaid edges, normalized: an export (written `consumer <-.- service`) reads service -> consumer. */
function mermaidEdges(mermaid: string): Edge[] {
  const edges: Edge[] = [];
  for (const line of mermaid.split('\n')) {
    const m = /^ {2}(\w+) (===|<-\.-|-->)\|"([^"]*)"\| (\w+)$/.exec(line);
    if (!m) continue;
    const label = unMermaid(m[3]);
    if (m[2] === '===') edges.push({ from: m[1], to: m[4], kind: 'peering', label });
    else if (m[2] === '<-.-') edges.push({ from: m[4], to: m[1], kind: 'export', label });
    else edges.push({ from: m[1], to: m[4], kind: 'call', label });
  }
  return edges;
}

/** Mermaid nodes (id -> label) and subgraphs (id -> title). */
function mermaidNodes(mermaid: string): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const line of mermaid.split('\n')) {
    const node = /^\s+(\w+)(?:\{\{|\(\[|\[)"([^"]*)"(?:\}\}|\]\)|\])$/.exec(line);
    if (node) nodes.set(node[1], unMermaid(node[2]));
    const group = /^\s+subgraph (\w+) \["([^"]*)"\]$/.exec(line);
    if (group) nodes.set(group[1], unMermaid(group[2]));
  }
  return nodes;
}

const DOT_STRING = '"((?:[^"\\\\]|\\\\.)*)"';

function unDot(text: string): string {
  return text.replace(/\\(.)|&amp;/g, (all, ch) => (all === '&amp;' ? '&' : ch === 'n' ? '\n' : ch));
}

/** DOT statements `a -> b [label="...", ...]` as [tail, head, label, attributes]. */
function dotEdges(dot: string): Array<{ tail: string; head: string; label?: string; attrs: string }> {
  const out: Array<{ tail: string; head: string; label?: string; attrs: string }> = [];
  for (const line of dot.split('\n')) {
    const m = /^ {2}(\w+) -> (\w+) \[(.*)\];$/.exec(line);
    if (!m) continue;
    const label = new RegExp(`label=${DOT_STRING}`).exec(m[3]);
    out.push({ tail: m[1], head: m[2], label: label ? unDot(label[1]) : undefined, attrs: m[3] });
  }
  return out;
}

/** DOT node statements (id -> label). */
function dotNodes(dot: string): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const line of dot.split('\n')) {
    const m = new RegExp(`^\\s+(\\w+) \\[label=${DOT_STRING}`).exec(line);
    if (m) nodes.set(m[1], unDot(m[2]));
  }
  return nodes;
}

/** The DOT edges of one kind, peerings joined across their label box: tail -> head with the box's label. */
function dotEdgesOf(dot: string, kind: Edge['kind']): Edge[] {
  const edges = dotEdges(dot);
  const nodes = dotNodes(dot);
  if (kind === 'peering') {
    const boxes = [...nodes.keys()].filter((id) => id.startsWith('e_'));
    return boxes.map((box) => {
      const into = edges.filter((e) => e.head === box);
      const out = edges.filter((e) => e.tail === box);
      expect(into).toHaveLength(1);
      expect(out).toHaveLength(1);
      return { from: into[0].tail, to: out[0].head, kind, label: nodes.get(box)! };
    });
  }
  const style = kind === 'export' ? /style=dashed/ : /penwidth=2/;
  return edges.filter((e) => style.test(e.attrs) && e.label !== undefined).map((e) => ({ from: e.tail, to: e.head, kind, label: e.label! }));
}

const anchor = (c: IConstruct) => `${partitionId(c)}__anchor`;

const hasDot = spawnSync('dot', ['-V']).status === 0;

// ---------------------------------------------------------------------------------------------------------
// Programs

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * The default example's topology as its L2 version writes it (under the default example's stack name, so the
 * node ids are the ones of a hand-written program; the default example itself is checked against the README).
 */
function defaultExample(): { app: App; stack: TerraformStack; dc1: ConsulCluster; dc2: ConsulCluster } {
  const app = new App({ outdir: tmpDir() });
  const stack = new TwoClustersL2Stack(app, 'two-clusters');
  return { app, stack, dc1: stack.node.findChild('Dc1') as ConsulCluster, dc2: stack.node.findChild('Dc2') as ConsulCluster };
}

/**
 * Three Community clusters; dc1's one gateway carries two peerings in both roles: dc1 dials dc2 (default
 * names), dc3 dials dc1 (dc1 calls dc3 "east", dc3 calls dc1 "hub"). web (dc1) calls api (dc2), db (dc3) and
 * cache (dc1, locally); report (dc3) calls web. `reordered` declares the same program in another order.
 */
function hub(reordered = false): App {
  const app = new App({ outdir: tmpDir() });
  const stack = new TerraformStack(app, 'hub');
  const dcs = reordered ? ['dc3', 'dc2', 'dc1'] : ['dc1', 'dc2', 'dc3'];
  const clusters = new Map<string, ConsulCluster>();
  for (const dc of dcs) {
    const mode = dc === 'dc1' ? MeshGatewayMode.LOCAL : undefined;
    clusters.set(dc, new ConsulCluster(stack, dc.toUpperCase().replace('DC', 'Dc'), { datacenter: dc, address: `${dc}:8500`, meshGatewayMode: mode }));
  }
  const [dc1, dc2, dc3] = ['dc1', 'dc2', 'dc3'].map((dc) => clusters.get(dc)!.defaultPartition);
  const gateways = () => {
    for (const [i, p] of [dc1, dc2, dc3].entries()) p.addMeshGateway('Gateway', { lanAddress: `10.${i + 1}.0.10`, wanAddress: `192.0.2.${i + 1}0` });
  };
  const services = () => {
    const s = reordered
      ? { report: dc3.addService('Report', { port: 81 }), db: dc3.addService('Db', { port: 5432 }), cache: dc1.addService('Cache', { port: 6379 }), api: dc2.addService('Api', { port: 80 }), web: dc1.addService('Web', { port: 80 }) }
      : { web: dc1.addService('Web', { port: 80 }), cache: dc1.addService('Cache', { port: 6379 }), api: dc2.addService('Api', { port: 80 }), db: dc3.addService('Db', { port: 5432 }), report: dc3.addService('Report', { port: 81 }) };
    return s;
  };
  const peerings = () => {
    const make = [
      () => new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2, dialer: dc1 }),
      () => new ClusterPeering(stack, 'Dc1Dc3', { acceptor: dc1, dialer: dc3, acceptorPeerName: 'east', dialerPeerName: 'hub' }),
    ];
    const [a, b] = (reordered ? make.reverse() : make).map((f) => f());
    return reordered ? { dc1dc2: b, dc3dc1: a } : { dc1dc2: a, dc3dc1: b };
  };
  let s: ReturnType<typeof services>;
  let p: ReturnType<typeof peerings>;
  if (reordered) {
    s = services();
    p = peerings();
    gateways();
  } else {
    gateways();
    p = peerings();
    s = services();
  }
  const calls = [
    () => s.web.connectTo(s.api, { via: p.dc1dc2, localBindPort: 9191 }),
    () => s.web.connectTo(s.db, { via: p.dc3dc1, localBindPort: 9192 }),
    () => s.web.connectTo(s.cache, { localBindPort: 9193 }),
    () => s.report.connectTo(s.web, { via: p.dc3dc1, localBindPort: 9194 }),
  ];
  (reordered ? calls.reverse() : calls).forEach((call) => call());
  return app;
}

function servicesOf(app: App): MeshService[] {
  return app.node.findAll().filter((c): c is MeshService => c instanceof MeshService);
}

// ---------------------------------------------------------------------------------------------------------

describe('renderTopology', () => {
  describe('the default example', () => {
    const { app, dc1, dc2 } = defaultExample();
    const { mermaid, dot } = renderTopology(app);
    const [p1, p2] = [dc1.defaultPartition, dc2.defaultPartition];
    const [gw1, gw2] = [p1.meshGateways[0], p2.meshGateways[0]];
    const [web, api] = [p1.services[0], p2.services[0]];

    test('draws each cluster as a group holding its partition, with gateways and services inside', () => {
      expect(mermaid.startsWith('%% Consul topology')).toBe(true);
      expect(mermaid.split('\n')[1]).toBe('flowchart LR');
      const lines = mermaid.split('\n');
      const at = (text: string) => lines.findIndex((l) => l.trim().startsWith(text));
      // cluster dc1 { partition default { gateway, web } } cluster dc2 { partition default { gateway, api } }
      const order = [
        `subgraph ${idOf('c', dc1.node.path)} ["cluster dc1 (Community)"]`,
        `subgraph ${partitionId(p1)} ["partition default"]`,
        `${nodeId(gw1)}{{"mesh-gateway<br/>mode local<br/>WAN 10.10.119.200:8443<br/>peers #quot;dc2#quot;"}}`,
        `${nodeId(web)}(["web"])`,
        `subgraph ${idOf('c', dc2.node.path)} ["cluster dc2 (Community)"]`,
        `subgraph ${partitionId(p2)} ["partition default"]`,
        `${nodeId(gw2)}{{"mesh-gateway<br/>mode local<br/>WAN 10.10.100.57:8443<br/>peers #quot;dc1#quot;"}}`,
        `${nodeId(api)}(["api"])`,
      ].map(at);
      expect(order.every((i) => i > 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(lines.filter((l) => l.trim() === 'end')).toHaveLength(4);
      // Ids come from construct paths.
      expect(nodeId(web)).toBe('n_two_2d_clusters__Dc1__Partitions__default__Web');
    });

    test('has exactly the peering, the export and the call, in both formats', () => {
      const expected: Edge[] = [
        { from: partitionId(p1), to: partitionId(p2), kind: 'peering', label: 'dc1 calls it "dc2"\ndc2 calls it "dc1"\n(dc2 accepts, through gateways)' },
        { from: nodeId(api), to: partitionId(p1), kind: 'export', label: 'exported to peer "dc1"' },
        { from: nodeId(web), to: nodeId(api), kind: 'call', label: 'calls via peer "dc2" (:9191)' },
      ];
      expect(mermaidEdges(mermaid)).toEqual(expected);
      const anchored = (e: Edge): Edge => ({ ...e, from: e.from.startsWith('p_') ? `${e.from}__anchor` : e.from, to: e.to.startsWith('p_') ? `${e.to}__anchor` : e.to });
      expect([...dotEdgesOf(dot, 'peering'), ...dotEdgesOf(dot, 'export'), ...dotEdgesOf(dot, 'call')]).toEqual(expected.map(anchored));
      // Edges to a partition end at the partition's box.
      expect(dot).toContain(`${nodeId(api)} -> ${anchor(p1)} [label="exported to peer \\"dc1\\"", style=dashed, color="#2f855a", fontcolor="#22543d", constraint=false, lhead=cluster_${partitionId(p1)}];`);
    });

    test('the DOT has the same groups and nodes as the Mermaid', () => {
      expect(dot).toContain(`subgraph cluster_${idOf('c', dc1.node.path)} {`);
      expect(dot).toContain(`subgraph cluster_${partitionId(p2)} {`);
      const nodes = dotNodes(dot);
      const fromMermaid = mermaidNodes(mermaid);
      for (const c of [gw1, gw2, web, api]) {
        expect(nodes.get(nodeId(c))).toBeDefined();
        expect(nodes.get(nodeId(c))).toBe(fromMermaid.get(nodeId(c)));
      }
      expect(nodes.get(nodeId(gw1))).toBe('mesh-gateway\nmode local\nWAN 10.10.119.200:8443\npeers "dc2"');
    });

    test.each([
      ['the App', (x: ReturnType<typeof defaultExample>) => x.app],
      ['its Stack', (x: ReturnType<typeof defaultExample>) => x.stack],
    ])('rendering %s gives the same picture', (_, scope) => {
      const x = defaultExample();
      expect(Topology.render(scope(x))).toEqual({ mermaid, dot });
    });

    test('a scope inside one cluster draws that cluster, and the other side as plain nodes', () => {
      const x = defaultExample();
      const one = renderTopology(x.dc1);
      expect(renderTopology(x.dc1.defaultPartition.services[0])).toEqual(one);
      const nodes = mermaidNodes(one.mermaid);
      expect(nodes.has(idOf('c', x.dc2.node.path))).toBe(false);
      const dc2Side = idOf('x', x.dc2.defaultPartition.node.path);
      const remoteApi = idOf('x', x.dc2.defaultPartition.services[0].node.path);
      expect(nodes.get(dc2Side)).toBe('partition dc2\n(not in this picture)');
      expect(nodes.get(remoteApi)).toBe('api\nin dc2\n(not in this picture)');
      expect(mermaidEdges(one.mermaid)).toEqual([
        { from: partitionId(x.dc1.defaultPartition), to: dc2Side, kind: 'peering', label: 'dc1 calls it "dc2"\ndc2 calls it "dc1"\n(dc2 accepts, through gateways)' },
        { from: nodeId(x.dc1.defaultPartition.services[0]), to: remoteApi, kind: 'call', label: 'calls via peer "dc2" (:9191)' },
      ]);
    });

    test('is the picture in the README', () => {
      const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
      const section = readme.split(/^## /m).find((s) => s.startsWith('Topology picture'));
      expect(section).toBeDefined();
      const block = /```mermaid\n([\s\S]*?)```/.exec(section!);
      expect(block).not.toBeNull();
      expect(block![1]).toBe(renderTopology(buildApp()).mermaid);
    });
  });

  describe('a hub gateway carrying two peerings', () => {
    const app = hub();
    const { mermaid, dot } = renderTopology(app);
    const stack = app.node.findChild('hub');
    const cluster = (id: string) => stack.node.findChild(id) as ConsulCluster;
    const [dc1, dc2, dc3] = ['Dc1', 'Dc2', 'Dc3'].map((id) => cluster(id).defaultPartition);

    test('labels each peering edge with the name each side uses for the other', () => {
      const peerings = mermaidEdges(mermaid).filter((e) => e.kind === 'peering');
      expect(peerings).toEqual([
        { from: partitionId(dc3), to: partitionId(dc1), kind: 'peering', label: 'dc3 calls it "hub"\ndc1 calls it "east"\n(dc1 accepts, through gateways)' },
        { from: partitionId(dc1), to: partitionId(dc2), kind: 'peering', label: 'dc1 calls it "dc2"\ndc2 calls it "dc1"\n(dc2 accepts, through gateways)' },
      ]);
      expect(dotEdgesOf(dot, 'peering').map((e) => e.label)).toEqual(peerings.map((e) => e.label));
    });

    test("shows the hub gateway carrying both peerings, in the cluster's mode", () => {
      const label = 'mesh-gateway\nmode local\nWAN 192.0.2.10:8443\npeers "east", "dc2"';
      expect(mermaidNodes(mermaid).get(nodeId(dc1.meshGateways[0]))).toBe(label);
      expect(dotNodes(dot).get(nodeId(dc1.meshGateways[0]))).toBe(label);
      expect(dotNodes(dot).get(nodeId(dc2.meshGateways[0]))).toBe('mesh-gateway\nmode remote\nWAN 192.0.2.20:8443\npeers "dc1"');
    });

    test('draws every connection as an edge from caller to callee', () => {
      const connections = servicesOf(app).flatMap((s) => Connection.from(s));
      expect(connections).toHaveLength(4);
      const expected = connections
        .map((c) => ({
          from: nodeId(c.caller),
          to: nodeId(c.callee),
          kind: 'call' as const,
          label: c.via ? `calls via peer "${c.callerPeerName}" (:${c.upstream.localBindPort})` : `calls locally (:${c.upstream.localBindPort})`,
        }))
        .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
      const sort = (edges: Edge[]) => [...edges].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
      expect(sort(mermaidEdges(mermaid).filter((e) => e.kind === 'call'))).toEqual(expected);
      expect(sort(dotEdgesOf(dot, 'call'))).toEqual(expected);
      expect(mermaidEdges(mermaid).map((e) => e.label)).toContain('calls via peer "east" (:9192)');
      expect(mermaidEdges(mermaid).map((e) => e.label)).toContain('calls via peer "hub" (:9194)');
    });

    test("draws every export from the service to the consumer's side", () => {
      const expected: Edge[] = [];
      for (const partition of [dc1, dc2, dc3]) {
        for (const e of partition.exportedServices?.services ?? []) {
          const service = partition.services.find((s) => s.serviceName === e.serviceName)!;
          for (const consumer of e.consumers) {
            expect(consumer.kind).toBe(ExportConsumerKind.PEER);
            const peering = partition.peerings.find((p) => p.peerNameIn(partition) === consumer.name)!;
            expected.push({ from: nodeId(service), to: partitionId(peering.remoteOf(partition)!), kind: 'export', label: `exported to peer "${consumer.name}"` });
          }
        }
      }
      // web to "east" (dc3, for report), api to "dc1", db to "hub" (dc1, for web).
      expect(expected).toHaveLength(3);
      expect(mermaidEdges(mermaid).filter((e) => e.kind === 'export')).toEqual(expected);
      expect(dotEdgesOf(dot, 'export')).toEqual(expected.map((e) => ({ ...e, to: `${e.to}__anchor` })));
    });

    test('is the same for the same program built in another order', () => {
      expect(renderTopology(hub())).toEqual({ mermaid, dot });
      expect(renderTopology(hub(true))).toEqual({ mermaid, dot });
    });

    test('a Graphviz that is installed reads the DOT', () => {
      if (!hasDot) return; // `dot` is optional; the synth script says so when it is missing
      const svg = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
      expect(svg.stderr).toBe('');
      expect(svg.status).toBe(0);
      expect(svg.stdout).toContain('dc3 calls it &quot;hub&quot;');
      expect(svg.stdout).toContain('calls via peer &quot;east&quot; (:9192)');
    });
  });

  describe('the three-cluster live fixture', () => {
    test("draws both peerings of dc1's gateway with their names, every call and every export", () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fixture = require('./engine/fixtures/live-hub/stack') as { buildApp: (outdir?: string) => App };
      const app = fixture.buildApp(tmpDir());
      const { mermaid, dot } = renderTopology(app);
      const clusters = app.node.findAll().filter((c): c is ConsulCluster => c instanceof ConsulCluster);
      const [dc1, dc2, dc3] = ['dc1', 'dc2', 'dc3'].map((dc) => clusters.find((c) => c.datacenter === dc)!.defaultPartition);
      expect(mermaidNodes(mermaid).get(nodeId(dc1.meshGateways[0]))).toBe('mesh-gateway\nmode local\nWAN 10.10.0.11:8443\npeers "dc3", "dc2"');
      const edges = mermaidEdges(mermaid);
      expect(edges.filter((e) => e.kind === 'peering')).toEqual([
        { from: partitionId(dc3), to: partitionId(dc1), kind: 'peering', label: 'dc3 calls it "dc1"\ndc1 calls it "dc3"\n(dc1 accepts, through gateways)' },
        { from: partitionId(dc1), to: partitionId(dc2), kind: 'peering', label: 'dc1 calls it "dc2"\ndc2 calls it "dc1"\n(dc2 accepts, through gateways)' },
      ]);
      const calls = servicesOf(app)
        .flatMap((s) => Connection.from(s))
        .map((c) => `${c.caller.serviceName} -> ${c.callee.serviceName}: calls via peer "${c.callerPeerName}" (:${c.upstream.localBindPort})`);
      expect(calls.sort()).toEqual([
        'report -> web: calls via peer "dc1" (:9193)',
        'web -> api: calls via peer "dc2" (:9191)',
        'web -> db: calls via peer "dc3" (:9192)',
      ]);
      const name = (id: string) => mermaidNodes(mermaid).get(id);
      expect(edges.filter((e) => e.kind === 'call').map((e) => `${name(e.from)} -> ${name(e.to)}: ${e.label}`).sort()).toEqual(calls.sort());
      const [web, api, db] = [dc1.services[0], dc2.services[0], dc3.services[0]];
      expect([web, api, db].map((s) => s.serviceName)).toEqual(['web', 'api', 'db']);
      expect(edges.filter((e) => e.kind === 'export')).toEqual([
        { from: nodeId(web), to: partitionId(dc3), kind: 'export', label: 'exported to peer "dc3"' },
        { from: nodeId(api), to: partitionId(dc1), kind: 'export', label: 'exported to peer "dc1"' },
        { from: nodeId(db), to: partitionId(dc1), kind: 'export', label: 'exported to peer "dc1"' },
      ]);
      expect(dotEdgesOf(dot, 'call')).toHaveLength(3);
      expect(dotEdgesOf(dot, 'export')).toHaveLength(3);
      expect(dotEdgesOf(dot, 'peering').map((e) => e.label)).toEqual(edges.filter((e) => e.kind === 'peering').map((e) => e.label));
    });
  });

  describe('Enterprise partitions, namespaces and other consumers', () => {
    test('shows namespaces that are not default, partition calls and sameness-group exports', () => {
      const app = new App();
      const stack = new TerraformStack(app, 'ent');
      const dc = new ConsulCluster(stack, 'Dc', { datacenter: 'dc', address: 'dc:8500', edition: ConsulEdition.ENTERPRISE });
      const ap1 = dc.addPartition('ap1');
      ap1.addMeshGateway('Gateway', { lanAddress: '10.0.1.10', wanAddress: '192.0.2.1' });
      dc.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.0.10', wanAddress: '192.0.2.2' });
      const db = ap1.addService('Db', { port: 5432, namespace: 'data' });
      const report = dc.defaultPartition.addService('Report', { port: 81, namespace: 'default' });
      report.connectTo(db, { localBindPort: 9000, meshGatewayMode: MeshGatewayMode.LOCAL });
      ap1.addExport('db', ExportConsumer.samenessGroup('all-dcs'), { namespace: 'data' });
      ap1.addExport('*', ExportConsumer.partition('default'));

      const { mermaid, dot } = renderTopology(app);
      const nodes = mermaidNodes(mermaid);
      expect(nodes.get(idOf('c', dc.node.path))).toBe('cluster dc (Enterprise)');
      expect(nodes.get(partitionId(ap1))).toBe('partition ap1');
      expect(nodes.get(nodeId(db))).toBe('db\nnamespace data');
      expect(nodes.get(nodeId(report))).toBe('report');
      const group = idOf('xg', 'all-dcs');
      const every = idOf('xs', `${ap1.node.path}/default/*`);
      expect(nodes.get(group)).toBe('sameness group "all-dcs"');
      expect(nodes.get(every)).toBe('every service\nof dc/ap1, not declared as a service');
      expect(mermaidEdges(mermaid)).toEqual([
        // Sorted as the exported-services entry sorts them: by namespace, then name ("data/db" before "default/*").
        { from: nodeId(db), to: partitionId(dc.defaultPartition), kind: 'export', label: 'exported to partition "default"' },
        { from: nodeId(db), to: group, kind: 'export', label: 'exported to sameness group "all-dcs"' },
        { from: every, to: partitionId(dc.defaultPartition), kind: 'export', label: 'exported to partition "default"' },
        { from: nodeId(report), to: nodeId(db), kind: 'call', label: 'calls across partitions (:9000, mode local)' },
      ]);
      expect(dotNodes(dot).get(nodeId(db))).toBe('db\nnamespace data');
    });
  });

  describe('escaping', () => {
    const odd = ['Gw "A" <b>|x|', 'Gw#1;%% end `\\N` {&amp;}'];
    const oddWan = 'wan"\\N<&>|;#';
    function oddProgram(): App {
      const app = new App();
      const stack = new TerraformStack(app, 'odd');
      const dc = new ConsulCluster(stack, 'Dc', { datacenter: 'dc_1', address: 'dc:8500' });
      dc.defaultPartition.addMeshGateway(odd[0], { lanAddress: '10.0.0.1', wanAddress: oddWan });
      dc.defaultPartition.addMeshGateway(odd[1], { lanAddress: '10.0.0.2', wanAddress: '192.0.2.1' });
      dc.defaultPartition.addService('Web', { port: 80 });
      return app;
    }

    test('Mermaid labels carry odd names only as entity codes', () => {
      const { mermaid } = renderTopology(oddProgram());
      const labels = mermaid
        .split('\n')
        .map((l) => /"(.*)"/.exec(l)?.[1])
        .filter((l): l is string => l !== undefined);
      expect(labels.length).toBeGreaterThanOrEqual(5);
      for (const label of labels) {
        // Once line breaks and entity codes are taken out, nothing Mermaid or HTML reads is left.
        expect(label.replace(/<br\/>/g, '').replace(/#(?:quot|lt|gt|amp|\d+);/g, '')).not.toMatch(/["#<>|`;%&\\]/);
      }
      const nodes = [...mermaidNodes(mermaid).values()];
      expect(nodes).toContain(`mesh-gateway (${odd[0]})\nmode remote\nWAN ${oddWan}:8443`);
      expect(nodes).toContain(`mesh-gateway (${odd[1]})\nmode remote\nWAN 192.0.2.1:8443`);
      expect(nodes).toContain('cluster dc_1 (Community)');
      // Ids stay plain identifiers.
      for (const line of mermaid.split('\n').filter((l) => /^\s+\w+[{([]/.test(l))) expect(line).toMatch(/^\s+[A-Za-z0-9_]+(\{\{|\(\[|\[)"/);
    });

    test('DOT labels escape quotes, backslashes and ampersands, so Graphviz shows them as written', () => {
      const { dot } = renderTopology(oddProgram());
      const nodes = [...dotNodes(dot).values()];
      expect(nodes).toContain(`mesh-gateway (${odd[0]})\nmode remote\nWAN ${oddWan}:8443`);
      expect(dot).toContain('WAN wan\\"\\\\N<&amp;>|;#:8443');
      if (!hasDot) return;
      const svg = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
      expect(svg.status).toBe(0);
      expect(svg.stdout).toContain('mesh&#45;gateway (Gw &quot;A&quot; &lt;b&gt;|x|)');
      expect(svg.stdout).toContain('WAN wan&quot;\\N&lt;&amp;&gt;|;#:8443');
      // An entity in a name stays text: `{&amp;}` is shown as written, not as `{&}`.
      expect(svg.stdout).toContain('{&amp;amp;})');
    });
  });

  describe('reading', () => {
    test('creates nothing and changes nothing, before or after synth', () => {
      const { app } = defaultExample();
      const before = app.node.findAll().length;
      const first = renderTopology(app);
      const second = renderTopology(app);
      expect(app.node.findAll().length).toBe(before);
      expect(second).toEqual(first);

      const twin = defaultExample().app;
      app.synth();
      twin.synth();
      const json = (a: App) => fs.readFileSync(path.join(a.outdir, 'stacks', 'two-clusters', 'cdk.tf.json'), 'utf8');
      expect(json(app)).toBe(json(twin));
      expect(renderTopology(app)).toEqual(first);
      expect(app.node.findAll().length).toBe(before);
    });

    test('creates nothing in a program with partitions and exports', () => {
      const app = hub();
      const before = app.node.findAll().length;
      renderTopology(app);
      renderTopology(app);
      expect(app.node.findAll().length).toBe(before);
    });

    test('an app without clusters gives empty, valid pictures', () => {
      const app = new App();
      new TerraformStack(app, 'empty');
      const pictures: TopologyDiagrams = renderTopology(app);
      expect(pictures.mermaid.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('%%'))).toEqual(['flowchart LR', '  classDef gateway fill:#fff3d6,stroke:#b7791f,color:#222', '  classDef service fill:#e3efff,stroke:#2b6cb0,color:#222', '  classDef outside fill:#ffffff,stroke:#888888,stroke-dasharray:4 3,color:#444']);
      expect(pictures.dot).toMatch(/^\/\/ .*\ndigraph topology \{\n[\s\S]*\}\n$/);
      expect(pictures.dot).not.toContain('->');
    });
  });
});

import { TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConsulCluster, IConsulCluster } from './cluster';
import { ExportConsumer, ExportConsumerKind } from './config-entries/exported-services';
import { Connection, ConnectionKind } from './connection';
import type { IMeshGateway } from './mesh-gateway';
import type { IMeshService } from './mesh-service';
import type { IPartition } from './partition';
import { ClusterPeering, IClusterPeering } from './peering';

/** The topology picture of a program, in two text formats. */
export interface TopologyDiagrams {
  /**
   * A Mermaid flowchart (`flowchart LR`): paste it into a ```` ```mermaid ```` block of a Markdown file
   * (GitHub and GitLab render it) or render it with `@mermaid-js/mermaid-cli`.
   * @see https://mermaid.js.org/syntax/flowchart.html
   */
  readonly mermaid: string;
  /**
   * The same picture as a Graphviz DOT digraph: `dot -Tsvg topology.dot -o topology.svg`.
   * @see https://graphviz.org/doc/info/lang.html
   */
  readonly dot: string;
}

/**
 * The topology picture of a program, as Mermaid and Graphviz DOT text drawn from its construct tree.
 *
 * It shows who peers with whom under which local names, which gateways each partition has and in which
 * mode, which service is exported to whom, and which service calls which. It creates no resource: the
 * picture is read from the library's public model only (clusters, partitions, peerings, gateways,
 * services, connections and `exported-services` entries), so it sees exactly what synthesis writes, and
 * reading creates no construct and changes nothing, before or after `app.synth()`. The output depends
 * only on the program, not on the order of its calls: everything is sorted by construct path and node
 * ids are derived from construct paths.
 *
 * What the picture shows:
 * - each cluster as a group labelled with its datacenter and edition, each admin partition as a group inside it;
 * - each mesh gateway as a hexagon with its service name, the cluster's gateway mode, its WAN address and
 *   the local names of its partition's peerings;
 * - each service as a rounded node, with its namespace when it is not `default`;
 * - each peering as a thick line between the two partitions, labelled with the name each side uses for
 *   the other and which side accepts;
 * - each export as a dashed arrow from the service to the consumer's side, labelled with the consumer
 *   name as the exporting partition writes it;
 * - each call (`connectTo`) as an arrow from caller to callee, labelled with the peer name the caller's
 *   upstream uses ("calls via peer "dc2"", or "calls across partitions", "calls locally") and the local
 *   bind port, plus the upstream's gateway mode when it is not the caller's cluster's.
 *
 * Anything an edge reaches outside the rendered clusters (a peer cluster when `scope` is one cluster, a
 * sameness group, an export consumer that no peering provides) is drawn as a plain node outside the
 * groups.
 *
 * @example
 * const picture = Topology.render(app); // after building the app's stacks
 * const mermaidText = picture.mermaid;  // and picture.dot: write them next to the stacks
 */
export class Topology {
  /**
   * The picture of every Consul cluster declared under `scope` (an App, a Stack or any construct that
   * contains clusters). When `scope` contains no cluster but is inside one (a partition, a service, a
   * gateway), that cluster is drawn.
   * @param scope the construct whose clusters are drawn
   */
  public static render(scope: IConstruct): TopologyDiagrams {
    const model = buildModel(scope);
    return { mermaid: renderMermaid(model), dot: renderDot(model) };
  }

  private constructor() {}
}

/**
 * The topology picture of every Consul cluster under `scope`, as Mermaid and Graphviz DOT text; the
 * TypeScript shorthand of {@link Topology.render} (a free function is not visible in the other jsii
 * languages, which call `Topology.render`).
 *
 * @example
 * import { renderTopology } from 'cdktf-consul-peering';
 * const { mermaid, dot } = renderTopology(app);
 */
export function renderTopology(scope: IConstruct): TopologyDiagrams {
  return Topology.render(scope);
}

// ---------------------------------------------------------------------------------------------------------
// Model: groups, nodes and edges, built in a fixed order from the construct tree.

type NodeKind = 'gateway' | 'service' | 'outside';
type EdgeKind = 'peering' | 'export' | 'call';

interface NodeModel {
  readonly id: string;
  readonly kind: NodeKind;
  readonly lines: string[];
}

interface GroupModel {
  readonly id: string;
  readonly label: string;
  readonly kind: 'cluster' | 'partition';
  readonly groups: GroupModel[];
  readonly nodes: NodeModel[];
}

/** One end of an edge: a node, or a partition group. */
interface Endpoint {
  readonly id: string;
  readonly group: boolean;
}

interface EdgeModel {
  /** For peerings: the id of the label box DOT draws on the line (from the peering's construct path). */
  readonly id?: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly kind: EdgeKind;
  readonly lines: string[];
}

interface Model {
  readonly groups: GroupModel[];
  /** Nodes outside every cluster group, sorted by id. */
  readonly outside: NodeModel[];
  readonly edges: EdgeModel[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPath<T extends IConstruct>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => compare(a.node.path, b.node.path));
}

/**
 * A node id from a construct path: letters and digits kept, `/` written `__`, every other character as its
 * code in hex between underscores (`-` is `_2d_`), so different paths always give different ids, and every
 * id is a plain identifier in both Mermaid and DOT (and never a keyword such as `end` or `subgraph`).
 */
function idFrom(prefix: string, text: string): string {
  let out = `${prefix}_`;
  for (const ch of text) {
    if (/[A-Za-z0-9]/.test(ch)) out += ch;
    else if (ch === '/') out += '__';
    else out += `_${ch.codePointAt(0)!.toString(16)}_`;
  }
  return out;
}

/** A string as shown: unresolved tokens (known only at apply) as "(token)", line breaks as spaces. */
function shown(value: string | undefined): string {
  if (value === undefined) return '';
  if (Token.isUnresolved(value)) return '(token)';
  return value.replace(/[\r\n]+/g, ' ');
}

/** A number as shown: an unresolved token as "(token)". */
function shownNumber(value: number): string {
  return Token.isUnresolved(value) ? '(token)' : String(value);
}

function quoted(value: string): string {
  return `"${shown(value)}"`;
}

/** How a partition is named in labels: its datacenter, plus "/<partition>" for a non-default partition. */
function sideName(partition: IPartition): string {
  const dc = shown(partition.cluster.datacenter);
  return partition.isDefault ? dc : `${dc}/${shown(partition.partitionName)}`;
}

/** The clusters under `scope`, or the cluster that contains it. */
function clustersOf(scope: IConstruct): IConsulCluster[] {
  const found = scope.node.findAll().filter((c): c is ConsulCluster => ConsulCluster.isConsulCluster(c));
  if (found.length > 0) return byPath(found);
  const enclosing = scope.node.scopes.filter((c): c is ConsulCluster => ConsulCluster.isConsulCluster(c));
  return enclosing.slice(-1);
}

function stackName(c: IConstruct): string | undefined {
  try {
    return TerraformStack.of(c).node.id;
  } catch {
    return undefined;
  }
}

function buildModel(scope: IConstruct): Model {
  const clusters = clustersOf(scope);
  const stacks = new Set(clusters.map(stackName));
  const drawn = new Set<IPartition>();
  const groups: GroupModel[] = [];
  const outside = new Map<string, NodeModel>();
  const edges: EdgeModel[] = [];

  for (const cluster of clusters) {
    const partitions = cluster.partitions;
    partitions.forEach((p) => drawn.add(p));
    const stack = stacks.size > 1 ? `, stack ${shown(stackName(cluster))}` : '';
    groups.push({
      id: idFrom('c', cluster.node.path),
      label: `cluster ${shown(cluster.datacenter)} (${cluster.isEnterprise ? 'Enterprise' : 'Community'}${stack})`,
      kind: 'cluster',
      nodes: [],
      groups: partitions.map((partition) => ({
        id: partitionId(partition),
        label: `partition ${shown(partition.partitionName)}`,
        kind: 'partition',
        groups: [],
        nodes: [
          ...byPath(partition.meshGateways).map((g) => gatewayNode(g)),
          ...byPath(partition.services).map((s) => serviceNode(s)),
        ],
      })),
    });
  }

  const addOutside = (node: NodeModel): Endpoint => {
    if (!outside.has(node.id)) outside.set(node.id, node);
    return { id: node.id, group: false };
  };
  const partitionEnd = (p: IPartition): Endpoint =>
    drawn.has(p)
      ? { id: partitionId(p), group: true }
      : addOutside({ id: idFrom('x', p.node.path), kind: 'outside', lines: [`partition ${sideName(p)}`, '(not in this picture)'] });
  const serviceEnd = (s: IMeshService): Endpoint =>
    drawn.has(s.partition)
      ? { id: idFrom('n', s.node.path), group: false }
      : addOutside({ id: idFrom('x', s.node.path), kind: 'outside', lines: [...serviceLines(s), `in ${sideName(s.partition)}`, '(not in this picture)'] });

  const drawnPartitions = clusters.flatMap((c) => c.partitions);

  // Peerings: from the dialer to the acceptor (so the dialer is drawn first, on the left).
  const peerings = new Set<IClusterPeering>();
  for (const p of drawnPartitions) p.peerings.forEach((peering) => peerings.add(peering));
  for (const peering of byPath(peerings)) {
    if (!(peering instanceof ClusterPeering)) {
      // An existing peering: no roles known; a side outside the app is drawn as a plain node.
      const [a, b] = peering.sides;
      const other = b !== undefined ? partitionEnd(b) : addOutside({
        id: idFrom('xp', `${a.node.path}/${shown(peering.peerNameIn(a))}`),
        kind: 'outside',
        lines: [`peer "${shown(peering.peerNameIn(a))}" of ${sideName(a)}`, '(existing peering, outside this app)'],
      });
      edges.push({
        id: idFrom('e', peering.node.path),
        from: partitionEnd(a),
        to: other,
        kind: 'peering',
        lines: [
          ...peering.sides.map((side) => `${sideName(side)} calls it ${quoted(peering.peerNameIn(side))}`),
          '(existing peering)',
        ],
      });
      continue;
    }
    const { dialer, acceptor } = peering;
    const through = dialer.cluster.peerThroughMeshGateways && acceptor.cluster.peerThroughMeshGateways;
    edges.push({
      id: idFrom('e', peering.node.path),
      from: partitionEnd(dialer),
      to: partitionEnd(acceptor),
      kind: 'peering',
      lines: [
        `${sideName(dialer)} calls it ${quoted(peering.peerNameIn(dialer))}`,
        `${sideName(acceptor)} calls it ${quoted(peering.peerNameIn(acceptor))}`,
        `(${sideName(acceptor)} accepts${through ? ', through gateways' : ''})`,
      ],
    });
  }

  // Exports: from the service to the consumer's side.
  for (const partition of drawnPartitions) {
    const entry = partition.exportedServices;
    if (!entry) continue;
    for (const exported of entry.services) {
      const from = exportedServiceEnd(partition, exported.serviceName, exported.namespace, addOutside);
      for (const consumer of exported.consumers) {
        edges.push({
          from,
          to: consumerEnd(partition, consumer, partitionEnd, addOutside),
          kind: 'export',
          lines: [exportLabel(consumer)],
        });
      }
    }
  }

  // Calls: every connection from or into a drawn partition, by caller then callee path.
  const connections = new Map<string, Connection>();
  for (const partition of drawnPartitions) {
    for (const service of partition.services) Connection.from(service).forEach((c) => connections.set(c.key, c));
    Connection.into(partition).forEach((c) => connections.set(c.key, c));
  }
  for (const key of [...connections.keys()].sort(compare)) {
    const c = connections.get(key)!;
    edges.push({ from: serviceEnd(c.caller), to: serviceEnd(c.callee), kind: 'call', lines: [callLabel(c)] });
  }

  return {
    groups,
    outside: [...outside.values()].sort((a, b) => compare(a.id, b.id)),
    edges,
  };
}

function partitionId(partition: IPartition): string {
  return idFrom('p', partition.node.path);
}

function gatewayNode(gateway: IMeshGateway): NodeModel {
  const partition = gateway.partition;
  const peers = partition.peerings.map((p) => quoted(p.peerNameIn(partition)));
  // The construct id tells the gateways of an HA pair apart; a partition's only gateway needs no more than its name.
  const name = shown(gateway.gatewayServiceName);
  const lines = [partition.meshGateways.length > 1 ? `${name} (${shown(gateway.node.id)})` : name, `mode ${partition.cluster.meshGatewayMode}`];
  lines.push(`WAN ${shown(gateway.wanAddress)}:${shownNumber(gateway.wanPort)}`);
  if (peers.length > 0) lines.push(`peers ${peers.join(', ')}`);
  return { id: idFrom('n', gateway.node.path), kind: 'gateway', lines };
}

function serviceLines(service: IMeshService): string[] {
  const ns = service.namespace;
  return ns === undefined || ns === 'default' ? [shown(service.serviceName)] : [shown(service.serviceName), `namespace ${shown(ns)}`];
}

function serviceNode(service: IMeshService): NodeModel {
  return { id: idFrom('n', service.node.path), kind: 'service', lines: serviceLines(service) };
}

/** The node of an exported service: the declared service, or an outside node for a name not declared here ("*"). */
function exportedServiceEnd(
  partition: IPartition,
  serviceName: string,
  namespace: string | undefined,
  addOutside: (node: NodeModel) => Endpoint,
): Endpoint {
  const ns = namespace ?? 'default';
  const service = partition.services.find((s) => s.serviceName === serviceName && (s.namespace ?? 'default') === ns);
  if (service) return { id: idFrom('n', service.node.path), group: false };
  const name = shown(serviceName) === '*' ? 'every service' : shown(serviceName);
  const where = ns === 'default' ? '' : ` (namespace ${shown(ns)})`;
  return addOutside({
    id: idFrom('xs', `${partition.node.path}/${ns}/${shown(serviceName)}`),
    kind: 'outside',
    lines: [`${name}${where}`, `of ${sideName(partition)}, not declared as a service`],
  });
}

function consumerEnd(
  partition: IPartition,
  consumer: ExportConsumer,
  partitionEnd: (p: IPartition) => Endpoint,
  addOutside: (node: NodeModel) => Endpoint,
): Endpoint {
  const name = shown(consumer.name);
  switch (consumer.kind) {
    case ExportConsumerKind.PEER: {
      const peering = partition.peerings.find((p) => p.peerNameIn(partition) === consumer.name);
      const remote = peering?.remoteOf(partition);
      if (remote) return partitionEnd(remote);
      return addOutside({
        id: idFrom('xp', `${partition.node.path}/${name}`),
        kind: 'outside',
        lines: [`peer "${name}" of ${sideName(partition)}`, '(no such peering)'],
      });
    }
    case ExportConsumerKind.PARTITION: {
      const local = partition.cluster.partitions.find((p) => p.partitionName === consumer.name);
      if (local) return partitionEnd(local);
      return addOutside({
        id: idFrom('xp', `${partition.cluster.node.path}/${name}`),
        kind: 'outside',
        lines: [`partition "${name}" of ${shown(partition.cluster.datacenter)}`, '(not declared)'],
      });
    }
    default:
      return addOutside({ id: idFrom('xg', name), kind: 'outside', lines: [`sameness group "${name}"`] });
  }
}

function exportLabel(consumer: ExportConsumer): string {
  switch (consumer.kind) {
    case ExportConsumerKind.PEER:
      return `exported to peer ${quoted(consumer.name)}`;
    case ExportConsumerKind.PARTITION:
      return `exported to partition ${quoted(consumer.name)}`;
    default:
      return `exported to sameness group ${quoted(consumer.name)}`;
  }
}

function callLabel(c: Connection): string {
  const port = `:${shownNumber(c.upstream.localBindPort)}`;
  const mode = c.upstream.meshGatewayMode;
  const modeNote = mode !== undefined && mode !== c.caller.partition.cluster.meshGatewayMode ? `, mode ${mode}` : '';
  switch (c.kind) {
    case ConnectionKind.PEER:
      return `calls via peer ${quoted(c.callerPeerName!)} (${port}${modeNote})`;
    case ConnectionKind.PARTITION:
      return `calls across partitions (${port}${modeNote})`;
    default:
      return `calls locally (${port})`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Mermaid

const MERMAID_ESCAPES: { [ch: string]: string } = {
  '"': '#quot;',
  '#': '#35;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '|': '#124;',
  '`': '#96;',
  ';': '#59;',
  '%': '#37;',
  '\\': '#92;',
};

/** Text for inside a Mermaid `"..."` label: characters Mermaid or HTML treat specially as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/["#&<>|`;%\\]/g, (ch) => MERMAID_ESCAPES[ch]);
}

function mermaidLabel(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

const MERMAID_SHAPES: { [kind in NodeKind]: [string, string] } = {
  gateway: ['{{', '}}'],
  service: ['([', '])'],
  outside: ['[', ']'],
};

const MERMAID_ARROWS: { [kind in EdgeKind]: string } = {
  peering: '===',
  export: '<-.-',
  call: '-->',
};

function renderMermaid(model: Model): string {
  const out: string[] = ['%% Consul topology, generated by cdktf-consul-peering (Topology.render)', 'flowchart LR'];
  const byKind: { [kind in NodeKind]: string[] } = { gateway: [], service: [], outside: [] };
  const node = (n: NodeModel, indent: string) => {
    const [open, close] = MERMAID_SHAPES[n.kind];
    out.push(`${indent}${n.id}${open}${mermaidLabel(n.lines)}${close}`);
    byKind[n.kind].push(n.id);
  };
  const group = (g: GroupModel, indent: string) => {
    out.push(`${indent}subgraph ${g.id} [${mermaidLabel([g.label])}]`);
    g.groups.forEach((child) => group(child, `${indent}  `));
    g.nodes.forEach((n) => node(n, `${indent}  `));
    out.push(`${indent}end`);
  };
  model.groups.forEach((g) => group(g, '  '));
  model.outside.forEach((n) => node(n, '  '));
  for (const e of model.edges) {
    // An export is written from the consumer's side with the arrow at its start (`<-.-`), so it runs the
    // same way as the calls it serves and the layout keeps each side's cluster in one column.
    const [first, second] = e.kind === 'export' ? [e.to, e.from] : [e.from, e.to];
    out.push(`  ${first.id} ${MERMAID_ARROWS[e.kind]}|${mermaidLabel(e.lines)}| ${second.id}`);
  }
  out.push('  classDef gateway fill:#fff3d6,stroke:#b7791f,color:#222');
  out.push('  classDef service fill:#e3efff,stroke:#2b6cb0,color:#222');
  out.push('  classDef outside fill:#ffffff,stroke:#888888,stroke-dasharray:4 3,color:#444');
  for (const kind of ['gateway', 'service', 'outside'] as const) {
    if (byKind[kind].length > 0) out.push(`  class ${byKind[kind].join(',')} ${kind}`);
  }
  const styles: { [kind in EdgeKind]: string } = {
    peering: 'stroke:#6b46c1,stroke-width:3px',
    export: 'stroke:#2f855a,stroke-width:1.5px',
    call: 'stroke:#2b6cb0,stroke-width:2px',
  };
  for (const kind of ['peering', 'export', 'call'] as const) {
    const indexes = model.edges.map((e, i) => (e.kind === kind ? i : -1)).filter((i) => i >= 0);
    if (indexes.length > 0) out.push(`  linkStyle ${indexes.join(',')} ${styles[kind]}`);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// Graphviz DOT

/**
 * A DOT double-quoted string: backslash and quote escaped (so `\N`, `\G`... stay literal), `&` written
 * `&amp;` (Graphviz decodes HTML entities in labels), lines joined by `\n`.
 */
function dotString(lines: readonly string[]): string {
  const escape = (line: string) => line.replace(/[\\"&]/g, (ch) => (ch === '&' ? '&amp;' : `\\${ch}`));
  return `"${lines.map(escape).join('\\n')}"`;
}

const DOT_NODES: { [kind in NodeKind]: string } = {
  gateway: 'shape=hexagon, margin="0.02,0.02", style=filled, fillcolor="#fff3d6", color="#b7791f"',
  service: 'shape=box, style="rounded,filled", fillcolor="#e3efff", color="#2b6cb0"',
  outside: 'shape=box, style="dashed", color="#888888", fontcolor="#444444"',
};

/*
 * Layout: only peerings rank (dialer's partition, the peering's label, acceptor's partition, left to right),
 * each partition is one column (`rank=same`), and calls and exports are routed without moving anything
 * (`constraint=false`). Calls in both directions would otherwise form cycles that Graphviz breaks by
 * reversing edges, which pulls clusters across each other.
 */
const DOT_EDGES: { [kind in EdgeKind]: string } = {
  peering: 'dir=none, penwidth=3, color="#6b46c1", fontcolor="#44337a"',
  export: 'style=dashed, color="#2f855a", fontcolor="#22543d", constraint=false',
  call: 'penwidth=2, color="#2b6cb0", fontcolor="#1a365d", constraint=false',
};

const DOT_PEERING_LABEL = 'shape=box, style="rounded,filled", fillcolor="#ffffff", color="#6b46c1", fontcolor="#44337a", fontsize=10';

/** The invisible node inside a partition's cluster that edges to the partition attach to. */
function anchorOf(groupId: string): string {
  return `${groupId}__anchor`;
}

function renderDot(model: Model): string {
  const out: string[] = [
    '// Consul topology, generated by cdktf-consul-peering (Topology.render)',
    'digraph topology {',
    '  graph [rankdir=LR, compound=true, fontname="Helvetica", fontsize=12, nodesep=0.5, ranksep=1.2, newrank=true];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const node = (n: NodeModel, indent: string) => out.push(`${indent}${n.id} [label=${dotString(n.lines)}, ${DOT_NODES[n.kind]}];`);
  const group = (g: GroupModel, indent: string) => {
    out.push(`${indent}subgraph cluster_${g.id} {`);
    out.push(`${indent}  label=${dotString([g.label])};`);
    out.push(
      g.kind === 'cluster'
        ? `${indent}  style="rounded"; color="#4a5568"; penwidth=1.5;`
        : `${indent}  style="rounded,dashed"; color="#718096";`,
    );
    g.groups.forEach((child) => group(child, `${indent}  `));
    if (g.kind === 'partition') out.push(`${indent}  ${anchorOf(g.id)} [shape=point, style=invis, width=0.01, height=0.01, label=""];`);
    g.nodes.forEach((n) => node(n, `${indent}  `));
    if (g.kind === 'partition') out.push(`${indent}  { rank=same; ${[anchorOf(g.id), ...g.nodes.map((n) => n.id)].join('; ')}; }`);
    out.push(`${indent}}`);
  };
  model.groups.forEach((g) => group(g, '  '));
  model.outside.forEach((n) => node(n, '  '));
  const at = (end: Endpoint) => (end.group ? anchorOf(end.id) : end.id);
  const clip = (tail: Endpoint, head: Endpoint) => [
    ...(tail.group ? [`ltail=cluster_${tail.id}`] : []),
    ...(head.group ? [`lhead=cluster_${head.id}`] : []),
  ];
  for (const e of model.edges) {
    if (e.kind === 'peering') {
      // Graphviz places the label of an edge between two clusters on the clusters' borders, so the
      // peering's label is a box of its own on the line: the line stays one peering, the names stay legible.
      const box: Endpoint = { id: e.id!, group: false };
      out.push(`  ${box.id} [label=${dotString(e.lines)}, ${DOT_PEERING_LABEL}];`);
      out.push(`  ${at(e.from)} -> ${box.id} [${[DOT_EDGES.peering, ...clip(e.from, box)].join(', ')}];`);
      out.push(`  ${box.id} -> ${at(e.to)} [${[DOT_EDGES.peering, ...clip(box, e.to)].join(', ')}];`);
      continue;
    }
    const attrs = [`label=${dotString(e.lines)}`, DOT_EDGES[e.kind], ...clip(e.from, e.to)];
    out.push(`  ${at(e.from)} -> ${at(e.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

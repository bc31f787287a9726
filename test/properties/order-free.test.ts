/*
 * Property: the library is order-free. Random VALID topologies (test/properties/topology-generator.ts),
 * each built through the public API in several orders of its calls, synthesize byte-identical JSON with
 * every validation on; and reading the public getters, after synth or at any point while building, changes
 * nothing.
 *
 * Seeded and deterministic: fast-check seed 20260315 (SEED below, also in the describe name), so every run
 * checks the same topologies and orders. On a failure fast-check shrinks to the smallest failing program and
 * the message shows it as TypeScript, with a line diff of the two outputs; reproduce it with
 * the seed, path and counterexample fast-check prints.
 */
import * as fc from 'fast-check';
import {
  CANONICAL,
  LATEST_FIRST,
  MAX_STEPS,
  Built,
  OrderSpec,
  Step,
  Topology,
  build,
  describeTopology,
  forgettingTokens,
  orderChoicesArbitrary,
  orderOf,
  programOf,
  readPublicGetters,
  renderProgram,
  runsServiceBeforeItsCalls,
  synthesize,
  topologyArbitrary,
  withCheapTokenStackTraces,
} from './topology-generator';

/** The fast-check seed of both properties. */
const SEED = 20260315;
/** Topologies per property. */
const TOPOLOGIES = 200;
/**
 * Time budget of one property. A passing run takes well under a minute on a 2-core machine; when a property
 * fails, fast-check shrinks until this budget runs out and then reports the smallest program found so far.
 * A run cut short without a failure fails the run-count checks below.
 */
const BUDGET_MS = 4 * 60 * 1000;
/** jest's timeout of one property: its budget plus the last shrink attempt and the report. */
const TIMEOUT_MS = BUDGET_MS + 60 * 1000;

/**
 * Synthesizes `built` (else `order` built anew) with validations on; a failure names the program (with the
 * steps after which every getter was read).
 */
function synthOrFail(topology: Topology, order: readonly Step[], what: string, built?: Built, peeks?: ReadonlySet<number>): string {
  try {
    return synthesize(built ?? build(order));
  } catch (e) {
    throw new Error(
      `${what}: the program does not synthesize with validations on (${describeTopology(topology)}):\n` +
        `${(e as Error).message}\n--- program ---\n${renderProgram(order, peeks)}`,
    );
  }
}

/**
 * A unified line diff of two outputs (common prefix and suffix trimmed, then a longest common subsequence
 * of what is left), `context` lines around each change, at most `max` lines.
 */
function lineDiff(expected: string, actual: string, context = 3, max = 80): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length * y.length > 4_000_000) {
    // Too far apart for a cheap diff (shrinking calls this on every failing attempt): show both sides.
    return [
      `@@ from line ${start + 1} (expected ${a.length} lines, actual ${b.length}) @@`,
      ...x.slice(0, max / 2).map((l) => `- ${l}`),
      ...y.slice(0, max / 2).map((l) => `+ ${l}`),
    ].join('\n');
  }
  // LCS table over the differing middle (small unless the outputs differ a lot).
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const lines: Array<[' ' | '-' | '+', string]> = a.slice(Math.max(0, start - context), start).map((l) => [' ', l] as [' ', string]);
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      lines.push([' ', x[i]]);
      i++;
      j++;
    } else if (j < y.length && (i === x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      lines.push(['+', y[j++]]);
    } else {
      lines.push(['-', x[i++]]);
    }
  }
  lines.push(...a.slice(endA, endA + context).map((l) => [' ', l] as [' ', string]));
  // Keep only changed lines and their context.
  const keep = lines.map((_, k) => lines.slice(Math.max(0, k - context), k + context + 1).some(([t]) => t !== ' '));
  const out: string[] = [`@@ from line ${Math.max(0, start - context) + 1} (expected ${a.length} lines, actual ${b.length}) @@`];
  lines.forEach(([t, l], k) => {
    if (keep[k]) out.push(`${t} ${l}`);
    else if (k > 0 && keep[k - 1]) out.push('  ...');
  });
  return out.length > max ? [...out.slice(0, max), `  ... (${out.length - max} more lines)`].join('\n') : out.join('\n');
}

function mismatch(
  topology: Topology,
  expectedOrder: readonly Step[],
  actualOrder: readonly Step[],
  expected: string,
  actual: string,
  what: string,
  peeks?: ReadonlySet<number>,
): Error {
  return new Error(
    `${what} (${describeTopology(topology)})\n` +
      `--- expected: program A ---\n${renderProgram(expectedOrder)}\n` +
      `--- actual: program B ---\n${renderProgram(actualOrder, peeks)}\n` +
      `--- synthesized JSON, A (-) vs B (+) ---\n${lineDiff(expected, actual)}`,
  );
}

/** Checks the synthesized JSON holds what the topology declares (so the generator builds what it says). */
function checkShape(topology: Topology, json: string): void {
  const parsed = JSON.parse(json);
  const count = (type: string) => Object.keys(parsed.resource?.[type] ?? {}).length;
  const callees = new Set(topology.calls.map((c) => c.callee)).size;
  const gateways = topology.clusters.reduce((n, c) => n + c.partitions.length * c.gateways.length, 0);
  const namespaces = new Set(topology.services.filter((s) => s.namespace).map((s) => `${s.cluster}/${s.partition}`)).size;
  const problems = [
    count('consul_peering') === topology.peerings.length ? '' : `consul_peering: ${count('consul_peering')} != ${topology.peerings.length}`,
    count('consul_peering_token') === topology.peerings.length ? '' : 'consul_peering_token count',
    count('consul_config_entry_service_intentions') === callees ? '' : `intentions: ${count('consul_config_entry_service_intentions')} != ${callees}`,
    (count('docker_container') > 0) === topology.dataPlane ? '' : 'docker_container present iff data plane',
    count('consul_acl_policy') >= gateways ? '' : `consul_acl_policy: ${count('consul_acl_policy')} < ${gateways} gateways`,
    count('consul_namespace') === namespaces ? '' : `consul_namespace: ${count('consul_namespace')} != ${namespaces}`,
  ].filter((p) => p !== '');
  if (problems.length > 0) throw new Error(`synthesized JSON does not match ${describeTopology(topology)}: ${problems.join('; ')}`);
}

/** What the generated topologies covered (asserted after each run, so the space is really explored). */
interface Coverage {
  topologies: number;
  orders: number;
  enterpriseClusters: number;
  extraPartitions: number;
  namespacedServices: number;
  peerCalls: number;
  partitionCalls: number;
  localCalls: number;
  nonDefaultPeerings: number;
  dataPlanes: number;
  dataPlaneBeforeConnect: number;
  localModeClusters: number;
  haClusters: number;
  namespaceDeclaredAfterService: number;
}

function cover(c: Coverage, t: Topology): void {
  const service = new Map(t.services.map((s) => [s.key, s]));
  c.topologies++;
  c.enterpriseClusters += t.clusters.filter((x) => x.enterprise).length;
  c.extraPartitions += t.clusters.reduce((n, x) => n + x.partitions.length - 1, 0);
  c.namespacedServices += t.services.filter((s) => s.namespace).length;
  c.localModeClusters += t.clusters.filter((x) => x.meshGatewayMode === 'local').length;
  for (const call of t.calls) {
    const a = service.get(call.caller)!;
    const b = service.get(call.callee)!;
    if (call.via) c.peerCalls++;
    else if (a.partition !== b.partition) c.partitionCalls++;
    else c.localCalls++;
  }
  c.nonDefaultPeerings += t.peerings.filter((p) => p.acceptor.partition !== 'default' || p.dialer.partition !== 'default').length;
  if (t.dataPlane) c.dataPlanes++;
  c.haClusters += t.clusters.filter((x) => x.gateways.length > 1).length;
}

const emptyCoverage = (): Coverage => ({
  topologies: 0,
  orders: 0,
  enterpriseClusters: 0,
  extraPartitions: 0,
  namespacedServices: 0,
  peerCalls: 0,
  partitionCalls: 0,
  localCalls: 0,
  nonDefaultPeerings: 0,
  dataPlanes: 0,
  dataPlaneBeforeConnect: 0,
  localModeClusters: 0,
  haClusters: 0,
  namespaceDeclaredAfterService: 0,
});

/** Property 1, for one topology: canonical, latest-first and two random orders synthesize the same JSON. */
function checkOrders(topology: Topology, shuffleA: readonly number[], shuffleB: readonly number[], coverage: Coverage): void {
  const program = programOf(topology);
  const specs: Array<[string, OrderSpec]> = [
    ['canonical', CANONICAL],
    ['latest-first', LATEST_FIRST],
    ['shuffle A', shuffleA],
    ['shuffle B', shuffleB],
  ];
  const orders = specs.map(([name, spec]) => [name, orderOf(program, spec)] as const);
  const [, canonical] = orders[0];
  const expected = synthOrFail(topology, canonical, 'canonical order');
  checkShape(topology, expected);
  for (const [name, order] of orders.slice(1)) {
    const actual = synthOrFail(topology, order, `${name} order`);
    if (actual !== expected) throw mismatch(topology, canonical, order, expected, actual, `the ${name} order synthesizes other JSON than the canonical one`);
  }
  // The latest-first order hands each service to its data plane before any of its connectTo calls.
  const [, latestFirst] = orders[1];
  if (topology.dataPlane && topology.calls.length > 0 && !runsServiceBeforeItsCalls(latestFirst)) {
    throw new Error(`the latest-first order runs no plane.addService before that service's connectTo:\n${renderProgram(latestFirst)}`);
  }
  cover(coverage, topology);
  coverage.orders += orders.length;
  if (orders.some(([, o]) => runsServiceBeforeItsCalls(o))) coverage.dataPlaneBeforeConnect++;
  if (orders.some(([, o]) => declaresNamespaceAfterItsService(o))) coverage.namespaceDeclaredAfterService++;
}

/** True when some `addNamespace` step comes after a service step of the same partition that uses the namespace. */
function declaresNamespaceAfterItsService(order: readonly Step[]): boolean {
  const used = new Set<string>();
  for (const step of order) {
    const service = / = (.+)\.addService\(.*namespace: /.exec(step.code);
    if (service) used.add(service[1]);
    const ns = /^(.+)\.addNamespace\(/.exec(step.code);
    if (ns && used.has(ns[1])) return true;
  }
  return false;
}

/**
 * Property 2, for one topology: the canonical program synthesizes, every getter is read, it synthesizes the
 * same again; a random order with every getter read after the steps `peekAt` (modulo the step count)
 * synthesizes the same too.
 */
function checkGetters(topology: Topology, shuffle: readonly number[], peekAt: readonly number[]): number {
  const program = programOf(topology);
  const canonical = orderOf(program, CANONICAL);
  const first = build(canonical);
  const expected = synthOrFail(topology, canonical, 'canonical order', first);
  readPublicGetters(first);
  const again = synthOrFail(topology, canonical, 'canonical order after reading the getters', first);
  if (again !== expected) throw mismatch(topology, canonical, canonical, expected, again, 'reading the getters after synth changed the next synth of the same app');

  const order = orderOf(program, shuffle);
  const at = new Set(peekAt.map((p) => p % order.length));
  const second = build(order, (n, built) => {
    if (at.has(n)) readPublicGetters(built);
  });
  const actual = synthOrFail(topology, order, 'random order with getters read between steps', second, at);
  if (actual !== expected) {
    throw mismatch(topology, canonical, order, expected, actual, 'reading the getters between the steps of program B changed its output', at);
  }
  return at.size;
}

describe(`order-free (fast-check seed ${SEED}, ${TOPOLOGIES} topologies per property)`, () => {
  test(
    'every order of the public calls synthesizes byte-identical JSON, and validations pass (canonical, latest-first and 2 random orders)',
    () => {
      const coverage = emptyCoverage();
      withCheapTokenStackTraces(() =>
        fc.assert(
          fc.property(topologyArbitrary(), orderChoicesArbitrary(), orderChoicesArbitrary(), (topology, shuffleA, shuffleB) =>
            forgettingTokens(() => checkOrders(topology, shuffleA, shuffleB, coverage)),
          ),
          { seed: SEED, numRuns: TOPOLOGIES, interruptAfterTimeLimit: BUDGET_MS },
        ),
      );
      expect(coverage.topologies).toBe(TOPOLOGIES);
      expect(coverage.orders).toBe(TOPOLOGIES * 4);
      // The space is really explored (with this seed every count is well above its floor).
      expect(coverage.enterpriseClusters).toBeGreaterThan(100);
      expect(coverage.extraPartitions).toBeGreaterThan(100);
      expect(coverage.namespacedServices).toBeGreaterThan(100);
      expect(coverage.peerCalls).toBeGreaterThan(500);
      expect(coverage.partitionCalls).toBeGreaterThan(50);
      expect(coverage.localCalls).toBeGreaterThan(100);
      expect(coverage.nonDefaultPeerings).toBeGreaterThan(100);
      expect(coverage.dataPlanes).toBeGreaterThan(50);
      expect(coverage.dataPlaneBeforeConnect).toBeGreaterThan(50);
      expect(coverage.localModeClusters).toBeGreaterThan(50);
      expect(coverage.haClusters).toBeGreaterThan(100);
      expect(coverage.namespaceDeclaredAfterService).toBeGreaterThan(20);
      // eslint-disable-next-line no-console
      console.log(`order-free coverage (seed ${SEED}): ${JSON.stringify(coverage)}`);
    },
    TIMEOUT_MS,
  );

  test(
    'reading the public getters, after synth or at random points while building, does not change the output',
    () => {
      let peeks = 0;
      let runs = 0;
      withCheapTokenStackTraces(() =>
        fc.assert(
          fc.property(
            topologyArbitrary(),
            orderChoicesArbitrary(),
            fc.uniqueArray(fc.nat({ max: MAX_STEPS - 1 }), { maxLength: 24, size: 'max' }),
            (topology, shuffle, peekAt) => {
              peeks += forgettingTokens(() => checkGetters(topology, shuffle, peekAt));
              runs++;
            },
          ),
          { seed: SEED, numRuns: TOPOLOGIES, interruptAfterTimeLimit: BUDGET_MS },
        ),
      );
      expect(runs).toBe(TOPOLOGIES);
      expect(peeks).toBeGreaterThan(TOPOLOGIES);
    },
    TIMEOUT_MS,
  );

  test('two clusters declared in either order write the same provider blocks (shrunk counterexample of the first run)', () => {
    const topology: Topology = {
      clusters: [1, 2].map((index) => ({ index, enterprise: false, partitions: ['default'], gateways: ['Gateway'] })),
      services: [],
      peerings: [],
      calls: [],
      dataPlane: false,
    };
    const program = programOf(topology);
    const inOrder = synthesize(build(orderOf(program, CANONICAL)));
    const reversed = synthesize(build(orderOf(program, LATEST_FIRST)));
    expect(orderOf(program, LATEST_FIRST)[0].id).toBe('cluster dc2');
    expect(reversed).toBe(inOrder);
    expect(JSON.parse(inOrder).provider.consul.map((p: { alias: string }) => p.alias)).toEqual(['dc1', 'dc2']);
  });
});

/**
 * The data plane, live without Docker (pod runner, test/live/pods.go): the local lab's stacks, and the
 * default example on the local lab's networks and servers (as its README deploys it), with Docker
 * networks as bridges and pods as network namespaces inside a private namespace; lab servers and client
 * agents run for real from their uploaded configuration, Envoy commands render bootstraps, gateways and
 * apps are stand-ins. See README "How we verify".
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DATA_PLANE_SUMMARY, ensureConsul, LIVE_SUMMARY, LiveApp, LiveConsul, runPods, synthesizeForLive } from './consul-live';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const TEN_MINUTES = 600_000;

let consul: LiveConsul;
let work: string;
let lab: LiveApp;
let labStacks: string[];

beforeAll(() => {
  consul = ensureConsul();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'data-plane-live-'));
  // lab (networks, servers) first, then mesh: the order the lab's README deploys them in
  lab = synthesizeForLive(path.join(EXAMPLES, 'local-lab'), path.join(work, 'local-lab'));
  labStacks = stackFiles(lab, 'lab', 'mesh');
}, 45 * 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The files of `names`, stacks of an example synthesized with its operator documents ({@link synthesizeForLive}). */
function stackFiles(example: LiveApp, ...names: string[]): string[] {
  return names.map((name) => {
    const stack = example.stacks.find((s) => s.name === name);
    if (!stack) throw new Error(`${example.outdir} has no stack ${name}`);
    return stack.file;
  });
}

/**
 * Deploys the stacks with the pod runner and asserts the data plane came up; with `operatorRules`, the
 * stacks' Consul resources are applied with those least-privilege operator tokens, and every one must be.
 */
function expectDeployed(label: string, stackFiles: string[], operatorRules?: string): void {
  const r = runPods(consul, stackFiles, 300, operatorRules);
  if (r.status !== 0) {
    throw new Error(`pod runner failed for ${label} (exit ${r.status}):\n${r.stdout}\n${r.stderr.split('\n').slice(-80).join('\n')}`);
  }
  const m = DATA_PLANE_SUMMARY.exec(r.dataPlaneLine);
  if (!m) throw new Error(`no data plane line for ${label}:\n${r.stdout}`);
  const [pods, joined, registrations, bootstraps, active, peerings] = m.slice(1).map(Number);
  expect(pods).toBeGreaterThan(0);
  expect(joined).toBeGreaterThan(0);
  expect(registrations).toBeGreaterThanOrEqual(joined);
  expect(bootstraps).toBeGreaterThan(0);
  expect(peerings).toBeGreaterThan(0);
  expect(active).toBe(peerings);
  const live = LIVE_SUMMARY.exec(r.line);
  expect(live).not.toBeNull();
  if (operatorRules) {
    const [tokens, total] = [Number(live![17]), Number(live![18])];
    expect(total).toBeGreaterThan(0);
    expect(tokens).toBe(total);
  }
  console.log(`${r.dataPlaneLine}  [${label}]\n${r.line}\n${r.stdout.split('\n').filter((l) => l.startsWith('live: note:')).join('\n')}`);
}

describe('data plane live (pods as network namespaces)', () => {
  test('examples/local-lab: servers, client agents, registrations with their own tokens, bootstraps, peering', () => {
    expectDeployed('example local-lab', labStacks, lab.operatorRulesFile);
  }, TEN_MINUTES);

  test('an HA pair of mesh gateways in each partition: own pods, own policies, all registered', () => {
    const dir = path.join(work, 'live-ha');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(__dirname, 'fixtures', 'live-ha', 'stack'));
    buildApp(dir).synth();
    expectDeployed('fixture live-ha (after local-lab stack lab)', [labStacks[0], path.join(dir, 'stacks', 'live-ha', 'cdk.tf.json')]);
  }, TEN_MINUTES);

  test('examples/three-clusters: its own lab stack (three servers), then the mesh built on the declarative L3', () => {
    const example = synthesizeForLive(path.join(EXAMPLES, 'three-clusters'), path.join(work, 'three-clusters'));
    expectDeployed('example three-clusters', stackFiles(example, 'three-clusters-lab', 'three-clusters'), example.operatorRulesFile);
  }, TEN_MINUTES);

  test('the default example on the local lab\'s networks and servers', () => {
    const example = synthesizeForLive(path.join(EXAMPLES, 'two-clusters'), path.join(work, 'two-clusters'));
    expectDeployed('example two-clusters (after local-lab stack lab)', [labStacks[0], ...example.stacks.map((s) => s.file)], example.operatorRulesFile);
  }, TEN_MINUTES);
});

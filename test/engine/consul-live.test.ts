/**
 * The live tier: every example's stacks (and the fixtures that need more than the examples show) applied to
 * real Consul 1.14.0 servers by test/live (servers, gateway stand-ins and demo-app stand-ins in a private
 * network namespace), with the checks listed in its summary line. Stacks of one app that reference each
 * other are applied together, in the deployment order cdktf's manifest gives. See README "How we verify".
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { ConsulCluster, ConsulEdition } from '../../lib';
import { ensureConsul, LIVE_SUMMARY, LiveConsul, liveGroups, LiveResult, runLive, synthesizeForLive } from './consul-live';
import { synthesizeExample } from './conformance';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const FIXTURES = path.resolve(__dirname, 'fixtures');
const TEN_MINUTES = 600_000;

let consul: LiveConsul;
let work: string;

beforeAll(() => {
  consul = ensureConsul();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-live-'));
}, 45 * 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/**
 * Asserts a full pass: every count complete, and at least one peering, import, call and convergence. With
 * `operatorTokens`, every stack must also have been applied with its clusters' least-privilege operator
 * tokens (`operatorPolicyDocument()`), not the management token.
 */
function expectAllPassed(label: string, r: LiveResult, operatorTokens = false): void {
  if (r.status !== 0) {
    throw new Error(`live tier failed for ${label} (exit ${r.status}):\n${r.stdout}\n${r.stderr.split('\n').slice(-80).join('\n')}`);
  }
  const m = LIVE_SUMMARY.exec(r.line);
  if (!m) throw new Error(`no summary line for ${label}:\n${r.stdout}`);
  const n = m.slice(1).map((x) => Number(x ?? 0));
  const [, clusters, active, peerings, imports, importTotal, allowed, allowedTotal, legs, legTotal, denied, deniedTotal, registrations, bootstraps, converged, entries, operator, operatorTotal] = n;
  if (operatorTokens) {
    expect(m[17]).toBeDefined();
    expect(operatorTotal).toBeGreaterThan(0);
    expect(operator).toBe(operatorTotal);
  }
  expect(m[1]).toBe(consul.version);
  expect(clusters).toBeGreaterThan(0);
  expect([active, imports, allowed, legs, denied, converged]).toEqual([peerings, importTotal, allowedTotal, legTotal, deniedTotal, entries]);
  if (peerings > 0) {
    expect(importTotal).toBeGreaterThan(0);
    expect(allowedTotal).toBeGreaterThan(0);
  }
  expect(registrations).toBeGreaterThan(0);
  expect(bootstraps).toBeGreaterThan(0);
  console.log(`${r.line}  [${label}]\n${r.stdout.split('\n').filter((l) => l.startsWith('live: note:')).join('\n')}`);
}

function exampleDirs(): string[] {
  return fs
    .readdirSync(EXAMPLES)
    .sort()
    .map((d) => path.join(EXAMPLES, d))
    .filter((d) => fs.existsSync(path.join(d, 'stack.js')) || fs.existsSync(path.join(d, 'main.js')));
}

describe('live Consul', () => {
  test.each(exampleDirs().map((d) => [path.basename(d), d]))(
    'example %s: every stack with a control plane applies, peers, imports, enforces its intentions and converges',
    (name, dir) => {
      const example = synthesizeForLive(dir, path.join(work, name));
      const groups = liveGroups(example.stacks);
      for (const s of example.stacks) {
        if (!groups.some((g) => g.includes(s))) console.log(`consul live: no control plane in stack ${s.name} of example ${name} (nothing to apply)`);
      }
      let applied = 0;
      const enterpriseSkips: string[] = [];
      for (const group of groups) {
        // one stack, or stacks that reference each other: applied together, in deployment order
        const stacks = group.map((s) => s.name).join(', ');
        // with each cluster's operatorPolicyDocument() token, as the README tells operators to: proves it is enough
        const r = runLive(consul, group.map((s) => s.file), 240, example.servicesFile, example.operatorRulesFile);
        if (r.status === 3) {
          // A stack that needs Consul Enterprise (which cannot be built here): said plainly, never hidden.
          expect(r.line).toMatch(/^consul live: skipped, .*Enterprise/);
          console.log(`${r.line}  [example ${name}, stack ${stacks}]`);
          enterpriseSkips.push(stacks);
          continue;
        }
        expectAllPassed(`example ${name}, stack${group.length > 1 ? 's' : ''} ${stacks}`, r, true);
        applied++;
      }
      if (applied === 0 && enterpriseSkips.length > 0) {
        // An Enterprise example: every stack with a control plane needs Consul Enterprise. Said, not hidden;
        // its documents are still decoded strictly by the conformance tier.
        console.log(`consul live: example ${name} not applied: all ${enterpriseSkips.length} stack(s) with a control plane need Consul Enterprise (${enterpriseSkips.join(', ')})`);
        return;
      }
      expect(applied).toBeGreaterThan(0);
    },
    TEN_MINUTES,
  );

  test('a gateway carrying two peerings in both roles routes each by SNI (three clusters)', () => {
    const dir = path.join(work, 'live-hub');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(FIXTURES, 'live-hub', 'stack'));
    const app = buildApp(dir);
    app.synth();
    expectAllPassed('fixture live-hub', runLive(consul, path.join(dir, 'stacks', 'live-hub', 'cdk.tf.json')));
  }, TEN_MINUTES);

  test('skips a stack that needs Consul Enterprise, saying why, without starting anything', () => {
    const app = new App({ outdir: path.join(work, 'enterprise') });
    const stack = new TerraformStack(app, 'enterprise');
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition: ConsulEdition.ENTERPRISE });
    dc1.addPartition('ap1');
    app.synth();
    const r = runLive(consul, path.join(app.outdir, 'stacks', 'enterprise', 'cdk.tf.json'));
    expect(r.status).toBe(3);
    expect(r.line).toMatch(/^consul live: skipped, consul_admin_partition\.\S+: Consul 1\.14 Community cannot run it/);
  }, TEN_MINUTES);

  test('fails, naming the resource, when an entry would not converge or a declared call is denied', () => {
    const example = synthesizeExample(path.join(EXAMPLES, 'two-clusters'), path.join(work, 'broken'));
    const stackFile = example.stackFiles[0];
    const json = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
    // the rendering before the live tier found the drift, and an intention that denies the declared call
    for (const entry of Object.values<any>(json.resource.consul_config_entry)) {
      if (entry.kind === 'proxy-defaults') entry.config_json = JSON.stringify({ Expose: {}, MeshGateway: { Mode: 'local' } });
    }
    for (const entry of Object.values<any>(json.resource.consul_config_entry_service_intentions)) {
      for (const source of entry.sources) source.action = 'deny';
    }
    fs.writeFileSync(stackFile, JSON.stringify(json));
    const r = runLive(consul, stackFile);
    expect(r.status).toBe(1);
    expect(r.line).toMatch(/calls allowed 0\/1 .*config entries converged 5\/7$/);
    expect(r.stdout).toMatch(/problem: consul_config_entry\.Dc1_ProxyDefaults_\w+ does not converge .*TransparentProxy/);
    expect(r.stdout).toMatch(/problem: web in dc1 calling api in dc2: not allowed/);
  }, TEN_MINUTES);

  test('fails, naming the resource, when the operator document lacks a rule the stack needs', () => {
    // The check above applies every example with its operatorPolicyDocument() tokens; this proves those
    // tokens are what the applier uses: without `peering = write` dc2 cannot generate the peering token.
    const example = synthesizeForLive(path.join(EXAMPLES, 'two-clusters'), path.join(work, 'operator-broken'));
    const file = example.operatorRulesFile!;
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const dc2 = doc.clusters.find((c: { datacenter: string }) => c.datacenter === 'dc2');
    const rules = JSON.parse(dc2.rules);
    expect(rules.peering).toBe('write');
    delete rules.peering;
    dc2.rules = JSON.stringify(rules);
    fs.writeFileSync(file, JSON.stringify(doc));
    const r = runLive(consul, example.stacks.map((s) => s.file), 240, example.servicesFile, file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^live: problem: apply: consul_peering_token\.\S+: .*Permission denied/m);
    console.log(r.stdout.split('\n').filter((l) => l.startsWith('consul live:') || l.startsWith('live: problem:')).join('\n'));
  }, TEN_MINUTES);

  test('fails, naming the failover leg, when the failover target does not allow the caller', () => {
    const example = synthesizeForLive(path.join(EXAMPLES, 'failover'), path.join(work, 'failover-broken'));
    const stackFile = example.stacks[0].file;
    const json = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
    // dc3 no longer allows web from dc1: the call still goes to dc2, but its failover to dc3 would be refused
    const intentions = json.resource.consul_config_entry_service_intentions;
    const dc3 = Object.keys(intentions).filter((k) => intentions[k].provider === 'consul.dc3');
    expect(dc3).toHaveLength(1);
    delete intentions[dc3[0]];
    fs.writeFileSync(stackFile, JSON.stringify(json));
    const r = runLive(consul, stackFile, 240, example.servicesFile);
    expect(r.status).toBe(1);
    expect(r.line).toMatch(/calls allowed 1\/1 \(failover legs 0\/1\) and denied 2\/2, .*config entries converged 12\/12$/);
    expect(r.stdout).toMatch(/problem: web in dc1 calling api through service-resolver api in dc1: failover leg 1 of 1, to api in dc3 \(peer "dc3"\): not allowed/);
    console.log(r.stdout.split('\n').filter((l) => l.startsWith('consul live:') || l.startsWith('live: problem:')).join('\n'));
  }, TEN_MINUTES);

  test('refuses stacks whose remote state reads an output the earlier stack does not declare, naming it', () => {
    const example = synthesizeForLive(path.join(EXAMPLES, 'split-stacks'), path.join(work, 'split-broken'));
    expect(example.stacks.map((s) => s.name)).toEqual(['dc2', 'dc1']); // deployment order from cdktf's manifest
    const dc2 = example.stacks[0].file;
    const json = JSON.parse(fs.readFileSync(dc2, 'utf8'));
    const outputs = Object.keys(json.output ?? {});
    expect(outputs).toHaveLength(1);
    delete json.output;
    fs.writeFileSync(dc2, JSON.stringify(json));
    const r = runLive(consul, example.stacks.map((s) => s.file), 240, example.servicesFile);
    expect(r.status).toBe(2); // a setup error: nothing is started
    expect(r.line).toBe('');
    expect(r.stderr).toMatch(/^live: stack dc1: consul_peering\.Dc2Dc1_Peering_\w+ reads output "/m);
    expect(r.stderr).toContain(
      `reads output "${outputs[0]}" of stack dc2 through data.terraform_remote_state.cross-stack-reference-input-dc2, which stack dc2 does not declare (it declares no output)`,
    );
    console.log(r.stderr.trim());
  }, TEN_MINUTES);
});

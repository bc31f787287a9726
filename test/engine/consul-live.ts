/**
 * The live tier from Jest: the Consul v1.14.0 server binary built by the engine setup
 * (setup-providers.sh, cached with the providers) and the live applier in `test/live/` (built with
 * {@link goToolBinary}), run over the stacks of one app at a time (one stack, or stacks that reference each
 * other, together in deployment order).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConsulCluster } from '../../lib';
import { collectServiceDefinitions, synthesizeExample } from './conformance';
import { engineCacheDir, ensureProviders, parseEnvFile } from './engine';
import { goToolBinary } from './go-tool';

/** Where the Go sources of the live applier live. */
export const LIVE_SOURCE_DIR = path.resolve(__dirname, '..', 'live');

/**
 * The summary line of a run that applied a stack (counts as `ok/total`). `(failover legs N/N)` follows the
 * calls only when a caller's upstream resolves through a service-resolver with failover targets; its two
 * groups are then set (else undefined).
 */
export const LIVE_SUMMARY =
  /^consul live: (\S+), (\d+) clusters, peerings ACTIVE (\d+)\/(\d+), imports (\d+)\/(\d+), calls allowed (\d+)\/(\d+)(?: \(failover legs (\d+)\/(\d+)\))? and denied (\d+)\/(\d+), registrations (\d+) with own tokens, bootstraps (\d+), config entries converged (\d+)\/(\d+)(?:, operator tokens (\d+)\/(\d+))?$/m;

export interface LiveConsul {
  readonly binary: string;
  readonly version: string;
}

/**
 * The Consul binary of the live tier, built (or found in the cache) by the engine setup. Throws with the
 * setup's reason when it could not be obtained.
 */
export function ensureConsul(): LiveConsul {
  ensureProviders();
  const env = parseEnvFile(path.join(engineCacheDir(), 'consul.env'));
  if (env.CONSUL_UNAVAILABLE) throw new Error(`Consul for the live tier could not be obtained: ${env.CONSUL_UNAVAILABLE}`);
  if (!env.CONSUL_BINARY || !fs.existsSync(env.CONSUL_BINARY)) throw new Error(`incomplete ${engineCacheDir()}/consul.env`);
  return { binary: env.CONSUL_BINARY, version: env.CONSUL_VERSION };
}

export interface LiveResult {
  /** 0 all checks passed, 1 a check failed, 2 setup error, 3 skipped (needs Enterprise). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `consul live: ...` line (summary or skip reason). */
  readonly line: string;
  /** The pod runner's `data plane live: ...` line ("" for a control-plane run). */
  readonly dataPlaneLine: string;
}

/** The summary line of the pod runner. */
export const DATA_PLANE_SUMMARY =
  /^data plane live: (\d+) pods, (\d+) agents joined, (\d+) registrations with own tokens, (\d+) envoy bootstraps, peerings ACTIVE (\d+)\/(\d+) \(Envoy and Docker not run; (\d+) keys stripped for 1\.14\)$/m;

/**
 * Applies synthesized stacks to live servers (see test/live/main.go) and returns what it printed. Several
 * stacks are one app's, given in deployment order: they share one server per datacenter, and a later stack's
 * `terraform_remote_state` reads the outputs of an earlier one. `servicesFile` (see {@link writeLiveServices})
 * hands over the service definitions the app leaves to its operator's data plane.
 */
export function runLive(
  consul: LiveConsul,
  stackFiles: string | string[],
  timeoutSeconds = 240,
  servicesFile?: string,
  operatorRulesFile?: string,
): LiveResult {
  const files = typeof stackFiles === 'string' ? [stackFiles] : stackFiles;
  const args = files.flatMap((f) => ['-stack', f]);
  if (servicesFile) args.push('-services', servicesFile);
  if (operatorRulesFile) args.push('-operator-rules', operatorRulesFile);
  return runApplier(consul, args, timeoutSeconds);
}

/** One synthesized stack, with the names of the stacks it depends on (cdktf's manifest). */
export interface SynthesizedStack {
  readonly name: string;
  readonly file: string;
  readonly dependencies: string[];
}

/**
 * Every stack of a synthesized app, in deployment order: each after the stacks it depends on (the
 * `dependencies` cdktf writes into `manifest.json` for cross-stack references); among stacks ready together,
 * by name.
 */
export function stacksInDeploymentOrder(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string; dependencies?: string[] }>;
  };
  const all = new Map(
    Object.values(manifest.stacks).map((s) => [
      s.name,
      { name: s.name, file: path.join(outdir, s.synthesizedStackPath), dependencies: [...(s.dependencies ?? [])].sort() },
    ]),
  );
  const out: SynthesizedStack[] = [];
  const done = new Set<string>();
  while (done.size < all.size) {
    const ready = [...all.values()].filter((s) => !done.has(s.name) && s.dependencies.every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`${outdir}/manifest.json: the stacks' dependencies form a cycle or name unknown stacks`);
    ready.sort((a, b) => a.name.localeCompare(b.name));
    out.push(ready[0]);
    done.add(ready[0].name);
  }
  return out;
}

/**
 * The stacks of an app in groups to apply together: stacks connected by dependencies form one group, in
 * deployment order; independent stacks are applied on their own. Stacks without a `consul` provider are
 * dropped unless a stack of their group with one depends on them.
 */
export function liveGroups(stacks: SynthesizedStack[]): SynthesizedStack[][] {
  const parent = new Map(stacks.map((s) => [s.name, s.name]));
  const find = (n: string): string => (parent.get(n) === n ? n : find(parent.get(n)!));
  for (const s of stacks) for (const d of s.dependencies) parent.set(find(s.name), find(d));
  const keep = new Set(stacks.filter((s) => Boolean(JSON.parse(fs.readFileSync(s.file, 'utf8')).provider?.consul)).map((s) => s.name));
  for (const s of [...stacks].reverse()) if (keep.has(s.name)) for (const d of s.dependencies) keep.add(d);
  const groups = new Map<string, SynthesizedStack[]>();
  for (const s of stacks) {
    if (keep.has(s.name)) groups.set(find(s.name), [...(groups.get(find(s.name)) ?? []), s]);
  }
  return [...groups.values()];
}

/** An example synthesized for the live tier. */
export interface LiveApp {
  readonly outdir: string;
  /** Every stack, in deployment order. */
  readonly stacks: SynthesizedStack[];
  /** The service definitions for the operator's data plane ({@link writeLiveServices}), when `buildApp` gave the app. */
  readonly servicesFile?: string;
  /** Each cluster's `operatorPolicyDocument()` ({@link writeOperatorRules}), when `buildApp` gave the app. */
  readonly operatorRulesFile?: string;
}

/**
 * Synthesizes an example (or fixture) directory for the live tier. When its `stack.js` exports
 * `buildApp(outdir)`, the app is built and synthesized here, and the service definitions its constructs expose
 * are written with their tokens' expressions (for stacks without a Docker data plane, the live tier registers
 * them itself); otherwise `node main.js` runs (conformance's {@link synthesizeExample}).
 */
export function synthesizeForLive(exampleDir: string, workDir: string): LiveApp {
  const outdir = path.join(workDir, 'cdktf.out');
  const stackJs = path.join(exampleDir, 'stack.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod: { buildApp?: unknown } = fs.existsSync(stackJs) ? require(stackJs) : {};
  if (typeof mod.buildApp !== 'function') {
    synthesizeExample(exampleDir, workDir);
    return { outdir, stacks: stacksInDeploymentOrder(outdir) };
  }
  fs.mkdirSync(outdir, { recursive: true });
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir; // in case buildApp ignores its argument and uses `new App()`
  try {
    const app = (mod.buildApp as (outdir?: string) => App)(outdir);
    app.synth();
    const servicesFile = path.join(workDir, 'live-services.json');
    writeLiveServices(app, servicesFile);
    const operatorRulesFile = path.join(workDir, 'live-operator-rules.json');
    writeOperatorRules(app, operatorRulesFile);
    return { outdir: app.outdir, stacks: stacksInDeploymentOrder(app.outdir), servicesFile, operatorRulesFile };
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
}

/**
 * Writes, for the live tier's `-services`, every service definition the app's constructs expose (conformance's
 * {@link collectServiceDefinitions}), each with its stack's name and the expression of the token its construct
 * issues for it (`tokenSecretId`, resolved in the construct's stack, e.g.
 * `${data.consul_acl_token_secret_id.X.secret_id}`). Definitions without such a token are left out.
 */
export function writeLiveServices(app: App, file: string): void {
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const resolver = new DefaultTokenResolver(new StringConcat());
  const services = collectServiceDefinitions(app).flatMap((d) => {
    const c = byPath.get(d.constructPath);
    const secret = (c as unknown as { tokenSecretId?: unknown } | undefined)?.tokenSecretId;
    if (!c || typeof secret !== 'string') return [];
    const token: unknown = Tokenization.resolve(secret, { scope: c, preparing: false, resolver });
    return [{ stack: TerraformStack.of(c).node.id, construct: d.constructPath, token, definition: d.definition }];
  });
  fs.writeFileSync(file, `${JSON.stringify({ services }, null, 2)}\n`);
}

/**
 * Writes, for the live tier's `-operator-rules` (test/live/operator.go), the rendered
 * `operatorPolicyDocument()` of every cluster with ACLs in the app, keyed by its stack and provider alias:
 * the live tier then applies each stack with a token holding only those rules, as the README tells operators
 * to, instead of the management token.
 */
export function writeOperatorRules(app: App, file: string): void {
  const clusters = app.node
    .findAll()
    .filter(ConsulCluster.isConsulCluster)
    .filter((c) => c.aclsEnabled)
    .map((c) => ({ stack: TerraformStack.of(c).node.id, alias: c.provider.alias ?? '', datacenter: c.datacenter, rules: c.operatorPolicyDocument().render() }));
  fs.writeFileSync(file, `${JSON.stringify({ clusters }, null, 2)}\n`);
}

/**
 * Deploys stacks in order with the pod runner (test/live/pods.go): Docker networks as bridges, pods as
 * network namespaces, lab servers and client agents for real, Envoy commands with -bootstrap.
 */
export function runPods(consul: LiveConsul, stackFiles: string[], timeoutSeconds = 300, operatorRulesFile?: string): LiveResult {
  const args = ['-pods', ...stackFiles.flatMap((f) => ['-stack', f])];
  if (operatorRulesFile) args.push('-operator-rules', operatorRulesFile);
  return runApplier(consul, args, timeoutSeconds);
}

function runApplier(consul: LiveConsul, args: string[], timeoutSeconds: number): LiveResult {
  const bin = goToolBinary(LIVE_SOURCE_DIR, 'consul-live');
  const r = spawnSync(bin, ['-consul', consul.binary, ...args, '-timeout', `${timeoutSeconds}s`], {
    encoding: 'utf8',
    timeout: (timeoutSeconds + 60) * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const line = (r.stdout.split('\n').find((l) => l.startsWith('consul live:')) ?? '').trim();
  const dataPlaneLine = (r.stdout.split('\n').find((l) => l.startsWith('data plane live:')) ?? '').trim();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, line, dataPlaneLine };
}

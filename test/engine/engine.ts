// Tier-2 helpers: run synthesized cdktf stacks through the real Terraform (or OpenTofu) CLI with
// the real provider binaries, offline, from the filesystem mirror built by setup-providers.sh.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** One provider the setup script was asked for. */
export interface ProviderBuild {
  /** Fully qualified source, e.g. `registry.terraform.io/hashicorp/consul`. */
  readonly source: string;
  /** Provider type, e.g. `consul`. */
  readonly type: string;
  /** `built`: in the mirror; `unavailable`: the Go module proxy refused every pin. */
  readonly status: 'built' | 'unavailable';
  /** Version in the mirror (built), or the bindings' version that was wanted (unavailable). */
  readonly version: string;
  /** Go module version it was built from (`-` when unavailable). */
  readonly module: string;
  /** Free text: which bindings version it stands for, or why it is unavailable. */
  readonly note: string;
}

export interface Engine {
  /** TF_CLI_CONFIG_FILE: installs the pinned providers from the local mirror only. */
  readonly cliConfigFile: string;
  /** Absolute path of the terraform or tofu binary (cdktf's TERRAFORM_BINARY_NAME). */
  readonly terraformBinary: string;
  /** `terraform` or `tofu`. */
  readonly cliName: string;
  /** e.g. `1.11.4`. */
  readonly cliVersion: string;
  readonly cacheDir: string;
  readonly providers: readonly ProviderBuild[];
  /** What the setup script printed (stderr), for reports. */
  readonly setupLog: string;
}

export interface StepResult {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly timedOut: boolean;
}

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  /** `file:line` where Terraform located it. */
  readonly where?: string;
}

export interface ValidateReport {
  readonly valid: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly diagnostics: readonly Diagnostic[];
}

export interface TerraformCheckResult {
  readonly stackDir: string;
  readonly stackName: string;
  /** All requested steps succeeded (false when skipped). */
  readonly ok: boolean;
  /** Set when the stack needs a provider that could not be obtained; nothing was run. */
  readonly skipped?: string;
  readonly failedStep?: 'init' | 'validate' | 'plan';
  /** Concise failure text: diagnostics for validate, stderr otherwise. */
  readonly error?: string;
  readonly init?: StepResult;
  readonly validate?: StepResult;
  readonly validateReport?: ValidateReport;
  readonly plan?: StepResult;
  /** `Plan: 5 to add, 0 to change, 0 to destroy.` or `No changes.` */
  readonly planSummary?: string;
  /** Providers the stack requires, with the mirror version used. */
  readonly providers: readonly { source: string; version: string }[];
}

/** Name of the override file written into each stack dir before running the CLI. */
export const OVERRIDE_FILE = 'zz_engine_override.tf.json';

const SETUP_SCRIPT = path.join(__dirname, 'setup-providers.sh');
const MINUTE = 60_000;

let cached: Engine | undefined;

/** Cache dir used by the setup script (same default and variable). */
export function engineCacheDir(): string {
  const home = process.env.HOME ?? '/root';
  return process.env.CONSUL_PEERING_ENGINE_CACHE ?? path.join(home, '.cache', 'cdktf-consul-peering', 'engine');
}

/**
 * Runs setup-providers.sh once per process (it is itself cached across processes, ~1 s warm) and
 * returns where the CLI and its configuration are. Throws with the script's output on failure.
 */
export function ensureProviders(): Engine {
  if (cached) return cached;
  const cacheDir = engineCacheDir();
  const run = spawnSync('bash', [SETUP_SCRIPT], {
    env: { ...process.env, CONSUL_PEERING_ENGINE_CACHE: cacheDir },
    encoding: 'utf8',
    timeout: 40 * MINUTE,
    maxBuffer: 64 * 1024 * 1024,
  });
  const setupLog = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (run.status !== 0) {
    throw new Error(`${SETUP_SCRIPT} failed (exit ${run.status ?? run.signal}):\n${tail(setupLog, 60)}`);
  }
  const env = parseEnvFile(path.join(cacheDir, 'engine.env'));
  const terraformBinary = env.TERRAFORM_BINARY_NAME;
  const cliConfigFile = env.TF_CLI_CONFIG_FILE;
  if (!terraformBinary || !cliConfigFile) throw new Error(`incomplete ${cacheDir}/engine.env`);
  const providers = fs
    .readFileSync(path.join(cacheDir, 'providers.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line): ProviderBuild => {
      const [source, type, status, version, module, note] = line.split('\t');
      if (status !== 'built' && status !== 'unavailable') throw new Error(`bad providers.tsv line: ${line}`);
      return { source, type, status, version, module, note: note ?? '' };
    });
  const versionRun = spawnSync(terraformBinary, ['version', '-json'], { encoding: 'utf8', env: cliEnv(cliConfigFile) });
  let cliVersion = 'unknown';
  try {
    cliVersion = JSON.parse(versionRun.stdout).terraform_version ?? cliVersion;
  } catch {
    // keep "unknown"; the checks themselves will report a broken CLI
  }
  cached = {
    cliConfigFile,
    terraformBinary,
    cliName: path.basename(terraformBinary),
    cliVersion,
    cacheDir,
    providers,
    setupLog,
  };
  return cached;
}

/**
 * Runs a compiled example (`<exampleDir>/main.js`) with node, from the repository root, with
 * CDKTF_OUTDIR=outdir (cdktf's App honours it unless the app passes its own `outdir`).
 * Returns the absolute stack dirs `outdir/stacks/*`. Throws a clear error when main.js has not
 * been compiled, when the app fails, or when it synthesized no stack into outdir.
 */
export function synthExample(exampleDir: string, outdir: string): string[] {
  const mainJs = path.resolve(exampleDir, 'main.js');
  const root = findPackageRoot(exampleDir);
  const shown = path.relative(root, mainJs);
  if (!fs.existsSync(mainJs)) {
    throw new Error(`${shown} does not exist: compile the examples first (\`npm run build\`, i.e. tsc -p tsconfig.json)`);
  }
  fs.mkdirSync(outdir, { recursive: true });
  const run = spawnSync(process.execPath, [mainJs], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
    timeout: 5 * MINUTE,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`node ${shown} failed (exit ${run.status ?? run.signal}):\n${tail(`${run.stdout}${run.stderr}`, 40)}`);
  }
  const stacks = listStacks(outdir);
  if (stacks.length === 0) {
    throw new Error(`node ${shown} synthesized no stack into ${outdir} (does it pass its own outdir to App?)`);
  }
  return stacks;
}

/** Stack dirs (`<outdir>/stacks/<name>` holding cdk.tf.json), sorted. */
export function listStacks(outdir: string): string[] {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .map((name) => path.join(stacksDir, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'cdk.tf.json')))
    .sort();
}

/**
 * init + validate (+ plan) one synthesized stack with the real CLI and providers.
 * Before running it writes OVERRIDE_FILE into the stack dir: a local backend inside the stack dir
 * (cdktf's default state path points at the directory synth ran from), required_providers pinned
 * to the versions in the mirror, and `disable_docker_daemon_check = true` on every docker provider
 * block (matched by alias, as Terraform merges override provider blocks by name and alias).
 * Plan passes a dummy `-var` for every variable without a default, sensitive ones included.
 */
export function terraformCheck(stackDir: string, options: { plan: boolean }): TerraformCheckResult {
  const engine = ensureProviders();
  const stackName = path.basename(stackDir);
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TfJson;

  const required = Object.entries(config.terraform?.required_providers ?? {}).map(([localName, req]) => ({
    localName,
    rawSource: typeof req === 'string' ? undefined : req.source,
    source: normalizeSource(typeof req === 'string' ? localName : req.source ?? localName),
  }));
  const missing = required
    .map((r) => engine.providers.find((p) => p.source === r.source))
    .filter((p): p is ProviderBuild => p !== undefined && p.status === 'unavailable');
  const providers = required.map((r) => ({
    source: r.source,
    version: engine.providers.find((p) => p.source === r.source)?.version ?? 'registry',
  }));
  if (missing.length > 0) {
    return {
      stackDir,
      stackName,
      ok: false,
      skipped: `needs ${missing.map((p) => `${shortSource(p.source)} ${p.version}`).join(', ')}, not obtainable here`,
      providers,
    };
  }

  // --- override file -------------------------------------------------------------------------
  const requiredOverride: Record<string, { source: string; version: string }> = {};
  const providerOverride: Record<string, Record<string, unknown>[]> = {};
  for (const r of required) {
    const built = engine.providers.find((p) => p.source === r.source && p.status === 'built');
    if (!built) continue;
    requiredOverride[r.localName] = { source: r.rawSource ?? r.source, version: built.version };
    if (built.type === 'docker') {
      const blocks = asArray(config.provider?.[r.localName]);
      if (blocks.length > 0) {
        providerOverride[r.localName] = blocks.map((b) => ({
          ...(b.alias !== undefined ? { alias: b.alias } : {}),
          disable_docker_daemon_check: true,
        }));
      }
    }
  }
  const override: Record<string, unknown> = {
    '//': 'written by test/engine/engine.ts for the offline tier-2 check; not part of the app',
    terraform: {
      backend: { local: { path: path.join(stackDir, 'engine.tfstate') } },
      required_providers: requiredOverride,
    },
  };
  if (Object.keys(providerOverride).length > 0) override.provider = providerOverride;
  fs.writeFileSync(path.join(stackDir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);

  // --- init / validate / plan ----------------------------------------------------------------
  const tf = (args: string[], minutes: number) => runCli(engine, stackDir, args, minutes);
  const base = { stackDir, stackName, providers };

  const init = tf(['init', '-input=false', '-no-color'], 10);
  if (init.exitCode !== 0) {
    return { ...base, ok: false, failedStep: 'init', error: failureText(init), init };
  }
  const validate = tf(['validate', '-json', '-no-color'], 5);
  const validateReport = parseValidate(validate.stdout);
  if (validate.exitCode !== 0 || !validateReport?.valid) {
    const error = validateReport ? formatDiagnostics(validateReport.diagnostics) : failureText(validate);
    return { ...base, ok: false, failedStep: 'validate', error, init, validate, validateReport };
  }
  if (!options.plan) return { ...base, ok: true, init, validate, validateReport };

  const vars = Object.entries(config.variable ?? {})
    .filter(([, v]) => v.default === undefined)
    .flatMap(([name, v]) => ['-var', `${name}=${dummyValue(name, v)}`]);
  const plan = tf(
    ['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', '-detailed-exitcode', ...vars],
    10,
  );
  // -detailed-exitcode: 0 = no changes, 2 = changes present, 1 = error
  if (plan.exitCode !== 0 && plan.exitCode !== 2) {
    return { ...base, ok: false, failedStep: 'plan', error: failureText(plan), init, validate, validateReport, plan };
  }
  const planSummary = /^(Plan: .*|No changes\..*)$/m.exec(plan.stdout)?.[1];
  return { ...base, ok: true, init, validate, validateReport, plan, planSummary };
}

/** `consul` -> `registry.terraform.io/hashicorp/consul`; `kreuzwerker/docker` -> `registry.terraform.io/kreuzwerker/docker`. */
export function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

/** `registry.terraform.io/hashicorp/consul` -> `hashicorp/consul`. */
export function shortSource(source: string): string {
  return source.replace(/^registry\.terraform\.io\//, '');
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => `${d.severity}: ${d.summary}${d.where ? ` (${d.where})` : ''}${d.detail ? `: ${d.detail}` : ''}`)
    .join('\n');
}

// ------------------------------------------------------------------------------------------------

interface TfVariable {
  type?: string;
  default?: unknown;
  sensitive?: boolean;
}

interface TfJson {
  terraform?: { required_providers?: Record<string, string | { source?: string; version?: string }> };
  provider?: Record<string, Record<string, unknown> | Record<string, unknown>[]>;
  variable?: Record<string, TfVariable>;
}

function runCli(engine: Engine, cwd: string, args: string[], minutes: number): StepResult {
  const started = Date.now();
  const run = spawnSync(engine.terraformBinary, args, {
    cwd,
    env: cliEnv(engine.cliConfigFile),
    encoding: 'utf8',
    timeout: minutes * MINUTE,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    args: [engine.cliName, ...args],
    exitCode: run.status,
    stdout: run.stdout ?? '',
    stderr: `${run.stderr ?? ''}${run.error ? `\n${run.error.message}` : ''}`,
    seconds: (Date.now() - started) / 1000,
    timedOut: run.error !== undefined && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT',
  };
}

/** The CLI's environment: our CLI config, automation mode, nothing inherited that changes arguments or installs. */
function cliEnv(cliConfigFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // TF_CLI_ARGS* inject arguments; a plugin cache dir is not needed with an unpacked mirror
    // (init links the mirror's package dir into .terraform/providers); TF_DATA_DIR/TF_WORKSPACE
    // would move state/plugins away from the stack dir.
    if (/^TF_(CLI_ARGS.*|PLUGIN_CACHE_DIR|DATA_DIR|WORKSPACE|LOG.*|VAR_.*)$/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

function parseValidate(stdout: string): ValidateReport | undefined {
  try {
    const j = JSON.parse(stdout) as {
      valid: boolean;
      error_count: number;
      warning_count: number;
      diagnostics?: {
        severity: string;
        summary: string;
        detail?: string;
        range?: { filename: string; start: { line: number } };
      }[];
    };
    return {
      valid: j.valid,
      errorCount: j.error_count,
      warningCount: j.warning_count,
      diagnostics: (j.diagnostics ?? []).map((d) => ({
        severity: d.severity,
        summary: d.summary,
        detail: d.detail,
        where: d.range ? `${d.range.filename}:${d.range.start.line}` : undefined,
      })),
    };
  } catch {
    return undefined;
  }
}

function dummyValue(name: string, v: TfVariable): string {
  const type = (v.type ?? 'string').replace(/\s+/g, '');
  if (/^number/.test(type)) return '1';
  if (/^bool/.test(type)) return 'true';
  if (/^(list|set|tuple)/.test(type)) return '[]';
  if (/^(map|object)/.test(type)) return '{}';
  // Consul ACL tokens are UUIDs; give secrets that shape so provider-side validation sees a plausible value.
  return v.sensitive ? '00000000-0000-4000-8000-00000000e2e0' : `engine-dummy-${name}`;
}

function failureText(step: StepResult): string {
  const text = `${step.stderr}\n${step.stdout}`.trim();
  return `${step.args.join(' ')} exited ${step.exitCode}${step.timedOut ? ' (timed out)' : ''}:\n${tail(text, 40)}`;
}

function asArray(v: Record<string, unknown> | Record<string, unknown>[] | undefined): Record<string, unknown>[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function parseEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function findPackageRoot(from: string): string {
  let dir = path.resolve(from);
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
  return dir;
}

function tail(text: string, lines: number): string {
  const all = text.split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}

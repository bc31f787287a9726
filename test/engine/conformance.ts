/**
 * Tier 3 (Consul conformance) from Jest: builds the Go checker in `test/conformance/` once into a cache
 * directory and runs it over synthesized stacks and service-definition files.
 *
 * The binary lives at `${CONSUL_PEERING_ENGINE_CACHE:-$HOME/.cache/cdktf-consul-peering/engine}/bin/consul-conformance`
 * and is rebuilt when any `.go`, `go.mod` or `go.sum` file under `test/conformance/` changes (their
 * SHA-256 is kept next to the binary). Needs a Go toolchain on PATH; the first build downloads
 * `github.com/hashicorp/consul/api` and its dependencies through the Go module proxy.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listStacks } from './engine';
import { goToolBinary } from './go-tool';
import { App, DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

/** Where the Go sources of the checker live. */
export const CONFORMANCE_SOURCE_DIR = path.resolve(__dirname, '..', 'conformance');

/** The summary line the checker prints on success. */
export const CONFORMANCE_SUMMARY = /^consul conformance: decoded (\d+) config entries, (\d+) service definitions, (\d+) ACL documents$/;

export interface ConformanceResult {
  /** True when the checker exited 0: everything decoded and passed. */
  readonly ok: boolean;
  /** On success, exactly the summary line. */
  readonly stdout: string;
  /** One line per problem (`file: resource address: JSON path: reason`), plus warnings. */
  readonly stderr: string;
}

/**
 * Path to the checker binary, building it first when it is missing or its sources changed
 * (see {@link goToolBinary}).
 */
export function conformanceBinary(): string {
  return goToolBinary(CONFORMANCE_SOURCE_DIR, 'consul-conformance');
}

/**
 * Runs the checker over synthesized `cdk.tf.json` files and agent service-definition files.
 * Config entries, ACL policies and service definitions uploaded by `docker_container` resources are
 * found inside the stacks.
 */
export function runConformance(files: string[], serviceDefFiles: string[]): ConformanceResult {
  const args = [...serviceDefFiles.flatMap((f) => ['-service-def', f]), ...files];
  const r = spawnSync(conformanceBinary(), args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

/** A service definition found on a construct. */
export interface CollectedServiceDefinition {
  /** Path of the construct that exposes it. */
  readonly constructPath: string;
  /** The document in agent config-file form (`{ service: {...} }`), tokens resolved. */
  readonly definition: object;
}

/**
 * Every construct under `root` (itself included) whose `serviceDefinition` property is a non-null object,
 * e.g. MeshGateway and MeshService. Tokens are resolved the way synthesis resolves them, so a leaked
 * token shows up as `${...}` and the checker reports it. Call after `app.synth()` so lazy values are final.
 */
export function collectServiceDefinitions(root: IConstruct): CollectedServiceDefinition[] {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const out: CollectedServiceDefinition[] = [];
  for (const c of root.node.findAll()) {
    const definition = (c as unknown as { serviceDefinition?: unknown }).serviceDefinition;
    if (definition !== null && typeof definition === 'object') {
      out.push({
        constructPath: c.node.path,
        definition: Tokenization.resolve(definition, { scope: c, preparing: false, resolver }),
      });
    }
  }
  return out;
}

/** Writes each collected service definition to its own JSON file in `dir` and returns the paths. */
export function writeServiceDefinitions(root: IConstruct, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return collectServiceDefinitions(root).map((d, i) => {
    const file = path.join(dir, `${String(i).padStart(3, '0')}-${d.constructPath.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(d.definition, null, 2)}\n`);
    return file;
  });
}

/** The `cdk.tf.json` of every stack under a cdktf output directory. */
export function synthesizedStackFiles(outdir: string): string[] {
  return listStacks(outdir).map((dir) => path.join(dir, 'cdk.tf.json'));
}

export interface SynthesizedExample {
  readonly name: string;
  /** `buildApp` when `stack.js` exports it (service definitions collected from the constructs), else `main`. */
  readonly mode: 'buildApp' | 'main';
  readonly stackFiles: string[];
  readonly serviceDefFiles: string[];
}

/**
 * Synthesizes one example (compiled in place by `npm run build`) into `workDir`. If its `stack.js` exports
 * `buildApp(outdir?: string): App` (not yet synthesized), the app is built and synthesized here and its
 * constructs' service definitions are written out too; otherwise `node main.js` runs with `CDKTF_OUTDIR`.
 */
export function synthesizeExample(exampleDir: string, workDir: string): SynthesizedExample {
  const name = path.basename(exampleDir);
  const outdir = path.join(workDir, 'cdktf.out');
  fs.mkdirSync(outdir, { recursive: true });
  const stackJs = path.join(exampleDir, 'stack.js');
  const mod: { buildApp?: unknown } = fs.existsSync(stackJs) ? require(stackJs) : {};
  if (typeof mod.buildApp === 'function') {
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir; // in case buildApp ignores its argument and uses `new App()`
    try {
      const app = (mod.buildApp as (outdir?: string) => App)(outdir);
      app.synth();
      return {
        name,
        mode: 'buildApp',
        stackFiles: synthesizedStackFiles(app.outdir),
        serviceDefFiles: writeServiceDefinitions(app, path.join(workDir, 'service-definitions')),
      };
    } finally {
      if (previous === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = previous;
    }
  }
  const r = spawnSync(process.execPath, [path.join(exampleDir, 'main.js')], {
    cwd: path.resolve(exampleDir, '..', '..'), // the repository root, as cdktf.json's "app" runs it
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`synthesizing example ${name} failed:\n${r.stderr}`);
  return { name, mode: 'main', stackFiles: synthesizedStackFiles(outdir), serviceDefFiles: [] };
}

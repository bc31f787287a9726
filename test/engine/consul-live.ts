/**
 * The live tier from Jest: the Consul v1.14.0 server binary built by the engine setup
 * (setup-providers.sh, cached with the providers) and the live applier in `test/live/` (built with
 * {@link goToolBinary}), run over one synthesized stack at a time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { engineCacheDir, ensureProviders, parseEnvFile } from './engine';
import { goToolBinary } from './go-tool';

/** Where the Go sources of the live applier live. */
export const LIVE_SOURCE_DIR = path.resolve(__dirname, '..', 'live');

/** The summary line of a run that applied a stack (counts as `ok/total`). */
export const LIVE_SUMMARY =
  /^consul live: (\S+), (\d+) clusters, peerings ACTIVE (\d+)\/(\d+), imports (\d+)\/(\d+), calls allowed (\d+)\/(\d+) and denied (\d+)\/(\d+), registrations (\d+) with own tokens, bootstraps (\d+), config entries converged (\d+)\/(\d+)$/m;

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

/** Applies one synthesized stack to live servers (see test/live/main.go) and returns what it printed. */
export function runLive(consul: LiveConsul, stackFile: string, timeoutSeconds = 240): LiveResult {
  return runApplier(consul, ['-stack', stackFile], timeoutSeconds);
}

/**
 * Deploys stacks in order with the pod runner (test/live/pods.go): Docker networks as bridges, pods as
 * network namespaces, lab servers and client agents for real, Envoy commands with -bootstrap.
 */
export function runPods(consul: LiveConsul, stackFiles: string[], timeoutSeconds = 300): LiveResult {
  return runApplier(consul, ['-pods', ...stackFiles.flatMap((f) => ['-stack', f])], timeoutSeconds);
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

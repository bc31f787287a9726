/*
 * `npm run bench`: synth time and peak memory of the library against its twin (benchmarks/twin.ts, the same
 * configuration written with the provider packages' L1 classes only), in paired whole-process runs.
 *
 * 1. Check: at every size, one run of each side; their cdk.tf.json must be equal apart from the `//`
 *    metadata, or the benchmark stops before timing anything.
 * 2. Time: at every size, BENCH_REPS pairs (library then twin, or twin then library, alternating), one
 *    process at a time. Wall time is measured around the whole process (start, module loading, building,
 *    `app.synth()` writing the JSON, exit); peak RSS is the process's own maxRSS.
 * 3. Print a table and, last, `bench: worst median ratio R at SIZE`.
 *
 * Environment:
 *   BENCH_REPS   pairs per size (default 5; sizes under 1,000 resources run twice as many, they are quick)
 *   BENCH_SIZES  comma-separated sizes, e.g. "10x50,10x200+dp" (default: 2x1, 5x20, 10x50, 10x200, each with
 *                and without the data plane)
 *   BENCH_JSON   also write every run (wall time, peak RSS, in-process build and synth time, CPU time) to this file
 *   BENCH_CREATION_STACKS=off  diagnostic: both sides run without cdktf's creation stack traces
 *                (benchmarks/no-creation-stacks.ts), which separates the library's own work from the cost of its
 *                deeper call stacks; the last line says so. Not the issue's measure.
 *   BENCH_CALIBRATE=1  calibration: both sides run the twin, so every ratio is this machine's noise floor for
 *                the procedure (1.00 on a perfectly quiet machine); the header and the last line say so.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSize, sizeLabel, STACK_NAME } from './names';

const DEFAULT_SIZES = ['2x1', '2x1+dp', '5x20', '5x20+dp', '10x50', '10x50+dp', '10x200', '10x200+dp'];
const SMALL = 1000;

type Impl = 'lib' | 'twin';

interface Run {
  readonly wallMs: number;
  readonly maxRssKb: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly cpuMs: number;
}

interface Row {
  readonly size: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly runs: Record<Impl, Run[]>;
}

const SYNTH_ONE = path.join(__dirname, 'synth-one.js');
const NO_CREATION_STACKS = path.join(__dirname, 'no-creation-stacks.js');

/** `BENCH_CREATION_STACKS=off`: the diagnostic mode (see the header). */
function creationStacksOff(): boolean {
  const v = process.env.BENCH_CREATION_STACKS;
  if (v === undefined || v === '' || v === 'on') return false;
  if (v === 'off') return true;
  throw new Error(`BENCH_CREATION_STACKS must be "on" or "off", not "${v}"`);
}

/** `BENCH_CALIBRATE=1`: the calibration mode (see the header). */
function calibrating(): boolean {
  const v = process.env.BENCH_CALIBRATE;
  if (v === undefined || v === '' || v === '0') return false;
  if (v === '1') return true;
  throw new Error(`BENCH_CALIBRATE must be "1" or "0", not "${v}"`);
}

/** One whole process of `impl` at `size`, writing into a fresh directory that is removed afterwards unless kept. */
function runOnce(impl: Impl, size: string, keepIn?: string): Run {
  const outdir = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), `bench-${impl}-`));
  try {
    const start = process.hrtime.bigint();
    const preload = creationStacksOff() ? ['--require', NO_CREATION_STACKS] : [];
    const child = spawnSync(process.execPath, [...preload, SYNTH_ONE, impl, size, outdir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) {
      throw new Error(`${impl} ${size} failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
    }
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!);
    return { wallMs, maxRssKb: report.maxRssKb, buildMs: report.buildMs, synthMs: report.synthMs, cpuMs: report.cpuMs };
  } finally {
    if (!keepIn) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function stackJson(outdir: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK_NAME, 'cdk.tf.json'), 'utf8'));
}

/** `value` without any `//` key, at any depth. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '//') out[k] = withoutMetadata(v);
    return out;
  }
  return value;
}

/** The first place where `a` and `b` differ (a JSON path and both values), or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  const show = (v: unknown) => (v === undefined ? '(missing)' : JSON.stringify(v).slice(0, 300));
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at || '/'}: ${a.length} items in the library's, ${b.length} in the twin's`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}/${i}`);
      if (d) return d;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as any)[k], (b as any)[k], `${at}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${at || '/'}: library ${show(a)}, twin ${show(b)}`;
}

function count(json: any, section: 'resource' | 'data'): number {
  return Object.values<Record<string, unknown>>(json[section] ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** Runs both sides once at `size` and compares their JSON; returns the resource and data-source counts. */
function check(size: string): { resources: number; dataSources: number } {
  const dirs = { lib: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-check-lib-')), twin: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-check-twin-')) };
  try {
    runOnce('lib', size, dirs.lib);
    runOnce('twin', size, dirs.twin);
    const lib = stackJson(dirs.lib);
    const diff = firstDifference(withoutMetadata(lib), withoutMetadata(stackJson(dirs.twin)));
    if (diff) throw new Error(`the twin's JSON differs from the library's at ${size} (apart from "//" metadata): ${diff}`);
    return { resources: count(lib, 'resource'), dataSources: count(lib, 'data') };
  } finally {
    fs.rmSync(dirs.lib, { recursive: true, force: true });
    fs.rmSync(dirs.twin, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const min = (xs: number[]): number => Math.min(...xs);
const secs = (ms: number): string => (ms / 1000).toFixed(2);
const mb = (kb: number): string => (kb / 1024).toFixed(0);
const thousands = (n: number): string => n.toLocaleString('en-US');

function table(rows: Row[]): string {
  const header = [
    'size',
    'resources',
    'lib min s',
    'lib median s',
    'twin min s',
    'twin median s',
    'ratio',
    'lib µs/res',
    'twin µs/res',
    'lib RSS MB',
    'twin RSS MB',
    'RSS ratio',
  ];
  const lines = rows.map((r) => {
    const lib = r.runs.lib.map((x) => x.wallMs);
    const twin = r.runs.twin.map((x) => x.wallMs);
    const libRss = median(r.runs.lib.map((x) => x.maxRssKb));
    const twinRss = median(r.runs.twin.map((x) => x.maxRssKb));
    return [
      r.size,
      thousands(r.resources),
      secs(min(lib)),
      secs(median(lib)),
      secs(min(twin)),
      secs(median(twin)),
      (median(lib) / median(twin)).toFixed(2),
      ((median(lib) * 1000) / r.resources).toFixed(0),
      ((median(twin) * 1000) / r.resources).toFixed(0),
      mb(libRss),
      mb(twinRss),
      (libRss / twinRss).toFixed(2),
    ];
  });
  const fmt = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [fmt(header), fmt(header.map(() => '---')), ...lines.map(fmt)].join('\n');
}

function main(): void {
  const reps = Number(process.env.BENCH_REPS ?? 5);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`BENCH_REPS must be a positive integer, not ${process.env.BENCH_REPS}`);
  const sizes = (process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',') : DEFAULT_SIZES).map((s) => sizeLabel(parseSize(s.trim())));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  log(`bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${reps} pairs per size (x2 under ${SMALL} resources)`);
  log(`bench: load average ${load()} (other work on the machine shows up in the ratios; run it on a quiet machine)`);
  const diagnostic = creationStacksOff();
  if (diagnostic) log('bench: DIAGNOSTIC run, both sides without cdktf creation stack traces (BENCH_CREATION_STACKS=off); not the issue\'s measure');
  const calibration = calibrating();
  if (calibration) log('bench: CALIBRATION run (BENCH_CALIBRATE=1): both sides run the twin; the ratios are the noise floor, not the library');

  const counts = new Map<string, { resources: number; dataSources: number }>();
  for (const size of sizes) {
    counts.set(size, check(size));
    log(`check ${size}: twin JSON equals the library's (${thousands(counts.get(size)!.resources)} resources, ${thousands(counts.get(size)!.dataSources)} data sources)`);
  }

  const rows: Row[] = [];
  for (const size of sizes) {
    const { resources, dataSources } = counts.get(size)!;
    const row: Row = { size, resources, dataSources, runs: { lib: [], twin: [] } };
    const pairs = resources < SMALL ? 2 * reps : reps;
    for (let k = 0; k < pairs; k++) {
      const order: Impl[] = k % 2 === 0 ? ['lib', 'twin'] : ['twin', 'lib'];
      // In calibration the library's column is timed on the twin too (the check above still ran the library).
      for (const impl of order) row.runs[impl].push(runOnce(calibration ? 'twin' : impl, size));
    }
    const ratio = median(row.runs.lib.map((r) => r.wallMs)) / median(row.runs.twin.map((r) => r.wallMs));
    log(`timed ${size}: ${pairs} pairs, median ratio ${ratio.toFixed(2)}`);
    rows.push(row);
  }

  if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(rows, null, 2)}\n`);
  log(`bench: load average ${load()} at the end`);
  console.log(table(rows));
  const ratios = rows.map((r) => ({ size: r.size, ratio: median(r.runs.lib.map((x) => x.wallMs)) / median(r.runs.twin.map((x) => x.wallMs)) }));
  const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const modes = [...(diagnostic ? ['diagnostic: without creation stack traces'] : []), ...(calibration ? ['calibration: twin against twin'] : [])];
  console.log(`bench: worst median ratio ${worst.ratio.toFixed(2)} at ${worst.size}${modes.length ? ` (${modes.join('; ')})` : ''}`);
}

if (require.main === module) main();

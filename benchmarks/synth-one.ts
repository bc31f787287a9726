/*
 * One benchmark process: builds the library's app or its twin at one size and synthesizes it with
 * `app.synth()` into `outdir`, then prints one JSON line: how long building and synthesizing took inside the
 * process, the CPU time of the whole process and its peak RSS. benchmarks/bench.ts times the whole process from the outside.
 *
 *   node benchmarks/synth-one.js <lib|twin> <size> <outdir>     e.g. lib 10x200+dp /tmp/out
 *
 * Only the chosen side's modules are loaded: the twin's process never requires ../lib.
 */
import { parseSize } from './names';

function main(): void {
  const [impl, label, outdir] = process.argv.slice(2);
  if ((impl !== 'lib' && impl !== 'twin') || !label || !outdir) {
    throw new Error('usage: node benchmarks/synth-one.js <lib|twin> <clusters>x<services>[+dp] <outdir>');
  }
  const size = parseSize(label);
  const t0 = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = impl === 'lib' ? require('./topology').buildLibraryApp(size, outdir) : require('./twin').buildTwinApp(size, outdir);
  const t1 = process.hrtime.bigint();
  app.synth();
  const t2 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ impl, size: label, buildMs: ms(t0, t1), synthMs: ms(t1, t2), cpuMs: cpuMs(), maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
}

/** CPU time of the whole process so far (user + system), in ms: less disturbed than wall time by other load. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

main();

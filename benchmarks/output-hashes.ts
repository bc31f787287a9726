/*
 * sha256 of the library's synthesized cdk.tf.json at every benchmark size and of both examples, to check that
 * a change to lib/ leaves the output byte-identical: run it before and after, and compare.
 *
 *   npx tsc -p tsconfig.json && node benchmarks/output-hashes.js
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STACK_NAME } from './names';

const SIZES = ['2x1', '2x1+dp', '5x20', '5x20+dp', '10x50', '10x50+dp', '10x200', '10x200+dp'];

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function inTemp<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hash-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  for (const size of SIZES) {
    inTemp((dir) => {
      const child = spawnSync(process.execPath, [path.join(__dirname, 'synth-one.js'), 'lib', size, dir], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`lib ${size} failed:\n${child.stderr}`);
      console.log(`${sha256(path.join(dir, 'stacks', STACK_NAME, 'cdk.tf.json'))}  bench ${size}`);
    });
  }
  // The examples, built the way their main.ts builds them (npm run synth writes the first one to cdktf.out/).
  const examples: Array<[string, string[]]> = [
    ['two-clusters', ['two-clusters']],
    ['local-lab', ['lab', 'mesh']],
  ];
  for (const [example, stacks] of examples) {
    inTemp((dir) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(__dirname, '..', 'examples', example, 'stack')).buildApp(dir).synth();
      for (const stack of stacks) console.log(`${sha256(path.join(dir, 'stacks', stack, 'cdk.tf.json'))}  examples/${example} ${stack}`);
    });
  }
}

main();

// The API reference (API.md at the repository root) is generated from the TSDoc of everything exported
// from lib/index.ts by TypeDoc with typedoc-plugin-markdown (typedoc.json; `npm run docs` writes it).
// This test generates it again into a temporary directory and fails when the committed file differs, or
// when TypeDoc reports a warning: typedoc.json turns every warning into an error, and its validation
// reports every public item without documentation by name.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lib from '../../lib';

const REPO = path.resolve(__dirname, '..', '..');
const TYPEDOC = path.join(REPO, 'node_modules', 'typedoc', 'bin', 'typedoc');
const COMMITTED = path.join(REPO, 'API.md');
const TIMEOUT = 60_000;

const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

/** Runs TypeDoc with typedoc.json into `out`; `extra` adds command-line options. */
function typedoc(out: string, extra: string[] = []): { status: number | null; log: string } {
  const r = spawnSync(process.execPath, [TYPEDOC, '--options', path.join(REPO, 'typedoc.json'), '--out', out, ...extra], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: TIMEOUT / 2,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, log: stripAnsi(`${r.stdout}${r.stderr}`).trim() };
}

describe('API reference (API.md)', () => {
  let out: string;
  let strict: { status: number | null; log: string };
  let generated: string;

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-peering-api-docs-'));
    strict = typedoc(out);
    if (strict.status !== 0) {
      // TypeDoc writes nothing when a warning is an error: generate once more, warnings allowed, so that
      // staleness is still checked (and reported) on its own.
      fs.rmSync(out, { recursive: true, force: true });
      fs.mkdirSync(out);
      const lax = typedoc(out, ['--treatWarningsAsErrors', 'false']);
      if (lax.status !== 0) throw new Error(`TypeDoc failed (exit ${lax.status}) even with warnings allowed:\n${lax.log}`);
    }
    generated = fs.readFileSync(path.join(out, 'API.md'), 'utf8');
  }, TIMEOUT);

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test('every public item is documented: TypeDoc (validation on, warnings are errors) reports nothing', () => {
    if (strict.status === 0) return;
    const undocumented = strict.log
      .split('\n')
      .filter((l) => l.includes('does not have any documentation'))
      .map((l) => `  - ${l.replace(/^\[warning\]\s*/, '')}`);
    throw new Error(
      [
        `TypeDoc failed (exit ${strict.status}); typedoc.json treats every warning as an error.`,
        ...(undocumented.length > 0
          ? [`${undocumented.length} public item(s) without documentation (add TSDoc in lib/, then run npm run docs):`, ...undocumented]
          : []),
        '--- TypeDoc output',
        strict.log,
      ].join('\n'),
    );
  }, TIMEOUT);

  test('is one deterministic markdown file: no other page, no timestamp, no absolute path', () => {
    expect(fs.readdirSync(out)).toEqual(['API.md']);
    expect(generated.startsWith('# cdktf-consul-peering\n')).toBe(true);
    expect(generated).not.toContain(REPO);
    expect(generated).not.toContain(out);
    expect(generated).not.toContain(os.homedir());
    expect(generated).not.toMatch(/\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d/);
    expect(generated).not.toMatch(/Defined in:/);
    // Every export of the package root is in it: each exported class has its own heading.
    const exported = lib as unknown as Record<string, unknown>;
    const classes = Object.keys(exported).filter((k) => typeof exported[k] === 'function' && /^class\s/.test(Function.prototype.toString.call(exported[k])));
    expect(classes.length).toBeGreaterThan(10);
    expect(classes.filter((k) => !generated.includes(`\n### ${k}\n`))).toEqual([]);
  }, TIMEOUT);

  test('the committed API.md is what npm run docs generates', () => {
    if (!fs.existsSync(COMMITTED)) throw new Error('API.md is missing: run npm run docs');
    const committed = fs.readFileSync(COMMITTED, 'utf8');
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      let line = 0;
      while (line < a.length && line < b.length && a[line] === b[line]) line++;
      throw new Error(
        [
          'API.md is stale: run npm run docs',
          `first difference at line ${line + 1}:`,
          `  committed: ${JSON.stringify(a[line] ?? '<end of file>')}`,
          `  generated: ${JSON.stringify(b[line] ?? '<end of file>')}`,
          `(${a.length} lines committed, ${b.length} generated)`,
        ].join('\n'),
      );
    }
    console.log(`api docs: API.md up to date (${Buffer.byteLength(generated, 'utf8')} bytes, ${generated.split('\n### ').length - 1} exported items)`);
  }, TIMEOUT);
});

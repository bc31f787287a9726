import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

const examplesDir = path.join(__dirname, '..', 'examples');
const examples = fs
  .readdirSync(examplesDir)
  .filter((d) => fs.existsSync(path.join(examplesDir, d, 'stack.ts')))
  .sort();

describe('examples', () => {
  test('there is at least the default example', () => {
    expect(examples).toContain('two-clusters');
  });

  describe.each(examples)('%s', (name) => {
    const dir = path.join(examplesDir, name);

    test('synthesizes every stack with validations on', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { buildApp } = require(path.join(dir, 'stack')) as { buildApp: (outdir?: string) => App };
        const app = buildApp(outdir);
        expect(() => app.synth()).not.toThrow();
        const stacks = fs.readdirSync(path.join(outdir, 'stacks'));
        expect(stacks.length).toBeGreaterThan(0);
        for (const stack of stacks) {
          const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
          expect(Object.keys(json.resource ?? {}).length).toBeGreaterThan(0);
        }
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

    test('imports the library only through its public entry point, like a user', () => {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const libImports = [...text.matchAll(/from '([^']*lib[^']*)'/g)].map((m) => m[1]);
        for (const spec of libImports) expect(spec).toBe('../../lib');
      }
    });

    test('has a README with numbered steps', () => {
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      expect(readme).toMatch(/^1\. /m);
      expect(readme).toMatch(/^2\. /m);
    });
  });
});

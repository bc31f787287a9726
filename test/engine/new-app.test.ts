// The README's "Start a new app" section, run as it is written: the fenced blocks between the
// `<!-- new-app:start -->` and `<!-- new-app:end -->` markers become one bash script (`sh` blocks are
// commands; a `ts <file>` block is written to <file> where it stands), run with the real cdktf CLI
// (cdktf-cli@0.21.0 through npx) in an empty temporary directory. So the README and this test cannot drift.
//
// CONSUL_PEERING_CHECKOUT, which the section asks the reader to set, is a copy of the work tree (everything
// but node_modules, which is linked, .git and cdktf.out), so the `npm pack` in it (its prepack compiles
// lib/) neither rewrites lib/*.js under other tests running in parallel nor reads a file another build is
// writing. It needs nothing but the npm registry; with npm_config_prefer_offline, everything the npm cache
// (and npx's cache of cdktf-cli) already holds is taken from there without asking the registry.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');
const README = path.join(REPO, 'README.md');
const START = '<!-- new-app:start -->';
const END = '<!-- new-app:end -->';
/** Cold (empty npm cache) it downloads cdktf-cli, jest and the rest of the blank app from the registry. */
const TIMEOUT = 15 * 60_000;

/** The README section's commands as one bash script. */
function scriptFromReadme(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" ... "${END}" section`);
  const section = readme.slice(start + START.length, end);
  const lines: string[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  let m: RegExpExecArray | null;
  while ((m = fence.exec(section)) !== null) {
    const info = m[1].trim().split(/\s+/);
    const body = m[2];
    if (info[0] === 'sh' && info.length === 1) {
      lines.push(body);
    } else if (info[0] === 'ts' && (info.length === 2 || (info.length === 3 && info[2] === 'nofixture'))) {
      // `nofixture` tells jsii-rosetta (scripts/jsii-package.js --rosetta) that the block is a whole program.
      const file = info[1];
      if (!/^[\w.-]+$/.test(file)) throw new Error(`README new-app: bad file name "${file}" in a ts block`);
      if (body.includes('\nNEW_APP_EOF\n')) throw new Error('README new-app: a ts block contains the heredoc marker');
      lines.push(`cat > ${file} <<'NEW_APP_EOF'\n${body}NEW_APP_EOF\n`);
    } else {
      throw new Error(`README new-app: a fenced block is "${m[1]}"; only "sh" (commands) and "ts <file> [nofixture]" (a file) are run`);
    }
  }
  if (lines.length === 0) throw new Error('README new-app: no fenced block between the markers');
  return lines.join('');
}

/** The environment of the run: npm quiet and cache-first; nothing of the npm script that started jest. */
function runEnv(checkout: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/.test(k) || k === 'npm_config_local_prefix' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return {
    ...env,
    CONSUL_PEERING_CHECKOUT: checkout,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

describe('README "Start a new app"', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  let work: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-peering-new-app-'));
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  test('runs the section in an empty directory and synthesizes both sides of the peering', () => {
    const script = scriptFromReadme(fs.readFileSync(README, 'utf8'));
    // What the section promises, so that an edit cannot quietly drop it.
    expect(script).toMatch(/npx --yes cdktf-cli@0\.21\.0 init --template=typescript /);
    expect(script).toMatch(/npm install --save-dev --save-exact typescript@5\.9\.3\n/);
    expect(script).toMatch(/npx --yes cdktf-cli@0\.21\.0 synth\b/);

    const checkout = path.join(work, 'checkout');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '.engine-cache', 'coverage']);
    fs.cpSync(REPO, checkout, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(REPO, src);
        return rel === '' || (!skip.has(rel.split(path.sep)[0]) && !(path.dirname(rel) === '.' && rel.endsWith('.tgz')));
      },
    });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);

    const started = Date.now();
    const r = spawnSync('bash', ['-c', `set -euo pipefail\nPS4='+ [\${SECONDS}s] '\nset -x\n${script}`], {
      cwd: empty,
      env: runEnv(checkout),
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: TIMEOUT - 60_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = (Date.now() - started) / 1000;
    const trace = (r.stderr ?? '')
      .split('\n')
      .filter((l) => l.startsWith('+ ['))
      .join('\n');
    if (r.error || r.status !== 0) {
      const tail = (s: string | null) => (s ?? '').split('\n').slice(-80).join('\n');
      throw new Error(
        `the README's "Start a new app" commands failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}) ` +
          `after ${seconds.toFixed(0)} s in ${empty}\n--- commands run\n${trace}\n--- stdout (tail)\n${tail(r.stdout)}\n--- stderr (tail)\n${tail(r.stderr)}`,
      );
    }

    const app = path.join(empty, 'mesh-app');
    const appPkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
    const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
    expect(appPkg.devDependencies.typescript).toBe('5.9.3');
    expect(installed('typescript')).toBe('5.9.3');
    expect(installed('cdktf-consul-peering')).toBe(pkg.version);
    expect(installed('cdktf')).toBe('0.21.0');
    expect(JSON.parse(fs.readFileSync(path.join(app, 'cdktf.json'), 'utf8')).terraformProviders).toEqual([]);

    const json = JSON.parse(fs.readFileSync(path.join(app, 'cdktf.out', 'stacks', 'mesh', 'cdk.tf.json'), 'utf8'));
    expect(json.provider.consul.map((p: { alias: string }) => p.alias).sort()).toEqual(['dc1', 'dc2']);
    const tokens = Object.entries(json.resource.consul_peering_token ?? {});
    const peerings = Object.values(json.resource.consul_peering ?? {});
    expect(tokens).toHaveLength(1);
    expect(peerings).toHaveLength(1);
    const [tokenName, token] = tokens[0];
    expect(token).toMatchObject({ peer_name: 'dc1', provider: 'consul.dc2' });
    expect(peerings[0]).toMatchObject({
      peer_name: 'dc2',
      provider: 'consul.dc1',
      peering_token: `\${consul_peering_token.${tokenName}.peering_token}`,
    });
    // The one connectTo: api in dc2 allows web from the peer dc1 calls "dc1".
    const intentions = Object.values(json.resource.consul_config_entry_service_intentions ?? {}) as Array<{ name: string; provider: string; sources: unknown[] }>;
    expect(intentions).toEqual([
      expect.objectContaining({ name: 'api', provider: 'consul.dc2', sources: [expect.objectContaining({ name: 'web', peer: 'dc1', action: 'allow' })] }),
    ]);

    console.log(
      `new app: README "Start a new app" ran in ${seconds.toFixed(1)} s (cdktf-cli 0.21.0 init, typescript 5.9.3 pin, ` +
        `library tarball, cdktf synth): consul_peering_token on dc2, consul_peering on dc1, one intention\n${trace}`,
    );
  }, TIMEOUT);
});

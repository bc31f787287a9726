// The published package, as `npm pack` builds it (its `prepack` runs the published build,
// tsconfig.lib.json), checked file by file and by the two package linters, publint and
// are-the-types-wrong, and `npm publish --dry-run` of the very tarball that was checked.
//
// The pack runs in a copy of the work tree (everything but node_modules, which is linked, .git and
// cdktf.out), so it neither rewrites lib/*.js under other tests running in parallel (the consumer test
// packs too) nor reads a file another build is writing. Every npm call runs with --offline: none of
// this may need the registry.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { filesUnder, runOrFail } from './process';

const REPO = path.resolve(__dirname, '..', '..');
/** Per test: each spawns node, npm or tsc, while the other suites run in parallel. */
const TIMEOUT = 60_000;
const NAME = 'cdktf-consul-peering';
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ENV = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
};

/** Runs a command with ENV; fails the test with its output unless it exits 0. */
const run = (cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> => runOrFail(cmd, args, cwd, ENV);

/** npm prints lifecycle script output before its JSON; the JSON starts at the first line that opens it. */
function parseNpmJson(stdout: string): any {
  const start = stdout.search(/^[[{]$/m);
  if (start < 0) throw new Error(`no JSON in npm's output:\n${stdout}`);
  return JSON.parse(stdout.slice(start));
}


/** The lowest Node.js version a `>= X.Y.Z` range admits; any other form fails the test, to be looked at. */
function minimumNode(range: string): number[] {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!m) throw new Error(`engines.node "${range}" is not of the form ">= X.Y.Z"`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}
const atLeast = (a: number[], b: number[]) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2];

describe('published package', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  let work: string;
  let copy: string;
  let tarball: string;
  let packed: { filename: string; size: number; unpackedSize: number; integrity: string; files: Array<{ path: string }> };
  let files: string[];
  let unpacked: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-peering-package-'));
    copy = path.join(work, 'src');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '.engine-cache', 'coverage']);
    fs.cpSync(REPO, copy, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(REPO, src);
        return rel === '' || (!skip.has(rel.split(path.sep)[0]) && !(path.dirname(rel) === '.' && rel.endsWith('.tgz')));
      },
    });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

    const r = run(NPM, ['pack', '--json', '--pack-destination', work], copy);
    [packed] = parseNpmJson(r.stdout);
    tarball = path.join(work, packed.filename);
    expect(fs.existsSync(tarball)).toBe(true);

    // What a consumer's node_modules holds after installing the tarball.
    const consumer = path.join(work, 'consumer', 'node_modules');
    fs.mkdirSync(consumer, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', consumer], work);
    unpacked = path.join(consumer, NAME);
    fs.renameSync(path.join(consumer, 'package'), unpacked);
    files = filesUnder(unpacked);
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, TIMEOUT);

  test('the published build emits no source maps and is not incremental', () => {
    // An incremental build with its own build info would skip files the dev build (inline source maps)
    // rewrote since, and ship those.
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const shown = JSON.parse(run(process.execPath, [tsc, '-p', 'tsconfig.lib.json', '--showConfig'], REPO).stdout);
    const o = shown.compilerOptions;
    expect({
      sourceMap: o.sourceMap ?? false,
      inlineSourceMap: o.inlineSourceMap ?? false,
      inlineSources: o.inlineSources ?? false,
      declarationMap: o.declarationMap ?? false,
      incremental: o.incremental ?? false,
    }).toEqual({ sourceMap: false, inlineSourceMap: false, inlineSources: false, declarationMap: false, incremental: false });
    expect(pkg.scripts.prepack).toBe('tsc -p tsconfig.lib.json');
  }, TIMEOUT);

  test('the tarball holds the licence, the docs, the entry point and the Dockerfile, and the listing npm printed', () => {
    expect(files).toEqual(packed.files.map((f) => f.path).sort());
    for (const required of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'lib/index.js',
      'lib/index.d.ts',
      'lib/dataplane/docker/context/Dockerfile',
    ]) {
      expect(files).toContain(required);
    }
    const licence = fs.readFileSync(path.join(unpacked, 'LICENSE'), 'utf8');
    expect(licence).toBe(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8'));
    expect(licence.startsWith('Mozilla Public License Version 2.0\n==================================\n')).toBe(true);
    expect(licence).toMatch(/Exhibit B - "Incompatible With Secondary Licenses" Notice/);
    expect(JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')).license).toBe('MPL-2.0');
    const entry = new RegExp(`^## \\[Unreleased\\] - ${pkg.version.replace(/\./g, '\\.')}$`, 'm');
    expect(fs.readFileSync(path.join(unpacked, 'CHANGELOG.md'), 'utf8')).toMatch(entry);
  }, TIMEOUT);

  test('the tarball holds no source maps, tests, examples, benchmarks or TypeScript sources', () => {
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'lib', 'package.json']);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^(test|examples|benchmarks|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    const code = files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    expect(code.length).toBeGreaterThan(10);
    expect(code.filter((f) => fs.readFileSync(path.join(unpacked, f), 'utf8').includes('sourceMappingURL'))).toEqual([]);
  }, TIMEOUT);

  test('every shipped module is built from a source in lib/ (no stale outputs) and has its typings', () => {
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => !fs.existsSync(path.join(copy, f.replace(/\.js$/, '.ts'))))).toEqual([]);
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
    const sources = filesUnder(path.join(copy, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources.filter((f) => !files.includes(`lib/${f.replace(/\.ts$/, '.js')}`))).toEqual([]);
  }, TIMEOUT);

  test('the exports map publishes the package root and package.json only; the root loads', () => {
    const classes = ['ConsulCluster', 'ClusterPeering', 'MeshGateway', 'MeshService', 'AclPolicyDocument', 'ClusterDataPlane'];
    const consumer = path.dirname(path.dirname(unpacked));
    const script = [
      'const r = (s) => { try { return require.resolve(s); } catch (e) { return "ERR " + e.code; } };',
      `const n = ${JSON.stringify(NAME)};`,
      'const m = require(n);',
      'console.log(JSON.stringify({',
      '  root: r(n), pkg: r(n + "/package.json"), deep: r(n + "/lib/cluster"), deepJs: r(n + "/lib/cluster.js"),',
      `  exported: ${JSON.stringify(classes)}.filter((k) => typeof m[k] === "function"),`,
      '}));',
    ].join('\n');
    // The peer dependencies come from the repository's node_modules, as a consumer's would sit beside it.
    const r = spawnSync(process.execPath, ['-e', script], {
      cwd: consumer,
      env: { ...ENV, NODE_PATH: path.join(REPO, 'node_modules') },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      root: path.join(unpacked, 'lib', 'index.js'),
      pkg: path.join(unpacked, 'package.json'),
      deep: 'ERR ERR_PACKAGE_PATH_NOT_EXPORTED',
      deepJs: 'ERR ERR_PACKAGE_PATH_NOT_EXPORTED',
      exported: classes,
    });
    const resolveEsm = `console.log(import.meta.resolve(${JSON.stringify(NAME)}))`;
    const esm = run(process.execPath, ['--input-type=module', '-e', resolveEsm], consumer);
    expect(esm.stdout.trim()).toBe(`file://${path.join(unpacked, 'lib', 'index.js')}`);
  }, TIMEOUT);

  test('the control plane loads and synthesizes without @cdktf/provider-docker; the data plane names the missing package', () => {
    expect(pkg.peerDependenciesMeta).toEqual({ '@cdktf/provider-docker': { optional: true } });
    // A consumer's node_modules with every peer dependency but the optional one.
    const consumer = path.join(work, 'no-docker');
    const modules = path.join(consumer, 'node_modules');
    fs.mkdirSync(path.join(modules, '@cdktf'), { recursive: true });
    for (const dep of ['cdktf', 'constructs', '@cdktf/provider-consul']) {
      fs.symlinkSync(path.join(REPO, 'node_modules', dep), path.join(modules, dep), 'dir');
    }
    fs.cpSync(unpacked, path.join(modules, NAME), { recursive: true });
    const script = [
      `const { App, TerraformStack } = require('cdktf');`,
      `const lib = require(${JSON.stringify(NAME)});`,
      `const app = new App({ outdir: ${JSON.stringify(path.join(consumer, 'out'))} });`,
      `const stack = new TerraformStack(app, 'mesh');`,
      `const dc1 = new lib.ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500' });`,
      `const dc2 = new lib.ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:9500' });`,
      `dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.1.0.10', wanAddress: '192.0.2.10' });`,
      `dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.2.0.10', wanAddress: '192.0.2.20' });`,
      `const peering = new lib.ClusterPeering(stack, 'Peering', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });`,
      `const web = dc1.defaultPartition.addService('Web', { port: 9090 });`,
      `web.connectTo(dc2.defaultPartition.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191 });`,
      `app.synth();`,
      `const json = JSON.parse(require('fs').readFileSync(${JSON.stringify(path.join(consumer, 'out', 'stacks', 'mesh', 'cdk.tf.json'))}, 'utf8'));`,
      `const loaded = Object.keys(require.cache).filter((k) => k.includes('node_modules/@cdktf/provider-docker'));`,
      `let error = '';`,
      `try { new lib.DockerHost(new TerraformStack(app, 'dp'), 'Host'); } catch (e) { error = e.message; }`,
      `console.log(JSON.stringify({ peerings: Object.keys(json.resource.consul_peering ?? {}).length, loaded, error }));`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { cwd: consumer, env: ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      peerings: 1,
      loaded: [],
      error:
        '[dp/Host] @cdktf/provider-docker is not installed, and the Docker data plane creates its resources with it; ' +
        'install it beside this library (npm install @cdktf/provider-docker@12.0.3); the control plane alone does not need it',
    });
  }, TIMEOUT);

  test('engines.node asks for at least what every peer dependency asks for', () => {
    const ours = minimumNode(pkg.engines.node);
    const asked: string[] = [];
    for (const dep of Object.keys(pkg.peerDependencies)) {
      const range = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', dep, 'package.json'), 'utf8')).engines?.node;
      if (range === undefined) continue;
      asked.push(`${dep} ${range}`);
      expect({ dep, ok: atLeast(ours, minimumNode(range)) }).toEqual({ dep, ok: true });
    }
    // The prebuilt providers state one; if none did, this test would check nothing.
    expect(asked.length).toBeGreaterThan(0);
  }, TIMEOUT);

  test('publint reports nothing, not even a suggestion', () => {
    const script = [
      "import { publint } from 'publint';",
      "import { formatMessage } from 'publint/utils';",
      'const r = await publint({ pkgDir: process.argv[1], pack: "npm", level: "suggestion", strict: true });',
      'console.log(JSON.stringify(r.messages.map((m) => `${m.type}: ${formatMessage(m, r.pkg, { color: false })}`)));',
    ].join('\n');
    const r = run(process.execPath, ['--input-type=module', '-e', script, copy], REPO);
    expect(JSON.parse(r.stdout)).toEqual([]);
  }, TIMEOUT);

  test('are-the-types-wrong finds no problem in any module resolution', () => {
    const attw = path.join(REPO, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const r = spawnSync(process.execPath, [attw, tarball, '--format', 'json', '--no-definitely-typed'], {
      cwd: work,
      env: ENV,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = JSON.parse(r.stdout);
    expect(report.problems).toEqual({});
    expect(r.status).toBe(0);
    const root = report.analysis.entrypoints['.'].resolutions;
    expect(Object.keys(root).sort()).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
    for (const kind of Object.keys(root)) {
      expect({ kind, types: root[kind].resolution?.fileName }).toEqual({ kind, types: `/node_modules/${NAME}/lib/index.d.ts` });
    }
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './package.json']);
  }, TIMEOUT);

  test('npm publish --dry-run accepts the checked tarball offline', () => {
    const r = run(NPM, ['publish', tarball, '--dry-run', '--json'], work);
    const published = parseNpmJson(r.stdout)[NAME];
    expect(published).toMatchObject({ name: NAME, version: pkg.version, integrity: packed.integrity });
    expect(published.files.map((f: { path: string }) => f.path).sort()).toEqual(files);
    expect(r.stderr).toMatch(/\(dry-run\)/);
    console.log(
      `package: ${files.length} files, ${(packed.size / 1000).toFixed(1)} kB packed, ` +
        `${(packed.unpackedSize / 1000).toFixed(1)} kB unpacked, no source maps; ` +
        'publint and attw clean; npm publish --dry-run ok (offline)',
    );
  }, TIMEOUT);
});

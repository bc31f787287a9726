// The library in other CDK languages, through jsii (scripts/jsii-package.js):
//
// - jsii compiles lib/ into an assembly with no warning but C#/Java reserved words (which jsii-pacmak escapes),
//   and jsii-rosetta compiles every `@example` of the API docs and every TypeScript block of the README
//   against the fixtures in rosetta/;
// - jsii-pacmak builds the Python wheel; it is installed with the Python cdktf and the prebuilt provider
//   packages from PyPI into a virtual environment (cached), and the default example written in Python
//   (examples/two-clusters/python/main.py) synthesizes exactly the bytes the TypeScript example does,
//   every file of the output directory;
// - jsii-pacmak generates the Java, Go and .NET sources. They are not compiled here: the Maven mirror
//   serves neither com.hashicorp:cdktf 0.21.0 nor com.hashicorp:cdktf-provider-consul 10.1.2, the Go module
//   proxy refuses github.com/cdktf/cdktf-provider-consul-go, and there is no .NET SDK. The test says so in
//   its summary line; the Go sources are at least parsed (gofmt -e).
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineCacheDir } from './engine';
import { filesUnder, runOrFail } from './process';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'two-clusters');
const TEN_MINUTES = 600_000;
const ENV = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1', NO_COLOR: '1' };

const run = (cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> => runOrFail(cmd, args, cwd, ENV);

/** Prints `line` in the run's closing summary (test/summary-reporter.js), or here when run without it. */
function summaryLine(name: string, line: string): void {
  const dir = process.env.JEST_SUMMARY_LINES_DIR;
  if (dir && fs.existsSync(dir)) fs.writeFileSync(path.join(dir, name), `${line}\n`);
  console.log(line);
}

const installedVersion = (pkg: string) => JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/**
 * The Python side of the peer dependencies, pinned to the versions the TypeScript side runs: the same cdktf,
 * constructs and prebuilt providers, published to PyPI by their own jsii builds.
 */
function pythonRequirements(): string[] {
  return [
    `cdktf==${installedVersion('cdktf')}`,
    `constructs==${installedVersion('constructs')}`,
    `cdktf-cdktf-provider-consul==${installedVersion('@cdktf/provider-consul')}`,
    `cdktf-cdktf-provider-docker==${installedVersion('@cdktf/provider-docker')}`,
    // The jsii runtime of the Python packages; the wheel requires >= the jsii-pacmak that built it.
    `jsii==1.142.0`,
  ];
}

/** A virtual environment with the requirements, made once per set of pins and reused. */
function pythonEnvironment(requirements: string[]): string {
  const key = createHash('sha256').update(requirements.join('\n')).digest('hex').slice(0, 12);
  const venv = path.join(engineCacheDir(), `python-${key}`);
  const python = path.join(venv, 'bin', 'python');
  if (fs.existsSync(path.join(venv, '.complete'))) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  run('python3', ['-m', 'venv', venv], REPO);
  run(python, ['-m', 'pip', 'install', '--quiet', ...requirements], REPO);
  fs.writeFileSync(path.join(venv, '.complete'), `${requirements.join('\n')}\n`);
  return python;
}

describe('jsii: the library in Python, Java, Go and .NET', () => {
  let work: string;
  let dist: string;
  let built: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-peering-jsii-'));
    dist = path.join(work, 'dist');
    built = run(process.execPath, [path.join(REPO, 'scripts', 'jsii-package.js'), '--rosetta', '--targets', 'python', '--outdir', dist], REPO).stdout;
  }, TEN_MINUTES);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('jsii compiles lib/, and jsii-rosetta compiles every doc example and README block', () => {
    expect(built).toMatch(/^jsii: \d+ types in cdktf-consul-peering@/m);
    expect(built).toMatch(/^jsii-rosetta: every example compiles/m);
    const assembly = JSON.parse(fs.readFileSync(path.join(dist, '.jsii-stage', '.jsii'), 'utf8'));
    // The public API of the root, as jsii sees it: the classes a program uses in every language.
    for (const type of ['ConsulCluster', 'ClusterPeering', 'MeshGateway', 'MeshService', 'ConsulMesh', 'ClusterDataPlane', 'Topology']) {
      expect(assembly.types[`cdktf-consul-peering.${type}`]?.kind).toBe('class');
    }
    // TypeScript-only by design: a subclass of Error cannot cross jsii (other languages get the message).
    expect(assembly.types['cdktf-consul-peering.ValidationError']).toBeUndefined();
  });

  test('the default example in Python synthesizes byte-identical output to the TypeScript one', () => {
    const wheels = fs.readdirSync(path.join(dist, 'python')).filter((f) => f.endsWith('.whl'));
    expect(wheels).toEqual([expect.stringMatching(/^cdktf_consul_peering-0\.1\.0-py3-none-any\.whl$/)]);
    const python = pythonEnvironment(pythonRequirements());
    run(python, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--force-reinstall', path.join(dist, 'python', wheels[0])], REPO);
    // What pip resolved for the wheel's own requirements must already be installed (no silent upgrade).
    run(python, ['-m', 'pip', 'check'], REPO);

    const tsOut = path.join(work, 'ts');
    const pyOut = path.join(work, 'py');
    run(process.execPath, ['-e', `require(${JSON.stringify(path.join(EXAMPLE, 'stack.js'))}).buildApp(${JSON.stringify(tsOut)}).synth()`], REPO);
    run(python, [path.join(EXAMPLE, 'python', 'main.py'), pyOut], work);

    const files = filesUnder(tsOut);
    expect(files).toContain('stacks/two-clusters/cdk.tf.json');
    expect(filesUnder(pyOut)).toEqual(files);
    const differing = files.filter((f) => !fs.readFileSync(path.join(tsOut, f)).equals(fs.readFileSync(path.join(pyOut, f))));
    expect(differing).toEqual([]);
    const json = JSON.parse(fs.readFileSync(path.join(pyOut, 'stacks', 'two-clusters', 'cdk.tf.json'), 'utf8'));
    const resources = Object.values<Record<string, unknown>>(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    summaryLine(
      'python-parity',
      `python parity: default example byte-identical (${resources} resources, ${files.length} files; ${wheels[0]} with ` +
        `${pythonRequirements().join(' ')})`,
    );
  }, TEN_MINUTES);

  test('jsii-pacmak generates the Java, Go and .NET sources (not compiled here: see the file header)', () => {
    const out = path.join(work, 'sources');
    run(process.execPath, [path.join(REPO, 'scripts', 'jsii-package.js'), '--code-only', '--targets', 'java,go,dotnet', '--outdir', out], REPO);
    const expected = [
      'java/src/main/java/cdktf/consul/peering/ConsulMesh.java',
      'java/src/main/java/cdktf/consul/peering/ClusterPeering.java',
      'go/cdktfconsulpeering/ConsulMesh.go',
      'go/cdktfconsulpeering/ClusterPeering.go',
      'dotnet/CdktfConsulPeering/CdktfConsulPeering/ConsulMesh.cs',
      'dotnet/CdktfConsulPeering/CdktfConsulPeering/ClusterPeering.cs',
    ];
    for (const file of expected) expect(fs.existsSync(path.join(out, file))).toBe(true);
    const gofmt = spawnSync('gofmt', ['-l', '-e', path.join(out, 'go')], { encoding: 'utf8' });
    const parsed = gofmt.error ? 'gofmt not installed, Go sources not parsed' : 'Go sources parse (gofmt -e)';
    if (!gofmt.error) expect(gofmt.stderr).toBe('');
    const count = (dir: string, ext: string) => filesUnder(path.join(out, dir)).filter((f) => f.endsWith(ext)).length;
    summaryLine(
      'jsii-targets',
      `jsii targets: python built and tested (above); java, go, dotnet sources generated (${count('java', '.java')}, ` +
        `${count('go', '.go')} and ${count('dotnet', '.cs')} files; ${parsed}) and NOT built: Maven here serves neither ` +
        'com.hashicorp:cdktf 0.21.0 nor cdktf-provider-consul 10.1.2, the Go proxy refuses github.com/cdktf/cdktf-provider-consul-go, ' +
        'and no .NET SDK is installed',
    );
  }, TEN_MINUTES);
});

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Packs the library, installs the tarball into a fresh cdktf app outside the repository (with the exact
// peer dependencies from the npm cache), compiles a TypeScript program against the published typings and
// synthesizes it: what a user does after `npm install cdktf-consul-peering`.
const repo = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));

describe('packaged library', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consul-peering-consumer-'));
  });
  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('installs from the packed tarball and synthesizes a peered pair in a fresh cdktf app', () => {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: repo, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = path.join(work, packed);
    expect(fs.existsSync(tarball)).toBe(true);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    expect(listing).toMatch(/package\/lib\/index\.js/);
    expect(listing).toMatch(/package\/lib\/index\.d\.ts/);
    expect(listing).not.toMatch(/package\/test\//);

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    const deps: Record<string, string> = { 'cdktf-consul-peering': `file:${tarball}` };
    for (const name of Object.keys(pkg.peerDependencies)) deps[name] = pkg.devDependencies[name];
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: deps }, null, 2));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
    });

    fs.writeFileSync(
      path.join(app, 'main.ts'),
      [
        "import { App, TerraformStack, TerraformVariable } from 'cdktf';",
        "import { ClusterPeering, ConsulCluster } from 'cdktf-consul-peering';",
        'const app = new App();',
        "const stack = new TerraformStack(app, 'mesh');",
        "const token = new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });",
        "const east = new ConsulCluster(stack, 'East', { datacenter: 'east', address: '10.0.0.1:8500', token: token.stringValue });",
        "const west = new ConsulCluster(stack, 'West', { datacenter: 'west', address: '10.0.1.1:8500', token: token.stringValue });",
        "east.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.0.10', wanAddress: '192.0.2.10' });",
        "west.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.0.1.10', wanAddress: '192.0.2.11' });",
        "const peering = new ClusterPeering(stack, 'Peering', { acceptor: east.defaultPartition, dialer: west.defaultPartition });",
        "const api = east.defaultPartition.addService('Api', { port: 8080 });",
        "west.defaultPartition.addService('Web', { port: 9090 }).connectTo(api, { via: peering, localBindPort: 9191 });",
        'app.synth();',
        '',
      ].join('\n'),
    );
    const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '--strict', '--skipLibCheck', '--module', 'commonjs', '--target', 'es2020', 'main.ts'], {
      cwd: app,
      stdio: 'pipe',
    });
    execFileSync(process.execPath, ['main.js'], { cwd: app, stdio: 'pipe', env: { ...process.env, CDKTF_OUTDIR: path.join(app, 'out') } });

    const json = JSON.parse(fs.readFileSync(path.join(app, 'out', 'stacks', 'mesh', 'cdk.tf.json'), 'utf8'));
    expect(json.provider.consul.map((p: any) => p.alias).sort()).toEqual(['east', 'west']);
    expect(Object.values(json.resource.consul_peering_token)).toEqual([expect.objectContaining({ peer_name: 'west', provider: 'consul.east' })]);
    expect(Object.values(json.resource.consul_peering)).toEqual([expect.objectContaining({ peer_name: 'east', provider: 'consul.west' })]);
  }, 300_000);
});

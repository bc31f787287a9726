import { spawnSync } from 'child_process';
import * as path from 'path';
import { Construct } from 'constructs';
import { DockerHost, DockerNetwork } from '../../../lib';
import { emptyStack, onlyResource, synthJson } from '../../fixtures/stack';
import { validationErrorOf } from '../../fixtures/errors';

describe('DockerNetwork', () => {
  const setup = () => {
    const stack = emptyStack();
    const host = new DockerHost(stack, 'Host');
    return { stack, host };
  };

  test('creates a bridge network with a fixed subnet and gateway', () => {
    const { stack, host } = setup();
    const net = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    expect(onlyResource(synthJson(stack), 'docker_network')).toMatchObject({
      name: 'dc1-lan',
      driver: 'bridge',
      ipam_config: [{ subnet: '10.11.0.0/24', gateway: '10.11.0.1' }],
    });
    expect(net.contains('10.11.0.254')).toBe(true);
    expect(net.contains('10.11.0.255')).toBe(false);
    expect(net.contains('10.12.0.5')).toBe(false);
    expect(net.attachmentName).toMatch(/TfToken/);
  });

  test('imports a network by name without creating it', () => {
    const { stack, host } = setup();
    const net = DockerNetwork.fromNetworkAttributes(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    expect(net.attachmentName).toBe('dc1-lan');
    expect(synthJson(stack).resource).toBeUndefined();
  });

  test('hands out each address once', () => {
    const { stack, host } = setup();
    const net = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const a = new Construct(stack, 'A');
    net.claimAddress('address', '10.11.0.10', a);
    net.claimAddress('address', '10.11.0.10', a);
    expect(() => net.claimAddress('address', '10.11.0.10', new Construct(stack, 'B'))).toThrow(
      '[test/B] address "10.11.0.10" on network "dc1-lan" is already used by test/A; give each pod its own address',
    );
    expect(() => net.claimAddress('address', '10.11.0.1', a)).toThrow(
      '[test/A] address "10.11.0.1" is the gateway of network "dc1-lan"; pick another address in 10.11.0.0/24',
    );
    expect(() => net.claimAddress('address', '10.12.0.1', a)).toThrow(
      '[test/A] address "10.12.0.1" is not a host address in subnet 10.11.0.0/24 of network "dc1-lan"; ' +
        'pick an address inside 10.11.0.0/24 other than its network and broadcast addresses',
    );
  });

  test('throws a ValidationError on the claiming construct for an address outside the subnet', () => {
    const { stack, host } = setup();
    const net = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const v = validationErrorOf(() => net.claimAddress('address', '10.12.0.1', new Construct(stack, 'Server')));
    expect(v).toMatchObject({ constructPath: 'test/Server', prop: 'address', value: '10.12.0.1', fix: 'pick an address inside 10.11.0.0/24 other than its network and broadcast addresses' });
  });

  test('fails on a subnet that is not a CIDR block', () => {
    const { stack, host } = setup();
    expect(() => new DockerNetwork(stack, 'Lan', { host, networkName: 'x', subnet: '10.11.0.5/24' })).toThrow(
      /^\[test\/Lan\] subnet "10.11.0.5\/24" is not an IPv4 CIDR block .*; use e.g. "10.11.0.0\/24"$/,
    );
  });
});

describe('provider-docker network module', () => {
  // The data plane loads @cdktf/provider-docker's network module (88 kB) only for a network it creates: a
  // program whose pods join imported networks never compiles it. Checked in a fresh process (jest keeps its
  // own module registry), on the compiled library that `npm test` builds first.
  test('is loaded by the first DockerNetwork created, not by imported networks', () => {
    const lib = path.join(__dirname, '..', '..', '..', 'lib');
    const script = [
      `const { App, TerraformStack } = require('cdktf');`,
      `const lib = require(${JSON.stringify(lib)});`,
      `const loaded = () => Object.keys(require.cache).some((k) => k.includes('@cdktf/provider-docker/lib/network/'));`,
      `const outdir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'net-'));`,
      `const app = new App({ outdir });`,
      `const stack = new TerraformStack(app, 'mesh');`,
      `const cluster = new lib.ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500' });`,
      `const web = cluster.defaultPartition.addService('Web', { port: 9090 });`,
      `const host = new lib.DockerHost(stack, 'Docker');`,
      `const lan = lib.DockerNetwork.fromNetworkAttributes(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });`,
      `const plane = new lib.ClusterDataPlane(stack, 'DataPlane', { cluster, host, lan, retryJoin: ['10.11.0.2'] });`,
      `plane.addService(web, { address: '10.11.0.20' });`,
      `app.synth();`,
      `const before = loaded();`,
      `new lib.DockerNetwork(stack, 'Wan', { host, networkName: 'wan', subnet: '10.10.0.0/16' });`,
      `console.log(JSON.stringify({ before, after: loaded() }));`,
      `require('fs').rmSync(outdir, { recursive: true, force: true });`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
  });
});

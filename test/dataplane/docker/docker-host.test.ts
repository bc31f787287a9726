import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DockerHost } from '../../../lib';
import { emptyStack, synthJson } from '../../fixtures/stack';

describe('DockerHost', () => {
  test('creates one docker provider per host, aliased when asked', () => {
    const stack = emptyStack();
    new DockerHost(stack, 'Local');
    new DockerHost(stack, 'Remote', { host: 'ssh://ops@builder', providerAlias: 'remote' });
    expect(synthJson(stack).provider.docker).toEqual([{}, { alias: 'remote', host: 'ssh://ops@builder' }]);
  });

  test('writes the provider blocks in alias order, whatever order the hosts were declared in', () => {
    const declared = (names: string[]) => {
      const stack = emptyStack();
      for (const n of names) new DockerHost(stack, n, { host: `ssh://ops@${n}`, providerAlias: n });
      return Testing.synth(stack);
    };
    const forward = declared(['alpha', 'beta', 'gamma']);
    expect(declared(['gamma', 'alpha', 'beta'])).toBe(forward);
    expect(JSON.parse(forward).provider.docker.map((p: any) => p.alias)).toEqual(['alpha', 'beta', 'gamma']);
  });

  test('shares one pulled image per name', () => {
    const stack = emptyStack();
    const host = new DockerHost(stack, 'Local');
    expect(host.pulledImage('nginx:1.27-alpine')).toBe(host.pulledImage('nginx:1.27-alpine'));
    expect(Object.keys(synthJson(stack).resource.docker_image)).toHaveLength(1);
  });

  test('fails when two owners publish the same host port', () => {
    const stack = emptyStack();
    const host = new DockerHost(stack, 'Local');
    const a = new Construct(stack, 'A');
    const b = new Construct(stack, 'B');
    host._claimHostPort('hostPort', '127.0.0.1', 8500, a);
    host._claimHostPort('hostPort', '127.0.0.1', 8500, a);
    host._claimHostPort('hostPort', '127.0.0.2', 8500, b);
    expect(() => host._claimHostPort('hostPort', '0.0.0.0', 8500, b)).toThrow(
      '[test/B] hostPort "0.0.0.0:8500" is already published on Docker host test/Local by test/A; pick another host port',
    );
  });

  test('fails validation when two hosts share a provider alias (or both have none)', () => {
    const stack = emptyStack();
    new DockerHost(stack, 'A');
    new DockerHost(stack, 'B');
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/A\] providerAlias is not set: Docker hosts test\/A and test\/B both use the docker provider without an alias; give every host but one its own providerAlias/,
    );
  });

  test('fails on an alias that is not a Terraform identifier', () => {
    expect(() => new DockerHost(emptyStack(), 'X', { providerAlias: 'my host' })).toThrow(
      '[test/X] providerAlias "my host" is not a Terraform identifier; start with a letter and use letters, digits, "_" and "-"',
    );
  });
});

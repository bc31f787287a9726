import { TerraformVariable } from 'cdktf';
import { ConsulEdition, ConsulServerContainer, DockerHost, DockerNetwork } from '../../../lib';
import { emptyStack, synthJson } from '../../fixtures/stack';

describe('ConsulServerContainer', () => {
  const setup = () => {
    const stack = emptyStack();
    const host = new DockerHost(stack, 'Docker');
    const network = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const token = new TerraformVariable(stack, 'management_token', { type: 'string', sensitive: true });
    return { stack, host, network, token };
  };

  test('starts a bootstrapped server with ACLs, Connect, peering and gRPC TLS, its HTTP API on a fixed host port', () => {
    const { stack, host, network, token } = setup();
    const server = new ConsulServerContainer(stack, 'Server', {
      host, network, datacenter: 'dc1', address: '10.11.0.2', managementToken: token.stringValue, httpHostPort: 8500,
    });
    const c = Object.values(synthJson(stack).resource.docker_container)[0] as any;
    expect(c).toMatchObject({
      name: 'dc1-server',
      entrypoint: ['/bin/consul'],
      command: ['agent', '-config-dir=/consul/config'],
      ports: [{ internal: 8500, external: 8500, ip: '127.0.0.1' }],
      networks_advanced: [{ ipv4_address: '10.11.0.2' }],
      wait: true,
    });
    const config = JSON.parse(c.upload[0].content);
    expect(config).toMatchObject({
      server: true, bootstrap_expect: 1, connect: { enabled: true }, peering: { enabled: true },
      ports: { grpc_tls: 8503 }, acl: { enabled: true, default_policy: 'deny' },
    });
    expect(c.upload[1]).toEqual({
      file: '/consul/config/secrets.json',
      content: expect.stringContaining('"initial_management": "${var.management_token}"'),
      permissions: '0600',
    });
    expect(JSON.stringify(c.command) + JSON.stringify(c.env ?? [])).not.toMatch(/management_token/);
    expect(server.httpAddress).toBe('127.0.0.1:8500');
  });

  test('accepts a datacenter with "_" (Consul\'s rule): host and node name turn it into "-", the container keeps it', () => {
    const { stack, host, network, token } = setup();
    new ConsulServerContainer(stack, 'Server', {
      host, network, datacenter: 'dc_1', address: '10.11.0.2', managementToken: token.stringValue, httpHostPort: 8500,
    });
    const c = Object.values(synthJson(stack).resource.docker_container)[0] as any;
    expect([c.name, c.hostname]).toEqual(['dc_1-server', 'dc-1-server']);
    expect(JSON.parse(c.upload[0].content)).toMatchObject({ datacenter: 'dc_1', node_name: 'dc-1-server' });
  });

  test('fails on a datacenter Consul refuses, with the rule ConsulCluster uses', () => {
    const { stack, host, network, token } = setup();
    const base = { host, network, address: '10.11.0.2', managementToken: token.stringValue, httpHostPort: 8500 };
    expect(() => new ConsulServerContainer(stack, 'A', { ...base, datacenter: 'Dc1' })).toThrow(
      '[test/A] datacenter "Dc1" is not a valid datacenter name; use lower-case letters, digits, "-" and "_" (e.g. "dc1")',
    );
  });

  test('fails on Enterprise without a license and on a license for Community', () => {
    const { stack, host, network, token } = setup();
    const base = { host, network, datacenter: 'dc1', address: '10.11.0.2', managementToken: token.stringValue, httpHostPort: 8500 };
    expect(() => new ConsulServerContainer(stack, 'A', { ...base, edition: ConsulEdition.ENTERPRISE })).toThrow(
      '[test/A] license is not given, but edition is ENTERPRISE; pass the license from a sensitive TerraformVariable',
    );
    expect(() => new ConsulServerContainer(stack, 'B', { ...base, license: 'x' })).toThrow(
      '[test/B] license is set on a Community Edition server; remove it or set edition: ConsulEdition.ENTERPRISE',
    );
  });
});

import { AgentServiceDefinition, ConsulAgentPod, ConsulEnvoyImage, DockerHost, DockerNetwork } from '../../../lib';
import { emptyStack, resources, synthJson } from '../../fixtures/stack';
import { twoClusters } from '../../fixtures/topology';

describe('ConsulAgentPod', () => {
  const setup = () => {
    const t = twoClusters();
    const host = new DockerHost(t.stack, 'Docker');
    const lan = new DockerNetwork(t.stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const image = new ConsulEnvoyImage(t.stack, 'Image', { provider: host.provider });
    const svc = t.dc1.defaultPartition.addService('Web', { port: 9090 });
    return { ...t, host, lan, image, svc };
  };

  test('creates the pause and agent containers and a node-identity token for the agent', () => {
    const { stack, dc1, host, lan, image, svc } = setup();
    const pod = new ConsulAgentPod(stack, 'Pod', {
      partition: dc1.defaultPartition,
      host,
      image,
      podName: 'dc1-web',
      lan: { network: lan, address: '10.11.0.20' },
      retryJoin: ['10.11.0.2'],
      registrationToken: svc.token,
      serviceDefinitions: [AgentServiceDefinition.ofService(svc)],
      gossipEncryptionKey: 'c2VjcmV0',
    });
    const json = synthJson(stack);
    const agentToken = resources(json, 'consul_acl_token').find((t) => t.node_identities);
    expect(agentToken).toMatchObject({ provider: 'consul.dc1', node_identities: [{ node_name: 'dc1-web', datacenter: 'dc1' }] });
    const agent = Object.values(json.resource.docker_container).find((c: any) => c.name === 'dc1-web-agent') as any;
    expect(agent).toMatchObject({ entrypoint: ['/bin/consul'], command: ['agent', '-config-dir=/consul/config'], restart: 'always' });
    const secrets = JSON.parse(agent.upload.find((u: any) => u.file === '/consul/config/secrets.json').content);
    expect(secrets.encrypt).toBe('c2VjcmV0');
    expect(secrets.acl.tokens.agent).toMatch(/^\$\{data\.consul_acl_token_secret_id\..*\.secret_id\}$/);
    expect(pod.portsInUse).toEqual([8301, 8500, 8502, 8600]);
    expect(pod.networkMode).toMatch(/^container:\$\{TfToken/);
  });

  test('writes the partition into the agent config for non-default Enterprise partitions', () => {
    const { ConsulCluster, ConsulEdition } = require('../../../lib');
    const stack = emptyStack();
    const dc = new ConsulCluster(stack, 'Dc', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
    const ap1 = dc.addPartition('ap1');
    const host = new DockerHost(stack, 'Docker');
    const lan = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const image = new ConsulEnvoyImage(stack, 'Image', { edition: ConsulEdition.ENTERPRISE, provider: host.provider });
    const svc = ap1.addService('Web', { port: 9090 });
    new ConsulAgentPod(stack, 'Pod', {
      partition: ap1, host, image, podName: 'dc1-ap1-web',
      lan: { network: lan, address: '10.11.0.20' }, retryJoin: ['10.11.0.2'],
      registrationToken: svc.token, serviceDefinitions: [AgentServiceDefinition.ofService(svc)],
    });
    const agent = Object.values(synthJson(stack).resource.docker_container).find((c: any) => c.name === 'dc1-ap1-web-agent') as any;
    expect(JSON.parse(agent.upload[0].content).partition).toBe('ap1');
  });

  test('fails without servers to join and on a bad pod name', () => {
    const { stack, dc1, host, lan, image, svc } = setup();
    const base = { partition: dc1.defaultPartition, host, image, lan: { network: lan, address: '10.11.0.20' }, registrationToken: svc.token, serviceDefinitions: [] };
    expect(() => new ConsulAgentPod(stack, 'A', { ...base, podName: 'dc1-web', retryJoin: [] })).toThrow(/^\[test\/A\] retryJoin is empty; give the LAN addresses of the cluster's servers, e\.g\. \["10\.11\.0\.2"\]$/);
    expect(() => new ConsulAgentPod(stack, 'B', { ...base, podName: 'Web_Pod', retryJoin: ['10.11.0.2'] })).toThrow(/^\[test\/B\] podName "Web_Pod" is not a valid DNS label; use letters, digits and "-"/);
  });
});

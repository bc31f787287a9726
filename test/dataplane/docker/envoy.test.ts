import { ClusterDataPlane, ConsulCluster, ConsulEdition, DockerHost, DockerNetwork, EnvoyContainer, EnvoyRole } from '../../../lib';
import { emptyStack, synthJson } from '../../fixtures/stack';
import { peeredPairWithDataPlane } from '../../fixtures/dataplane';

describe('EnvoyContainer', () => {
  test('gateway and sidecar roles render the consul connect envoy arguments', () => {
    const { dc1, web } = peeredPairWithDataPlane();
    const gw = dc1.defaultPartition.meshGateways[0];
    expect(EnvoyRole.meshGateway(gw)._args()).toEqual([
      '-gateway=mesh', '-register', '-service', 'mesh-gateway', '-address', '10.11.0.10:8443', '-wan-address', '10.10.0.11:8443',
    ]);
    expect(EnvoyRole.sidecarFor(web)._args()).toEqual(['-sidecar-for', 'web']);
  });

  test('binds admin to loopback, reads its token from a file and checks /ready', () => {
    const { web } = peeredPairWithDataPlane();
    const envoy = (web.node.findChild('DataPlane').node.findChild('Envoy') as EnvoyContainer);
    expect(envoy.adminPort).toBe(19000);
    expect(EnvoyContainer.TOKEN_FILE).toBe('/consul/tokens/envoy.token');
    expect(envoy.resource.node.path).toMatch(/Web\/DataPlane\/Envoy\/Resource$/);
  });

  test('passes partition and namespace on Enterprise', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
    const ap1 = dc1.addPartition('ap1');
    const host = new DockerHost(stack, 'Docker');
    const lan = new DockerNetwork(stack, 'Lan', { host, networkName: 'dc1-lan', subnet: '10.11.0.0/24' });
    const plane = new ClusterDataPlane(stack, 'Plane', { cluster: dc1, host, lan, retryJoin: ['10.11.0.2'] });
    const svc = ap1.addService('Web', { port: 9090, namespace: 'team-a' });
    const dp = plane.addService(svc, { address: '10.11.0.20' });
    const command = (synthJson(stack).resource.docker_container as Record<string, any>)[dp.envoy.resource.friendlyUniqueId].command;
    expect(command.slice(-4)).toEqual(['-partition', 'ap1', '-namespace', 'team-a']);
  });
});

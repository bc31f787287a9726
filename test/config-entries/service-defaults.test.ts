import * as serviceDefaults from '@cdktf/provider-consul/lib/config-entry-service-defaults';
import { Testing } from 'cdktf';
import { ServiceDefaults, ServiceProtocol } from '../../lib';
import { bareCluster } from '../fixtures/topology';

describe('ServiceDefaults', () => {
  test('writes the protocol and the set blocks exactly as the provider stores them after reading back', () => {
    const { stack, cluster } = bareCluster();
    const d = new ServiceDefaults(stack, 'Api', { serviceName: 'api', protocol: ServiceProtocol.GRPC, partition: cluster.defaultPartition });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(serviceDefaults.ConfigEntryServiceDefaults, {
      name: 'api',
      protocol: 'grpc',
      // the values Consul returns when unset: anything less plans an update forever
      expose: [{ checks: false }],
      mesh_gateway: [{ mode: '' }],
      transparent_proxy: [{ outbound_listener_port: 0, dialed_directly: false }],
      provider: 'consul.dc2',
    });
    expect(d.node.defaultChild).toBe(d.resource);
  });

  test('fails on a bad service name', () => {
    const { stack, cluster } = bareCluster();
    expect(() => new ServiceDefaults(stack, 'X', { serviceName: 'api v2', protocol: ServiceProtocol.HTTP, partition: cluster.defaultPartition })).toThrow(
      /serviceName "api v2" is not a service name Consul accepts/,
    );
    expect(() => new ServiceDefaults(stack, 'Y', { serviceName: 'Api', protocol: ServiceProtocol.HTTP, partition: cluster.defaultPartition })).toThrow(
      /serviceName "Api" is not a service name Consul accepts .*e\.g\. "api"/,
    );
  });

  test('one entry per service: a ServiceDefaults beside the one a MeshService writes fails at synth, in either order', () => {
    for (const serviceFirst of [true, false]) {
      const { stack, cluster } = bareCluster();
      const addService = () => cluster.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
      if (serviceFirst) addService();
      new ServiceDefaults(stack, 'Extra', { serviceName: 'api', protocol: ServiceProtocol.GRPC, partition: cluster.defaultPartition });
      if (!serviceFirst) addService();
      expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Extra\] serviceName "api" has a second service-defaults entry in partition "default" of cluster "dc2" \(test\/Dc2\/Partitions\/default\/Api\/Defaults\); Consul keeps one per service/);
    }
    // another service, or the same name in another partition, is no twin
    const { stack, cluster } = bareCluster();
    cluster.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
    new ServiceDefaults(stack, 'Web', { serviceName: 'web', protocol: ServiceProtocol.HTTP, partition: cluster.defaultPartition });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

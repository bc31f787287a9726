import * as serviceDefaults from '@cdktf/provider-consul/lib/config-entry-service-defaults';
import { Testing } from 'cdktf';
import { ServiceDefaults, ServiceProtocol } from '../../lib';
import { testStack } from '../fixtures/stack';

describe('ServiceDefaults', () => {
  test('writes the protocol with the empty expose block the provider requires', () => {
    const { stack, dc2 } = testStack();
    const d = new ServiceDefaults(stack, 'Api', { serviceName: 'api', protocol: ServiceProtocol.GRPC, provider: dc2 });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(serviceDefaults.ConfigEntryServiceDefaults, {
      name: 'api',
      protocol: 'grpc',
      expose: [{}],
      provider: 'consul.dc2',
    });
    expect(d.node.defaultChild).toBe(d.resource);
  });

  test('fails on a bad service name', () => {
    const { stack } = testStack();
    expect(() => new ServiceDefaults(stack, 'X', { serviceName: 'api v2', protocol: ServiceProtocol.HTTP })).toThrow(
      /serviceName "api v2" is not a valid DNS label/,
    );
  });
});

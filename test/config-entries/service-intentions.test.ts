import * as intentions from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { Testing } from 'cdktf';
import { IntentionAction, IntentionSource, ServiceIntentions } from '../../lib';
import { onlyResource, synthJson, testStack } from '../fixtures/stack';

describe('ServiceIntentions', () => {
  test('renders sources sorted, with explicit precedence and type so plans converge', () => {
    const { stack, dc2 } = testStack();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', provider: dc2 });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    ixn.addSource(IntentionSource.service('admin'), IntentionAction.DENY, 'no admin');
    const entry = onlyResource(synthJson(stack), 'consul_config_entry_service_intentions');
    expect(entry.sources).toEqual([
      { name: 'admin', action: 'deny', description: 'no admin', precedence: 9, type: 'consul' },
      { name: 'web', peer: 'dc1', action: 'allow', precedence: 9, type: 'consul' },
    ]);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(intentions.ConfigEntryServiceIntentions, { name: 'api', provider: 'consul.dc2' });
  });

  test('is idempotent for the same source and action', () => {
    const { stack } = testStack();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api' });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    expect(onlyResource(synthJson(stack), 'consul_config_entry_service_intentions').sources).toHaveLength(1);
    expect(ixn.allows(IntentionSource.peerService('dc1', 'web'))).toBe(true);
    expect(ixn.allows(IntentionSource.service('web'))).toBe(false);
  });

  test('writes namespaces explicitly on Enterprise', () => {
    const { stack } = testStack();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', enterprise: true, partition: 'ap1' });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    const entry = onlyResource(synthJson(stack), 'consul_config_entry_service_intentions');
    expect(entry).toMatchObject({ namespace: 'default', partition: 'ap1' });
    expect(entry.sources[0].namespace).toBe('default');
  });

  test('fails on the same source with the opposite action', () => {
    const { stack } = testStack();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api' });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    expect(() => ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY)).toThrow(
      'intention source "web" from peer "dc1" towards "api" is already allow; it cannot also be deny. Remove one of the two calls',
    );
  });

  test('fails validation with no sources', () => {
    const { stack } = testStack();
    new ServiceIntentions(stack, 'Api', { destinationName: 'api' });
    expect(() => Testing.synth(stack, true)).toThrow(/service-intentions for "api" has no sources/);
  });
});

import * as intentions from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { Testing } from 'cdktf';
import { ConsulEdition, IntentionAction, IntentionSource, ServiceIntentions } from '../../lib';
import { onlyResource, synthJson } from '../fixtures/stack';
import { bareCluster } from '../fixtures/topology';

describe('ServiceIntentions', () => {
  test('renders sources sorted, with explicit precedence and type so plans converge', () => {
    const { stack, cluster } = bareCluster();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.defaultPartition });
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
    const { stack, cluster } = bareCluster();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.defaultPartition });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    expect(onlyResource(synthJson(stack), 'consul_config_entry_service_intentions').sources).toHaveLength(1);
    expect(ixn.allows(IntentionSource.peerService('dc1', 'web'))).toBe(true);
    expect(ixn.allows(IntentionSource.service('web'))).toBe(false);
  });

  test('writes namespaces explicitly on Enterprise', () => {
    const { stack, cluster } = bareCluster(ConsulEdition.ENTERPRISE);
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.addPartition('ap1') });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    ixn.addSource(IntentionSource.partitionService('default', 'admin'), IntentionAction.ALLOW);
    const entry = onlyResource(synthJson(stack), 'consul_config_entry_service_intentions');
    expect(entry).toMatchObject({ namespace: 'default', partition: expect.stringMatching(/consul_admin_partition/) });
    expect(entry.sources).toEqual([
      { name: 'admin', partition: 'default', namespace: 'default', action: 'allow', precedence: 9, type: 'consul' },
      { name: 'web', peer: 'dc1', namespace: 'default', action: 'allow', precedence: 9, type: 'consul' },
    ]);
  });

  test('fails on the same source with the opposite action', () => {
    const { stack, cluster } = bareCluster();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.defaultPartition });
    ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
    expect(() => ixn.addSource(IntentionSource.peerService('dc1', 'web'), IntentionAction.DENY)).toThrow(
      'addSource(action) "deny" contradicts the earlier allow for source "web" from peer "dc1" towards "api"; remove one of the two calls',
    );
  });

  test('fails on a partition source on Community Edition', () => {
    const { stack, cluster } = bareCluster();
    const ixn = new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.defaultPartition });
    expect(() => ixn.addSource(IntentionSource.partitionService('ap1', 'web'), IntentionAction.ALLOW)).toThrow(
      /source "web" names partition "ap1", which needs Consul Enterprise/,
    );
  });

  test('fails validation with no sources', () => {
    const { stack, cluster } = bareCluster();
    new ServiceIntentions(stack, 'Api', { destinationName: 'api', partition: cluster.defaultPartition });
    expect(() => Testing.synth(stack, true)).toThrow(/destinationName "api" has a service-intentions entry without sources; call addSource\(\) or remove the entry/);
  });
});

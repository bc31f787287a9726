import { Testing } from 'cdktf';
import { ServiceIntentions, UpstreamTarget, ValidationError } from '../lib';
import { peeredPair, twoClusters } from './fixtures/topology';
import { validationErrorOf } from './fixtures/errors';

describe('ValidationError', () => {
  test('carries the construct path, the prop, the value and the fix', () => {
    const { dc1 } = twoClusters();
    const v = validationErrorOf(() => dc1.defaultPartition.addService('Web', { port: 70000 }));
    expect(v).toMatchObject({ constructPath: 'test/Dc1/Partitions/default/Web', prop: 'port', value: 70000, fix: 'use an integer from 1 to 65535' });
    expect(v.message).toBe('[test/Dc1/Partitions/default/Web] port 70000 is not a valid port; use an integer from 1 to 65535');
  });

  test('message() is the same text without the path, for synth-time validations', () => {
    expect(ValidationError.message({ prop: 'peerName', value: 'Dc1', problem: 'is not lower case', fix: 'use "dc1"' })).toBe(
      'peerName "Dc1" is not lower case; use "dc1"',
    );
    expect(ValidationError.message({ prop: 'connectTo(via)', problem: 'is missing', fix: 'pass the peering' })).toBe(
      'connectTo(via) is missing; pass the peering',
    );
    expect(ValidationError.isValidationError(new Error('x'))).toBe(false);
  });

  test('synth reports every failing rule of the stack together, each with its construct path', () => {
    const { stack, web, dc1, dc2 } = peeredPair();
    // Three independent mistakes in three constructs.
    web.addUpstream({ target: UpstreamTarget.peerService('dc9', 'db'), localBindPort: 9400 });
    const lonely = dc1.defaultPartition.addService('Lonely', { port: 7000 });
    lonely.addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9401 });
    new ServiceIntentions(stack, 'Empty', { destinationName: 'ghost', partition: dc2.defaultPartition });
    let message = '';
    try {
      Testing.synth(stack, true);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[test\/Dc1\/Partitions\/default\/Web\] upstream "db" of service "web" names destinationPeer "dc9"/);
    expect(message).toMatch(/\[test\/Dc1\/Partitions\/default\/Lonely\] upstream "api" of service "lonely" imports it from peer "dc2", but no intention/);
    expect(message).toMatch(/\[test\/Empty\] destinationName "ghost" has a service-intentions entry without sources/);
  });
});

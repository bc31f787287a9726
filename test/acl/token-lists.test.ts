import { AccessLevel, AclPolicy, AclPolicyDocument, AclToken } from '../../lib/acl';
import { onlyResource, synthJson, testStack } from '../fixtures/stack';

/*
 * AclToken writes its policies and identities into the L1 as plain values whenever they change (no Lazy).
 * The JSON must be what rendering at synth gave: sorted, complete, empty lists left out, and a list replaced
 * on the L1 (the escape hatch) kept.
 */
describe('AclToken lists written into the L1', () => {
  test('identities and policies added after construction are written, sorted', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    token.addServiceIdentity('api');
    token.addNodeIdentity({ nodeName: 'node-b', datacenter: 'dc1' });
    token.addNodeIdentity({ nodeName: 'node-a', datacenter: 'dc1' });
    token.addPolicy(AclPolicy.fromPolicyName(stack, 'Dns', 'builtin-dns'));
    token.addPolicy(AclPolicy.fromPolicyName(stack, 'Agent', 'agent-read'));
    const doc = new AclPolicyDocument();
    doc.addServicePrefixRule('', AccessLevel.READ);
    token.addToPolicy(doc);
    const json = onlyResource(synthJson(stack), 'consul_acl_token');
    expect(json.service_identities).toEqual([{ service_name: 'api' }, { service_name: 'web' }]);
    expect(json.node_identities).toEqual([
      { node_name: 'node-a', datacenter: 'dc1' },
      { node_name: 'node-b', datacenter: 'dc1' },
    ]);
    expect(json.policies).toEqual(['agent-read', 'builtin-dns', expect.stringMatching(/^\$\{consul_acl_policy\.Token_Policy_[0-9A-F]{8}\.name\}$/)]);
  });

  test('empty lists are left out', () => {
    const { stack, dc1 } = testStack();
    new AclToken(stack, 'Token', { nodeIdentities: [{ nodeName: 'n1', datacenter: 'dc1' }], provider: dc1 });
    const json = onlyResource(synthJson(stack), 'consul_acl_token');
    expect(json.policies).toBeUndefined();
    expect(json.service_identities).toBeUndefined();
    expect(json.node_identities).toEqual([{ node_name: 'n1', datacenter: 'dc1' }]);
  });

  test('a list replaced on the L1 stays replaced when the token changes later', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    token.resource.putServiceIdentities([{ serviceName: 'override' }]);
    token.resource.policies = ['pinned'];
    token.addServiceIdentity('api');
    token.addPolicy(AclPolicy.fromPolicyName(stack, 'Dns', 'builtin-dns'));
    token.addNodeIdentity({ nodeName: 'n1', datacenter: 'dc1' });
    const json = onlyResource(synthJson(stack), 'consul_acl_token');
    expect(json.service_identities).toEqual([{ service_name: 'override' }]);
    expect(json.policies).toEqual(['pinned']);
    expect(json.node_identities).toEqual([{ node_name: 'n1', datacenter: 'dc1' }]);
    expect(token.serviceIdentities).toEqual(['api', 'web']);
  });

  test('the secret is one reference, made on first read', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    expect(token.secretId).toBe(token.secretId);
    expect(token.secretId).toMatch(/TfToken/);
  });
});

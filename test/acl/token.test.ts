import type {} from 'cdktf/lib/testing/adapters/jest';
import * as aclPolicy from '@cdktf/provider-consul/lib/acl-policy';
import * as aclToken from '@cdktf/provider-consul/lib/acl-token';
import * as aclTokenSecretId from '@cdktf/provider-consul/lib/data-consul-acl-token-secret-id';
import { TerraformVariable, Testing, Token } from 'cdktf';
import { AccessLevel, AclGrant, AclPolicy, AclPolicyDocument, AclToken } from '../../lib/acl';
import { onlyResource, synthJson, testStack, resolveIn } from '../fixtures/stack';
import { ceMeshGatewayDocument } from '../fixtures/acl';

/** A Terraform reference to `attr` of the resource or data source with the given construct id prefix. */
function ref(type: string, idPrefix: string, attr: string): RegExp {
  return new RegExp(`^\\$\\{${type.replace(/\./g, '\\.')}\\.${idPrefix}_[0-9A-F]{8}\\.${attr}\\}$`);
}


describe('AclToken', () => {
  test('links policies by name through a reference to the policy resource', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'ReadAll', { policyName: 'read-all', provider: dc1 });
    policy.document.addServicePrefixRule('', AccessLevel.READ);
    new AclToken(stack, 'Token', {
      policies: [policy, AclPolicy.fromPolicyName(stack, 'Dns', 'builtin-dns')],
      provider: dc1,
    });
    const token = onlyResource(synthJson(stack), 'consul_acl_token');
    expect(token.policies).toEqual(['builtin-dns', expect.stringMatching(ref('consul_acl_policy', 'ReadAll', 'name'))]);
    expect(token.provider).toBe('consul.dc1');
  });

  test('creates no policy until something is granted', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    expect(Testing.synth(stack)).not.toHaveResource(aclPolicy.AclPolicy);
    expect(token.node.tryFindChild('Policy')).toBeUndefined();
    expect(onlyResource(synthJson(stack), 'consul_acl_token').policies).toBeUndefined();
  });

  test('creates the inline policy on the first grant, with the token provider, partition and namespace', () => {
    const { stack, dc2 } = testStack();
    const token = new AclToken(stack, 'GatewayToken', {
      partition: 'ap1',
      namespace: 'default',
      policyName: 'mesh-gateway-ap1',
      provider: dc2,
    });
    token.addToPolicy(ceMeshGatewayDocument());
    const json = synthJson(stack);
    const policy = onlyResource(json, 'consul_acl_policy');
    expect(policy).toMatchObject({
      name: 'mesh-gateway-ap1',
      partition: 'ap1',
      namespace: 'default',
      provider: 'consul.dc2',
      rules:
        '{"mesh":"write","node_prefix":{"":{"policy":"read"}},"peering":"read",' +
        '"service":{"mesh-gateway":{"policy":"write"}},"service_prefix":{"":{"policy":"read"}}}',
    });
    expect(onlyResource(json, 'consul_acl_token')).toMatchObject({
      partition: 'ap1',
      namespace: 'default',
      policies: [expect.stringMatching(ref('consul_acl_policy', 'GatewayToken_Policy', 'name'))],
    });
    expect(token.node.findChild('Policy')).toBeInstanceOf(AclPolicy);
  });

  test('derives the inline policy name from its path when policyName is not given', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'WebToken', { provider: dc1 });
    token.addToPolicy(ceMeshGatewayDocument());
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').name).toBe('test-web-token-policy');
  });

  test('merges every grant into the one inline policy, and fails on a conflicting grant', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    const a = new AclPolicyDocument();
    a.addServiceRule('web', AccessLevel.READ);
    const b = new AclPolicyDocument();
    b.addServiceRule('web', AccessLevel.WRITE);
    b.addNodePrefixRule('', AccessLevel.READ);
    token.addToPolicy(a);
    token.addToPolicy(b);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').rules).toBe(
      '{"node_prefix":{"":{"policy":"read"}},"service":{"web":{"policy":"write"}}}',
    );
    const deny = new AclPolicyDocument();
    deny.addServiceRule('web', AccessLevel.DENY);
    expect(() => token.addToPolicy(deny)).toThrow(/^service "web" has conflicting rules: "write" and "deny"; remove one of them/);
  });

  test('keeps its own copy of the first granted document', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    const doc = ceMeshGatewayDocument();
    token.addToPolicy(doc);
    doc.addAclRule(AccessLevel.WRITE);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').rules).not.toMatch(/acl/);
  });

  test('reads the secret through consul_acl_token_secret_id with the same provider, partition and namespace', () => {
    const { stack, dc2 } = testStack();
    const token = new AclToken(stack, 'Token', {
      partition: 'ap1',
      namespace: 'ns1',
      serviceIdentities: ['web'],
      provider: dc2,
    });
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(aclTokenSecretId.DataConsulAclTokenSecretId, {
      accessor_id: expect.stringMatching(ref('consul_acl_token', 'Token', 'accessor_id')),
      partition: 'ap1',
      namespace: 'ns1',
      provider: 'consul.dc2',
    });
    expect(Token.isUnresolved(token.secretId)).toBe(true);
    expect(resolveIn(stack, token.secretId)).toMatch(ref('data.consul_acl_token_secret_id', 'Token_Secret', 'secret_id'));
    expect(resolveIn(stack, token.accessorId)).toMatch(ref('consul_acl_token', 'Token', 'accessor_id'));
  });

  test('puts the secret nowhere else: no output, not in the description', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    token.addToPolicy(ceMeshGatewayDocument());
    const out = Testing.synth(stack);
    expect(JSON.parse(out).output).toBeUndefined();
    expect(out.match(/secret_id/g)).toHaveLength(1); // only the data source's type name
    expect(onlyResource(JSON.parse(out), 'consul_acl_token').description).toBe('Managed by cdktf: test/Token');
  });

  test('renders service and node identities in snake_case, sorted and without duplicates', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', {
      serviceIdentities: ['web', 'api'],
      nodeIdentities: [{ nodeName: 'node-b', datacenter: 'dc1' }],
      local: true,
      provider: dc1,
    });
    token.addServiceIdentity('web');
    token.addServiceIdentity('billing');
    token.addNodeIdentity({ nodeName: 'node-a', datacenter: 'dc1' });
    token.addNodeIdentity({ nodeName: 'node-b', datacenter: 'dc1' });
    expect(onlyResource(synthJson(stack), 'consul_acl_token')).toMatchObject({
      local: true,
      service_identities: [{ service_name: 'api' }, { service_name: 'billing' }, { service_name: 'web' }],
      node_identities: [
        { node_name: 'node-a', datacenter: 'dc1' },
        { node_name: 'node-b', datacenter: 'dc1' },
      ],
    });
  });

  test('getters return sorted copies', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { serviceIdentities: ['web', 'api'], provider: dc1 });
    token.addNodeIdentity({ nodeName: 'n1', datacenter: 'dc1' });
    const mgmt = AclPolicy.fromPolicyName(stack, 'Mgmt', 'global-management');
    token.addPolicy(mgmt);
    token.addPolicy(mgmt);
    token.serviceIdentities.push('evil');
    token.nodeIdentities.pop();
    token.policies.pop();
    expect(token.serviceIdentities).toEqual(['api', 'web']);
    expect(token.nodeIdentities).toEqual([{ nodeName: 'n1', datacenter: 'dc1' }]);
    expect(token.policies).toEqual([mgmt]);
  });

  test('node.defaultChild is the consul_acl_token', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    expect(token.node.defaultChild).toBe(token.resource);
    expect(token.resource).toBeInstanceOf(aclToken.AclToken);
  });

  test('accepts tokens as identity names', () => {
    const { stack, dc1 } = testStack();
    const service = new TerraformVariable(stack, 'service', { type: 'string' });
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    token.addServiceIdentity(service.stringValue);
    token.addNodeIdentity({ nodeName: service.stringValue, datacenter: service.stringValue });
    expect(onlyResource(synthJson(stack), 'consul_acl_token').service_identities).toEqual([
      { service_name: '${var.service}' },
    ]);
  });

  test('passes validation with only a service identity', () => {
    const { stack, dc1 } = testStack();
    new AclToken(stack, 'Token', { serviceIdentities: ['web'], provider: dc1 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('fails validation with no policy, no identity and no granted rules', () => {
    const { stack, dc1 } = testStack();
    new AclToken(stack, 'Token', { provider: dc1 });
    expect(() => Testing.synth(stack, true)).toThrow(/the token has no policies, no service identities/);
  });

  test('fails validation when the only grant was empty', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    token.addToPolicy(new AclPolicyDocument());
    expect(() => Testing.synth(stack, true)).toThrow(/the token has no policies/);
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Token\/Policy\] document of AclPolicy "test-token-policy" has no rules/);
  });

  test('fails on identity names Consul rejects', () => {
    const { stack } = testStack();
    const token = new AclToken(stack, 'Token');
    expect(() => token.addServiceIdentity('Web_App')).toThrow(
      '[test/Token] serviceName "Web_App" is not a valid identity name; use 1-256 lower-case letters, digits, "-" and "_", ' +
        'starting and ending with a letter or digit (e.g. "web_app")',
    );
    expect(() => token.addNodeIdentity({ nodeName: 'node 1', datacenter: 'dc1' })).toThrow(/^\[test\/Token\] nodeName "node 1" is not a valid identity name/);
    expect(() => token.addNodeIdentity({ nodeName: 'node-1', datacenter: 'DC 1' })).toThrow(
      /^\[test\/Token\] datacenter "DC 1" is not a valid datacenter name; use lower-case letters, digits, "-" and "_" \(e\.g\. "dc-1"\)$/,
    );
    expect(() => new AclToken(stack, 'Other', { policyName: 'has space' })).toThrow(/^\[test\/Other\] policyName "has space" is not a valid Consul policy name/);
  });

  describe('determinism', () => {
    const program = (reverse: boolean) => {
      const { stack, dc1 } = testStack();
      const policies = ['Alpha', 'Beta', 'Gamma'].map((id) => {
        const p = new AclPolicy(stack, id, { provider: dc1 });
        p.document.addServicePrefixRule('', AccessLevel.READ);
        return p;
      });
      const imported = [AclPolicy.fromPolicyName(stack, 'Zeta', 'zeta'), AclPolicy.fromPolicyName(stack, 'Eta', 'eta')];
      const services = ['web', 'api', 'billing'];
      const nodes = [
        { nodeName: 'n2', datacenter: 'dc1' },
        { nodeName: 'n1', datacenter: 'dc1' },
      ];
      const order = <T>(xs: T[]) => (reverse ? [...xs].reverse() : xs);
      const token = new AclToken(stack, 'Token', { provider: dc1 });
      for (const p of order([...policies, ...imported])) token.addPolicy(p);
      for (const s of order(services)) token.addServiceIdentity(s);
      for (const n of order(nodes)) token.addNodeIdentity(n);
      token.addToPolicy(ceMeshGatewayDocument());
      return Testing.synth(stack);
    };

    test('two synths of the same program are byte-identical', () => {
      expect(program(false)).toBe(program(false));
    });

    test('the order of addPolicy, addServiceIdentity and addNodeIdentity calls does not change the output', () => {
      const forward = program(false);
      expect(program(true)).toBe(forward);
      expect(onlyResource(JSON.parse(forward), 'consul_acl_token').policies).toEqual([
        'eta',
        'zeta',
        expect.stringMatching(ref('consul_acl_policy', 'Alpha', 'name')),
        expect.stringMatching(ref('consul_acl_policy', 'Beta', 'name')),
        expect.stringMatching(ref('consul_acl_policy', 'Gamma', 'name')),
        expect.stringMatching(ref('consul_acl_policy', 'Token_Policy', 'name')),
      ]);
    });
  });
});

describe('AclGrant', () => {
  test('adds the document to the grantee and lists exactly the added rules', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    const doc = new AclPolicyDocument();
    doc.partition('default').namespace('default').addServiceRule('api', AccessLevel.WRITE);
    doc.addMeshRule(AccessLevel.WRITE);
    const grant = AclGrant.addToGrantee(token, doc);
    expect(grant.grantee).toBe(token);
    expect(grant.statements).toEqual([
      { scope: '', resource: 'mesh', access: AccessLevel.WRITE },
      { scope: 'partition "default" namespace "default"', resource: 'service', segment: 'api', access: AccessLevel.WRITE },
    ]);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').rules).toBe(
      '{"mesh":"write","partition":{"default":{"namespace":{"default":{"service":{"api":{"policy":"write"}}}}}}}',
    );
  });

  test('lists only its own rules when the grantee already had others', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    const first = new AclPolicyDocument();
    first.addNodePrefixRule('', AccessLevel.READ);
    AclGrant.addToGrantee(token, first);
    const second = new AclPolicyDocument();
    second.addPeeringRule(AccessLevel.READ);
    expect(AclGrant.addToGrantee(token, second).statements).toEqual([
      { scope: '', resource: 'peering', access: AccessLevel.READ },
    ]);
  });

  test('fails on a conflicting grant', () => {
    const { stack, dc1 } = testStack();
    const token = new AclToken(stack, 'Token', { provider: dc1 });
    const allow = new AclPolicyDocument();
    allow.addMeshRule(AccessLevel.READ);
    AclGrant.addToGrantee(token, allow);
    const deny = new AclPolicyDocument();
    deny.addMeshRule(AccessLevel.DENY);
    expect(() => AclGrant.addToGrantee(token, deny)).toThrow(/^mesh has conflicting rules: "read" and "deny"; remove one of them/);
  });
});

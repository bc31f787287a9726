import type {} from 'cdktf/lib/testing/adapters/jest';
import * as aclPolicy from '@cdktf/provider-consul/lib/acl-policy';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AccessLevel, AclPolicy, AclPolicyDocument } from '../../lib/acl';
import { onlyResource, resources, synthJson, testStack, resolveIn } from '../fixtures/stack';
import { ceMeshGatewayDocument } from '../fixtures/acl';
import { validationErrorOf } from '../fixtures/errors';

const CE_GATEWAY_RULES =
  '{"mesh":"write","node_prefix":{"":{"policy":"read"}},"peering":"read",' +
  '"service":{"mesh-gateway":{"policy":"write"}},"service_prefix":{"":{"policy":"read"}}}';

describe('AclPolicy', () => {
  test('synthesizes consul_acl_policy with the rendered rules on the given provider', () => {
    const { stack, dc2 } = testStack();
    new AclPolicy(stack, 'Gateway', {
      policyName: 'mesh-gateway-dc2',
      description: 'mesh gateway of dc2',
      document: ceMeshGatewayDocument(),
      provider: dc2,
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(aclPolicy.AclPolicy, {
      name: 'mesh-gateway-dc2',
      description: 'mesh gateway of dc2',
      rules: CE_GATEWAY_RULES,
      provider: 'consul.dc2',
    });
  });

  test('passes partition, namespace and datacenters through', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'Policy', {
      partition: 'ap1',
      namespace: 'team-a',
      datacenters: ['dc1'],
      provider: dc1,
    });
    policy.document.addServicePrefixRule('', AccessLevel.READ);
    const json = onlyResource(synthJson(stack), 'consul_acl_policy');
    expect(json).toMatchObject({ partition: 'ap1', namespace: 'team-a', datacenters: ['dc1'], provider: 'consul.dc1' });
  });

  test('renders rules added after construction', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'Policy', { provider: dc1 });
    const doc = policy.document;
    doc.addServiceRule('mesh-gateway', AccessLevel.WRITE);
    doc.addMeshRule(AccessLevel.WRITE);
    doc.addPeeringRule(AccessLevel.READ);
    doc.addNodePrefixRule('', AccessLevel.READ);
    doc.addServicePrefixRule('', AccessLevel.READ);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').rules).toBe(CE_GATEWAY_RULES);
  });

  test('uses the document it is given, so later changes to it are rendered too', () => {
    const { stack, dc1 } = testStack();
    const doc = new AclPolicyDocument();
    const policy = new AclPolicy(stack, 'Policy', { document: doc, provider: dc1 });
    expect(policy.document).toBe(doc);
    doc.addMeshRule(AccessLevel.READ);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').rules).toBe('{"mesh":"read"}');
  });

  test('derives a readable default name and description from the construct path', () => {
    const { stack, dc1 } = testStack();
    const group = new Construct(stack, 'MeshGateways');
    const policy = new AclPolicy(group, 'GatewayPolicy', { provider: dc1 });
    policy.document.addMeshRule(AccessLevel.READ);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy')).toMatchObject({
      name: 'test-mesh-gateways-gateway-policy',
      description: 'Managed by cdktf: test/MeshGateways/GatewayPolicy',
    });
  });

  test('cuts a long default name to 128 characters with a stable hash suffix', () => {
    const build = () => {
      const { stack, dc1 } = testStack();
      let scope: Construct = stack;
      for (let i = 0; i < 8; i++) scope = new Construct(scope, `AVeryLongConstructIdNumber${i}`);
      const policy = new AclPolicy(scope, 'Policy', { provider: dc1 });
      policy.document.addMeshRule(AccessLevel.READ);
      return onlyResource(synthJson(stack), 'consul_acl_policy').name as string;
    };
    const name = build();
    expect(name.length).toBeLessThanOrEqual(128);
    expect(name).toMatch(/^test-a-very-long-construct-id-number0-[a-z0-9-]*-[0-9a-f]{8}$/);
    expect(build()).toBe(name);
  });

  test('default names do not depend on creation order', () => {
    const names = (order: string[]) => {
      const { stack, dc1 } = testStack();
      for (const id of order) new AclPolicy(stack, id, { provider: dc1 }).document.addMeshRule(AccessLevel.READ);
      return resources(synthJson(stack), 'consul_acl_policy').map((r) => r.name);
    };
    expect(names(['Alpha', 'Beta'])).toEqual(names(['Beta', 'Alpha']));
  });

  test('accepts a token as the policy name', () => {
    const { stack, dc1 } = testStack();
    const name = new TerraformVariable(stack, 'policy_name', { type: 'string' });
    const policy = new AclPolicy(stack, 'Policy', { policyName: name.stringValue, provider: dc1 });
    policy.document.addMeshRule(AccessLevel.READ);
    expect(onlyResource(synthJson(stack), 'consul_acl_policy').name).toBe('${var.policy_name}');
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('exposes the name and ID as references to the L1', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'Policy', { policyName: 'p', provider: dc1 });
    expect(resolveIn(stack, policy.aclPolicyName)).toMatch(/^\$\{consul_acl_policy\.Policy_[0-9A-F]{8}\.name\}$/);
    expect(resolveIn(stack, policy.aclPolicyId)).toMatch(/^\$\{consul_acl_policy\.Policy_[0-9A-F]{8}\.id\}$/);
  });

  test('node.defaultChild is the consul_acl_policy', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'Policy', { provider: dc1 });
    expect(policy.node.defaultChild).toBe(policy.resource);
    expect(policy.resource).toBeInstanceOf(aclPolicy.AclPolicy);
  });

  test('passes validation with a least-privilege document', () => {
    const { stack, dc1 } = testStack();
    new AclPolicy(stack, 'Policy', { document: ceMeshGatewayDocument(), provider: dc1 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('fails validation with an empty document, naming the policy', () => {
    const { stack, dc1 } = testStack();
    new AclPolicy(stack, 'Policy', { policyName: 'empty-one', provider: dc1 });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Policy\] document of AclPolicy "empty-one" has no rules; add at least one rule .* or remove the policy/,
    );
  });

  test('fails validation on broad privileges', () => {
    const { stack, dc1 } = testStack();
    const policy = new AclPolicy(stack, 'Operator', { policyName: 'operator', provider: dc1 });
    policy.document.addAclRule(AccessLevel.WRITE);
    policy.document.addServicePrefixRule('', AccessLevel.WRITE);
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Operator\] acl "write" in AclPolicy "operator" can create any token \(privilege escalation, least privilege\); use "read" or drop the rule/,
    );
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/Operator\] service_prefix "" in AclPolicy "operator" grants write on every service \(least privilege\); name the resources it needs instead/,
    );
  });

  test('allowBroadPrivileges silences least-privilege findings but not an empty document', () => {
    const { stack, dc1 } = testStack();
    const operator = new AclPolicy(stack, 'Operator', { allowBroadPrivileges: true, provider: dc1 });
    operator.document.addAclRule(AccessLevel.WRITE);
    operator.document.addOperatorRule(AccessLevel.WRITE);
    operator.document.addServicePrefixRule('', AccessLevel.WRITE, { intentions: AccessLevel.WRITE });
    expect(() => Testing.synth(stack, true)).not.toThrow();

    new AclPolicy(stack, 'Empty', { policyName: 'empty', allowBroadPrivileges: true, provider: dc1 });
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Empty\] document of AclPolicy "empty" has no rules; add at least one rule/);
  });

  test('fails on a policy name Consul rejects', () => {
    const { stack } = testStack();
    expect(() => new AclPolicy(stack, 'Policy', { policyName: 'mesh gateway!' })).toThrow(
      '[test/Policy] policyName "mesh gateway!" is not a valid Consul policy name; use 1-128 letters, digits, "-" and "_" (e.g. "mesh-gateway")',
    );
    expect(() => new AclPolicy(stack, 'Long', { policyName: 'a'.repeat(129) })).toThrow(/is not a valid Consul policy name/);
  });

  test('throws a ValidationError carrying the policy path, the prop, the name and the fix', () => {
    const { stack } = testStack();
    const v = validationErrorOf(() => new AclPolicy(stack, 'Policy', { policyName: 'mesh gateway!' }));
    expect(v).toMatchObject({ constructPath: 'test/Policy', prop: 'policyName', value: 'mesh gateway!', fix: 'use 1-128 letters, digits, "-" and "_" (e.g. "mesh-gateway")' });
  });

  describe('fromPolicyName', () => {
    test('references an existing policy by name and creates nothing', () => {
      const { stack } = testStack();
      const imported = AclPolicy.fromPolicyName(stack, 'Mgmt', 'global-management');
      expect(imported.aclPolicyName).toBe('global-management');
      expect(synthJson(stack).resource).toBeUndefined();
    });

    test('fails to read the ID of an imported policy', () => {
      const { stack } = testStack();
      const imported = AclPolicy.fromPolicyName(stack, 'Mgmt', 'global-management');
      expect(() => imported.aclPolicyId).toThrow(
        /^\[test\/Mgmt\] aclPolicyId of the imported policy "global-management" is not known: .*; link it by aclPolicyName \(tokens do\), or read the ID with the consul_acl_policy data source$/,
      );
    });

    test('fails on an invalid name and accepts a token', () => {
      const { stack } = testStack();
      expect(() => AclPolicy.fromPolicyName(stack, 'Bad', 'a b')).toThrow(/^\[test\/Bad\] policyName "a b" is not a valid Consul policy name; use 1-128 letters/);
      const name = new TerraformVariable(stack, 'name', { type: 'string' }).stringValue;
      expect(AclPolicy.fromPolicyName(stack, 'Ok', name).aclPolicyName).toBe(name);
    });
  });
});

import { Lazy, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import { AccessLevel, AclPolicyDocument, AclRuleScope } from '../../lib/acl';
import { resolveIn } from '../fixtures/stack';
import { ceMeshGatewayDocument } from '../fixtures/acl';
import { validationErrorOf } from '../fixtures/errors';

/** Reference §5.2, Enterprise gateway in the default partition. */
function entDefaultPartitionGateway(): AclPolicyDocument {
  const doc = new AclPolicyDocument();
  doc.addMeshRule(AccessLevel.WRITE);
  doc.partitionPrefix('').addPeeringRule(AccessLevel.READ);
  const dflt = doc.partition('default');
  dflt.namespace('default').addServiceRule('mesh-gateway', AccessLevel.WRITE);
  dflt.namespace('default').addAgentPrefixRule('', AccessLevel.READ);
  dflt.namespacePrefix('').addServicePrefixRule('', AccessLevel.READ);
  dflt.namespacePrefix('').addNodePrefixRule('', AccessLevel.READ);
  return doc;
}

/** Reference §5.2, Enterprise gateway in partition ptn1 (policy created in ptn1; no peering rule). */
function entPtn1Gateway(): AclPolicyDocument {
  const doc = new AclPolicyDocument();
  doc.addMeshRule(AccessLevel.WRITE);
  doc.namespace('default').addServiceRule('mesh-gateway', AccessLevel.WRITE);
  doc.namespace('default').addAgentPrefixRule('', AccessLevel.READ);
  doc.namespacePrefix('').addServicePrefixRule('', AccessLevel.READ);
  doc.namespacePrefix('').addNodePrefixRule('', AccessLevel.READ);
  return doc;
}

describe('AclPolicyDocument', () => {
  describe('rendering', () => {
    test('renders the Community Edition mesh gateway policy in Consul JSON form', () => {
      const doc = ceMeshGatewayDocument();
      expect(doc.toJson()).toEqual({
        mesh: 'write',
        peering: 'read',
        service: { 'mesh-gateway': { policy: 'write' } },
        service_prefix: { '': { policy: 'read' } },
        node_prefix: { '': { policy: 'read' } },
      });
      expect(doc.render()).toBe(
        '{"mesh":"write","node_prefix":{"":{"policy":"read"}},"peering":"read",' +
          '"service":{"mesh-gateway":{"policy":"write"}},"service_prefix":{"":{"policy":"read"}}}',
      );
    });

    test('renders the Enterprise default-partition gateway policy with nested partition and namespace blocks', () => {
      const doc = entDefaultPartitionGateway();
      expect(doc.toJson()).toEqual({
        mesh: 'write',
        partition_prefix: { '': { peering: 'read' } },
        partition: {
          default: {
            namespace: {
              default: {
                service: { 'mesh-gateway': { policy: 'write' } },
                agent_prefix: { '': { policy: 'read' } },
              },
            },
            namespace_prefix: {
              '': {
                service_prefix: { '': { policy: 'read' } },
                node_prefix: { '': { policy: 'read' } },
              },
            },
          },
        },
      });
      expect(doc.render()).toBe(
        '{"mesh":"write","partition":{"default":{"namespace":{"default":{"agent_prefix":{"":{"policy":"read"}},' +
          '"service":{"mesh-gateway":{"policy":"write"}}}},"namespace_prefix":{"":{"node_prefix":{"":{"policy":"read"}},' +
          '"service_prefix":{"":{"policy":"read"}}}}}},"partition_prefix":{"":{"peering":"read"}}}',
      );
    });

    test('renders the Enterprise ptn1 gateway policy with top-level namespace blocks', () => {
      const doc = entPtn1Gateway();
      expect(doc.toJson()).toEqual({
        mesh: 'write',
        namespace: {
          default: {
            service: { 'mesh-gateway': { policy: 'write' } },
            agent_prefix: { '': { policy: 'read' } },
          },
        },
        namespace_prefix: {
          '': {
            service_prefix: { '': { policy: 'read' } },
            node_prefix: { '': { policy: 'read' } },
          },
        },
      });
      expect(doc.render()).toBe(
        '{"mesh":"write","namespace":{"default":{"agent_prefix":{"":{"policy":"read"}},' +
          '"service":{"mesh-gateway":{"policy":"write"}}}},"namespace_prefix":{"":{"node_prefix":{"":{"policy":"read"}},' +
          '"service_prefix":{"":{"policy":"read"}}}}}',
      );
    });

    test('renders service intentions next to the policy', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('api', AccessLevel.READ, { intentions: AccessLevel.WRITE });
      expect(doc.toJson()).toEqual({ service: { api: { policy: 'read', intentions: 'write' } } });
      expect(doc.render()).toBe('{"service":{"api":{"intentions":"write","policy":"read"}}}');
    });

    test('renders every resource kind', () => {
      const doc = new AclPolicyDocument();
      doc.addNodeRule('node-1', AccessLevel.WRITE);
      doc.addAgentRule('node-1', AccessLevel.READ);
      doc.addOperatorRule(AccessLevel.READ);
      doc.addAclRule(AccessLevel.READ);
      expect(doc.toJson()).toEqual({
        acl: 'read',
        agent: { 'node-1': { policy: 'read' } },
        node: { 'node-1': { policy: 'write' } },
        operator: 'read',
      });
    });

    test('renders the same bytes whatever order the rules were added in', () => {
      const a = new AclPolicyDocument();
      a.addServicePrefixRule('', AccessLevel.READ);
      a.partition('ap1').addMeshRule(AccessLevel.READ);
      a.addServiceRule('b', AccessLevel.WRITE);
      a.addServiceRule('a', AccessLevel.WRITE);
      const b = new AclPolicyDocument();
      b.addServiceRule('a', AccessLevel.WRITE);
      b.addServiceRule('b', AccessLevel.WRITE);
      b.partition('ap1').addMeshRule(AccessLevel.READ);
      b.addServicePrefixRule('', AccessLevel.READ);
      expect(a.render()).toBe(b.render());
      expect(a.statements()).toEqual(b.statements());
    });

    test('leaves out scopes that have no rules', () => {
      const doc = new AclPolicyDocument();
      doc.partition('ap1').namespace('ns1');
      doc.addMeshRule(AccessLevel.READ);
      expect(doc.toJson()).toEqual({ mesh: 'read' });
    });

    test('renders an empty document as an empty object', () => {
      const doc = new AclPolicyDocument();
      expect(doc.isEmpty).toBe(true);
      expect(doc.render()).toBe('{}');
      doc.partition('ap1');
      expect(doc.isEmpty).toBe(true);
    });
  });

  describe('statements', () => {
    test('lists every rule flattened, with its scope, sorted', () => {
      expect(entDefaultPartitionGateway().statements()).toEqual([
        { scope: '', resource: 'mesh', access: AccessLevel.WRITE },
        { scope: 'partition "default" namespace "default"', resource: 'agent_prefix', segment: '', access: AccessLevel.READ },
        { scope: 'partition "default" namespace "default"', resource: 'service', segment: 'mesh-gateway', access: AccessLevel.WRITE },
        { scope: 'partition "default" namespace_prefix ""', resource: 'node_prefix', segment: '', access: AccessLevel.READ },
        { scope: 'partition "default" namespace_prefix ""', resource: 'service_prefix', segment: '', access: AccessLevel.READ },
        { scope: 'partition_prefix ""', resource: 'peering', access: AccessLevel.READ },
      ]);
    });

    test('includes intentions', () => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('web-', AccessLevel.READ, { intentions: AccessLevel.READ });
      expect(doc.statements()).toEqual([
        { scope: '', resource: 'service_prefix', segment: 'web-', access: AccessLevel.READ, intentions: AccessLevel.READ },
      ]);
    });

    test('returns copies', () => {
      const doc = ceMeshGatewayDocument();
      const list = doc.statements();
      list.pop();
      (list[0] as any).access = AccessLevel.DENY;
      expect(doc.statements()).toHaveLength(5);
      expect(doc.statements()[0].access).toBe(AccessLevel.WRITE);
    });
  });

  describe('merging', () => {
    test('adding the same rule twice keeps one rule', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.READ);
      doc.addServiceRule('web', AccessLevel.READ);
      doc.addMeshRule(AccessLevel.READ);
      doc.addMeshRule(AccessLevel.READ);
      expect(doc.statements()).toHaveLength(2);
    });

    test('read and write on the same rule merge to write, in either order', () => {
      const a = new AclPolicyDocument();
      a.addServiceRule('web', AccessLevel.READ);
      a.addServiceRule('web', AccessLevel.WRITE);
      const b = new AclPolicyDocument();
      b.addServiceRule('web', AccessLevel.WRITE);
      b.addServiceRule('web', AccessLevel.READ);
      expect(a.toJson()).toEqual({ service: { web: { policy: 'write' } } });
      expect(b.render()).toBe(a.render());
    });

    test('intentions merge like access levels and are kept when a later rule omits them', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.READ });
      doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.WRITE });
      doc.addServiceRule('web', AccessLevel.READ);
      expect(doc.toJson()).toEqual({ service: { web: { policy: 'read', intentions: 'write' } } });
    });

    test('the same label in different scopes are different rules', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.READ);
      doc.namespace('ns1').addServiceRule('web', AccessLevel.DENY);
      expect(doc.statements()).toHaveLength(2);
    });

    test('fails when deny meets read or write on the same rule', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.WRITE);
      expect(() => doc.addServiceRule('web', AccessLevel.DENY)).toThrow(
        'service "web" has conflicting rules: "write" and "deny"; remove one of them ("deny" cannot be combined with "read"/"write" on the same rule)',
      );
      doc.partition('ap1').addPeeringRule(AccessLevel.DENY);
      expect(() => doc.partition('ap1').addPeeringRule(AccessLevel.READ)).toThrow(
        /^peering in partition "ap1" has conflicting rules: "deny" and "read"; remove one of them/,
      );
    });

    test('fails when deny meets read or write on intentions', () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.DENY });
      expect(() => doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.READ })).toThrow(
        /^service "web" has conflicting intentions: "deny" and "read"; remove one of them/,
      );
    });

    test('addDocument merges every scope of another document without changing it', () => {
      const doc = ceMeshGatewayDocument();
      const other = entDefaultPartitionGateway();
      const before = other.render();
      doc.addDocument(other);
      expect(other.render()).toBe(before);
      expect(doc.toJson()).toEqual({ ...ceMeshGatewayDocument().toJson(), ...entDefaultPartitionGateway().toJson() });
    });

    test('addDocument upgrades read to write and is idempotent', () => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('', AccessLevel.READ);
      const other = new AclPolicyDocument();
      other.addServicePrefixRule('', AccessLevel.WRITE);
      doc.addDocument(other);
      doc.addDocument(other);
      doc.addDocument(doc);
      expect(doc.statements()).toEqual([
        { scope: '', resource: 'service_prefix', segment: '', access: AccessLevel.WRITE },
      ]);
    });

    test('fails to addDocument a conflicting document and leaves the target unchanged', () => {
      const doc = new AclPolicyDocument();
      doc.partition('ap1').namespace('ns1').addServiceRule('web', AccessLevel.READ);
      const other = new AclPolicyDocument();
      other.addMeshRule(AccessLevel.WRITE);
      other.partition('ap1').namespace('ns1').addServiceRule('web', AccessLevel.DENY);
      const before = doc.render();
      expect(() => doc.addDocument(other)).toThrow(
        /^service "web" in partition "ap1" namespace "ns1" has conflicting rules: "read" and "deny"; remove one of them/,
      );
      expect(doc.render()).toBe(before);
    });
  });

  describe('scopes', () => {
    test('returns the same scope object for the same label', () => {
      const doc = new AclPolicyDocument();
      expect(doc.partition('ap1')).toBe(doc.partition('ap1'));
      expect(doc.partitionPrefix('')).toBe(doc.partitionPrefix(''));
      expect(doc.partition('ap1').namespace('ns')).toBe(doc.partition('ap1').namespace('ns'));
      expect(doc.namespacePrefix('')).toBe(doc.namespacePrefix(''));
      expect(doc.partition('ap1')).not.toBe(doc.partitionPrefix('ap1'));
      expect(doc.partition('ap1')).toBeInstanceOf(AclRuleScope);
    });

    test('allows acl rules inside a namespace (namespace-scoped ACL management)', () => {
      const doc = new AclPolicyDocument();
      doc.namespace('team-a').addAclRule(AccessLevel.READ);
      expect(doc.toJson()).toEqual({ namespace: { 'team-a': { acl: 'read' } } });
    });

    test('fails to nest a partition inside a partition', () => {
      const doc = new AclPolicyDocument();
      expect(() => doc.partition('default').partition('ap1')).toThrow(
        /^partition\(name\) "ap1" cannot be used inside partition "default": .*; call partition\(\) on the AclPolicyDocument itself$/,
      );
      expect(() => doc.partitionPrefix('').partitionPrefix('x')).toThrow(/cannot contain another partition block/);
    });

    test('fails to scope anything inside a namespace', () => {
      const ns = new AclPolicyDocument().partition('default').namespace('default');
      expect(() => ns.namespace('other')).toThrow(
        /^namespace\(name\) "other" cannot be used inside partition "default" namespace "default": nothing nests inside a namespace block; call namespace\(\) on the document or on a partition scope$/,
      );
      expect(() => ns.namespacePrefix('')).toThrow(/nothing nests inside a namespace block/);
      expect(() => new AclPolicyDocument().namespacePrefix('').partition('ap1')).toThrow(
        /^partition\(name\) "ap1" cannot be used inside namespace_prefix ""/,
      );
    });

    test('fails to add mesh, peering or operator rules inside a namespace', () => {
      const ns = new AclPolicyDocument().namespace('default');
      expect(() => ns.addMeshRule(AccessLevel.WRITE)).toThrow(
        'addMeshRule() cannot be used inside namespace "default": mesh rules are partition-scoped; add the mesh rule to the partition scope or to the document (top level) instead',
      );
      expect(() => ns.addPeeringRule(AccessLevel.READ)).toThrow(/peering rules are partition-scoped/);
      expect(() => ns.addOperatorRule(AccessLevel.READ)).toThrow(/operator rules are partition-scoped/);
    });
  });

  describe('names', () => {
    test('fails on a service name with characters Consul names do not allow', () => {
      const doc = new AclPolicyDocument();
      expect(() => doc.addServiceRule('my web', AccessLevel.READ)).toThrow(
        'addServiceRule(name) "my web" contains characters Consul names do not allow; use letters, digits, "-", "_" and "." (e.g. "my-web")',
      );
      expect(() => doc.addNodePrefixRule('a"b', AccessLevel.READ)).toThrow(/^addNodePrefixRule\(prefix\) "a\\"b" contains characters/);
      expect(() => doc.addAgentRule('x{}', AccessLevel.READ)).toThrow(/^addAgentRule\(name\) "x\{\}" contains characters/);
    });

    test('throws a ValidationError without a construct path (a document is not a construct)', () => {
      const v = validationErrorOf(() => new AclPolicyDocument().addServiceRule('my web', AccessLevel.READ));
      expect(v).toMatchObject({ constructPath: '', prop: 'addServiceRule(name)', value: 'my web', fix: 'use letters, digits, "-", "_" and "." (e.g. "my-web")' });
    });

    test('fails on an empty exact name and points to the prefix rule', () => {
      const doc = new AclPolicyDocument();
      expect(() => doc.addServiceRule('', AccessLevel.READ)).toThrow(
        /^addServiceRule\(name\) must not be empty; give the exact name, or use addServicePrefixRule\('', \.\.\.\) to match every name$/,
      );
      expect(() => doc.addNodeRule('', AccessLevel.READ)).toThrow(/addNodePrefixRule/);
    });

    test('accepts empty prefixes and names with dots and underscores', () => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('', AccessLevel.READ);
      doc.addAgentPrefixRule('', AccessLevel.READ);
      doc.addNodeRule('ip-10-0-0-1.ec2_internal', AccessLevel.READ);
      doc.partitionPrefix('').namespacePrefix('team-').addServiceRule('web', AccessLevel.READ);
      expect(doc.statements()).toHaveLength(4);
    });

    test('fails on partition and namespace names that are not DNS labels', () => {
      const doc = new AclPolicyDocument();
      expect(() => doc.partition('ap_1')).toThrow(
        /^partition\(name\) "ap_1" is not a valid partition name; use a DNS label.*\(e\.g\. "ap-1"\)$/,
      );
      expect(() => doc.namespace('')).toThrow(/^namespace\(name\) "" is not a valid namespace name; use a DNS label/);
      expect(() => doc.namespacePrefix('a b')).toThrow(
        /^namespacePrefix\(prefix\) "a b" is not a valid namespace name prefix; use letters, digits and "-" .*e\.g\. "a-b"$/,
      );
    });

    test('fails on an access level that is not an AccessLevel', () => {
      const doc = new AclPolicyDocument();
      expect(() => doc.addMeshRule('list' as AccessLevel)).toThrow(
        'addMeshRule(access) "list" is not an access level; use AccessLevel.READ, AccessLevel.WRITE or AccessLevel.DENY',
      );
      expect(() => doc.addServiceRule('web', AccessLevel.READ, { intentions: 'all' as AccessLevel })).toThrow(
        /^addServiceRule\(options\.intentions\) "all" is not an access level; use AccessLevel\.READ/,
      );
    });

    test('accepts unresolved tokens as names and renders them for Terraform to resolve', () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      const service = new TerraformVariable(stack, 'service', { type: 'string' });
      const partition = Lazy.stringValue({ produce: () => 'ap1' });
      const doc = new AclPolicyDocument();
      doc.partition(partition).addServiceRule(service.stringValue, AccessLevel.WRITE);
      doc.addServiceRule(`${service.stringValue}-sidecar-proxy`, AccessLevel.WRITE);
      const rendered = doc.render();
      expect(Token.isUnresolved(rendered)).toBe(true);
      const resolved = JSON.parse(resolveIn(stack, rendered));
      expect(resolved).toEqual({
        partition: { ap1: { service: { '${var.service}': { policy: 'write' } } } },
        service: { '${var.service}-sidecar-proxy': { policy: 'write' } },
      });
    });
  });

  describe('validate', () => {
    test('reports an empty document', () => {
      expect(new AclPolicyDocument().validate()).toEqual([
        'document has no rules; add at least one rule (e.g. addServicePrefixRule("", AccessLevel.READ)) or remove the policy',
      ]);
    });

    test('accepts the mesh gateway policies', () => {
      expect(ceMeshGatewayDocument().validate()).toEqual([]);
      expect(entDefaultPartitionGateway().validate()).toEqual([]);
      expect(entPtn1Gateway().validate()).toEqual([]);
    });

    test('reports write on an empty prefix as a least-privilege finding', () => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('', AccessLevel.WRITE);
      doc.partition('ap1').namespacePrefix('').addNodePrefixRule('', AccessLevel.WRITE);
      doc.addServicePrefixRule('web-', AccessLevel.WRITE);
      expect(doc.validate()).toEqual([
        expect.stringMatching(/^service_prefix "" grants write on every service \(least privilege\); name the resources it needs instead, .*allowBroadPrivileges/),
        expect.stringMatching(
          /^node_prefix "" in partition "ap1" namespace_prefix "" grants write on every node \(least privilege\); name the resources it needs instead/,
        ),
      ]);
    });

    test('reports intentions write on an empty prefix', () => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('', AccessLevel.READ, { intentions: AccessLevel.WRITE });
      expect(doc.validate()).toEqual([expect.stringMatching(/^service_prefix "" grants intentions write on every service \(least privilege\); /)]);
    });

    test('reports acl = "write" and operator = "write"', () => {
      const doc = new AclPolicyDocument();
      doc.addAclRule(AccessLevel.WRITE);
      doc.addOperatorRule(AccessLevel.WRITE);
      doc.addPeeringRule(AccessLevel.WRITE);
      expect(doc.validate()).toEqual([
        expect.stringMatching(/^acl "write" can create any token \(privilege escalation, least privilege\); use "read" or drop the rule, or set allowBroadPrivileges/),
        expect.stringMatching(/^operator "write" grants cluster-wide operator access \(least privilege\); use "read" or drop the rule, or set allowBroadPrivileges/),
      ]);
    });
  });
});

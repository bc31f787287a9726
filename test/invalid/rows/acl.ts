import { App } from 'cdktf';
import { AccessLevel, AclPolicy, AclPolicyDocument, AclToken, ConsulCluster } from '../../../lib';
import { InvalidProgram } from '../corpus';
import { oneCluster } from '../programs';

/** A policy "ops" in dc1 whose document `rules` fills (for the least-privilege findings). */
function policyWith(app: App, rules: (doc: AclPolicyDocument) => void, policyName = 'ops'): void {
  const { stack, dc1 } = oneCluster(app);
  const policy = new AclPolicy(stack, 'Ops', { policyName, provider: dc1.provider });
  rules(policy.document);
}

/** A token "Token" in dc1 (with one service identity, so it is not empty). */
function token(app: App): { token: AclToken; dc1: ConsulCluster } {
  const { stack, dc1 } = oneCluster(app);
  return { token: new AclToken(stack, 'Token', { provider: dc1.provider, serviceIdentities: ['web'] }), dc1 };
}

/** ACL policy documents, policies, tokens and grants. */
export const ACL: InvalidProgram[] = [
  // ---- AclPolicyDocument: arguments ----------------------------------------------------------------
  {
    name: 'acl: an access level that is not one',
    rule: 'acl.access-level',
    build: () => new AclPolicyDocument().addMeshRule('admin' as AccessLevel),
    at: 'construct',
    path: '',
    prop: 'addMeshRule(access)',
    value: 'admin',
    fix: 'use AccessLevel.READ, AccessLevel.WRITE or AccessLevel.DENY',
  },
  {
    name: 'acl: an intentions level that is not one',
    rule: 'acl.access-level',
    build: () => new AclPolicyDocument().addServiceRule('web', AccessLevel.READ, { intentions: 'all' as AccessLevel }),
    at: 'construct',
    path: '',
    prop: 'addServiceRule(options.intentions)',
    value: 'all',
    fix: 'use AccessLevel.READ, AccessLevel.WRITE or AccessLevel.DENY',
  },
  {
    name: 'acl: an empty exact service name',
    rule: 'acl.rule-label-empty',
    build: () => new AclPolicyDocument().addServiceRule('', AccessLevel.READ),
    at: 'construct',
    path: '',
    prop: 'addServiceRule(name)',
    fix: "give the exact name, or use addServicePrefixRule('', ...) to match every name",
  },
  {
    name: 'acl: an empty exact agent name',
    rule: 'acl.rule-label-empty',
    build: () => new AclPolicyDocument().addAgentRule('', AccessLevel.READ),
    at: 'construct',
    path: '',
    prop: 'addAgentRule(name)',
    fix: "use addAgentPrefixRule('', ...) to match every name",
  },
  {
    name: 'acl: a node name with a space',
    rule: 'acl.rule-label',
    build: () => new AclPolicyDocument().addNodeRule('node 1', AccessLevel.WRITE),
    at: 'construct',
    path: '',
    prop: 'addNodeRule(name)',
    value: 'node 1',
    fix: 'use letters, digits, "-", "_" and "." (e.g. "node-1")',
  },
  {
    name: 'acl: a service prefix with a slash',
    rule: 'acl.rule-label',
    build: () => new AclPolicyDocument().addServicePrefixRule('web/', AccessLevel.READ),
    at: 'construct',
    path: '',
    prop: 'addServicePrefixRule(prefix)',
    value: 'web/',
    fix: 'use letters, digits, "-", "_" and "."',
  },
  {
    name: 'acl: a partition name with an underscore',
    rule: 'acl.scope-label',
    build: () => new AclPolicyDocument().partition('ap_1'),
    at: 'construct',
    path: '',
    prop: 'partition(name)',
    value: 'ap_1',
    fix: 'use a DNS label: letters, digits and "-", 1-63 characters, not starting or ending with "-" (e.g. "ap-1")',
  },
  {
    name: 'acl: an empty namespace name',
    rule: 'acl.scope-label',
    build: () => new AclPolicyDocument().namespace(''),
    at: 'construct',
    path: '',
    prop: 'namespace(name)',
    value: '',
    fix: 'use a DNS label',
  },
  {
    name: 'acl: a namespace prefix with a dot',
    rule: 'acl.scope-label',
    build: () => new AclPolicyDocument().namespacePrefix('team.'),
    at: 'construct',
    path: '',
    prop: 'namespacePrefix(prefix)',
    value: 'team.',
    fix: "use letters, digits and \"-\" (at most 63 characters; '' matches every namespace)",
  },
  {
    name: 'acl: a partition inside a namespace',
    rule: 'acl.nesting',
    build: () => new AclPolicyDocument().namespace('web').partition('ap1'),
    at: 'construct',
    path: '',
    prop: 'partition(name)',
    value: 'ap1',
    fix: 'call partition() on the AclPolicyDocument itself',
    also: ['cannot be used inside namespace "web": nothing nests inside a namespace block'],
  },
  {
    name: 'acl: a namespace inside a namespace',
    rule: 'acl.nesting',
    build: () => new AclPolicyDocument().partition('ap1').namespace('web').namespacePrefix(''),
    at: 'construct',
    path: '',
    prop: 'namespacePrefix(prefix)',
    value: '',
    fix: 'call namespacePrefix() on the document or on a partition scope',
  },
  {
    name: 'acl: a partition inside a partition',
    rule: 'acl.nesting',
    build: () => new AclPolicyDocument().partition('ap1').partitionPrefix(''),
    at: 'construct',
    path: '',
    prop: 'partitionPrefix(prefix)',
    value: '',
    fix: 'call partitionPrefix() on the AclPolicyDocument itself',
    also: ['a partition block cannot contain another partition block'],
  },
  {
    name: 'acl: a mesh rule inside a namespace',
    rule: 'acl.partition-level-in-namespace',
    build: () => new AclPolicyDocument().namespace('web').addMeshRule(AccessLevel.WRITE),
    at: 'construct',
    path: '',
    prop: 'addMeshRule()',
    fix: 'add the mesh rule to the partition scope or to the document (top level) instead',
    also: ['mesh rules are partition-scoped'],
  },
  {
    name: 'acl: a peering rule inside a namespace prefix',
    rule: 'acl.partition-level-in-namespace',
    build: () => new AclPolicyDocument().partition('default').namespacePrefix('').addPeeringRule(AccessLevel.READ),
    at: 'construct',
    path: '',
    prop: 'addPeeringRule()',
    fix: 'add the peering rule to the partition scope',
  },
  {
    name: 'acl: deny and write on one service',
    rule: 'acl.conflict',
    build: () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.WRITE);
      doc.addServiceRule('web', AccessLevel.DENY);
    },
    at: 'construct',
    path: '',
    prop: 'service',
    value: 'web',
    fix: 'remove one of them ("deny" cannot be combined with "read"/"write" on the same rule)',
    also: ['has conflicting rules: "write" and "deny"'],
  },
  {
    name: 'acl: conflicting intentions on one service',
    rule: 'acl.conflict',
    build: () => {
      const doc = new AclPolicyDocument();
      doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.WRITE });
      doc.addServiceRule('web', AccessLevel.READ, { intentions: AccessLevel.DENY });
    },
    at: 'construct',
    path: '',
    prop: 'service',
    value: 'web',
    fix: 'remove one of them',
    also: ['has conflicting intentions: "write" and "deny"'],
  },
  {
    name: 'acl: addDocument with a conflicting rule',
    rule: 'acl.conflict',
    build: () => {
      const doc = new AclPolicyDocument();
      doc.partition('ap1').addMeshRule(AccessLevel.WRITE);
      const other = new AclPolicyDocument();
      other.partition('ap1').addMeshRule(AccessLevel.DENY);
      doc.addDocument(other);
    },
    at: 'construct',
    path: '',
    prop: 'mesh',
    fix: 'remove one of them',
    also: ['in partition "ap1" has conflicting rules: "write" and "deny"'],
  },
  {
    name: 'acl: grantRegister onto a token that denies mesh',
    rule: 'acl.conflict',
    build: (app) => {
      const { token: t, dc1 } = token(app);
      const deny = new AclPolicyDocument();
      deny.addMeshRule(AccessLevel.DENY);
      t.addToPolicy(deny);
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' }).grantRegister(t);
    },
    at: 'construct',
    path: '',
    prop: 'mesh',
    fix: 'remove one of them',
    also: ['has conflicting rules: "deny" and "write"'],
  },

  // ---- AclPolicy: synth-time findings --------------------------------------------------------------
  {
    name: 'acl: a policy without rules',
    rule: 'acl.policy-empty',
    build: (app) => policyWith(app, () => undefined, 'empty'),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'document',
    fix: 'add at least one rule (e.g. addServicePrefixRule("", AccessLevel.READ)) or remove the policy',
    also: ['of AclPolicy "empty" has no rules'],
  },
  {
    name: 'acl: a policy with only empty scopes',
    rule: 'acl.policy-empty',
    build: (app) => policyWith(app, (doc) => doc.partition('ap1').namespace('web')),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'document',
    fix: 'add at least one rule',
  },
  {
    name: 'acl: write on every service',
    rule: 'acl.broad-prefix-write',
    build: (app) => policyWith(app, (doc) => doc.addServicePrefixRule('', AccessLevel.WRITE)),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'service_prefix',
    value: '',
    fix: 'name the resources it needs instead, or set allowBroadPrivileges on the AclPolicy if this is intended',
    also: ['in AclPolicy "ops" grants write on every service (least privilege)'],
  },
  {
    name: 'acl: write on every node of a partition',
    rule: 'acl.broad-prefix-write',
    build: (app) => policyWith(app, (doc) => doc.partition('ap1').addNodePrefixRule('', AccessLevel.WRITE)),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'node_prefix',
    value: '',
    fix: 'set allowBroadPrivileges on the AclPolicy if this is intended',
    also: ['in partition "ap1" of AclPolicy "ops" grants write on every node'],
  },
  {
    name: 'acl: intentions write on every service',
    rule: 'acl.broad-intentions-write',
    build: (app) => policyWith(app, (doc) => doc.addServicePrefixRule('', AccessLevel.READ, { intentions: AccessLevel.WRITE })),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'service_prefix',
    value: '',
    fix: 'name the resources it needs instead',
    also: ['grants intentions write on every service (least privilege)'],
  },
  {
    name: 'acl: acl = write',
    rule: 'acl.acl-operator-write',
    build: (app) => policyWith(app, (doc) => doc.addAclRule(AccessLevel.WRITE)),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'acl',
    value: 'write',
    fix: 'use "read" or drop the rule, or set allowBroadPrivileges on the AclPolicy for a bootstrap/operator token',
    also: ['can create any token (privilege escalation, least privilege)'],
  },
  {
    name: 'acl: operator = write',
    rule: 'acl.acl-operator-write',
    build: (app) => policyWith(app, (doc) => doc.addOperatorRule(AccessLevel.WRITE)),
    at: 'synth',
    path: 'mesh/Ops',
    prop: 'operator',
    value: 'write',
    fix: 'use "read" or drop the rule',
    also: ['grants cluster-wide operator access (least privilege)'],
  },
  {
    name: 'acl: a token granted write on every service',
    rule: 'acl.broad-prefix-write',
    build: (app) => {
      const doc = new AclPolicyDocument();
      doc.addServicePrefixRule('', AccessLevel.WRITE);
      token(app).token.addToPolicy(doc);
    },
    at: 'synth',
    path: 'mesh/Token/Policy',
    prop: 'service_prefix',
    value: '',
    fix: 'set allowBroadPrivileges on the AclPolicy if this is intended',
  },

  // ---- names of policies and identities ------------------------------------------------------------
  {
    name: 'acl: policyName with a slash',
    rule: 'acl.policy-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclPolicy(stack, 'Ops', { policyName: 'ops/read', provider: dc1.provider });
    },
    at: 'construct',
    path: 'mesh/Ops',
    prop: 'policyName',
    value: 'ops/read',
    fix: 'use 1-128 letters, digits, "-" and "_" (e.g. "ops-read")',
  },
  {
    name: 'acl: policyName of 129 characters',
    rule: 'acl.policy-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclPolicy(stack, 'Ops', { policyName: 'p'.repeat(129), provider: dc1.provider });
    },
    at: 'construct',
    path: 'mesh/Ops',
    prop: 'policyName',
    value: 'p'.repeat(129),
    fix: 'use 1-128 letters, digits, "-" and "_"',
  },
  {
    name: 'acl: AclPolicy.fromPolicyName with a space',
    rule: 'acl.policy-name',
    build: (app) => AclPolicy.fromPolicyName(oneCluster(app).stack, 'Imported', 'read only'),
    at: 'construct',
    path: 'mesh/Imported',
    prop: 'policyName',
    value: 'read only',
    fix: 'e.g. "read-only"',
  },
  {
    name: 'acl: token policyName with a dot',
    rule: 'acl.policy-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclToken(stack, 'Token', { provider: dc1.provider, serviceIdentities: ['web'], policyName: 'web.policy' });
    },
    at: 'construct',
    path: 'mesh/Token',
    prop: 'policyName',
    value: 'web.policy',
    fix: 'e.g. "web-policy"',
  },
  {
    name: 'acl: aclPolicyId of an imported policy',
    rule: 'acl.imported-policy-id',
    build: (app) => AclPolicy.fromPolicyName(oneCluster(app).stack, 'Imported', 'ops').aclPolicyId,
    at: 'construct',
    path: 'mesh/Imported',
    prop: 'aclPolicyId',
    fix: 'link it by aclPolicyName (tokens do), or read the ID with the consul_acl_policy data source',
    also: ['of the imported policy "ops" is not known'],
  },
  {
    name: 'acl: upper-case service identity',
    rule: 'acl.identity-name',
    build: (app) => token(app).token.addServiceIdentity('Api'),
    at: 'construct',
    path: 'mesh/Token',
    prop: 'serviceName',
    value: 'Api',
    fix: '(e.g. "api")',
  },
  {
    name: 'acl: service identity ending with a hyphen (props)',
    rule: 'acl.identity-name',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclToken(stack, 'Token', { provider: dc1.provider, serviceIdentities: ['web-'] });
    },
    at: 'construct',
    path: 'mesh/Token',
    prop: 'serviceName',
    value: 'web-',
    fix: 'starting and ending with a letter or digit',
  },
  {
    name: 'acl: node identity with a dot',
    rule: 'acl.identity-name',
    build: (app) => token(app).token.addNodeIdentity({ nodeName: 'node.1', datacenter: 'dc1' }),
    at: 'construct',
    path: 'mesh/Token',
    prop: 'nodeName',
    value: 'node.1',
    fix: '(e.g. "node-1")',
  },
  {
    name: 'acl: node identity in an upper-case datacenter',
    rule: 'name.datacenter',
    build: (app) => token(app).token.addNodeIdentity({ nodeName: 'node-1', datacenter: 'DC1' }),
    at: 'construct',
    path: 'mesh/Token',
    prop: 'datacenter',
    value: 'DC1',
    fix: 'use lower-case letters, digits, "-" and "_" (e.g. "dc1")',
  },
  {
    name: 'acl: a token that can do nothing',
    rule: 'acl.token-empty',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclToken(stack, 'Idle', { provider: dc1.provider });
    },
    at: 'synth',
    path: 'mesh/Idle',
    prop: 'policies',
    fix: 'add one with addPolicy(), addServiceIdentity(), addNodeIdentity() or a grant (addToPolicy())',
    also: ['the token has no policies, no service identities, no node identities and no granted rules'],
  },
  {
    name: 'acl: a token granted an empty document',
    rule: 'acl.token-empty',
    build: (app) => {
      const { stack, dc1 } = oneCluster(app);
      new AclToken(stack, 'Idle', { provider: dc1.provider }).addToPolicy(new AclPolicyDocument());
    },
    at: 'synth',
    path: 'mesh/Idle',
    prop: 'policies',
    fix: 'add one with addPolicy()',
    messages: 2,
  },
];

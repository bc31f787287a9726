import * as aclToken from '@cdktf/provider-consul/lib/acl-token';
import * as aclTokenSecretId from '@cdktf/provider-consul/lib/data-consul-acl-token-secret-id';
import { TerraformProvider, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { assertDatacenter, assertIdentityName, assertPolicyName, compareStrings } from './names';
import { AclPolicy, IAclPolicy } from './policy';
import { AclPolicyDocument, AclRuleStatement } from './policy-document';

/**
 * Something that can hold ACL rules (a token, later a role). `grant…` methods call
 * {@link AclGrant.addToGrantee}, which calls {@link IAclGrantee.addToPolicy}.
 */
export interface IAclGrantee extends IConstruct {
  /**
   * Merges `document`'s rules into the grantee's own inline policy (created on the first call).
   * Throws on a conflicting rule (`deny` against `read`/`write`).
   */
  addToPolicy(document: AclPolicyDocument): void;
}

/** What other constructs need to know about an ACL token: its IDs, and that it can receive grants. */
export interface IAclToken extends IAclGrantee {
  /** The token's accessor ID (public identifier; not a secret). */
  readonly accessorId: string;
  /** The token's secret ID (sensitive; a reference, never a literal). */
  readonly secretId: string;
}

/**
 * The result of a grant: which rules were added to which grantee.
 *
 * @example
 * const token = new AclToken(stack, 'OperatorToken', { provider: dc1.provider });
 * const grant = gateway.grantRegister(token);
 * grant.statements; // [{ scope: '', resource: 'mesh', access: AccessLevel.WRITE }, ...]
 */
export class AclGrant {
  /**
   * Adds `document`'s rules to `grantee` (through {@link IAclGrantee.addToPolicy}) and records them.
   *
   * @param grantee who receives the rules
   * @param document the rules to add; not modified
   */
  public static addToGrantee(grantee: IAclGrantee, document: AclPolicyDocument): AclGrant {
    const statements = document.statements();
    grantee.addToPolicy(document);
    return new AclGrant(grantee, statements);
  }

  /** Who received the rules. */
  public readonly grantee: IAclGrantee;
  /** Exactly the rules this grant added, flattened and sorted (see {@link AclPolicyDocument.statements}). */
  public readonly statements: AclRuleStatement[];

  private constructor(grantee: IAclGrantee, statements: AclRuleStatement[]) {
    this.grantee = grantee;
    this.statements = statements;
  }
}

/**
 * A node identity: `node "<nodeName>" write` plus `service_prefix "" read`, valid in one datacenter
 * (Consul's `builtin/node` rules). What a client agent's token needs.
 *
 * @see https://developer.hashicorp.com/consul/docs/secure/acl/token#node-identities
 */
export interface AclNodeIdentity {
  /** The node name (lower-case letters, digits, "-" and "_"). */
  readonly nodeName: string;
  /** The datacenter the identity is valid in. */
  readonly datacenter: string;
}

/**
 * Props of {@link AclToken}.
 */
export interface AclTokenProps {
  /**
   * Human-readable description. Never put secrets here.
   *
   * @default - `Managed by cdktf: <construct path>`
   */
  readonly description?: string;
  /**
   * Admin partition to create the token in (Consul Enterprise). The inline policy and the secret lookup
   * use the same partition.
   *
   * @default - the provider's partition (`default`)
   */
  readonly partition?: string;
  /**
   * Namespace to create the token in (Consul Enterprise). The inline policy and the secret lookup use the
   * same namespace.
   *
   * @default - the `default` namespace
   */
  readonly namespace?: string;
  /**
   * Policies to link (by name). More can be added with {@link AclToken.addPolicy}.
   *
   * @default - none
   */
  readonly policies?: IAclPolicy[];
  /**
   * Service identities: each grants `service "<name>"` and `"<name>-sidecar-proxy"` write plus
   * `service_prefix ""` and `node_prefix ""` read (Consul's `builtin/service` rules). More with
   * {@link AclToken.addServiceIdentity}.
   *
   * @default - none
   * @see https://developer.hashicorp.com/consul/docs/secure/acl/token#service-identities
   */
  readonly serviceIdentities?: string[];
  /**
   * Node identities. More with {@link AclToken.addNodeIdentity}.
   *
   * @default - none
   */
  readonly nodeIdentities?: AclNodeIdentity[];
  /**
   * Create a datacenter-local token instead of a global (replicated) one.
   *
   * @default false - a global token
   */
  readonly local?: boolean;
  /**
   * Name of the inline policy created on the first {@link AclToken.addToPolicy} (or grant).
   *
   * @default - derived from the inline policy's construct path (`<token path>/Policy`), e.g.
   * `stack-gateway-token-policy`
   */
  readonly policyName?: string;
  /**
   * Consul provider (alias) of the cluster that owns the token; also used for the inline policy and the
   * secret lookup.
   *
   * @default - the stack's default consul provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A Consul ACL token with linked policies, service/node identities and an inline policy for grants.
 *
 * Creates a `consul_acl_token` (child `Resource`) and a `consul_acl_token_secret_id` data source (child
 * `Secret`) that reads its secret; on the first {@link addToPolicy} (or `grant…` call) also an
 * {@link AclPolicy} (child `Policy`) holding the granted rules, linked to the token. Everything uses the
 * token's provider, partition and namespace. Policies and identities render sorted, so the output does not
 * depend on call order.
 *
 * The secret ends up in Terraform state (plaintext): `consul_acl_token` never stores it, the data source does.
 *
 * @see https://developer.hashicorp.com/consul/docs/secure/acl/token
 * @see https://registry.terraform.io/providers/hashicorp/consul/latest/docs/resources/acl_token
 * @example
 * const token = new AclToken(stack, 'WebToken', { provider: dc1.provider });
 * token.addServiceIdentity('web');
 * new TerraformOutput(stack, 'WebTokenSecret', { value: token.secretId, sensitive: true });
 */
export class AclToken extends Construct implements IAclToken {
  /**
   * The `consul_acl_token` L1 (escape hatch). The token writes its `policies`, `service_identities` and
   * `node_identities` whenever they change, unless they were replaced on the L1 (which then wins, as an
   * override does).
   */
  public readonly resource: aclToken.AclToken;
  /** The token's accessor ID (public identifier; not a secret). */
  public readonly accessorId: string;
  /** The admin partition the token is created in, as given (`undefined`: the provider's, `default`). */
  public readonly partition?: string;
  /** The namespace the token is created in, as given (`undefined`: `default`). */
  public readonly namespace?: string;
  /** The provider (cluster) that creates the token, as given. */
  public readonly provider?: TerraformProvider;
  /** The `consul_acl_token_secret_id` data source. */
  private readonly secret: aclTokenSecretId.DataConsulAclTokenSecretId;
  private secretIdRef?: string;

  private readonly props: AclTokenProps;
  private readonly linked: IAclPolicy[] = [];
  private readonly services: string[] = [];
  private readonly nodes: AclNodeIdentity[] = [];
  private inline?: AclPolicy;
  /** What the token last wrote into the L1's lists (see {@link write}). */
  private readonly written: { policies?: string[]; services?: aclToken.AclTokenServiceIdentities[]; nodes?: aclToken.AclTokenNodeIdentities[] } = {};

  public constructor(scope: Construct, id: string, props: AclTokenProps = {}) {
    super(scope, id);
    this.props = props;
    this.partition = props.partition;
    this.namespace = props.namespace;
    this.provider = props.provider;
    if (props.policyName !== undefined) assertPolicyName('policyName', props.policyName, this);
    for (const p of props.policies ?? []) this.addPolicy(p);
    for (const s of props.serviceIdentities ?? []) this.addServiceIdentity(s);
    for (const n of props.nodeIdentities ?? []) this.addNodeIdentity(n);

    // The lists are written as plain values, now and on every change (no Lazy: a token per list would cost a
    // stack trace each, for values that are known as soon as they change). Empty lists are left out.
    this.written.policies = this.renderPolicies();
    this.written.services = this.renderServiceIdentities();
    this.written.nodes = this.renderNodeIdentities();
    this.resource = new aclToken.AclToken(this, 'Resource', {
      description: props.description ?? `Managed by cdktf: ${this.node.path}`,
      partition: props.partition,
      namespace: props.namespace,
      local: props.local,
      policies: this.written.policies,
      serviceIdentities: this.written.services,
      nodeIdentities: this.written.nodes,
      provider: props.provider,
    });
    this.accessorId = this.resource.accessorId;

    this.secret = new aclTokenSecretId.DataConsulAclTokenSecretId(this, 'Secret', {
      accessorId: this.accessorId,
      partition: props.partition,
      namespace: props.namespace,
      provider: props.provider,
    });

    this.node.addValidation({ validate: () => this.validateToken() });
  }

  /**
   * The token's secret ID, read through the `consul_acl_token_secret_id` data source. Sensitive: pass it
   * object to object; outputs must be `sensitive: true`. (A reference made on first read: every reference
   * costs cdktf a stack trace, and many tokens' secrets are never read in the program.)
   */
  public get secretId(): string {
    if (this.secretIdRef === undefined) this.secretIdRef = this.secret.secretId;
    return this.secretIdRef;
  }

  /** The linked policies (including the inline one once created), sorted. A copy. */
  public get policies(): IAclPolicy[] {
    return this.sortedPolicies();
  }

  /** The service identities' service names, sorted. A copy. */
  public get serviceIdentities(): string[] {
    return [...this.services].sort(compareStrings);
  }

  /** The node identities, sorted by node name then datacenter. Copies. */
  public get nodeIdentities(): AclNodeIdentity[] {
    return this.sortedNodes().map((n) => ({ nodeName: n.nodeName, datacenter: n.datacenter }));
  }

  /**
   * Links a policy (by name). Linking the same policy (or a policy with the same name) again does nothing.
   */
  public addPolicy(policy: IAclPolicy): void {
    const name = policy.aclPolicyName;
    const duplicate = this.linked.some(
      (p) => p === policy || (!Token.isUnresolved(name) && p.aclPolicyName === name),
    );
    if (duplicate) return;
    this.linked.push(policy);
    this.write();
  }

  /**
   * Adds a service identity for `serviceName`. Adding the same name again does nothing.
   *
   * @see https://developer.hashicorp.com/consul/docs/secure/acl/token#service-identities
   */
  public addServiceIdentity(serviceName: string): void {
    assertIdentityName('serviceName', serviceName, this);
    if (this.services.includes(serviceName)) return;
    this.services.push(serviceName);
    this.write();
  }

  /**
   * Adds a node identity. Adding the same node name and datacenter again does nothing.
   *
   * @see https://developer.hashicorp.com/consul/docs/secure/acl/token#node-identities
   */
  public addNodeIdentity(identity: AclNodeIdentity): void {
    assertIdentityName('nodeName', identity.nodeName, this);
    assertDatacenter('datacenter', identity.datacenter, this);
    const exists = this.nodes.some((n) => n.nodeName === identity.nodeName && n.datacenter === identity.datacenter);
    if (exists) return;
    this.nodes.push({ nodeName: identity.nodeName, datacenter: identity.datacenter });
    this.write();
  }

  /**
   * Merges `document`'s rules into the token's inline policy (child `Policy`, same provider, partition and
   * namespace), creating and linking it on the first call. Throws on a conflicting rule.
   */
  public addToPolicy(document: AclPolicyDocument): void {
    if (!this.inline) {
      // Check conflicts within the incoming document before creating anything.
      const draft = new AclPolicyDocument();
      draft.addDocument(document);
      this.inline = new AclPolicy(this, 'Policy', {
        policyName: this.props.policyName,
        // Without "Default" path components, as cdktf leaves them out of logical ids: a construct moved under a
        // Default scope (an L3 that reproduces a hand-written program) keeps its description.
        description: `Inline policy of ${this.node.path.split('/').filter((c) => c !== 'Default').join('/')} (managed by cdktf)`,
        document: draft,
        partition: this.props.partition,
        namespace: this.props.namespace,
        provider: this.props.provider,
      });
      this.write();
      return;
    }
    this.inline.document.addDocument(document);
  }

  /**
   * Writes the sorted lists into the L1 (after a change; before the L1 exists the constructor writes them).
   * A list replaced on the L1 (`resource.policies = ...`, `putServiceIdentities`, a reset) is left alone.
   */
  private write(): void {
    if (this.resource === undefined) return;
    if (this.resource.policiesInput === this.written.policies) {
      this.written.policies = this.renderPolicies();
      this.resource.policies = this.written.policies!;
    }
    if (this.resource.serviceIdentitiesInput === this.written.services) {
      this.written.services = this.renderServiceIdentities();
      if (this.written.services) this.resource.putServiceIdentities(this.written.services);
    }
    if (this.resource.nodeIdentitiesInput === this.written.nodes) {
      this.written.nodes = this.renderNodeIdentities();
      if (this.written.nodes) this.resource.putNodeIdentities(this.written.nodes);
    }
  }

  private sortedPolicies(): IAclPolicy[] {
    const all = this.inline ? [...this.linked, this.inline] : [...this.linked];
    // Plain names sort by name; references (tokens) by construct path, never by token number (call order).
    const key = (p: IAclPolicy) =>
      Token.isUnresolved(p.aclPolicyName) ? `1${p.node.path}` : `0${p.aclPolicyName}`;
    return all.sort((a, b) => compareStrings(key(a), key(b)));
  }

  private sortedNodes(): AclNodeIdentity[] {
    return [...this.nodes].sort(
      (a, b) => compareStrings(a.nodeName, b.nodeName) || compareStrings(a.datacenter, b.datacenter),
    );
  }

  /** The L1's `policies`: policy names, sorted; undefined (left out) when there are none. */
  private renderPolicies(): string[] | undefined {
    return this.linked.length > 0 || this.inline ? this.sortedPolicies().map((p) => p.aclPolicyName) : undefined;
  }

  /** The L1's `service_identities`, sorted by service name; undefined when there are none. */
  private renderServiceIdentities(): aclToken.AclTokenServiceIdentities[] | undefined {
    return this.services.length > 0 ? this.serviceIdentities.map((serviceName) => ({ serviceName })) : undefined;
  }

  /** The L1's `node_identities`, sorted by node name then datacenter; undefined when there are none. */
  private renderNodeIdentities(): aclToken.AclTokenNodeIdentities[] | undefined {
    return this.nodes.length > 0 ? this.sortedNodes().map((n) => ({ nodeName: n.nodeName, datacenter: n.datacenter })) : undefined;
  }

  private validateToken(): string[] {
    const hasInlineRules = this.inline !== undefined && !this.inline.document.isEmpty;
    if (this.linked.length > 0 || this.services.length > 0 || this.nodes.length > 0 || hasInlineRules) {
      return [];
    }
    return [
      'the token has no policies, no service identities, no node identities and no granted rules, so it can do ' +
        'nothing; add one with addPolicy(), addServiceIdentity(), addNodeIdentity() or a grant (addToPolicy())',
    ];
  }
}

import * as aclPolicy from '@cdktf/provider-consul/lib/acl-policy';
import { TerraformProvider, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../errors';
import { renderedString } from '../private/rendered';
import { assertPolicyName, MAX_POLICY_NAME, nameFromPath } from './names';
import { AclPolicyDocument } from './policy-document';

/**
 * A Consul ACL policy, owned by this app or imported by name.
 */
export interface IAclPolicy extends IConstruct {
  /**
   * The policy name. `consul_acl_token.policies` links policies by name, so this is what tokens use;
   * for an owned policy it is a reference to the `consul_acl_policy`, which orders creation.
   */
  readonly aclPolicyName: string;
  /**
   * The policy ID assigned by Consul.
   *
   * Policies imported with {@link AclPolicy.fromPolicyName} have no known ID; reading it throws.
   */
  readonly aclPolicyId: string;
}

/**
 * Props of {@link AclPolicy}.
 */
export interface AclPolicyProps {
  /**
   * The policy name (letters, digits, "-" and "_", at most 128 characters; unique in its partition).
   *
   * @default - derived from the construct path: lower case, letters, digits and "-", e.g.
   * `stack-gateway-token-policy`; longer than 128 characters it is cut and ends in a short stable hash
   */
  readonly policyName?: string;
  /**
   * Human-readable description.
   *
   * @default - `Managed by cdktf: <construct path>`
   */
  readonly description?: string;
  /**
   * The rules. Rules added to {@link AclPolicy.document} later, up to synth, are rendered too.
   *
   * @default - an empty document; add rules through {@link AclPolicy.document}
   */
  readonly document?: AclPolicyDocument;
  /**
   * Admin partition to create the policy in (Consul Enterprise).
   *
   * @default - the provider's partition (`default`)
   */
  readonly partition?: string;
  /**
   * Namespace to create the policy in (Consul Enterprise). Rules of a policy in a namespace are implicitly
   * scoped to it.
   *
   * @default - the `default` namespace
   */
  readonly namespace?: string;
  /**
   * Datacenters the policy is valid in.
   *
   * @default - valid in every datacenter, including future ones
   */
  readonly datacenters?: string[];
  /**
   * Allow rules that break least privilege: `write` on an empty `*_prefix ""` (every service, node, ...),
   * `acl = "write"` and `operator = "write"`. Only for bootstrap/operator policies.
   *
   * @default false - synth validation reports those rules
   */
  readonly allowBroadPrivileges?: boolean;
  /**
   * Consul provider (alias) of the cluster that owns the policy.
   *
   * @default - the stack's default consul provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A Consul ACL policy (`consul_acl_policy`) whose rules come from an {@link AclPolicyDocument}.
 *
 * Creates one `consul_acl_policy` (child `Resource`). Its `rules` are the document rendered as Consul's JSON
 * rule form at synth time, so rules added after construction are included. Synth validation reports an
 * empty document and, unless `allowBroadPrivileges` is set, least-privilege findings.
 *
 * @see https://developer.hashicorp.com/consul/docs/secure/acl/policy
 * @see https://registry.terraform.io/providers/hashicorp/consul/latest/docs/resources/acl_policy
 * @example
 * const policy = new AclPolicy(stack, 'ReadAll', { provider: dc1.provider });
 * policy.document.addServicePrefixRule('', AccessLevel.READ);
 * policy.document.addNodePrefixRule('', AccessLevel.READ);
 */
export class AclPolicy extends Construct implements IAclPolicy {
  /**
   * A policy that exists already (created outside this app), referenced by name. Tokens can link it;
   * its ID is not known, so reading `aclPolicyId` throws.
   *
   * @param scope parent construct
   * @param id construct id
   * @param policyName the existing policy's name
   */
  public static fromPolicyName(scope: Construct, id: string, policyName: string): IAclPolicy {
    return new ImportedAclPolicy(scope, id, policyName);
  }

  /** The policy name (a reference to the `consul_acl_policy`'s `name`, so dependants are ordered after it). */
  public readonly aclPolicyName: string;
  /** The rules; add to it until synth. */
  public readonly document: AclPolicyDocument;
  /** The `consul_acl_policy` L1 (escape hatch). */
  public readonly resource: aclPolicy.AclPolicy;
  private idRef?: string;

  public constructor(scope: Construct, id: string, props: AclPolicyProps = {}) {
    super(scope, id);
    const name = props.policyName ?? nameFromPath(this.node.path, MAX_POLICY_NAME, 'policy');
    assertPolicyName('policyName', name, this);
    this.document = props.document ?? new AclPolicyDocument();
    const allowBroad = props.allowBroadPrivileges ?? false;

    this.resource = new aclPolicy.AclPolicy(this, 'Resource', {
      name,
      description: props.description ?? `Managed by cdktf: ${this.node.path}`,
      rules: renderedString(this, 'rules', () => this.document.render()),
      partition: props.partition,
      namespace: props.namespace,
      datacenters: props.datacenters,
      provider: props.provider,
    });
    this.aclPolicyName = this.resource.name;

    // cdktf prefixes the construct path; a literal name is worth naming too (it need not match the path).
    const owner = Token.isUnresolved(name) ? undefined : `AclPolicy ${JSON.stringify(name)}`;
    this.node.addValidation({ validate: () => this.document._validate(allowBroad, owner) });
  }

  /** The policy ID assigned by Consul (a reference made on first read). */
  public get aclPolicyId(): string {
    if (this.idRef === undefined) this.idRef = this.resource.id;
    return this.idRef;
  }
}

class ImportedAclPolicy extends Construct implements IAclPolicy {
  public readonly aclPolicyName: string;

  public constructor(scope: Construct, id: string, policyName: string) {
    super(scope, id);
    assertPolicyName('policyName', policyName, this);
    this.aclPolicyName = policyName;
  }

  public get aclPolicyId(): string {
    throw new ValidationError(this, {
      prop: 'aclPolicyId',
      problem:
        `of the imported policy ${JSON.stringify(this.aclPolicyName)} is not known: ` +
        'AclPolicy.fromPolicyName() only knows the name',
      fix: 'link it by aclPolicyName (tokens do), or read the ID with the consul_acl_policy data source',
    });
  }
}

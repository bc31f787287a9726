import { Token } from 'cdktf';
import { ValidationError, ValidationProblem } from '../errors';

/**
 * Access level (Consul calls it the policy disposition) of one ACL rule.
 *
 * When several rules match, `deny` beats `write` and `write` beats `read`.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule
 */
export enum AccessLevel {
  /** Read the resource but not change it (`policy = "read"`). */
  READ = 'read',
  /** Read and change the resource (`policy = "write"`); implies `read`. */
  WRITE = 'write',
  /** Neither read nor change the resource (`policy = "deny"`); overrides `read` and `write`. */
  DENY = 'deny',
}

/**
 * Extra options of a `service` / `service_prefix` rule.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#service-rules
 */
export interface ServiceRuleOptions {
  /**
   * Access to the intentions whose destination is the matched service(s) (`intentions = "..."`).
   *
   * @default - no `intentions` field: Consul derives intention access from the rule's own access level
   * (`write` on a service implies `intentions = "read"`)
   */
  readonly intentions?: AccessLevel;
}

/**
 * One rule of an {@link AclPolicyDocument}, flattened out of its nesting.
 *
 * @example
 * // partition "default" { namespace "default" { service "web" { policy = "write" } } } reads as
 * const s: AclRuleStatement = {
 *   scope: 'partition "default" namespace "default"',
 *   resource: 'service',
 *   segment: 'web',
 *   access: AccessLevel.WRITE,
 * };
 */
export interface AclRuleStatement {
  /**
   * Where the rule sits: `''` at top level, otherwise the enclosing blocks in HCL-like form, e.g.
   * `partition "default"`, `partition "default" namespace "default"`, `partition_prefix ""`,
   * `namespace_prefix ""`.
   */
  readonly scope: string;
  /**
   * The Consul rule resource: `service`, `service_prefix`, `node`, `node_prefix`, `agent`, `agent_prefix`,
   * `mesh`, `peering`, `operator` or `acl`.
   */
  readonly resource: string;
  /**
   * The rule's label (the name, or the prefix for `*_prefix` resources).
   *
   * @default - no label: the resource (`mesh`, `peering`, `operator`, `acl`) takes none
   */
  readonly segment?: string;
  /** The access level (`policy` for labelled resources, the value itself for the others). */
  readonly access: AccessLevel;
  /**
   * The `intentions` access level of a `service` / `service_prefix` rule.
   *
   * @default - no `intentions` field
   */
  readonly intentions?: AccessLevel;
}

/* ---------------------------------------------------------------------------------------------------- */
/* internals                                                                                            */
/* ---------------------------------------------------------------------------------------------------- */

const RULE_LABEL = /^[A-Za-z0-9._-]+$/;
const RULE_PREFIX = /^[A-Za-z0-9._-]*$/;
const SCOPE_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const SCOPE_PREFIX = /^[A-Za-z0-9-]{0,63}$/;

/** Partition-scoped resources, which must not appear inside a namespace block. */
const PARTITION_LEVEL = new Set(['mesh', 'peering', 'operator']);
/** Resources without a label (`mesh = "write"`). */
const LABELLESS = new Set(['mesh', 'peering', 'operator', 'acl']);

const ROOT = '';
const PARTITION = 'partition';
const PARTITION_PREFIX = 'partition_prefix';
const NAMESPACE = 'namespace';
const NAMESPACE_PREFIX = 'namespace_prefix';

interface RuleEntry {
  readonly resource: string;
  readonly segment?: string;
  access: AccessLevel;
  intentions?: AccessLevel;
}

const ACCESS_VALUES = new Set<string>([AccessLevel.READ, AccessLevel.WRITE, AccessLevel.DENY]);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ruleKey(resource: string, segment: string | undefined): string {
  return segment === undefined ? resource : `${resource}\u0000${segment}`;
}

function scopeKey(kind: string, label: string): string {
  return `${kind}\u0000${label}`;
}

function assertAccess(method: string, prop: string, value: AccessLevel): void {
  if (!ACCESS_VALUES.has(value)) {
    throw new ValidationError(undefined, {
      prop: `${method}(${prop})`,
      value,
      problem: 'is not an access level',
      fix: 'use AccessLevel.READ, AccessLevel.WRITE or AccessLevel.DENY',
    });
  }
}

/** A readable suggestion for a bad name: lower case, invalid characters become "-". */
function suggest(value: string, allowDot: boolean): string {
  const s = value
    .toLowerCase()
    .replace(allowDot ? /[^a-z0-9._-]+/g : /[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.length > 0 ? s : 'name';
}

function assertRuleLabel(method: string, prop: string, value: string, isPrefix: boolean): void {
  if (Token.isUnresolved(value)) return;
  if (!isPrefix && value.length === 0) {
    const prefixMethod = method.replace(/Rule$/, 'PrefixRule');
    throw new ValidationError(undefined, {
      prop: `${method}(${prop})`,
      problem: 'must not be empty',
      fix: `give the exact name, or use ${prefixMethod}('', ...) to match every name`,
    });
  }
  if (!(isPrefix ? RULE_PREFIX : RULE_LABEL).test(value)) {
    throw new ValidationError(undefined, {
      prop: `${method}(${prop})`,
      value,
      problem: 'contains characters Consul names do not allow',
      fix: `use letters, digits, "-", "_" and "." (e.g. ${JSON.stringify(suggest(value, true))})`,
    });
  }
}

function assertScopeLabel(method: string, prop: string, value: string, isPrefix: boolean): void {
  if (Token.isUnresolved(value)) return;
  const ok = isPrefix ? SCOPE_PREFIX.test(value) : SCOPE_LABEL.test(value);
  if (!ok) {
    const what = method.startsWith('partition') ? 'partition' : 'namespace';
    const example = JSON.stringify(suggest(value, false));
    throw new ValidationError(undefined, {
      prop: `${method}(${prop})`,
      value,
      problem: isPrefix ? `is not a valid ${what} name prefix` : `is not a valid ${what} name`,
      fix: isPrefix
        ? `use letters, digits and "-" (at most 63 characters; '' matches every ${what}), e.g. ${example}`
        : `use a DNS label: letters, digits and "-", 1-63 characters, not starting or ending with "-" (e.g. ${example})`,
    });
  }
}

/** Merges `incoming` into `current` (read < write, deny only with deny); returns undefined on conflict. */
function mergeAccess(current: AccessLevel | undefined, incoming: AccessLevel | undefined): AccessLevel | undefined | null {
  if (current === undefined) return incoming;
  if (incoming === undefined || incoming === current) return current;
  if (current === AccessLevel.DENY || incoming === AccessLevel.DENY) return null;
  return AccessLevel.WRITE;
}

/** Recursively sorts object keys (code-point order) so JSON.stringify is deterministic. */
function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: any } = {};
    for (const key of Object.keys(value).sort(compare)) {
      out[key] = sortKeys(value[key]);
    }
    return out;
  }
  return value;
}

/* ---------------------------------------------------------------------------------------------------- */
/* public classes                                                                                       */
/* ---------------------------------------------------------------------------------------------------- */

/**
 * A block of ACL rules: the whole {@link AclPolicyDocument} (top level), or a `partition`, `partition_prefix`,
 * `namespace` or `namespace_prefix` block inside it.
 *
 * Every `add…Rule` method checks its arguments right away (names are skipped when they are tokens).
 * Adding the same rule twice is a no-op; the same rule with `read` and `write` keeps `write`; `deny` together
 * with `read` or `write` on the same rule throws.
 *
 * Nesting follows Consul Enterprise: partitions only at top level; namespaces at top level or inside a
 * partition; nothing inside a namespace. `mesh`, `peering` and `operator` are partition-scoped and cannot
 * be added inside a namespace.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule
 * @example
 * const doc = new AclPolicyDocument();
 * doc.addMeshRule(AccessLevel.WRITE);
 * const dflt = doc.partition('default');
 * dflt.namespace('default').addServiceRule('mesh-gateway', AccessLevel.WRITE);
 * dflt.namespacePrefix('').addServicePrefixRule('', AccessLevel.READ);
 */
export class AclRuleScope {
  private kind: string = ROOT;
  private label: string = '';
  private parentScope?: AclRuleScope;
  private readonly rules = new Map<string, RuleEntry>();
  private readonly children = new Map<string, AclRuleScope>();

  /** Scopes are created by {@link AclPolicyDocument} and the scoping methods, not directly. */
  protected constructor() {}

  /**
   * Adds a `service "<name>"` rule: access to one service by exact name.
   *
   * @param name the exact service name (letters, digits, "-", "_", "."; not empty)
   * @param access the access level
   * @param options `intentions` access for the service
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#service-rules
   */
  public addServiceRule(name: string, access: AccessLevel, options: ServiceRuleOptions = {}): void {
    this.addLabelled('addServiceRule', 'name', 'service', name, false, access, options.intentions);
  }

  /**
   * Adds a `service_prefix "<prefix>"` rule: access to every service whose name starts with `prefix`.
   *
   * @param prefix the name prefix; `''` matches every service
   * @param access the access level
   * @param options `intentions` access for the matched services
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#service-rules
   */
  public addServicePrefixRule(prefix: string, access: AccessLevel, options: ServiceRuleOptions = {}): void {
    this.addLabelled('addServicePrefixRule', 'prefix', 'service_prefix', prefix, true, access, options.intentions);
  }

  /**
   * Adds a `node "<name>"` rule: access to one node by exact name.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#node-rules
   */
  public addNodeRule(name: string, access: AccessLevel): void {
    this.addLabelled('addNodeRule', 'name', 'node', name, false, access);
  }

  /**
   * Adds a `node_prefix "<prefix>"` rule: access to every node whose name starts with `prefix` (`''` = all).
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#node-rules
   */
  public addNodePrefixRule(prefix: string, access: AccessLevel): void {
    this.addLabelled('addNodePrefixRule', 'prefix', 'node_prefix', prefix, true, access);
  }

  /**
   * Adds an `agent "<name>"` rule: access to the Agent API of the agent on one node.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#agent-rules
   */
  public addAgentRule(name: string, access: AccessLevel): void {
    this.addLabelled('addAgentRule', 'name', 'agent', name, false, access);
  }

  /**
   * Adds an `agent_prefix "<prefix>"` rule: access to the Agent API of agents on nodes whose name starts
   * with `prefix` (`''` = all). `read` lets `consul connect envoy` discover the agent's gRPC settings.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#agent-rules
   */
  public addAgentPrefixRule(prefix: string, access: AccessLevel): void {
    this.addLabelled('addAgentPrefixRule', 'prefix', 'agent_prefix', prefix, true, access);
  }

  /**
   * Adds `mesh = "<access>"`: mesh configuration entries and gateways (mesh gateways need `write`).
   * Partition-scoped: not allowed inside a namespace block.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#mesh-rules
   */
  public addMeshRule(access: AccessLevel): void {
    this.addLabelless('addMeshRule', 'mesh', access);
  }

  /**
   * Adds `peering = "<access>"`: the cluster peering API (`read` to read/list, `write` to generate tokens and
   * establish). Partition-scoped: not allowed inside a namespace block.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#peering-rules
   */
  public addPeeringRule(access: AccessLevel): void {
    this.addLabelless('addPeeringRule', 'peering', access);
  }

  /**
   * Adds `operator = "<access>"`: the Operator API. Without `mesh` / `peering` rules, Consul falls back to
   * this rule for them. Not allowed inside a namespace block.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#operator-rules
   */
  public addOperatorRule(access: AccessLevel): void {
    this.addLabelless('addOperatorRule', 'operator', access);
  }

  /**
   * Adds `acl = "<access>"`: the ACL API. `write` can mint any token (privilege escalation); keep it for
   * bootstrap/operator tokens. Inside a namespace block it covers only that namespace's ACLs.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#acl-resource-rules
   */
  public addAclRule(access: AccessLevel): void {
    this.addLabelless('addAclRule', 'acl', access);
  }

  /**
   * The `partition "<name>"` block (Consul Enterprise), created on first use; the same object for the same
   * name. Only allowed at top level.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#admin-partition-rules
   */
  public partition(name: string): AclRuleScope {
    return this.scope('partition', 'name', PARTITION, name, false);
  }

  /**
   * The `partition_prefix "<prefix>"` block (Consul Enterprise; `''` = every partition), created on first
   * use; the same object for the same prefix. Only allowed at top level.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#admin-partition-rules
   */
  public partitionPrefix(prefix: string): AclRuleScope {
    return this.scope('partitionPrefix', 'prefix', PARTITION_PREFIX, prefix, true);
  }

  /**
   * The `namespace "<name>"` block (Consul Enterprise), created on first use; the same object for the same
   * name. Allowed at top level and inside a partition block.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#namespace-rules
   */
  public namespace(name: string): AclRuleScope {
    return this.scope('namespace', 'name', NAMESPACE, name, false);
  }

  /**
   * The `namespace_prefix "<prefix>"` block (Consul Enterprise; `''` = every namespace), created on first
   * use; the same object for the same prefix. Allowed at top level and inside a partition block.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule#namespace-rules
   */
  public namespacePrefix(prefix: string): AclRuleScope {
    return this.scope('namespacePrefix', 'prefix', NAMESPACE_PREFIX, prefix, true);
  }

  /* -------------------------------------------------------------------------------------------------- */

  /** The scope in `AclRuleStatement.scope` form: `partition "default" namespace "default"`. */
  private get scopePath(): string {
    const parts: string[] = [];
    for (let s: AclRuleScope | undefined = this; s && s.kind !== ROOT; s = s.parentScope) {
      parts.unshift(`${s.kind} ${JSON.stringify(s.label)}`);
    }
    return parts.join(' ');
  }

  private get isNamespace(): boolean {
    return this.kind === NAMESPACE || this.kind === NAMESPACE_PREFIX;
  }

  private get isPartition(): boolean {
    return this.kind === PARTITION || this.kind === PARTITION_PREFIX;
  }

  private where(): string {
    return this.kind === ROOT ? 'at top level' : `inside ${this.scopePath}`;
  }

  private scope(method: string, prop: string, kind: string, label: string, isPrefix: boolean): AclRuleScope {
    const isPartitionKind = kind === PARTITION || kind === PARTITION_PREFIX;
    if (this.isNamespace) {
      throw new ValidationError(undefined, {
        prop: `${method}(${prop})`,
        value: label,
        problem: `cannot be used ${this.where()}: nothing nests inside a namespace block`,
        fix: isPartitionKind
          ? `call ${method}() on the AclPolicyDocument itself`
          : `call ${method}() on the document or on a partition scope`,
      });
    }
    if (isPartitionKind && this.isPartition) {
      throw new ValidationError(undefined, {
        prop: `${method}(${prop})`,
        value: label,
        problem: `cannot be used ${this.where()}: a partition block cannot contain another partition block`,
        fix: `call ${method}() on the AclPolicyDocument itself`,
      });
    }
    assertScopeLabel(method, prop, label, isPrefix);
    const key = scopeKey(kind, label);
    let child = this.children.get(key);
    if (!child) {
      child = new AclRuleScope();
      child.kind = kind;
      child.label = label;
      child.parentScope = this;
      this.children.set(key, child);
    }
    return child;
  }

  private addLabelled(
    method: string,
    prop: string,
    resource: string,
    segment: string,
    isPrefix: boolean,
    access: AccessLevel,
    intentions?: AccessLevel,
  ): void {
    assertRuleLabel(method, prop, segment, isPrefix);
    assertAccess(method, 'access', access);
    if (intentions !== undefined) assertAccess(method, 'options.intentions', intentions);
    this.putRule({ resource, segment, access, intentions });
  }

  private addLabelless(method: string, resource: string, access: AccessLevel): void {
    assertAccess(method, 'access', access);
    if (this.isNamespace && PARTITION_LEVEL.has(resource)) {
      throw new ValidationError(undefined, {
        prop: `${method}()`,
        problem: `cannot be used ${this.where()}: ${resource} rules are partition-scoped`,
        fix: `add the ${resource} rule to the partition scope or to the document (top level) instead`,
      });
    }
    this.putRule({ resource, access });
  }

  /**
   * The conflict if `rule` cannot merge into this scope, else undefined. The subject is the rule in Consul's
   * form (`service "web"`, `mesh`): the rule may come from an `add…Rule` call, a merged document or a grant.
   */
  private conflict(rule: RuleEntry): ValidationProblem | undefined {
    const existing = this.rules.get(ruleKey(rule.resource, rule.segment));
    if (!existing) return undefined;
    const where = this.kind === ROOT ? '' : `in ${this.scopePath} `;
    const fix = 'remove one of them ("deny" cannot be combined with "read"/"write" on the same rule)';
    if (mergeAccess(existing.access, rule.access) === null) {
      return {
        prop: rule.resource,
        value: rule.segment,
        problem: `${where}has conflicting rules: ${JSON.stringify(existing.access)} and ${JSON.stringify(rule.access)}`,
        fix,
      };
    }
    if (mergeAccess(existing.intentions, rule.intentions) === null) {
      return {
        prop: rule.resource,
        value: rule.segment,
        problem:
          `${where}has conflicting intentions: ${JSON.stringify(existing.intentions)} and ${JSON.stringify(rule.intentions)}`,
        fix,
      };
    }
    return undefined;
  }

  private putRule(rule: RuleEntry): void {
    const conflict = this.conflict(rule);
    if (conflict) throw new ValidationError(undefined, conflict);
    const key = ruleKey(rule.resource, rule.segment);
    const existing = this.rules.get(key);
    if (!existing) {
      this.rules.set(key, { ...rule });
      return;
    }
    existing.access = mergeAccess(existing.access, rule.access) as AccessLevel;
    const intentions = mergeAccess(existing.intentions, rule.intentions);
    if (intentions) existing.intentions = intentions;
  }

  /** Every conflict merging `other` (and its children) into this scope would raise. */
  private mergeConflicts(other: AclRuleScope): ValidationProblem[] {
    const out: ValidationProblem[] = [];
    for (const rule of other.rules.values()) {
      const conflict = this.conflict(rule);
      if (conflict) out.push(conflict);
    }
    for (const [key, otherChild] of other.children) {
      const mine = this.children.get(key);
      if (mine) out.push(...mine.mergeConflicts(otherChild));
    }
    return out;
  }

  private mergeFrom(other: AclRuleScope): void {
    for (const rule of [...other.rules.values()]) this.putRule(rule);
    for (const otherChild of [...other.children.values()]) {
      let mine = this.children.get(scopeKey(otherChild.kind, otherChild.label));
      if (!mine) {
        mine = new AclRuleScope();
        mine.kind = otherChild.kind;
        mine.label = otherChild.label;
        mine.parentScope = this;
        this.children.set(scopeKey(mine.kind, mine.label), mine);
      }
      mine.mergeFrom(otherChild);
    }
  }

  private collect(out: AclRuleStatement[]): void {
    const scope = this.scopePath;
    for (const r of this.rules.values()) {
      out.push({
        scope,
        resource: r.resource,
        ...(r.segment !== undefined ? { segment: r.segment } : {}),
        access: r.access,
        ...(r.intentions !== undefined ? { intentions: r.intentions } : {}),
      });
    }
    for (const child of this.children.values()) child.collect(out);
  }

  /** This scope's rules and non-empty children in Consul's JSON rule form (keys not yet sorted). */
  private renderJson(): { [key: string]: any } | undefined {
    const out: { [key: string]: any } = {};
    for (const r of this.rules.values()) {
      if (LABELLESS.has(r.resource)) {
        out[r.resource] = r.access;
      } else {
        const block = (out[r.resource] = out[r.resource] ?? {});
        block[r.segment as string] = {
          policy: r.access,
          ...(r.intentions !== undefined ? { intentions: r.intentions } : {}),
        };
      }
    }
    for (const child of this.children.values()) {
      const body = child.renderJson();
      if (body === undefined) continue;
      const block = (out[child.kind] = out[child.kind] ?? {});
      block[child.label] = body;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /**
   * Merges another document's rules into this one (shared by {@link AclPolicyDocument.addDocument}).
   * Checks every conflict before changing anything.
   * @internal
   */
  protected _merge(other: AclRuleScope): void {
    const conflicts = this.mergeConflicts(other);
    if (conflicts.length > 0) throw new ValidationError(undefined, conflicts[0]);
    if (other === this) return;
    this.mergeFrom(other);
  }

  /** @internal */
  protected _statements(): AclRuleStatement[] {
    const out: AclRuleStatement[] = [];
    this.collect(out);
    return out.sort(
      (a, b) =>
        compare(a.scope, b.scope) || compare(a.resource, b.resource) || compare(a.segment ?? '', b.segment ?? ''),
    );
  }

  /** @internal */
  protected _renderJson(): any {
    return sortKeys(this.renderJson() ?? {});
  }
}

/**
 * An ACL policy document: Consul ACL rules built with typed methods and rendered as Consul's JSON rule form.
 *
 * A plain class, not a construct. Give it to an {@link AclPolicy} (which renders it lazily into
 * `consul_acl_policy.rules`) or to a grantee through {@link AclGrant.addToGrantee}.
 *
 * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule
 * @example
 * // The Community Edition mesh gateway policy.
 * const doc = new AclPolicyDocument();
 * doc.addMeshRule(AccessLevel.WRITE);
 * doc.addPeeringRule(AccessLevel.READ);
 * doc.addServiceRule('mesh-gateway', AccessLevel.WRITE);
 * doc.addServicePrefixRule('', AccessLevel.READ);
 * doc.addNodePrefixRule('', AccessLevel.READ);
 * doc.render();
 * // {"mesh":"write","node_prefix":{"":{"policy":"read"}},"peering":"read","service":{"mesh-gateway":{"policy":"write"}},"service_prefix":{"":{"policy":"read"}}}
 */
export class AclPolicyDocument extends AclRuleScope {
  /** Creates an empty document. */
  public constructor() {
    super();
  }

  /** True when the document has no rules (scopes without rules do not count). */
  public get isEmpty(): boolean {
    return this._statements().length === 0;
  }

  /**
   * Every rule, flattened, as copies, sorted by scope, resource and segment (deterministic; independent of
   * the order the rules were added in).
   */
  public statements(): AclRuleStatement[] {
    return this._statements();
  }

  /**
   * Merges every rule of `other` into this document, with the same rules as the `add…` methods (identical
   * rules collapse, `read` + `write` keeps `write`, `deny` + `read`/`write` throws). On a conflict nothing
   * is changed. `other` is not modified.
   */
  public addDocument(other: AclPolicyDocument): void {
    this._merge(other);
  }

  /**
   * The document in Consul's JSON rule form, as a plain object with keys sorted recursively: labelled
   * rules as `{"service": {"web": {"policy": "write"}}}`, label-less ones as `{"mesh": "write"}`, scopes as
   * `{"partition": {"default": {"namespace": {"default": {...}}}}}`. Scopes without rules are left out.
   *
   * @see https://developer.hashicorp.com/consul/docs/reference/acl/rule
   */
  public toJson(): any {
    return this._renderJson();
  }

  /**
   * The `rules` string for `consul_acl_policy`: `JSON.stringify(toJson())`, byte-identical for the same
   * rules. Consul parses JSON rules like HCL. Names that are string tokens survive and resolve at synth.
   */
  public render(): string {
    return JSON.stringify(this.toJson());
  }

  /**
   * Problems that make the document unfit for use, as messages (empty when fine): an empty document, and
   * least-privilege findings (`write` on an empty `*_prefix ""`, which grants write on every name;
   * `acl = "write"`; `operator = "write"`). {@link AclPolicyProps.allowBroadPrivileges} silences the
   * least-privilege findings for policies that need them (bootstrap/operator tokens).
   */
  public validate(): string[] {
    return this._validate(false);
  }

  /**
   * `validate()` with the least-privilege findings optionally left out. `owner` (e.g. `AclPolicy "ops"`)
   * is named in each message.
   * @internal
   */
  public _validate(allowBroadPrivileges: boolean, owner?: string): string[] {
    const statements = this._statements();
    if (statements.length === 0) {
      return [
        ValidationError.message({
          prop: 'document',
          problem: `${owner ? `of ${owner} ` : ''}has no rules`,
          fix: 'add at least one rule (e.g. addServicePrefixRule("", AccessLevel.READ)) or remove the policy',
        }),
      ];
    }
    if (allowBroadPrivileges) return [];
    const out: string[] = [];
    const fix = 'name the resources it needs instead, or set allowBroadPrivileges on the AclPolicy if this is intended';
    for (const s of statements) {
      // `in partition "ap1" of AclPolicy "ops" `, `in AclPolicy "ops" `, or nothing.
      const scope = s.scope === '' ? '' : `in ${s.scope} `;
      const where = owner ? `${scope}${scope ? 'of' : 'in'} ${owner} ` : scope;
      if (s.resource.endsWith('_prefix') && s.segment === '') {
        const thing = s.resource.replace(/_prefix$/, '');
        if (s.access === AccessLevel.WRITE) {
          out.push(
            ValidationError.message({
              prop: s.resource,
              value: s.segment,
              problem: `${where}grants write on every ${thing} (least privilege)`,
              fix,
            }),
          );
        }
        if (s.intentions === AccessLevel.WRITE) {
          out.push(
            ValidationError.message({
              prop: s.resource,
              value: s.segment,
              problem: `${where}grants intentions write on every ${thing} (least privilege)`,
              fix,
            }),
          );
        }
      }
      if ((s.resource === 'acl' || s.resource === 'operator') && s.access === AccessLevel.WRITE) {
        out.push(
          ValidationError.message({
            prop: s.resource,
            value: s.access,
            problem:
              where +
              (s.resource === 'acl'
                ? 'can create any token (privilege escalation, least privilege)'
                : 'grants cluster-wide operator access (least privilege)'),
            fix: 'use "read" or drop the rule, or set allowBroadPrivileges on the AclPolicy for a bootstrap/operator token',
          }),
        );
      }
    }
    return out;
  }
}

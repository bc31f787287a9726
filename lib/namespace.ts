// Types only: the module is loaded by the first namespace (Enterprise), not by every program that loads the library.
import type * as namespaceL1 from '@cdktf/provider-consul/lib/namespace';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { MeshService, MeshServiceOptions } from './mesh-service';
import type { IPartition } from './partition';
import { BY_NAME, KIND, register, registered, registeredWhere } from './private/registry';
import { describePartition, requireEnterprise } from './private/scoping';
import { assertDnsLabel, compareStrings, kebabFromId } from './private/validate';

/** What other constructs need to know about a namespace (Consul Enterprise). */
export interface INamespace extends IConstruct {
  /** The namespace name. */
  readonly namespaceName: string;
  /** The admin partition the namespace belongs to. */
  readonly partition: IPartition;
  /**
   * Value for the `namespace` argument of the Consul resources that live in this namespace: a reference to
   * the `consul_namespace` when this app creates it (so Terraform creates the namespace first), else the
   * name.
   */
  readonly resourceNamespace: string;
}

/** Options for {@link Partition.addNamespace}. */
export interface NamespaceOptions {
  /**
   * The namespace name.
   * @default - the construct id in kebab case ("Web" -> "web")
   */
  readonly namespaceName?: string;
  /**
   * Description of the `consul_namespace`.
   * @default - "managed by cdktf-consul-peering"
   */
  readonly description?: string;
  /**
   * Metadata of the namespace.
   * @default - none
   */
  readonly meta?: { [key: string]: string };
}

/** Props of {@link Namespace}. */
export interface NamespaceProps extends NamespaceOptions {
  /** The admin partition the namespace is created in. */
  readonly partition: IPartition;
}

/**
 * A Consul Enterprise namespace in an admin partition.
 *
 * Creates one `consul_namespace` (in the partition, with the partition's cluster provider). Every resource
 * the library writes into the namespace (a service's token, its `service-defaults` and `service-intentions`
 * entries) names it through {@link resourceNamespace}, so Terraform creates the namespace first; the
 * partition's `exported-services` entry depends on it when it exports from it.
 *
 * A namespace the library writes into must be declared: with {@link Partition.addNamespace} when this app
 * creates it, with {@link Namespace.fromNamespaceName} when it exists already. An undeclared one is reported
 * at synth (it is not created behind the user's back: a namespace outlives the services in it, and whoever
 * owns it should say so). `default` always exists and needs no declaration.
 *
 * @example
 * const web = partition.addNamespace('Web');               // consul_namespace "web"
 * const frontend = web.addService('Frontend', { port: 8080 });
 * @see https://developer.hashicorp.com/consul/docs/multi-tenant/namespace
 */
export class Namespace extends Construct implements INamespace {
  /** Returns true when `x` is a {@link Namespace}. */
  public static isNamespace(x: unknown): x is Namespace {
    return x instanceof Namespace;
  }

  /**
   * A namespace that exists already (created outside this app): declares it, creates nothing.
   */
  public static fromNamespaceName(scope: Construct, id: string, partition: IPartition, namespaceName: string): INamespace {
    return new ImportedNamespace(scope, id, partition, namespaceName);
  }

  /** The namespace of `partition` called `namespaceName` that this app declares, if any. */
  public static find(partition: IPartition, namespaceName: string): INamespace | undefined {
    return declared(partition, namespaceName)[0];
  }

  /** Every namespace declared in `partition`, sorted by name. */
  public static of(partition: IPartition): INamespace[] {
    return [...registeredNamespaces(partition)].sort((a, b) => compareStrings(a.namespaceName, b.namespaceName));
  }

  public readonly namespaceName: string;
  public readonly partition: IPartition;
  /** The `consul_namespace` L1. */
  public readonly resource: namespaceL1.Namespace;
  public readonly resourceNamespace: string;

  public constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    this.namespaceName = checkNamespace(this, props.partition, props.namespaceName ?? kebabFromId(id));
    this.partition = props.partition;
    this.resource = new (require('@cdktf/provider-consul/lib/namespace') as typeof namespaceL1).Namespace(this, 'Resource', {
      name: this.namespaceName,
      description: props.description ?? 'managed by cdktf-consul-peering',
      partition: props.partition.resourcePartition,
      meta: props.meta,
      provider: props.partition.cluster.provider,
    });
    this.resourceNamespace = this.resource.name;
    register(props.partition, KIND.NAMESPACE, this);
  }

  /**
   * Adds a service with a sidecar proxy in this namespace (a child of the namespace; see
   * {@link Partition.addService}).
   */
  public addService(id: string, options: MeshServiceOptions): MeshService {
    if (options.namespace !== undefined && options.namespace !== this.namespaceName) {
      throw new ValidationError(this, {
        prop: 'namespace',
        value: options.namespace,
        problem: `contradicts the namespace "${this.namespaceName}" the service is added to`,
        fix: 'leave namespace out when adding through a namespace',
      });
    }
    return new MeshService(this, id, { ...options, namespace: this.namespaceName, partition: this.partition });
  }
}

class ImportedNamespace extends Construct implements INamespace {
  public readonly namespaceName: string;
  public readonly partition: IPartition;
  public readonly resourceNamespace: string;

  public constructor(scope: Construct, id: string, partition: IPartition, namespaceName: string) {
    super(scope, id);
    this.namespaceName = checkNamespace(this, partition, namespaceName);
    this.partition = partition;
    this.resourceNamespace = namespaceName;
    register(partition, KIND.NAMESPACE, this);
  }
}

/** The checks every declaration makes: a valid name, Enterprise, not `default`, declared once. */
function checkNamespace(scope: IConstruct, partition: IPartition, name: string): string {
  // Consul: "The namespace's name must be a valid DNS hostname label"
  // (https://developer.hashicorp.com/consul/docs/reference/namespace, field Name).
  assertDnsLabel('namespaceName', name, scope);
  requireEnterprise(scope, partition.cluster, 'namespaceName', name, 'namespaces');
  if (name === 'default') {
    throw new ValidationError(scope, {
      prop: 'namespaceName',
      value: name,
      problem: 'always exists',
      fix: 'leave the namespace out to use "default"; declare only other namespaces',
    });
  }
  const [other] = declared(partition, name);
  if (other) {
    throw new ValidationError(scope, {
      prop: 'namespaceName',
      value: name,
      problem: `is already declared in ${describePartition(partition)} (${other.node.path})`,
      fix: 'declare a namespace once and pass that object around',
    });
  }
  return name;
}

function registeredNamespaces(partition: IPartition): readonly INamespace[] {
  return registered<INamespace>(partition, KIND.NAMESPACE);
}

function declared(partition: IPartition, name: string): INamespace[] {
  return registeredWhere<INamespace>(partition, KIND.NAMESPACE, BY_NAME, (n) => n.namespaceName, name);
}

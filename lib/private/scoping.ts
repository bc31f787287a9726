import { ConsulEdition } from '../edition';
import { ValidationError } from '../errors';
import { IConstruct } from 'constructs';
import { BY_NAME, KIND, registered, registeredWhere } from './registry';
import { renderedString } from './rendered';

/*
 * Edition and scoping rules: the one home of "is this Enterprise" and of which namespace and partition
 * arguments a Consul resource gets. Every construct asks these helpers instead of repeating the conditions.
 */

/** Anything that knows its edition (a cluster). */
export interface HasEdition {
  readonly edition: ConsulEdition;
}

/** Anything that lives in a partition of a cluster. */
export interface InPartition {
  readonly cluster: HasEdition & { readonly datacenter: string };
  readonly partitionName: string;
  readonly isDefault: boolean;
  readonly resourcePartition?: string;
}

/** True on Consul Enterprise. */
export function isEnterprise(cluster: HasEdition): boolean {
  return cluster.edition === ConsulEdition.ENTERPRISE;
}

/**
 * The `default` partition of `cluster` (every cluster registers it first, in its constructor). Not a member of
 * `IConsulCluster`: `ConsulCluster.defaultPartition` is the concrete `Partition`, and jsii forbids a class
 * member whose type is narrower than that of the interface member it implements.
 */
export function defaultPartitionOf<P extends InPartition>(cluster: IConstruct): P {
  const found = registered<P>(cluster, KIND.PARTITION).find((p) => p.isDefault);
  if (!found) throw new Error(`internal: cluster ${cluster.node.path} has no default partition`);
  return found;
}

/** The namespace as the library keeps it: `undefined` for the default namespace (`"default"` or unset). */
export function normalizeNamespace(namespace?: string): string | undefined {
  return namespace === undefined || namespace === 'default' ? undefined : namespace;
}

/**
 * The `namespace` argument of a Consul resource in `partition`: not written on Community Edition; on
 * Enterprise the namespace, `"default"` when none is given (written explicitly so plans converge).
 */
export function namespaceArg(partition: InPartition, namespace?: string): string | undefined {
  return isEnterprise(partition.cluster) ? normalizeNamespace(namespace) ?? 'default' : undefined;
}

/** A declared namespace, as {@link namespaceResourceArg} needs it. */
interface DeclaredNamespace {
  readonly namespaceName: string;
  readonly resourceNamespace: string;
}

/**
 * The `namespace` argument of a Consul resource of `scope` that lives in `namespace` of `partition`: like
 * {@link namespaceArg}, but for a namespace other than `default` the declared namespace's
 * `resourceNamespace` (a reference to its `consul_namespace` when the app creates it, so Terraform creates the
 * namespace first), looked up at synth so the namespace may be declared after the resource. An undeclared
 * namespace renders as its name; the partition reports it.
 */
export function namespaceResourceArg(scope: IConstruct, partition: InPartition & IConstruct, namespace?: string): string | undefined {
  const arg = namespaceArg(partition, namespace);
  if (arg === undefined || arg === 'default') return arg;
  return renderedString(scope, 'namespace', () => {
    const [declared] = registeredWhere<DeclaredNamespace>(partition, KIND.NAMESPACE, BY_NAME, (n) => n.namespaceName, arg);
    return declared?.resourceNamespace ?? arg;
  });
}

/**
 * Throws a {@link ValidationError} when `cluster` is Community Edition: `prop` (with `value`) needs an
 * Enterprise `feature`.
 */
export function requireEnterprise(
  scope: IConstruct | undefined,
  cluster: HasEdition & { readonly datacenter: string },
  prop: string,
  value: unknown,
  feature: string,
): void {
  if (isEnterprise(cluster)) return;
  throw new ValidationError(scope, {
    prop,
    value,
    problem: `needs Consul Enterprise on cluster "${cluster.datacenter}" (${feature} are an Enterprise feature)`,
    fix: 'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
  });
}

/** `partition "<name>" of cluster "<dc>"`, the way every message names a partition. */
export function describePartition(partition: InPartition): string {
  return `partition "${partition.partitionName}" of cluster "${partition.cluster.datacenter}"`;
}

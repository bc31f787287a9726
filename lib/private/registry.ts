import { IConstruct } from 'constructs';

/**
 * App-wide bookkeeping for cross-object validation. Keyed by construct (never by name), so lookups are
 * independent of call order; every list is sorted by construct path before anyone reads it.
 */
const byScope = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** Remembers `item` under `kind` on `owner` (a partition, a cluster or the app root). Idempotent. */
export function register(owner: IConstruct, kind: string, item: IConstruct): void {
  let kinds = byScope.get(owner);
  if (!kinds) {
    kinds = new Map();
    byScope.set(owner, kinds);
  }
  const list = kinds.get(kind) ?? [];
  if (!list.includes(item)) list.push(item);
  kinds.set(kind, list);
}

/** What was registered under `kind` on `owner`, sorted by construct path. */
export function registered<T extends IConstruct>(owner: IConstruct, kind: string): T[] {
  const list = (byScope.get(owner)?.get(kind) ?? []) as T[];
  return [...list].sort((a, b) => (a.node.path < b.node.path ? -1 : a.node.path > b.node.path ? 1 : 0));
}

/** Registry kinds. */
export const KIND = {
  PEERING: 'peering',
  GATEWAY: 'gateway',
  SERVICE: 'service',
  PARTITION: 'partition',
  READINESS: 'readiness',
} as const;

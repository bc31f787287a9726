import { IConstruct } from 'constructs';
import { compareStrings } from './validate';

/**
 * App-wide bookkeeping for cross-object lookups. Keyed by construct (never by name), so lookups are
 * independent of call order; every list is read sorted by construct path. The sorted order is cached per
 * list and dropped when the list changes, so a lookup costs a copy-free read, not a sort.
 */
interface Entry {
  readonly items: IConstruct[];
  readonly members: Set<IConstruct>;
  sorted?: IConstruct[];
}

const byScope = new WeakMap<IConstruct, Map<string, Entry>>();

/** Remembers `item` under `kind` on `owner` (a partition, a cluster or the app root). Idempotent. */
export function register(owner: IConstruct, kind: string, item: IConstruct): void {
  let kinds = byScope.get(owner);
  if (!kinds) {
    kinds = new Map();
    byScope.set(owner, kinds);
  }
  let entry = kinds.get(kind);
  if (!entry) {
    entry = { items: [], members: new Set() };
    kinds.set(kind, entry);
  }
  if (entry.members.has(item)) return;
  entry.members.add(item);
  entry.items.push(item);
  entry.sorted = undefined;
}

const EMPTY: readonly IConstruct[] = Object.freeze([]);

/** What was registered under `kind` on `owner`, sorted by construct path. Read-only: do not modify. */
export function registered<T extends IConstruct>(owner: IConstruct, kind: string): readonly T[] {
  const entry = byScope.get(owner)?.get(kind);
  if (!entry) return EMPTY as unknown as readonly T[];
  if (!entry.sorted) {
    const keyed = entry.items.map((item) => ({ item, path: item.node.path }));
    keyed.sort((a, b) => compareStrings(a.path, b.path));
    entry.sorted = keyed.map((k) => k.item);
  }
  return entry.sorted as unknown as readonly T[];
}

/** Registry kinds. */
export const KIND = {
  PEERING: 'peering',
  GATEWAY: 'gateway',
  SERVICE: 'service',
  PARTITION: 'partition',
  EXPORTS: 'exports',
  INTENTIONS: 'intentions',
  CLUSTER: 'cluster',
  DOCKER_HOST: 'docker-host',
} as const;

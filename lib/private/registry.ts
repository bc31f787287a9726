import { IConstruct } from 'constructs';
import { compareStrings } from './validate';

/**
 * App-wide bookkeeping for cross-object lookups. Keyed by owner construct (never by name), so lookups are
 * independent of call order; every list is read sorted by a stable key (the construct path, or the key a
 * kind gives its items). The sorted order is cached per list and dropped when the list changes, so a
 * lookup is a read, not a sort.
 */
interface Entry {
  readonly items: unknown[];
  readonly members: Set<unknown>;
  readonly sortKey: (item: any) => string;
  sorted?: unknown[];
}

const byScope = new WeakMap<IConstruct, Map<string, Entry>>();

const pathOf = (item: IConstruct): string => item.node.path;

/**
 * Remembers `item` under `kind` on `owner` (a partition, a cluster, a service, a stack or the app root).
 * Idempotent. Items of a kind are read sorted by `sortKey` (the construct path unless given; one kind
 * always uses one key).
 */
export function register<T>(owner: IConstruct, kind: string, item: T, sortKey: (item: T) => string = pathOf as any): void {
  let kinds = byScope.get(owner);
  if (!kinds) {
    kinds = new Map();
    byScope.set(owner, kinds);
  }
  let entry = kinds.get(kind);
  if (!entry) {
    entry = { items: [], members: new Set(), sortKey };
    kinds.set(kind, entry);
  }
  if (entry.members.has(item)) return;
  entry.members.add(item);
  entry.items.push(item);
  entry.sorted = undefined;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** What was registered under `kind` on `owner`, sorted. Read-only: do not modify. */
export function registered<T>(owner: IConstruct, kind: string): readonly T[] {
  const entry = byScope.get(owner)?.get(kind);
  if (!entry) return EMPTY as readonly T[];
  if (!entry.sorted) {
    const keyed = entry.items.map((item) => ({ item, key: entry.sortKey(item) }));
    keyed.sort((a, b) => compareStrings(a.key, b.key));
    entry.sorted = keyed.map((k) => k.item);
  }
  return entry.sorted as readonly T[];
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
  /** On the callee's partition: every connection that imports one of its services (key: caller, callee). */
  CONNECTION_INTO: 'connection-into',
  /** On the caller service: its outbound connections (key: caller, callee). */
  CONNECTION_FROM: 'connection-from',
} as const;

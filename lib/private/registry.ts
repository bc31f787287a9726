import { IConstruct } from 'constructs';
import { compareStrings } from './validate';

/**
 * App-wide bookkeeping for cross-object lookups. Keyed by owner construct (never by name), so lookups are
 * independent of call order; every list is read sorted by a stable key (the construct path, or the key a
 * kind gives its items).
 *
 * Every list is kept sorted as it grows: an item is inserted at its place (after the items with the same
 * key, as a stable sort would put it), so a lookup is a read, never a sort, also when registrations and
 * lookups alternate (a service checked against its partition's services, then registered; an intention
 * entry looked up, then created). A list handed out by {@link registered} is never changed afterwards: the
 * next registration copies it first. An index ({@link registeredWhere}) finds the items with one key
 * without scanning the list.
 */
interface Entry {
  /** The items, sorted by key (stable). */
  items: unknown[];
  /** Their keys, in the same order. */
  readonly keys: string[];
  /** True when `items` has been handed out (then it is copied before it changes). */
  shared: boolean;
  readonly members: Set<unknown>;
  readonly sortKey: (item: any) => string;
  /** Indexes by name: items grouped by `keyOf`, each group sorted like `items`. */
  readonly indexes: Map<string, Index>;
}

interface Index {
  readonly keyOf: (item: any) => string;
  readonly groups: Map<string, Array<{ readonly item: unknown; readonly key: string }>>;
}

const byScope = new WeakMap<IConstruct, Map<string, Entry>>();

const paths = new WeakMap<IConstruct, string>();

/**
 * `c.node.path`, remembered: a construct's path never changes, and constructs computes it from the whole
 * chain of scopes on every read. Built the way constructs builds it (the ids of the scopes, empty ones left
 * out, joined with "/") from the scope's remembered path, so a new construct costs one concatenation. The
 * default sort key, and part of a connection's key.
 */
export function pathOf(c: IConstruct): string {
  let path = paths.get(c);
  if (path === undefined) {
    const { scope, id } = c.node;
    const parent = scope ? pathOf(scope) : '';
    path = id ? (parent ? `${parent}/${id}` : id) : parent;
    paths.set(c, path);
  }
  return path;
}

/** The position after the last key `<= key` in the sorted `keys` (where a stable sort puts a new item). */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStrings(keys[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return hi;
}

function addToIndex(index: Index, item: unknown, key: string): void {
  const groupKey = index.keyOf(item);
  let group = index.groups.get(groupKey);
  if (!group) {
    group = [];
    index.groups.set(groupKey, group);
  }
  let at = group.length;
  while (at > 0 && compareStrings(group[at - 1].key, key) > 0) at--;
  group.splice(at, 0, { item, key });
}

/**
 * Remembers `item` under `kind` on `owner` (a partition, a cluster, a service, a stack or the app root).
 * Idempotent. Items of a kind are read sorted by `sortKey` (the construct path unless given; one kind
 * always uses one key), which is read once, when the item is registered.
 */
export function register<T>(owner: IConstruct, kind: string, item: T, sortKey: (item: T) => string = pathOf as any): void {
  let kinds = byScope.get(owner);
  if (!kinds) {
    kinds = new Map();
    byScope.set(owner, kinds);
  }
  let entry = kinds.get(kind);
  if (!entry) {
    entry = { items: [], keys: [], shared: false, members: new Set(), sortKey, indexes: new Map() };
    kinds.set(kind, entry);
  }
  if (entry.members.has(item)) return;
  entry.members.add(item);
  const key = entry.sortKey(item);
  const at = upperBound(entry.keys, key);
  if (entry.shared) {
    entry.items = entry.items.slice();
    entry.shared = false;
  }
  entry.items.splice(at, 0, item);
  entry.keys.splice(at, 0, key);
  for (const index of entry.indexes.values()) addToIndex(index, item, key);
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** What was registered under `kind` on `owner`, sorted. Read-only: do not modify. */
export function registered<T>(owner: IConstruct, kind: string): readonly T[] {
  const entry = byScope.get(owner)?.get(kind);
  if (!entry) return EMPTY as readonly T[];
  entry.shared = true;
  return entry.items as readonly T[];
}

/**
 * The items registered under `kind` on `owner` whose `keyOf` is `key`, in the order of {@link registered}
 * (the same as filtering that list, without scanning it). `index` names the grouping; one index name always
 * uses one `keyOf`. A new array.
 */
export function registeredWhere<T>(owner: IConstruct, kind: string, index: string, keyOf: (item: T) => string, key: string): T[] {
  const entry = byScope.get(owner)?.get(kind);
  if (!entry) return [];
  let found = entry.indexes.get(index);
  if (!found) {
    found = { keyOf, groups: new Map() };
    for (let i = 0; i < entry.items.length; i++) addToIndex(found, entry.items[i], entry.keys[i]);
    entry.indexes.set(index, found);
  }
  return (found.groups.get(key) ?? []).map((g) => g.item as T);
}

/** Index of services, `service-intentions` entries and connections by (normalized) namespace and name. */
export const BY_NAME = 'name';

/** The key of {@link BY_NAME}: a service name in its normalized namespace (`undefined` = `default`). */
export function nameKey(name: string, namespace: string | undefined): string {
  return `${namespace ?? ''}\u0000${name}`;
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
  /** On a Docker host: its networks (created or imported). */
  DOCKER_NETWORK: 'docker-network',
  /** On a partition: its `service-resolver` entries. */
  SERVICE_RESOLVER: 'service-resolver',
  /** On a partition: its `sameness-group` entries. */
  SAMENESS_GROUP: 'sameness-group',
  /** On a partition: its declared namespaces (created or imported). */
  NAMESPACE: 'namespace',
  /** On a cluster: its `mesh` config entries (one is allowed). */
  MESH_ENTRY: 'mesh-entry',
  /** On a cluster: its `proxy-defaults` entries (one is allowed). */
  PROXY_DEFAULTS: 'proxy-defaults',
  /** On a partition: its `service-defaults` entries (one per service and namespace is allowed). */
  SERVICE_DEFAULTS: 'service-defaults',
} as const;

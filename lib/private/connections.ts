import type { IConstruct } from 'constructs';
import { compareStrings } from './validate';

/**
 * Where recorded connections are kept: by callee partition (exports, intentions) and by caller service
 * (upstreams). Lists are read sorted by the connection's key (caller path, then callee path), cached until
 * the list changes, so nothing that renders depends on the order of `connectTo` calls.
 */
export interface Keyed {
  readonly key: string;
}

interface List<T extends Keyed> {
  readonly items: T[];
  sorted?: T[];
}

const lists = new WeakMap<IConstruct, Map<string, List<any>>>();

export function addConnection<T extends Keyed>(owner: IConstruct, role: string, item: T): void {
  let roles = lists.get(owner);
  if (!roles) {
    roles = new Map();
    lists.set(owner, roles);
  }
  let list = roles.get(role);
  if (!list) {
    list = { items: [] };
    roles.set(role, list);
  }
  list.items.push(item);
  list.sorted = undefined;
}

export function connectionsOf<T extends Keyed>(owner: IConstruct, role: string): readonly T[] {
  const list = lists.get(owner)?.get(role) as List<T> | undefined;
  if (!list) return [];
  if (!list.sorted) list.sorted = [...list.items].sort((a, b) => compareStrings(a.key, b.key));
  return list.sorted;
}

/** Roles a connection is kept under. */
export const ROLE = {
  /** On the callee's partition: every connection that imports one of its services. */
  INTO_PARTITION: 'into-partition',
  /** On the caller service: its outbound connections. */
  FROM_SERVICE: 'from-service',
} as const;

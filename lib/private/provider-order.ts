import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { register, registered } from './registry';
import { compareStrings } from './validate';

/*
 * Provider blocks in alias order.
 *
 * cdktf writes the blocks of one provider type as a list in construct-tree order, so on its own that list,
 * and with it the synthesized JSON, would depend on the order in which the program declared the providers.
 * A provider class of this library (one per type: a cluster's consul provider, a Docker host's docker
 * provider) registers itself with `trackProvider` and overrides `toTerraform` to write the block of
 * `providerWrittenAt(this)`: the n-th one in tree order writes the n-th one by alias (then construct path).
 * Resources still name their provider by its own alias; providers created elsewhere are written where
 * cdktf puts them.
 */

interface Placement {
  readonly count: number;
  readonly writes: Map<IConstruct, IConstruct>;
}

const placements = new WeakMap<TerraformStack, Map<string, Placement>>();

/** Registers a provider of `kind` (one kind per provider class) in its stack. */
export function trackProvider(provider: TerraformProvider, kind: string): void {
  register(TerraformStack.of(provider), kind, provider);
}

/** Which provider's block `provider` (tracked under `kind`) writes. */
export function providerWrittenAt<T extends TerraformProvider>(provider: T, kind: string): T {
  const stack = TerraformStack.of(provider);
  const all = registered<T>(stack, kind);
  let byKind = placements.get(stack);
  if (!byKind) {
    byKind = new Map();
    placements.set(stack, byKind);
  }
  let placement = byKind.get(kind);
  // Tree order among the providers changes only when one is added: recompute then, not on every call.
  if (!placement || placement.count !== all.length) {
    const inTreeOrder = inPreorder(stack, all);
    const byAlias = [...inTreeOrder].sort((a, b) => compareStrings(a.alias ?? '', b.alias ?? '') || compareStrings(a.node.path, b.node.path));
    placement = { count: all.length, writes: new Map(inTreeOrder.map((p, i) => [p, byAlias[i]])) };
    byKind.set(kind, placement);
  }
  return (placement.writes.get(provider) as T | undefined) ?? provider;
}

/**
 * `items` (constructs under `root`) in the order `root.node.findAll()` visits them (pre-order, children in
 * `node.children` order), found from each item's position among its ancestors' children instead of walking
 * the whole tree (which holds every resource of the stack).
 */
function inPreorder<T extends IConstruct>(root: IConstruct, items: readonly T[]): T[] {
  const position = (c: IConstruct): number[] => {
    const at: number[] = [];
    for (let node: IConstruct = c; node !== root && node.node.scope; node = node.node.scope) {
      at.unshift(node.node.scope.node.children.indexOf(node));
    }
    return at;
  };
  const keyed = items.map((item) => ({ item, at: position(item) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.at.length, b.at.length); i++) if (a.at[i] !== b.at[i]) return a.at[i] - b.at[i];
    return a.at.length - b.at.length;
  });
  return keyed.map((k) => k.item);
}

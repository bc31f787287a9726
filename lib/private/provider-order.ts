import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { register, registered } from './registry';
import { compareStrings } from './validate';

/*
 * Provider blocks in alias order.
 *
 * cdktf writes the blocks of one provider type as a list in construct-tree order, so on its own that list,
 * and with it the synthesized JSON, would depend on the order in which the program declared the providers.
 * A provider class of this library (one per type: a cluster's consul provider, a Docker host's docker
 * provider) is made by `writtenInAliasOrder`: each instance registers itself, and writes the block of
 * `providerWrittenAt(this)`: the n-th one in tree order writes the n-th one by alias (then construct path).
 * Resources still name their provider by its own alias; providers created elsewhere are written where
 * cdktf puts them.
 */

interface Placement {
  readonly count: number;
  readonly writes: Map<IConstruct, IConstruct>;
}

const placements = new WeakMap<TerraformStack, Map<string, Placement>>();

/** A provider binding's constructor, as the prebuilt packages declare it. */
export type ProviderClass<P extends TerraformProvider, C> = new (scope: Construct, id: string, config: C) => P;

/**
 * `base` extended to write its blocks in alias order among the providers of `kind` (one kind per provider
 * type). `name` is the class name the construct tree shows.
 */
export function writtenInAliasOrder<P extends TerraformProvider, C>(base: ProviderClass<P, C>, kind: string, name: string): ProviderClass<P, C> {
  const Base = base as unknown as ProviderClass<TerraformProvider, C>;
  class Ordered extends Base {
    public constructor(scope: Construct, id: string, config: C) {
      super(scope, id, config);
      register(TerraformStack.of(this), kind, this);
    }

    public toTerraform(): any {
      return Base.prototype.toTerraform.call(providerWrittenAt(this, kind));
    }

    public toHclTerraform(): any {
      return Base.prototype.toHclTerraform.call(providerWrittenAt(this, kind));
    }
  }
  Object.defineProperty(Ordered, 'name', { value: name });
  return Ordered as unknown as ProviderClass<P, C>;
}

/** Which provider's block `provider` (registered under `kind`) writes. */
function providerWrittenAt<T extends TerraformProvider>(provider: T, kind: string): T {
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

import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { compareStrings } from './validate';

/**
 * Which provider's block `self` writes, so that the blocks of one provider type come out sorted by alias
 * (then construct path) whatever order the program created them in.
 *
 * cdktf writes the blocks of one provider type as a list in construct-tree order, so on its own that list,
 * and with it the synthesized JSON, would depend on declaration order. A provider class of this library
 * (one per type: a cluster's consul provider, a Docker host's docker provider) overrides `toTerraform` to
 * write the block of the provider this returns: the n-th one in tree order writes the n-th one by alias.
 * Resources still name their provider by its own alias; providers created elsewhere are written where cdktf
 * puts them.
 */
export function providerWrittenAt<T extends TerraformProvider>(self: T, sameKind: (c: IConstruct) => c is T): T {
  const inTreeOrder = TerraformStack.of(self).node.findAll().filter(sameKind);
  const byAlias = [...inTreeOrder].sort((a, b) => compareStrings(a.alias ?? '', b.alias ?? '') || compareStrings(a.node.path, b.node.path));
  return byAlias[inTreeOrder.indexOf(self)] ?? self;
}

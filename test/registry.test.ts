import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { pathOf, register, registered, registeredWhere } from '../lib/private/registry';

/** Items with a name and a group, registered on one owner. */
function setup() {
  const stack = new TerraformStack(Testing.app(), 'test');
  const owner = new Construct(stack, 'Owner');
  const item = (id: string) => new Construct(stack, id);
  return { owner, item };
}

const group = (c: Construct) => c.node.id.replace(/[0-9]+$/, '');

describe('registry', () => {
  test('reads every list sorted by construct path, whatever the order of registration', () => {
    const { owner, item } = setup();
    const [c, a, b] = [item('C'), item('A'), item('B')];
    for (const x of [c, a, b]) register(owner, 'kind', x);
    expect(registered<Construct>(owner, 'kind').map((x) => x.node.id)).toEqual(['A', 'B', 'C']);
  });

  test('keeps registration order among equal keys (as a stable sort does) and ignores a second registration', () => {
    const { owner, item } = setup();
    const [x, y, z] = [item('X'), item('Y'), item('Z')];
    const key = (c: Construct) => (c === z ? 'a' : 'b');
    for (const c of [y, x, z, y]) register(owner, 'kind', c, key);
    expect(registered<Construct>(owner, 'kind')).toEqual([z, y, x]);
  });

  test('never changes a list it handed out: a later registration works on a copy', () => {
    const { owner, item } = setup();
    register(owner, 'kind', item('B'));
    const before = registered<Construct>(owner, 'kind');
    register(owner, 'kind', item('A'));
    expect(before.map((x) => x.node.id)).toEqual(['B']);
    expect(registered<Construct>(owner, 'kind').map((x) => x.node.id)).toEqual(['A', 'B']);
  });

  test('an index finds what filtering the sorted list finds, in the same order, before and after it exists', () => {
    const { owner, item } = setup();
    const ids = ['Web3', 'Api1', 'Web1', 'Api2', 'Db1', 'Web2'];
    const all = ids.map(item);
    all.slice(0, 3).forEach((c) => register(owner, 'kind', c));
    expect(registeredWhere(owner, 'kind', 'group', group, 'Web')).toEqual(registered<Construct>(owner, 'kind').filter((c) => group(c) === 'Web'));
    all.slice(3).forEach((c) => register(owner, 'kind', c));
    for (const g of ['Web', 'Api', 'Db', 'None']) {
      expect(registeredWhere(owner, 'kind', 'group', group, g)).toEqual(registered<Construct>(owner, 'kind').filter((c) => group(c) === g));
    }
    expect(registeredWhere(owner, 'kind', 'group', group, 'Web').map((c) => c.node.id)).toEqual(['Web1', 'Web2', 'Web3']);
  });

  test('an owner without the kind has an empty list and empty index groups', () => {
    const { owner } = setup();
    expect(registered(owner, 'nothing')).toEqual([]);
    expect(registeredWhere(owner, 'nothing', 'group', group, 'Web')).toEqual([]);
  });

  test('pathOf builds the same path as constructs, from the scope\'s path', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const outer = new Construct(stack, 'Outer');
    const inner = new Construct(outer, 'a/b');
    const leaf = new Construct(inner, 'Leaf');
    // Children first (their scopes' paths are then computed on the way up), then the rest.
    for (const c of [leaf, inner, outer, stack, app]) expect(pathOf(c)).toBe(c.node.path);
    expect(pathOf(app)).toBe('');
  });
});

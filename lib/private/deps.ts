import { ITerraformDependable, TerraformResource, dependable } from 'cdktf';
import { renderedList } from './rendered';

const added = new WeakMap<TerraformResource, Set<ITerraformDependable>>();

/** Adds `depends_on` entries to `resource`, once per dependency, keeping the order of first addition. */
export function addDependsOn(resource: TerraformResource, ...deps: ITerraformDependable[]): void {
  let seen = added.get(resource);
  if (!seen) {
    seen = new Set();
    added.set(resource, seen);
  }
  const list = resource.dependsOn ?? [];
  for (const dep of deps) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    list.push(dependable(dep));
  }
  resource.dependsOn = list;
}

/**
 * Sets `depends_on` of `resource` to what `produce` returns at synth time (for dependencies that other
 * constructs add after `resource` exists). Replaces any `depends_on` set before; none leaves the attribute out.
 */
export function lazyDependsOn(resource: TerraformResource, produce: () => ITerraformDependable[]): void {
  resource.dependsOn = renderedList(resource, 'depends_on', () => produce().map((d) => dependable(d)), { omitEmpty: true });
}

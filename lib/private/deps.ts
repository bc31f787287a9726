import { ITerraformDependable, TerraformResource, dependable } from 'cdktf';

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

import type { Category, SlaTarget, SlaTargets, TargetKind } from './plan-desk.schema.ts';
import { targetKinds } from './plan-desk.schema.ts';

export interface FlatCategory {
  category: Category;
  /** Path of the category in the document, e.g. ['categories', 2, 'children', 3]. */
  path: (string | number)[];
  /** Ancestors from the root down, not including the category itself. */
  ancestors: Category[];
}

/** Every category in the tree, depth first, with its document path. */
export function flattenCategories(categories: readonly Category[]): FlatCategory[] {
  const out: FlatCategory[] = [];
  const walk = (list: readonly Category[], path: (string | number)[], ancestors: Category[]) => {
    list.forEach((category, index) => {
      const here = [...path, index];
      out.push({ category, path: here, ancestors });
      if (category.children) walk(category.children, [...here, 'children'], [...ancestors, category]);
    });
  };
  walk(categories, ['categories'], []);
  return out;
}

export type EffectiveTargets = Partial<Record<TargetKind, SlaTarget>>;

/**
 * A category's targets after inheritance: defaults, then each ancestor, then its own (nearest wins per kind).
 * Example: S3 category 3.1 inherits assignment 1h from the defaults and resolution 1wd from category 3.
 */
export function effectiveTargets(defaults: SlaTargets | undefined, flat: FlatCategory): EffectiveTargets {
  const layers = [defaults, ...flat.ancestors.map((a) => a.targets), flat.category.targets];
  const result: EffectiveTargets = {};
  for (const layer of layers) {
    for (const kind of targetKinds) {
      const target = layer?.[kind];
      if (target) result[kind] = target;
    }
  }
  return result;
}

/**
 * Flatten and unflatten: a tree to its leaves plus a `TreeDef`, and back.
 *
 * One pass records the leaves in order (object keys sorted, so `{a, b}` and `{b, a}` flatten
 * alike) and the structure; the key path of each leaf, on request, is read from the structure.
 *
 * @module
 */
import type { KeyPath } from "./keyPath";
import { flattenPass, leafPairs } from "./flattenPass";
import type { Meta } from "./node";
import { resolveOptions, type TreeOptions } from "./options";
import { TreeDef } from "./treedef";

// -------------------------------------------------------------------------------------
// flatten
// -------------------------------------------------------------------------------------

/**
 * The leaves of `tree` in order, and its structure (a fresh, immutable `TreeDef`).
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: 2, a: [1, null] });
 * leaves;          // [1, 2]
 * def.toString();  // "TreeDef({ a: [*, null], b: * })"
 */
export function treeFlatten<L = unknown>(tree: unknown, options?: TreeOptions): [L[], TreeDef] {
  const { leaves, metas } = flattenPass(tree, resolveOptions(options), true);
  return [leaves as L[], new TreeDef(metas as Meta[], leaves.length)];
}

/**
 * Like {@link treeFlatten}, with the key path of every leaf (each a fresh array), read from the
 * structure the flatten records.
 *
 * @example
 * const [pairs] = treeFlattenWithPath({ layers: [{ w: 1 }] });
 * pairs; // [[["layers", 0, "w"], 1]]
 */
export function treeFlattenWithPath<L = unknown>(
  tree: unknown,
  options?: TreeOptions,
): [[KeyPath, L][], TreeDef] {
  const { leaves, metas } = flattenPass(tree, resolveOptions(options), true);
  return [leafPairs(metas as Meta[], leaves) as [KeyPath, L][], new TreeDef(metas as Meta[], leaves.length)];
}

/**
 * The leaves of `tree`, in order.
 *
 * @example
 * treeLeaves([{ y: 2, x: 1 }, 3]); // [1, 2, 3]
 */
export function treeLeaves<L = unknown>(tree: unknown, options?: TreeOptions): L[] {
  return flattenPass(tree, resolveOptions(options), false).leaves as L[];
}

/**
 * The structure of `tree` alone.
 *
 * @example
 * treeStructure({ w: [0, 0] }).numLeaves; // 2
 */
export function treeStructure(tree: unknown, options?: TreeOptions): TreeDef {
  return treeFlatten(tree, options)[1];
}

// -------------------------------------------------------------------------------------
// unflatten
// -------------------------------------------------------------------------------------

/**
 * Rebuilds a tree of structure `treedef` from `leaves` (in leaf order). Objects get back their
 * original key order; registered records get back their static fields. Throws, naming the path of
 * the first missing leaf, when the count is wrong.
 *
 * @example
 * const [leaves, def] = treeFlatten<number>({ a: 1, b: [2] });
 * treeUnflatten(def, leaves.map((x) => x * 10)); // { a: 10, b: [20] }
 */
export function treeUnflatten<T = unknown, L = unknown>(treedef: TreeDef, leaves: readonly L[]): T {
  return treedef.unflatten(leaves) as T;
}

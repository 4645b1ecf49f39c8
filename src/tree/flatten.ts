/**
 * Flatten and unflatten: a tree to its leaves plus a `TreeDef`, and back.
 *
 * One pass records everything: the leaves in order (object keys sorted, so `{a, b}` and `{b, a}`
 * flatten alike), the structure, and on request the key path of each leaf.
 *
 * A structure that comes back call after call (a training loop's parameters) is flattened by code
 * compiled for it (see `program.ts`): checking a known structure costs a fraction of discovering
 * it, and the `TreeDef` returned is then one shared, immutable instance.
 *
 * @module
 */
import type { Key, KeyPath } from "./keyPath";
import type { NodeMeta } from "./nodes";
import { flattenAndObserve } from "./learn";
import { resolveOptions, type TreeOptions } from "./options";
import { matchProgram, observeStructure, programPaths, worthLearning } from "./program";
import { copyPath } from "./recursive";
import { TreeDef } from "./treedef";
import { flattenInto } from "./walk";

// -------------------------------------------------------------------------------------
// flatten
// -------------------------------------------------------------------------------------

/**
 * The leaves of `tree` in order, and its structure. The leaves array is always a fresh one; the
 * `TreeDef` (immutable) may be the same instance for trees of one structure.
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: 2, a: [1, null] });
 * leaves;          // [1, 2]
 * def.toString();  // "TreeDef({ a: [*, null], b: * })"
 */
export function treeFlatten<L = unknown>(tree: unknown, options?: TreeOptions): [L[], TreeDef] {
  const resolved = resolveOptions(options);
  // A structure seen on the last few calls has a compiled program (see `program.ts`).
  const match = matchProgram(tree, resolved);
  if (match !== null) return [match.leaves as L[], match.program.def];
  return flattenAndObserve<L>(tree, resolved);
}

/**
 * Like {@link treeFlatten}, with the key path of every leaf, recorded in the same single pass.
 *
 * @example
 * const [pairs] = treeFlattenWithPath({ layers: [{ w: 1 }] });
 * pairs; // [[["layers", 0, "w"], 1]]
 */
export function treeFlattenWithPath<L = unknown>(
  tree: unknown,
  options?: TreeOptions,
): [[KeyPath, L][], TreeDef] {
  const resolved = resolveOptions(options);
  const match = matchProgram(tree, resolved);
  if (match !== null) {
    // Every call gets its own path arrays, as from the general walk.
    const paths = programPaths(match.program);
    const leaves = match.leaves;
    const out = new Array<[KeyPath, L]>(leaves.length);
    for (let i = 0; i < leaves.length; i++) {
      const path = paths[i] as readonly Key[];
      out[i] = [copyPath(path, path.length), leaves[i] as L];
    }
    return [out, match.program.def];
  }
  const { nodes, pairs } = flattenInto(tree, resolved, true, true);
  const withPaths = pairs as [KeyPath, L][];
  const def = new TreeDef(nodes as NodeMeta[], withPaths.length);
  observeStructure(def, resolved);
  return [withPaths, def];
}

/**
 * The leaves of `tree`, in order.
 *
 * @example
 * treeLeaves([{ y: 2, x: 1 }, 3]); // [1, 2, 3]
 */
export function treeLeaves<L = unknown>(tree: unknown, options?: TreeOptions): L[] {
  const resolved = resolveOptions(options);
  const match = matchProgram(tree, resolved);
  if (match !== null) return match.leaves as L[];
  const leaves = flattenInto(tree, resolved, false, false).leaves as L[];
  // This walk records no structure; when the same tree seems to come back, flatten it once more
  // so that the program cache can see it.
  if (worthLearning(leaves.length, resolved)) flattenAndObserve(tree, resolved);
  return leaves;
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

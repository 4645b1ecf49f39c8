/**
 * Mapping over leaves: one tree (`treeMap`, `treeMapWithPath`) or several of one structure
 * (`treeMapN`).
 *
 * `treeMap` is a single pass that rebuilds each internal node as soon as its children are done,
 * without building a TreeDef on the way.
 *
 * @module
 */
import { describePath, type KeyPath } from "./keyPath";
import { resolveOptions, type ResolvedOptions, type TreeOptions } from "./options";
import type { NodeMeta } from "./nodes";
import { flattenAlongside, isTooDeep } from "./recursive";
import { TreeDef, firstDifference } from "./treedef";
import { treeFlatten } from "./flatten";
import { flattenAndObserve } from "./learn";
import { builderFor, matchProgram, observeStructure, readWith, worthLearning } from "./program";
import { lastRebuild, rebuildTree } from "./walk";

/** @internal A post-order rebuild of `tree`, replacing each leaf by `onLeaf(leaf, path)`. */
export function rebuild(
  tree: unknown,
  options: TreeOptions | undefined,
  onLeaf: (leaf: unknown, path: KeyPath) => unknown,
): unknown {
  return rebuildTree(
    tree,
    resolveOptions(options),
    onLeaf as (leaf: unknown, path: unknown) => unknown,
    true,
  );
}

/**
 * Applies `f` to every leaf, keeping the structure. Leaves are visited in leaf order.
 *
 * @example
 * treeMap((x: number) => x * 2, { a: 1, b: [2, 3] }); // { a: 2, b: [4, 6] }
 * const exps = tf.tidy(() => treeMap((x: tf.Tensor) => tf.exp(x), { w: tf.zeros([2]) }));
 * exps.w; // [1, 1]
 * tf.dispose(exps.w);
 */
export function treeMap<R = unknown, L = any>(f: (leaf: L) => R, tree: unknown, options?: TreeOptions): any {
  const resolved = resolveOptions(options);
  // A structure seen on the last few calls has a compiled program (see `program.ts`): the tree is
  // checked and its leaves read in one go, then rebuilt by the structure's compiled builder.
  const match = matchProgram(tree, resolved);
  if (match !== null) {
    const build = builderFor(match.program.def, true);
    const leaves = match.leaves;
    for (let i = 0; i < leaves.length; i++) leaves[i] = f(leaves[i] as L);
    return build !== null ? build(leaves, 0) : match.program.def.unflatten(leaves);
  }
  const out = rebuildTree(tree, resolved, f as (leaf: unknown) => unknown, false);
  learnFrom(tree, lastRebuild.leaves, resolved);
  return out;
}

/** Shows the program cache the structure of `tree`, when it seems to come back (see `worthLearning`). */
function learnFrom(tree: unknown, numLeaves: number, options: ResolvedOptions): void {
  if (numLeaves >= 0 && worthLearning(numLeaves, options)) flattenAndObserve(tree, options);
}

/**
 * Applies `f(path, leaf)` to every leaf, `path` being the leaf's key path.
 *
 * @example
 * treeMapWithPath((path, x) => keystr(path), { a: [0] }); // { a: [".a[0]"] }
 */
export function treeMapWithPath<R = unknown, L = any>(
  f: (path: KeyPath, leaf: L) => R,
  tree: unknown,
  options?: TreeOptions,
): any {
  return rebuild(tree, options, (leaf, path) => f(path, leaf as L));
}

/**
 * Applies `f(leaf0, leaf1, ...)` across trees of one structure. Objects are matched by key (not
 * by position); the result has the first tree's structure. When a tree differs, the error names
 * the key path where it first does and what each tree holds there.
 *
 * @example
 * treeMapN((a: number, b: number) => a + b, [{ x: 1, y: 2 }, { y: 20, x: 10 }]); // { x: 11, y: 22 }
 */
export function treeMapN<R = unknown>(
  f: (...leaves: any[]) => R,
  trees: readonly unknown[],
  options?: TreeOptions,
): any {
  if (!Array.isArray(trees) || trees.length === 0) {
    throw new TypeError("treeMapN: expected a non-empty array of trees");
  }
  const resolved = resolveOptions(options);
  const [def, columns] = matchAll(trees, resolved) ?? flattenAll(trees, resolved);
  const first = columns[0] as unknown[];
  const n = first.length;
  const out = new Array<R>(n);
  // Fixed arities get direct calls: a spread per leaf would allocate.
  if (columns.length === 1) {
    for (let i = 0; i < n; i++) out[i] = f(first[i]);
  } else if (columns.length === 2) {
    const b = columns[1] as unknown[];
    for (let i = 0; i < n; i++) out[i] = f(first[i], b[i]);
  } else if (columns.length === 3) {
    const b = columns[1] as unknown[];
    const c = columns[2] as unknown[];
    for (let i = 0; i < n; i++) out[i] = f(first[i], b[i], c[i]);
  } else {
    const args = new Array<unknown>(columns.length);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < columns.length; t++) args[t] = (columns[t] as unknown[])[i];
      out[i] = f(...args);
    }
  }
  const build = builderFor(def, false);
  return build !== null ? build(out, 0) : def.unflatten(out);
}

/**
 * The structure and leaves of every tree when a compiled program accepts them all (see
 * `program.ts`); `null` otherwise, and the general walk runs.
 */
function matchAll(trees: readonly unknown[], options: ResolvedOptions): [TreeDef, unknown[][]] | null {
  const match = matchProgram(trees[0], options);
  if (match === null) return null;
  const columns: unknown[][] = [match.leaves];
  for (let t = 1; t < trees.length; t++) {
    const column = new Array<unknown>(match.program.def.numLeaves);
    if (!readWith(match.program, trees[t], column)) return null;
    columns.push(column);
  }
  return [match.program.def, columns];
}

/**
 * The first tree's structure and every tree's leaves; throws, naming the first difference, when a
 * tree's structure differs from the first's. The other trees are walked guided by the first one
 * (see `flattenAlongside`); only when that finds a difference (or the trees are too deep for it)
 * is every tree flattened on its own and compared, to describe the difference.
 */
function flattenAll(trees: readonly unknown[], options: ResolvedOptions): [TreeDef, unknown[][]] {
  const columns: unknown[][] = trees.map(() => []);
  const nodes: NodeMeta[] = [];
  let same = false;
  try {
    same = flattenAlongside(trees, options, columns, nodes);
  } catch (e) {
    if (!isTooDeep(e)) throw e;
  }
  if (same) {
    const def = new TreeDef(nodes, (columns[0] as unknown[]).length);
    observeStructure(def, options);
    return [def, columns];
  }
  const [first, def] = treeFlatten(trees[0], options);
  const all: unknown[][] = [first];
  for (let t = 1; t < trees.length; t++) {
    const [leaves, other] = treeFlatten(trees[t], options);
    assertSameStructure("treeMapN", def, other, 0, t);
    all.push(leaves);
  }
  return [def, all];
}

/**
 * @internal Throws a message naming where `b` first differs from `a`.
 */
export function assertSameStructure(what: string, a: TreeDef, b: TreeDef, ia: number, ib: number): void {
  if (a.equals(b)) return;
  const diff = firstDifference(a, b) ?? firstDifference(b, a);
  if (diff === undefined) {
    throw new Error(`${what}: tree ${ib} does not have the structure of tree ${ia}`);
  }
  throw new Error(
    `${what}: tree ${ib} does not have the structure of tree ${ia}: at ${describePath(diff.path)}, ` +
      `tree ${ia} has ${diff.left} but tree ${ib} has ${diff.right}`,
  );
}

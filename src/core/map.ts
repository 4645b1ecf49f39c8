/**
 * Mapping over leaves: one tree (`treeMap`, `treeMapWithPath`) or several of one structure
 * (`treeMapN`).
 *
 * `treeMap` is the engine's rebuild pass (flatten and unflatten in one walk, as
 * `jax.tree_util.tree_map` is in spirit); `treeMapN` flattens every tree, checks their structures
 * against the first one's before calling `f` (so a mismatch leaves no half-made tensors), and
 * unflattens.
 *
 * @module
 */
import { treeFlatten } from "./flatten";
import { readAlong } from "./flattenPass";
import { describePath, type KeyPath } from "./keyPath";
import { resolveOptions, type TreeOptions } from "./options";
import { Cursor, rebuildPass } from "./rebuildPass";
import { firstDifference, type TreeDef } from "./treedef";
import type { TreeMapped } from "./types";

/**
 * Applies `f` to every leaf, keeping the structure (new containers, frozen where the input's
 * were). Leaves are visited in leaf order.
 *
 * @example
 * treeMap((x: number) => x * 2, { a: 1, b: [2, 3] }); // { a: 2, b: [4, 6] }
 * const exps = tf.tidy(() => treeMap((x: tf.Tensor) => tf.exp(x), { w: tf.zeros([2]) }));
 * exps.w; // [1, 1]
 * tf.dispose(exps.w);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in `f`; `unknown` would refuse `(x: number) => ...`
export function treeMap<T, R, L = any>(f: (leaf: L) => R, tree: T, options?: TreeOptions): TreeMapped<T, R> {
  const leaf = (x: unknown): R => f(x as L);
  return rebuildPass(tree, resolveOptions(options), { leaf, share: false }) as TreeMapped<T, R>;
}

/**
 * Applies `f(path, leaf)` to every leaf, `path` being the leaf's key path.
 *
 * @example
 * treeMapWithPath((path, x) => keystr(path), { a: [0] }); // { a: [".a[0]"] }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in `f`; `unknown` would refuse `(x: number) => ...`
export function treeMapWithPath<T, R, L = any>(
  f: (path: KeyPath, leaf: L) => R,
  tree: T,
  options?: TreeOptions,
): TreeMapped<T, R> {
  const cursor = new Cursor();
  const leaf = (x: unknown): R => f(cursor.path(), x as L);
  return rebuildPass(tree, resolveOptions(options), { leaf, share: false }, cursor) as TreeMapped<T, R>;
}

/**
 * Applies `f(leaf0, leaf1, ...)` across trees of one structure. Objects are matched by key (not
 * by position); the result has the first tree's structure. When a tree differs, the error names
 * the key path where it first does and what each tree holds there.
 *
 * @example
 * treeMapN((a: number, b: number) => a + b, [{ x: 1, y: 2 }, { y: 20, x: 10 }]); // { x: 11, y: 22 }
 */
export function treeMapN<T, R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in `f`; `unknown` would refuse `(x: number) => ...`
  f: (...leaves: any[]) => R,
  trees: readonly [T, ...unknown[]],
  options?: TreeOptions,
): TreeMapped<T, R>;
export function treeMapN<R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in `f`; `unknown` would refuse `(x: number) => ...`
  f: (...leaves: any[]) => R,
  trees: readonly unknown[],
  options?: TreeOptions,
): unknown;
export function treeMapN<R>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in `f`; `unknown` would refuse `(x: number) => ...`
  f: (...leaves: any[]) => R,
  trees: readonly unknown[],
  options?: TreeOptions,
): unknown {
  if (!Array.isArray(trees) || trees.length === 0) {
    throw new TypeError("treeMapN: expected a non-empty array of trees");
  }
  const [def, columns] = flattenAlike("treeMapN", trees, options);
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
  return def.unflatten(out);
}

/**
 * @internal The first tree's structure and every tree's leaves; throws, naming the first
 * difference, when a tree's structure differs from the first one's. The other trees are read
 * along the first one's structure (see `readAlong`); only one that differs is flattened on its
 * own, to say where.
 */
export function flattenAlike(
  what: string,
  trees: readonly unknown[],
  options: TreeOptions | undefined,
): [TreeDef, unknown[][]] {
  const [first, def] = treeFlatten(trees[0], options);
  const resolved = resolveOptions(options);
  const columns: unknown[][] = [first];
  for (let t = 1; t < trees.length; t++) {
    const along = readAlong(trees[t], resolved, def.nodes);
    if (along !== null) {
      columns.push(along);
      continue;
    }
    const [leaves, other] = treeFlatten(trees[t], options);
    assertSameStructure(what, def, other, 0, t);
    columns.push(leaves);
  }
  return [def, columns];
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

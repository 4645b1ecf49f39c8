/**
 * `treeStack` and `treeUnstack`: many trees of one structure as one tree of batched tensors, and
 * back (the "stack of models" used for ensembles and vectorised training).
 *
 * Only tensor leaves are stacked. Every other leaf (a number, a string, a function) is treated as
 * static, as equinox's filtered transformations treat non-array leaves: it must be the same in
 * every tree and is kept as is, so that `treeUnstack(treeStack(trees))` gives the trees back.
 * Turn a number into a tensor (`tf.scalar(x)`) first when it should vary across the stack.
 *
 * Everything is checked before the first tensor is created, so an error never leaks a tensor.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { isTensor } from "./values";
import { describePath } from "../core/keyPath";
import { assertSameStructure } from "../core/map";
import type { TreeOptions } from "../core/options";
import { treeFlatten } from "../core/flatten";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * One tree whose tensor leaves are the corresponding leaves of `trees` stacked along a new first
 * axis (`tf.stack`). The trees must have one structure (objects matched by key), and tensors at a
 * place the same shape and dtype; non-tensor leaves must be equal (`Object.is`) and are kept.
 * Errors name the key path. The new tensors belong to the caller; the inputs are not disposed.
 *
 * @example
 * const trees = [{ w: tf.tensor([1, 2]), n: 3 }, { w: tf.tensor([3, 4]), n: 3 }];
 * const stacked = treeStack(trees);
 * stacked.w.shape; // [2, 2]
 * stacked.n;       // 3
 * tf.dispose([stacked.w, ...trees.map((t) => t.w)]);
 */
export function treeStack<T>(trees: readonly T[], options?: TreeOptions): T {
  if (!Array.isArray(trees) || trees.length === 0) {
    throw new TypeError("treeStack: expected a non-empty array of trees");
  }
  const [first, def] = treeFlatten(trees[0], options);
  const columns: unknown[][] = [first];
  for (let t = 1; t < trees.length; t++) {
    const [leaves, other] = treeFlatten(trees[t], options);
    assertSameStructure("treeStack", def, other, 0, t);
    columns.push(leaves);
  }
  const where = (i: number): string => describePath(def.leafPath(i));
  // Check every place before allocating anything.
  for (let i = 0; i < first.length; i++) {
    const x = first[i];
    for (let t = 1; t < columns.length; t++) {
      const y = (columns[t] as unknown[])[i];
      if (isTensor(x)) {
        if (!isTensor(y)) {
          throw new Error(`treeStack: at ${where(i)}, tree 0 has a tensor but tree ${t} has ${describe(y)}`);
        }
        if (x.dtype !== y.dtype || !sameShape(x.shape, y.shape)) {
          throw new Error(
            `treeStack: at ${where(i)}, tree 0 has the tensor ${describe(x)} but tree ${t} has the tensor ${describe(y)}`,
          );
        }
      } else if (y instanceof tf.Tensor || !Object.is(x, y)) {
        throw new Error(
          `treeStack: at ${where(i)}, tree 0 has ${describe(x)} but tree ${t} has ${describe(y)}; ` +
            `non-tensor leaves are static and must be equal in every tree`,
        );
      }
    }
  }
  const out = first.map((x, i) =>
    x instanceof tf.Tensor ? tf.stack(columns.map((c) => c[i] as tf.Tensor)) : x,
  );
  return def.unflatten(out) as T;
}

/**
 * The trees that {@link treeStack} stacked: each tensor leaf is split along its first axis
 * (`tf.unstack`) and every other leaf is shared by all the trees. All tensor leaves must have the
 * same first dimension (errors name the key path); a tree without tensor leaves, or with a scalar
 * tensor, cannot say how many trees it holds and throws. The new tensors belong to the caller.
 *
 * @example
 * const w = tf.tensor([[1, 2], [3, 4]]);
 * const [a, b] = treeUnstack({ w, n: 3 });
 * a!.w.shape; // [2]
 * b!.n;       // 3
 * tf.dispose([w, a!.w, b!.w]);
 */
export function treeUnstack<T>(tree: T, options?: TreeOptions): T[] {
  const [leaves, def] = treeFlatten(tree, options);
  const where = (i: number): string => describePath(def.leafPath(i));
  let count: number | undefined;
  let countAt = -1;
  for (let i = 0; i < leaves.length; i++) {
    const x = leaves[i];
    if (!isTensor(x)) continue;
    if (x.rank === 0)
      throw new Error(`treeUnstack: the tensor at ${where(i)} is a scalar: it has no axis to split`);
    const n = x.shape[0];
    if (count === undefined) {
      count = n;
      countAt = i;
    } else if (n !== count) {
      throw new Error(
        `treeUnstack: the tensor at ${where(i)} has first dimension ${n} but the one at ${where(countAt)} has ${count}`,
      );
    }
  }
  if (count === undefined) {
    throw new Error("treeUnstack: the tree has no tensor leaves, so the number of trees is unknown");
  }
  const pieces = leaves.map((x) => (x instanceof tf.Tensor ? tf.unstack(x) : undefined));
  const out: T[] = [];
  for (let k = 0; k < count; k++) {
    out.push(
      def.unflatten(leaves.map((x, i) => (x instanceof tf.Tensor ? (pieces[i] as tf.Tensor[])[k] : x))) as T,
    );
  }
  return out;
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

function describe(x: unknown): string {
  if (isTensor(x)) return `${x.dtype}[${x.shape.join(",")}]`;
  if (typeof x === "string") return JSON.stringify(x.length > 30 ? `${x.slice(0, 27)}...` : x);
  if (typeof x === "function") return x.name === "" ? "a function" : `the function ${x.name}`;
  if (x !== null && typeof x === "object") {
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return `a ${typeof name === "string" ? name : "object"}`;
  }
  return typeof x === "bigint" ? `${x}n` : String(x);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

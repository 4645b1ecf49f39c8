/**
 * `NonTrainable(tree)` and `nonTrainable(tree)`: freezing parameters.
 *
 * On unwrap a `NonTrainable` hands back its tree with every float tensor passed through
 * `stopGradient`, so gradients through it are exactly zero. Being a tagged record it is also easy
 * to filter out before an optimizer or a regulariser sees it (paramax advises the same: the
 * wrapped values themselves are still in the tree).
 *
 * @example
 * const frozen = nonTrainable({ w: tf.ones([2]), steps: tf.scalar(3, "int32") });
 * isNonTrainable(frozen.w); // true
 * // integer tensors are not trainable anyway:
 * isNonTrainable(frozen.steps); // false
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import { rebuildPass } from "../core/rebuildPass";
import { resolveOptions, type TreeOptions } from "../core/options";
import { stopGradient } from "../tensor/stopGradient";
import { isFloatTensor } from "../tensor/values";
import { assignValue, declareStepwiseInverse } from "./inverse";
import { isTagged, type WrapperSpec } from "./spec";
import type { KnownUnwrappable, UnwrapLeaf, UnwrapsInner } from "./types";
import type { RecordChildren } from "../core/types";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const NonTrainableTag = "NonTrainable";

/**
 * A record `{ _tag: "NonTrainable", tree }` that unwraps to `tree` with gradients stopped at
 * every float tensor. `tree` is the child.
 */
export interface NonTrainable<T = unknown>
  extends KnownUnwrappable<"NonTrainable", UnwrapsInner<T>>, RecordChildren<"tree"> {
  readonly tree: T;
}

/**
 * The type `nonTrainable` returns: each tensor leaf may now be wrapped (float ones are; the
 * dtype is not known to the type system), everything else is kept.
 */
export type NonTrainableLeaves<T> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a NonTrainable of any content
  T extends NonTrainable<any>
    ? T
    : T extends Tensor
      ? T | NonTrainable<T>
      : T extends UnwrapLeaf
        ? T
        : { [K in keyof T]: NonTrainableLeaves<T[K]> };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Wraps a whole tree (a tensor, a sub-model, ...) as frozen: it unwraps to the same tree with
 * every float32 tensor passed through `stopGradient`. Integer, bool and string tensors, numbers
 * and everything else come back unchanged. The record is frozen.
 *
 * @example
 * const x = tf.scalar(2);
 * const g = tf.grad((x: tf.Tensor) => tf.mul(unwrap(NonTrainable(x)), x))(x);
 * // the wrapped factor counts as a constant: d/dx (c * x) = c = 2
 * g.dataSync()[0]; // 2
 */
export function NonTrainable<T>(tree: T): NonTrainable<T> {
  return Object.freeze({ _tag: NonTrainableTag, tree });
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` is a `NonTrainable` record.
 *
 * @example
 * isNonTrainable(NonTrainable(tf.scalar(1))); // true
 * isNonTrainable(tf.scalar(1)); // false
 */
export function isNonTrainable(x: unknown): x is NonTrainable {
  return isTagged(x, NonTrainableTag) && "tree" in (x as object);
}

// -------------------------------------------------------------------------------------
// unwrap
// -------------------------------------------------------------------------------------

/**
 * `NonTrainable`'s own unwrap: its tree (already unwrapped) with every float32 tensor passed
 * through `stopGradient`. Tensors are found through arrays and plain objects (as `tf.tidy` finds
 * them); subtrees without float tensors come back as the same objects.
 *
 * @example
 * unwrapNonTrainable(NonTrainable([1, "a"])); // [1, "a"]
 */
export function unwrapNonTrainable<T>(node: NonTrainable<T>, options?: TreeOptions): T {
  // The tree as the `unwrap` call sees it (its registry's node types, its `isLeaf`).
  const leaf = (x: unknown): unknown => (isFloatTensor(x) ? stopGradient(x) : x);
  return rebuildPass(node.tree, resolveOptions(options), { leaf, share: true }) as T;
}

/**
 * `NonTrainable`'s inverse: the identity, so the record whose tree is set to `value` (through
 * the tree's own wrapper when it is one: a frozen constrained leaf stays constrained).
 *
 * @example
 * inverseNonTrainable(NonTrainable(1), 5, {}).tree; // 5
 */
export function inverseNonTrainable<T>(
  node: NonTrainable<T>,
  value: unknown,
  options: TreeOptions,
): NonTrainable<T> {
  return NonTrainable(assignValue(node.tree, value, options));
}

declareStepwiseInverse(inverseNonTrainable, (node: NonTrainable, value) => ({
  child: node.tree,
  value,
  rebuild: (tree) => NonTrainable(tree),
}));

/**
 * The registry entry for `NonTrainable` (already in `defaultRegistry`).
 *
 * @example
 * nonTrainableSpec.children; // ["tree"]
 */
export const nonTrainableSpec: WrapperSpec<NonTrainable, unknown> = Object.freeze({
  tag: NonTrainableTag,
  children: Object.freeze(["tree"]),
  unwrap: unwrapNonTrainable,
  inverse: inverseNonTrainable,
});

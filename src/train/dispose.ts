/**
 * Disposing the tensors of a tree, choosing which.
 *
 * `tf.dispose(tree)` disposes every tensor it finds, including leaves the tree merely shares with
 * another: a gradient tree from {@link valueAndGrad} holds the caller's own integer tensors at its
 * non-float leaves, and an updated parameter tree from {@link sgdStep} shares them with the old
 * one. `disposeTree` walks with paramtree's own traversal (registered wrappers, `isLeaf`, any
 * depth) and disposes only the leaves that pass `filter`.
 *
 * @module
 */
import { treeLeaves } from "../core/flatten";
import type { TreeOptions } from "../core/options";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { isTensor } from "../tensor/values";

/** Options of {@link disposeTree}: tree options, and which tensor leaves to dispose. */
export interface DisposeTreeOptions extends TreeOptions {
  /** Which leaves to dispose; every tensor ({@link isTensor}) when omitted. */
  readonly filter?: ((leaf: unknown) => boolean) | undefined;
}

/**
 * Disposes the tensor leaves of `tree` that pass `filter` (all tensor leaves by default). Leaves
 * that are not tensors are ignored; disposing a tensor twice is harmless in tfjs.
 *
 * @example
 * const w = tf.tensor1d([1, 2]);
 * const n = tf.scalar(3, "int32");
 * const { value, grads } = valueAndGrad((p: { w: tf.Tensor; n: tf.Tensor }) => tf.sum(p.w))({ w, n });
 * disposeTree(grads, { filter: isFloatTensor }); // the gradient of w; n is still alive
 * tf.dispose([value, w, n]);
 */
export function disposeTree(tree: unknown, options?: DisposeTreeOptions): void {
  const filter = options?.filter;
  for (const leaf of treeLeaves(tree, withDefaultRegistry(options))) {
    if (isTensor(leaf) && (filter === undefined || filter(leaf))) leaf.dispose();
  }
}

/**
 * Disposing the tensors of a tree, choosing which.
 *
 * `tf.dispose(tree)` disposes every tensor it finds, including leaves the tree merely shares with
 * another: a gradient tree from {@link valueAndGrad} holds the caller's own integer tensors at its
 * non-float leaves, and an updated parameter tree from {@link sgdStep} shares them with the old
 * one. `disposeTree` walks with paramtree's own traversal (registered wrappers, `isLeaf`, any
 * depth) and disposes only the leaves that pass `filter` and are not leaves of `keep`.
 *
 * `unwrap(model)` shares every wrapper-free subtree with `model` (that is what makes it cheap), so
 * disposing its result with `tf.dispose` or a bare `disposeTree` would also dispose the model's own
 * tensors: `disposeTree(unwrap(model), { keep: model })` disposes only what `unwrap` created.
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
  /**
   * A tree whose tensor leaves must survive (walked with the same options): typically the model a
   * result was computed from, as in `disposeTree(unwrap(model), { keep: model })`.
   */
  readonly keep?: unknown;
}

/**
 * Disposes the tensor leaves of `tree` that pass `filter` (all tensor leaves by default) and are
 * not leaves of `keep` (compared by identity). Leaves that are not tensors are ignored; disposing a
 * tensor twice is harmless in tfjs.
 *
 * @example
 * const w = tf.tensor1d([1, 2]);
 * const n = tf.scalar(3, "int32");
 * const { value, grads } = valueAndGrad((p: { w: tf.Tensor; n: tf.Tensor }) => tf.sum(p.w))({ w, n });
 * disposeTree(grads, { filter: isFloatTensor }); // the gradient of w; n is still alive
 * tf.dispose([value, w, n]);
 *
 * const model = { scale: Parameterize(tf.exp, tf.scalar(0)), bias: tf.scalar(1) };
 * const before = tf.memory().numTensors;
 * disposeTree(unwrap(model), { keep: model }); // disposes exp(0), not model.bias
 * tf.memory().numTensors - before; // 0
 * model.bias.isDisposed; // false
 */
export function disposeTree(tree: unknown, options?: DisposeTreeOptions): void {
  const filter = options?.filter;
  const treeOptions = withDefaultRegistry(options);
  const kept =
    options?.keep === undefined ? undefined : new Set<unknown>(treeLeaves(options.keep, treeOptions));
  for (const leaf of treeLeaves(tree, treeOptions)) {
    if (isTensor(leaf) && (filter === undefined || filter(leaf)) && !kept?.has(leaf)) leaf.dispose();
  }
}

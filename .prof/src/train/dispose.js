"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.disposeTree = disposeTree;
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
const flatten_1 = require("../core/flatten");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const values_1 = require("../tensor/values");
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
function disposeTree(tree, options) {
    const filter = options?.filter;
    for (const leaf of (0, flatten_1.treeLeaves)(tree, (0, defaultRegistry_1.withDefaultRegistry)(options))) {
        if ((0, values_1.isTensor)(leaf) && (filter === undefined || filter(leaf)))
            leaf.dispose();
    }
}

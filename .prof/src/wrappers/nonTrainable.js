"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.nonTrainableSpec = void 0;
exports.NonTrainable = NonTrainable;
exports.isNonTrainable = isNonTrainable;
exports.unwrapNonTrainable = unwrapNonTrainable;
const rebuildPass_1 = require("../core/rebuildPass");
const options_1 = require("../core/options");
const stopGradient_1 = require("../tensor/stopGradient");
const values_1 = require("../tensor/values");
const spec_1 = require("./spec");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
const NonTrainableTag = "NonTrainable";
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
function NonTrainable(tree) {
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
function isNonTrainable(x) {
    return (0, spec_1.isTagged)(x, NonTrainableTag) && "tree" in x;
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
function unwrapNonTrainable(node) {
    // Arrays and plain objects only (tagged records included, all their fields), as `tf.tidy`.
    const leaf = (x) => ((0, values_1.isFloatTensor)(x) ? (0, stopGradient_1.stopGradient)(x) : x);
    return (0, rebuildPass_1.rebuildPass)(node.tree, (0, options_1.resolveOptions)(undefined), { leaf, share: true });
}
/**
 * The registry entry for `NonTrainable` (already in `defaultRegistry`).
 *
 * @example
 * nonTrainableSpec.children; // ["tree"]
 */
exports.nonTrainableSpec = Object.freeze({
    tag: NonTrainableTag,
    children: Object.freeze(["tree"]),
    unwrap: unwrapNonTrainable,
});

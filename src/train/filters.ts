/**
 * Leaf filters for training: which leaves of a tree are tensors, and which of those can be
 * differentiated (equinox's `is_array` and `is_inexact_array`).
 *
 * A model tree holds more than parameters: integer tensors (indices, counts), plain numbers,
 * strings, functions. Gradients and optimisers only make sense for floating-point tensors, so the
 * training functions select leaves with {@link isFloatTensor} and pass every other leaf through.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * `x` is a tfjs tensor (any dtype). tfjs's `instanceof Tensor` checks the shape of the object,
 * so tensors from another copy of tfjs-core are recognised too.
 *
 * @example
 * isTensor(tf.scalar(1)); // true
 * isTensor(1);            // false
 * isTensor([1, 2]);       // false
 */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/**
 * `x` is a tensor of a floating-point dtype (`float32`, or `complex64`), the leaves that can be
 * differentiated and trained. Integer, boolean and string tensors are not.
 *
 * @example
 * isFloatTensor(tf.scalar(1.5));          // true
 * isFloatTensor(tf.scalar(1, "int32"));   // false
 * isFloatTensor(0.5);                     // false: a number is a constant, not a parameter
 */
export function isFloatTensor(x: unknown): x is tf.Tensor {
  return isTensor(x) && (x.dtype === "float32" || x.dtype === "complex64");
}

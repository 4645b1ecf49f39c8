/**
 * `simplex(value)`: a probability vector (last axis positive, summing to 1), initialised with the
 * value you mean.
 *
 * @example
 * unwrap(simplex([0.2, 0.3, 0.5])).dataSync(); // ≈ [0.2, 0.3, 0.5]
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { simplexFromLogits, simplexLogits } from "../tensor/simplex";
import { Parameterize } from "../wrappers/parameterize";

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `Parameterize(simplexFromLogits, simplexLogits(value))`: the trainable leaf holds `n - 1`
 * unconstrained reals per row (additive logistic: `softmax([raw, 0])`), so every row of the
 * result is positive and sums to 1. Any leading batch axes are fine. `treeAssign` sets it to a
 * new point of the simplex; the codec stores it (`simplexFromLogits` is in its function table).
 *
 * Throws, naming the first offending element or row, when an entry is not positive or a row does
 * not sum to 1 (within 1e-4).
 *
 * @example
 * simplex([[0.5, 0.5], [0.9, 0.1]]).args[0].shape; // [2, 1]
 * simplex([0.5, -0.1, 0.6]); // throws "simplex: 1 element is not positive; the first is -0.10000000149011612 at index [1]"
 */
export function simplex(value: tf.Tensor | tf.TensorLike): Parameterize<tf.Tensor, readonly [tf.Tensor]> {
  let raw: tf.Tensor;
  try {
    raw = simplexLogits(value);
  } catch (e) {
    if (e instanceof RangeError)
      throw new RangeError(e.message.replace(/^simplexLogits:/, "simplex:"), { cause: e });
    throw e;
  }
  return Parameterize(simplexFromLogits as (x: tf.Tensor) => tf.Tensor, raw);
}

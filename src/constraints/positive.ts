/**
 * `positive(value)`: a parameter that stays positive, initialised with the value you mean.
 *
 * @example
 * const scale = positive([0.5, 2]);
 * unwrap(scale).dataSync(); // ≈ [0.5, 2]
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor } from "../tensor/domain";
import { invSoftplus } from "../tensor/invSoftplus";
import { Parameterize } from "../wrappers/parameterize";

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `Parameterize(tf.softplus, invSoftplus(value))`: the trainable leaf is unconstrained and the
 * wrapper always unwraps to a positive tensor (`softplus`), here equal to `value` within float32
 * rounding. Elementwise, so any leading batch axes are fine. `treeAssign` sets it to a new positive
 * value; the codec stores it (`softplus` is in its function table).
 *
 * Throws, naming the first offending element, when a value is not positive (softplus never
 * reaches 0).
 *
 * @example
 * const s = positive(tf.tensor2d([[1, 2], [3, 4]]));
 * unwrap(s).shape; // [2, 2]
 * positive([1, 0]); // throws "positive: 1 element is not positive (softplus only takes positive values); the first is 0 at index [1]"
 */
export function positive(value: tf.Tensor | tf.TensorLike): Parameterize<tf.Tensor, readonly [tf.Tensor]> {
  const raw = tf.tidy(() => {
    const v = toFloatTensor("positive", value);
    assertElements(
      "positive",
      v,
      (x) => tf.greater(x, 0),
      "not positive (softplus only takes positive values)",
    );
    return invSoftplus(v);
  });
  return Parameterize(tf.softplus as (x: tf.Tensor) => tf.Tensor, raw);
}

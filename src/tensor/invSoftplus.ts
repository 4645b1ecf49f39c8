/**
 * `invSoftplus`: the inverse of `softplus(x) = log(1 + exp(x))`, for initialising positive
 * parameters stored as `Parameterize(tf.softplus, raw)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { unravel } from "./domain";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * The inverse of softplus: `log(-expm1(-x)) + x`, elementwise (paramax's `inv_softplus`).
 *
 * This form stays accurate at both ends: for small `x`, `-expm1(-x)` keeps the digits that
 * `1 - exp(-x)` would cancel away; for large `x` the log term tends to 0 and the result to `x`
 * instead of overflowing as `log(exp(x) - 1)` would. `invSoftplus(0)` is `-Infinity` (softplus
 * never reaches 0). Accepts numbers, arrays and tensors; the result is a float32 tensor.
 *
 * Throws when any element is negative (softplus only takes positive values), naming how many
 * and the first one. The check reads the values back synchronously.
 *
 * @example
 * const y = tf.softplus(tf.tensor1d([1, 2, 3]));
 * invSoftplus(y).dataSync(); // ≈ [1, 2, 3]
 * // softplus(-0.43275) = 0.5
 * invSoftplus(0.5).dataSync()[0]; // ≈ -0.43275
 */
export function invSoftplus<T extends tf.Tensor>(x: T | tf.TensorLike): T {
  return tf.tidy<T>(() => {
    const input = x instanceof tf.Tensor ? x : tf.tensor(x);
    if (input.dtype === "string" || input.dtype === "complex64") {
      throw new TypeError(`invSoftplus: expected a real-valued input, got a ${input.dtype} tensor`);
    }
    const value = input.dtype === "float32" ? input : tf.cast(input, "float32");
    assertNonNegative(value);
    return tf.add<T>(tf.log(tf.neg(tf.expm1(tf.neg(value)))), value);
  });
}

function assertNonNegative(x: tf.Tensor): void {
  const anyNegative = tf.any(tf.less(x, 0));
  if (anyNegative.dataSync()[0] === 0) return;
  const data = x.dataSync();
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if ((data[i] as number) < 0) {
      count++;
      if (first < 0) first = i;
    }
  }
  const where = x.rank === 0 ? "" : ` at index [${unravel(first, x.shape).join(", ")}]`;
  throw new RangeError(
    `invSoftplus: expected non-negative inputs (softplus only takes positive values), but ` +
      `${count} element${count === 1 ? " is" : "s are"} negative; the first is ${data[first]}${where}. ` +
      `For a negative scale, build the wrapper from positive values and change the field ` +
      `afterwards (e.g. with treeAt).`,
  );
}

/**
 * `logit`: the inverse of the sigmoid.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor } from "./domain";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * The inverse of `tf.sigmoid`: `log(p) - log1p(-p)`, elementwise, for `p` in (0, 1) (`0` and `1`
 * give `-Infinity` and `Infinity`). Accepts numbers, arrays and tensors; the result is a float32
 * tensor. Throws, naming the first offending element, when a value is outside [0, 1] or NaN.
 *
 * @example
 * logit(tf.sigmoid(tf.tensor1d([-2, 0, 3]))).dataSync(); // ≈ [-2, 0, 3]
 * logit([0.5, 1.5]); // throws "logit: 1 element is outside [0, 1] (the sigmoid's range); the first is 1.5 at index [1]"
 */
export function logit<T extends tf.Tensor>(p: T | tf.TensorLike): T {
  return tf.tidy<T>(() => {
    const x = toFloatTensor("logit", p);
    assertElements(
      "logit",
      x,
      (v) => tf.logicalAnd(tf.greaterEqual(v, 0), tf.lessEqual(v, 1)),
      "outside [0, 1] (the sigmoid's range)",
    );
    return tf.sub<T>(tf.log(x), tf.log1p(tf.neg(x)));
  });
}

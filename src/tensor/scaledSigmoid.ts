/**
 * `scaledSigmoid` and `scaledLogit`: the map from the real line onto an interval `(lo, hi)` and
 * its inverse, for bounded parameters.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor } from "./domain";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `lo + (hi - lo) * sigmoid(x)`, elementwise: any real `x` lands strictly inside `(lo, hi)`
 * (up to float32 rounding at the ends). `lo` and `hi` are numbers.
 *
 * @example
 * scaledSigmoid(tf.tensor1d([0]), -1, 3).dataSync(); // Float32Array [1]
 */
export function scaledSigmoid<T extends tf.Tensor>(x: T, lo: number, hi: number): T {
  return tf.tidy(() => tf.add<T>(tf.mul(tf.sigmoid(x), hi - lo), lo));
}

/**
 * The inverse of {@link scaledSigmoid}: `logit((v - lo) / (hi - lo))`. Throws, naming the first
 * offending element, when a value is not strictly inside `(lo, hi)`.
 *
 * @example
 * scaledLogit(tf.tensor1d([1]), -1, 3).dataSync(); // Float32Array [0]
 * scaledLogit([0, 5], -1, 3); // throws "scaledLogit: 1 element is outside (-1, 3); the first is 5 at index [1]"
 */
export function scaledLogit<T extends tf.Tensor>(v: T | tf.TensorLike, lo: number, hi: number): T {
  return tf.tidy(() => {
    const x = toFloatTensor("scaledLogit", v);
    assertElements(
      "scaledLogit",
      x,
      (t) => tf.logicalAnd(tf.greater(t, lo), tf.less(t, hi)),
      `outside (${lo}, ${hi})`,
    );
    const p = tf.div(tf.sub(x, lo), hi - lo);
    return tf.sub<T>(tf.log(p), tf.log1p(tf.neg(p)));
  });
}

/**
 * `simplexFromLogits` and `simplexLogits`: the additive logistic map from `n - 1` free reals to
 * the probability simplex of `n` entries (last axis), and its inverse.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor, unravel } from "./domain";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `softmax([x, 0])` along the last axis: `[..., n - 1]` reals to `[..., n]` positive entries
 * summing to 1. The appended zero makes the map one-to-one (plain softmax is not).
 *
 * @example
 * simplexFromLogits(tf.tensor1d([0, 0])).dataSync(); // ≈ [0.3333, 0.3333, 0.3333]
 */
export function simplexFromLogits<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const zeros = tf.zeros([...x.shape.slice(0, -1), 1]);
    return tf.softmax(tf.concat([x, zeros], -1)) as T;
  });
}

/**
 * The inverse of {@link simplexFromLogits}: `log(v[..., :-1]) - log(v[..., -1])`. Throws, naming
 * the first offending element or row, when an entry is not positive or a row (last axis) does not
 * sum to 1 within 1e-4.
 *
 * @example
 * simplexLogits([0.25, 0.25, 0.5]).dataSync(); // ≈ [-0.6931, -0.6931]
 * simplexLogits([[0.5, 0.5], [0.5, 0.6]]); // throws "simplexLogits: the row [1] sums to 1.100000023841858, not 1 (within 1e-4)"
 */
export function simplexLogits<T extends tf.Tensor>(v: T | tf.TensorLike): T {
  return tf.tidy(() => {
    const x = toFloatTensor("simplexLogits", v);
    if (x.rank < 1 || (x.shape[x.rank - 1] as number) < 1) {
      throw new RangeError(
        `simplexLogits: expected a last axis of length >= 1, got shape [${x.shape.join(", ")}]`,
      );
    }
    assertElements("simplexLogits", x, (t) => tf.greater(t, 0), "not positive");
    const sums = tf.sum(x, -1);
    const data = sums.dataSync();
    const bad = data.findIndex((s) => !(Math.abs(s - 1) <= 1e-4));
    if (bad >= 0) {
      const row = sums.rank === 0 ? "" : ` [${unravel(bad, sums.shape).join(", ")}]`;
      throw new RangeError(`simplexLogits: the row${row} sums to ${data[bad]}, not 1 (within 1e-4)`);
    }
    const n = x.shape[x.rank - 1] as number;
    const logs = tf.log(x);
    const last = tf.slice(logs, [...x.shape.slice(0, -1).map(() => 0), n - 1], [...x.shape.slice(0, -1), 1]);
    const head = tf.slice(
      logs,
      x.shape.map(() => 0),
      [...x.shape.slice(0, -1), n - 1],
    );
    return tf.sub<T>(head, last);
  });
}

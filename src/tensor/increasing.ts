/**
 * `increasingFromLogits` and its inverse: `n` free reals to `n` strictly increasing values inside
 * `(lo, hi)` along the last axis (paramax's `RealToIncreasingOnInterval`): the gaps between
 * `lo`, the values and `hi` are a point of the simplex.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor } from "./domain";
import { simplexFromLogits, simplexLogits } from "./simplex";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `lo + (hi - lo) * cumsum(simplexFromLogits(x))` without its last entry, along the last axis:
 * strictly increasing values inside `(lo, hi)`.
 *
 * @example
 * increasingFromLogits(tf.tensor1d([0, 0, 0]), 0, 4).dataSync(); // ≈ [1, 2, 3]
 */
export function increasingFromLogits<T extends tf.Tensor>(x: T, lo: number, hi: number): T {
  return tf.tidy(() => {
    const gaps = simplexFromLogits(x);
    const n = x.shape[x.rank - 1] as number;
    const points = tf.slice(
      tf.cumsum(gaps, gaps.rank - 1),
      gaps.shape.map(() => 0),
      [...x.shape.slice(0, -1), n],
    );
    return tf.add<T>(tf.mul(points, hi - lo), lo);
  });
}

/**
 * The inverse of {@link increasingFromLogits}. Throws, naming the first offending element, when a
 * value is outside `(lo, hi)` or not above the one before it.
 *
 * @example
 * increasingLogits([1, 2, 3], 0, 4).dataSync(); // ≈ [0, 0, 0]
 * increasingLogits([1, 3, 2], 0, 4); // throws "increasingLogits: 1 element is not above the one before it; the first is 2 at index [2]"
 */
export function increasingLogits<T extends tf.Tensor>(v: T | tf.TensorLike, lo: number, hi: number): T {
  return tf.tidy(() => {
    const x = toFloatTensor("increasingLogits", v);
    const what = "increasingLogits";
    if (x.rank < 1) throw new RangeError(`${what}: expected a last axis, got a scalar`);
    assertElements(
      what,
      x,
      (t) => tf.logicalAnd(tf.greater(t, lo), tf.less(t, hi)),
      `outside (${lo}, ${hi})`,
    );
    const u = tf.div(tf.sub(x, lo), hi - lo);
    const batch = x.shape.slice(0, -1);
    const padded = tf.concat([tf.zeros([...batch, 1]), u, tf.ones([...batch, 1])], -1);
    const n = x.shape[x.rank - 1] as number;
    const start = padded.shape.map(() => 0);
    const next = tf.slice(
      padded,
      start.map((_z, i) => (i === padded.rank - 1 ? 1 : 0)),
      [...batch, n + 1],
    );
    const gaps = tf.sub(next, tf.slice(padded, start, [...batch, n + 1]));
    // A gap before element k (k < n) that is not positive: element k is not above the one before it.
    const before = tf.slice(gaps, start, [...batch, n]);
    assertElements(what, x, () => tf.greater(before, 0), "not above the one before it");
    return simplexLogits(tf.div(gaps, tf.sum(gaps, -1, true))) as T;
  });
}

/**
 * `lowerTriangle` and `choleskyFactor`: square matrices (last two axes) masked to their lower
 * triangle by a multiply (not `bandPart`, whose gradient is broken in tfjs 4.22), the second with
 * a softplus diagonal, and their inverses.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertElements, toFloatTensor } from "./domain";
import { invSoftplus } from "./invSoftplus";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `x` times the lower-triangular mask (diagonal included) of its last two axes: the upper
 * entries become 0 and get a zero gradient.
 *
 * @example
 * lowerTriangle(tf.tensor2d([[1, 2], [3, 4]])).arraySync(); // [[1, 0], [3, 4]]
 */
export function lowerTriangle<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul<T>(x, mask(squareSize("lowerTriangle", x), 0)));
}

/**
 * The inverse of {@link lowerTriangle}: `v` itself, refused (naming the element) when an entry
 * above the diagonal is not 0.
 *
 * @example
 * lowerTriangleInverse([[1, 0], [3, 4]]).arraySync(); // [[1, 0], [3, 4]]
 * lowerTriangleInverse([[1, 2], [3, 4]]); // throws "lowerTriangleInverse: 1 element is above the diagonal and not 0; the first is 2 at index [0, 1]"
 */
export function lowerTriangleInverse<T extends tf.Tensor>(v: T | tf.TensorLike): T {
  return tf.tidy(() => {
    const x = toFloatTensor("lowerTriangleInverse", v);
    const upper = tf.sub(1, mask(squareSize("lowerTriangleInverse", x), 0));
    assertElements(
      "lowerTriangleInverse",
      x,
      (t) => tf.logicalOr(tf.equal(upper, 0), tf.equal(t, 0)),
      "above the diagonal and not 0",
    );
    return tf.mul<T>(x, 1);
  });
}

/**
 * A Cholesky factor: the strict lower triangle of `x`, and `softplus` of its diagonal (always
 * positive). Upper entries get a zero gradient.
 *
 * @example
 * choleskyFactor(tf.tensor2d([[0, 5], [2, 0]])).arraySync(); // ≈ [[0.6931, 0], [2, 0.6931]]
 */
export function choleskyFactor<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const n = squareSize("choleskyFactor", x);
    const eye = tf.eye(n);
    return tf.add<T>(tf.mul(x, mask(n, 1)), tf.mul(tf.softplus(x), eye));
  });
}

/**
 * The inverse of {@link choleskyFactor}: the strict lower triangle kept, `invSoftplus` of the
 * diagonal, 0 above. Refused, naming the element, when an entry above the diagonal is not 0 or a
 * diagonal entry is not positive.
 *
 * @example
 * choleskyFactorInverse([[Math.log(2), 0], [2, Math.log(2)]]).arraySync(); // ≈ [[0, 0], [2, 0]]
 * choleskyFactorInverse([[1, 0], [2, -1]]); // throws "choleskyFactorInverse: 1 element is on the diagonal and not positive; the first is -1 at index [1, 1]"
 */
export function choleskyFactorInverse<T extends tf.Tensor>(v: T | tf.TensorLike): T {
  return tf.tidy(() => {
    const x = toFloatTensor("choleskyFactorInverse", v);
    const n = squareSize("choleskyFactorInverse", x);
    const eye = tf.eye(n);
    const upper = tf.sub(1, mask(n, 0));
    assertElements(
      "choleskyFactorInverse",
      x,
      (t) => tf.logicalOr(tf.equal(upper, 0), tf.equal(t, 0)),
      "above the diagonal and not 0",
    );
    assertElements(
      "choleskyFactorInverse",
      x,
      (t) => tf.logicalOr(tf.equal(eye, 0), tf.greater(t, 0)),
      "on the diagonal and not positive",
    );
    const diagonal = invSoftplus(tf.add(tf.mul(x, eye), tf.sub(1, eye)));
    return tf.add<T>(tf.mul(x, mask(n, 1)), tf.mul(diagonal, eye));
  });
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** The size `n` of the last two axes, which must be equal. */
function squareSize(what: string, x: tf.Tensor): number {
  const n = x.shape[x.rank - 1];
  if (x.rank < 2 || n !== x.shape[x.rank - 2]) {
    throw new RangeError(
      `${what}: expected square matrices in the last two axes, got shape [${x.shape.join(", ")}]`,
    );
  }
  return n as number;
}

/** `[n, n]` float mask: 1 where `row >= col + offset` (offset 0: lower with diagonal; 1: strict). */
function mask(n: number, offset: number): tf.Tensor {
  const values = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) values[r * n + c] = r >= c + offset ? 1 : 0;
  return tf.tensor2d(values, [n, n]);
}

/**
 * `lowerTriangular(value)` and `cholesky(value)`: matrices (last two axes) kept lower triangular,
 * the second with a positive diagonal, initialised with the value you mean.
 *
 * @example
 * unwrap(cholesky([[2, 0], [1, 3]])).arraySync(); // ≈ [[2, 0], [1, 3]]
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import {
  choleskyFactor,
  choleskyFactorInverse,
  lowerTriangle,
  lowerTriangleInverse,
} from "../tensor/triangular";
import { Parameterize } from "../wrappers/parameterize";

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `Parameterize(lowerTriangle, value)`: unwraps to the raw leaf times the lower-triangular mask,
 * so the raw entries above the diagonal get a zero gradient and never show. Any leading batch
 * axes are fine. Throws, naming the first offending element, when an entry above the diagonal of
 * `value` is not 0.
 *
 * @example
 * lowerTriangular([[1, 5], [2, 3]]); // throws "lowerTriangular: 1 element is above the diagonal and not 0; the first is 5 at index [0, 1]"
 */
export function lowerTriangular(
  value: tf.Tensor | tf.TensorLike,
): Parameterize<tf.Tensor, readonly [tf.Tensor]> {
  return Parameterize(
    lowerTriangle as (x: tf.Tensor) => tf.Tensor,
    renamed("lowerTriangular", lowerTriangleInverse, value),
  );
}

/**
 * `Parameterize(choleskyFactor, raw)`: unwraps to a lower-triangular matrix with a positive
 * (softplus) diagonal, a Cholesky factor; equal to `value` within float32 rounding. Any leading
 * batch axes are fine. Throws, naming the first offending element, when an entry above the
 * diagonal is not 0 or a diagonal entry is not positive.
 *
 * @example
 * cholesky([[1, 0], [2, 0]]); // throws "cholesky: 1 element is on the diagonal and not positive; the first is 0 at index [1, 1]"
 */
export function cholesky(value: tf.Tensor | tf.TensorLike): Parameterize<tf.Tensor, readonly [tf.Tensor]> {
  return Parameterize(
    choleskyFactor as (x: tf.Tensor) => tf.Tensor,
    renamed("cholesky", choleskyFactorInverse, value),
  );
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** `inverse(value)`, its range errors named after the constructor. */
function renamed(
  what: string,
  inverse: (v: tf.Tensor | tf.TensorLike) => tf.Tensor,
  value: tf.Tensor | tf.TensorLike,
): tf.Tensor {
  try {
    return inverse(value);
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(e.message.replace(/^\w+:/, `${what}:`), { cause: e });
    throw e;
  }
}

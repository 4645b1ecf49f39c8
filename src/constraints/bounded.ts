/**
 * `bounded(value, lo, hi)`: a parameter that stays inside `(lo, hi)`, initialised with the value
 * you mean.
 *
 * @example
 * const rate = bounded(0.25, 0, 1);
 * unwrap(rate).dataSync()[0]; // ≈ 0.25
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { scaledLogit, scaledSigmoid } from "../tensor/scaledSigmoid";
import { Parameterize } from "../wrappers/parameterize";
import { checkInterval, rawInside } from "./interval";

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `Parameterize(scaledSigmoid, raw, lo, hi)`, unwrapping to `lo + (hi - lo) * sigmoid(raw)`:
 * the trainable leaf `raw` is unconstrained, and `lo`, `hi` are plain numbers (not tensors, so
 * no optimiser moves them). Unwraps to `value` within float32 rounding; elementwise, so any
 * leading batch axes are fine. `treeAssign` sets it to a new value inside the interval; the codec
 * stores it (`scaledSigmoid` is in its function table).
 *
 * Throws when `lo < hi` are not finite numbers, and, naming the first offending element, when a
 * value is not strictly inside `(lo, hi)`.
 *
 * @example
 * const b = bounded([[-0.5, 0.5]], -1, 1);
 * b.args.slice(1); // [-1, 1]
 * bounded(2, 0, 1); // throws "bounded: 1 element is outside (0, 1); the first is 2"
 * bounded(0.5, 1, 0); // throws "bounded: expected finite numbers lo < hi, got lo = 1, hi = 0"
 */
export function bounded(
  value: tf.Tensor | tf.TensorLike,
  lo: number,
  hi: number,
): Parameterize<tf.Tensor, readonly [tf.Tensor, number, number]> {
  checkInterval("bounded", lo, hi);
  const raw = rawInside("bounded", scaledLogit, value, lo, hi);
  return Parameterize(scaledSigmoid as (x: tf.Tensor, lo: number, hi: number) => tf.Tensor, raw, lo, hi);
}

/**
 * `increasingOnInterval(value, lo, hi)`: values strictly increasing along the last axis inside
 * `(lo, hi)` (knots, thresholds, quantiles), initialised with the value you mean.
 *
 * @example
 * unwrap(increasingOnInterval([0.1, 0.5, 0.9], 0, 1)).dataSync(); // ≈ [0.1, 0.5, 0.9]
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { increasingFromLogits, increasingLogits } from "../tensor/increasing";
import { Parameterize } from "../wrappers/parameterize";
import { checkInterval, rawInside } from "./interval";

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `Parameterize(increasingFromLogits, raw, lo, hi)`: the trainable leaf is unconstrained (the
 * logits of the gaps between `lo`, the values and `hi`), `lo` and `hi` are plain numbers, and it
 * unwraps to `value` within float32 rounding. Any leading batch axes are fine.
 *
 * Throws when `lo < hi` are not finite numbers, and, naming the first offending element, when a
 * value is outside `(lo, hi)` or not above the one before it.
 *
 * @example
 * increasingOnInterval([0.5, 0.2], 0, 1); // throws "increasingOnInterval: 1 element is not above the one before it; the first is 0.20000000298023224 at index [1]"
 */
export function increasingOnInterval(
  value: tf.Tensor | tf.TensorLike,
  lo: number,
  hi: number,
): Parameterize<tf.Tensor, readonly [tf.Tensor, number, number]> {
  checkInterval("increasingOnInterval", lo, hi);
  const raw = rawInside("increasingOnInterval", increasingLogits, value, lo, hi);
  return Parameterize(
    increasingFromLogits as (x: tf.Tensor, lo: number, hi: number) => tf.Tensor,
    raw,
    lo,
    hi,
  );
}

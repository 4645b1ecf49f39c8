/**
 * What the constructors with an interval (`bounded`, `increasingOnInterval`) check alike: the
 * interval itself, and the inverse's refusal told under the constructor's own name (the user
 * called `bounded`, not `scaledLogit`).
 *
 * @internal
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** Throws unless `lo` and `hi` are finite numbers with `lo < hi`. */
export function checkInterval(constructor: string, lo: number, hi: number): void {
  if (
    typeof lo !== "number" ||
    typeof hi !== "number" ||
    !Number.isFinite(lo) ||
    !Number.isFinite(hi) ||
    !(lo < hi)
  ) {
    throw new RangeError(
      `${constructor}: expected finite numbers lo < hi, got lo = ${String(lo)}, hi = ${String(hi)}`,
    );
  }
}

/** `inverse(value, lo, hi)`, its RangeError renamed to `constructor`. */
export function rawInside(
  constructor: string,
  inverse: (value: tf.Tensor | tf.TensorLike, lo: number, hi: number) => tf.Tensor,
  value: tf.Tensor | tf.TensorLike,
  lo: number,
  hi: number,
): tf.Tensor {
  try {
    return inverse(value, lo, hi);
  } catch (e) {
    if (e instanceof RangeError)
      throw new RangeError(e.message.replace(/^\w+:/, `${constructor}:`), { cause: e });
    throw e;
  }
}

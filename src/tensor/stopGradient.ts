/**
 * `stopGradient`: identity forward, zero gradient (tfjs has no built-in stop-gradient).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "./values";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

let identityWithZeroGrad: ((x: tf.Tensor) => tf.Tensor) | undefined;

/**
 * Returns `x` unchanged, but cuts it out of differentiation: every gradient that flows through
 * the result is exactly zero (as `jax.lax.stop_gradient`). The result is a new tensor object that
 * shares `x`'s data (no copy); disposing it leaves `x` alive.
 *
 * Built as a `tf.customGrad` identity whose gradient is `zerosLike(x)`.
 *
 * @example
 * const x = tf.scalar(3);
 * const g = tf.grad((x: tf.Tensor) => tf.mul(stopGradient(tf.square(x)), x))(x);
 * // d/dx (c * x) with c = x^2 held constant: c = 9
 * g.dataSync()[0]; // 9
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`stopGradient: expected a tf.Tensor, got ${describeValue(x)}`);
  }
  // Created on first use rather than at module evaluation, so that importing paramtree never
  // touches the tfjs engine.
  identityWithZeroGrad ??= tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return {
      value: tf.clone(input),
      gradFunc: () => tf.zerosLike(input),
    };
  });
  return identityWithZeroGrad(x) as T;
}

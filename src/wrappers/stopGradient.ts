/**
 * `stopGradient`: identity forward, zero gradient (tfjs has no built-in stop-gradient).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

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
  }) as (x: tf.Tensor) => tf.Tensor;
  return identityWithZeroGrad(x) as T;
}

/** @internal A short description of a value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    const name = proto?.constructor?.name;
    return proto === Object.prototype || proto === null ? "a plain object" : `an instance of ${name ?? "a class"}`;
  }
  if (typeof x === "function") return "a function";
  return `${typeof x} ${String(x)}`;
}

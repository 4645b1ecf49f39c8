/**
 * `unwrapping`: a function of plain parameters made into a function of the wrapped model (the
 * seed's flowjax unwraps automatically before a loss or a bijection's methods; here it is one
 * combinator, so losses, samplers and bijections are written once against plain tensors).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TreeOptions } from "../core/options";
import type { Registry } from "../core/registry";
import { describeValue, tensorsIn } from "../tensor/values";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import type { Unwrapped, UnwrappedWith } from "../wrappers/types";
import { unwrap } from "../wrappers/unwrap";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The model argument of an {@link unwrapping} function: `T` itself when `unwrap` turns it into
 * what `f` takes (`Unwrapped<T>`, or `UnwrappedWith<T>` when a registry is given, assignable to
 * `P`), else a type that no model fits, whose one
 * property names the mistake in the compiler's message.
 *
 * @example
 * type M = UnwrapsTo<{ s: Parameterize<number> }, { s: number }>; // { s: Parameterize<number> }
 */
export type UnwrapsTo<T, P, Registered extends boolean = false> = [
  Registered extends true ? UnwrappedWith<T> : Unwrapped<T>,
] extends [P]
  ? T
  : { readonly "unwrapping: the model does not unwrap to what f takes": P };

/**
 * What {@link unwrapping} returns: a function of any model `T` that unwraps to the parameters of
 * `f` (checked at compile time), with `f`'s other arguments and result.
 *
 * @example
 * const double: UnwrappingFunction<number, [], number> = unwrapping((x: number) => 2 * x);
 * double(Parameterize((x: number) => x + 1, 2)); // 6
 */
export type UnwrappingFunction<P, A extends readonly unknown[], R, Registered extends boolean = false> = <T>(
  model: UnwrapsTo<T, P, Registered>,
  ...rest: A
) => R;

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Turns `f(params, ...rest)` into a function of the wrapped model: it unwraps the model (with
 * `options`, default registry `defaultRegistry`), calls `f` with the result and `rest`, and
 * disposes every tensor made on the way, so only the tensors of `f`'s result survive (found
 * through arrays, plain objects and registered nodes; a result that is not a tensor, or holds
 * none, leaves nothing behind). Works inside `valueAndGrad`, `tf.grad` and `treeOptimizer`'s
 * step: gradients flow through `unwrap` to the model's trainable leaves. `f` must be
 * synchronous.
 *
 * Annotate `f`'s parameter as `Unwrapped<Model>`: the returned function then accepts a `Model`
 * (and any other tree that unwraps to the same types) and refuses, at compile time, a tree that
 * does not.
 *
 * @example
 * const model = { scale: Parameterize(tf.exp, tf.scalar(0)), shift: tf.scalar(1) };
 * const affine = unwrapping((p: Unwrapped<typeof model>, x: tf.Tensor) => p.scale.mul(x).add(p.shift));
 * const before = tf.memory().numTensors;
 * const y = affine(model, tf.scalar(2)); // exp(0) * 2 + 1
 * y.dataSync(); // Float32Array [3]
 * tf.memory().numTensors - before; // 2: the input 2 and y; exp(0) and the product are gone
 * const { value, grads } = valueAndGrad((m: typeof model) => affine(m, tf.scalar(2)))(model);
 * grads.scale.args[0].dataSync(); // Float32Array [2]: d(exp(s) * 2)/ds at s = 0
 */
export function unwrapping<P, A extends readonly unknown[], R>(
  f: (params: P, ...rest: A) => R,
  options: TreeOptions & { readonly registry: Registry },
): UnwrappingFunction<P, A, R, true>;
export function unwrapping<P, A extends readonly unknown[], R>(
  f: (params: P, ...rest: A) => R,
  options?: TreeOptions,
): UnwrappingFunction<P, A, R>;
export function unwrapping<P, A extends readonly unknown[], R>(
  f: (params: P, ...rest: A) => R,
  options?: TreeOptions,
): UnwrappingFunction<P, A, R> | UnwrappingFunction<P, A, R, true> {
  if (typeof f !== "function") {
    throw new TypeError(`unwrapping: f must be a function, got ${describeValue(f)}`);
  }
  const bound = withDefaultRegistry(options);
  return <T>(model: UnwrapsTo<T, P>, ...rest: A): R => {
    let out: R | undefined;
    tf.tidy(() => {
      out = f(unwrap(model, bound) as P, ...rest);
      if (isThenable(out)) {
        throw new TypeError("unwrapping: f returned a promise; f must be synchronous");
      }
      return tensorsIn(out, bound);
    });
    return out as R;
  };
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

function isThenable(x: unknown): boolean {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

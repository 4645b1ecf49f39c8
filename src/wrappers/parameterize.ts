/**
 * `Parameterize(fn, ...args)`: a value stored as the arguments of a function, computed on
 * unwrap. The usual way to constrain a parameter: `Parameterize(tf.exp, logScale)` trains
 * `logScale` freely and always unwraps to a positive tensor.
 *
 * @example
 * const positive = Parameterize(tf.exp, tf.zeros([3]));
 * unwrap(positive).dataSync(); // [1, 1, 1]
 *
 * @module
 */
import { describeValue } from "../tensor/values";
import { isTagged, type WrapperSpec } from "./spec";
import type { KnownUnwrappable, Unwrapped } from "./types";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const ParameterizeTag = "Parameterize";

/**
 * A record `{ _tag: "Parameterize", fn, args }` that unwraps to `fn(...unwrap(args))`.
 *
 * `args` is the child: it may hold tensors, numbers, objects and other wrappers, all unwrapped
 * before `fn` is called. `fn` is static (part of the tree's structure, compared by identity).
 * `R` is the type `fn` returns, `A` the type of the (wrapped) arguments.
 */
export interface Parameterize<
  R = unknown,
  A extends readonly unknown[] = readonly unknown[],
> extends KnownUnwrappable<"Parameterize", R> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `fn` takes the unwrapped args, whose types the record does not keep
  readonly fn: (...args: any[]) => R;
  readonly args: A;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Builds a frozen `Parameterize` record: on unwrap, `args` are unwrapped first and `fn` is
 * called with them (paramax's `Parameterize`; JavaScript has no keyword arguments, so pass an
 * object argument instead). Nothing is computed here.
 *
 * If the record may be built with batched tensors (see `treeStack`), make `fn` broadcast so
 * that it still unwraps correctly, as paramax recommends.
 *
 * @example
 * const square = (x: number) => x * x;
 * unwrap(Parameterize(square, Parameterize(square, Parameterize(square, 2)))); // 256
 * unwrap(Parameterize(tf.exp, tf.zeros([3]))).dataSync(); // [1, 1, 1]
 */
export function Parameterize<const A extends readonly unknown[], R>(
  fn: (...args: Unwrapped<A>) => R,
  ...args: A
): Parameterize<R, A> {
  if (typeof fn !== "function") {
    throw new TypeError(`Parameterize: fn must be a function, got ${describeValue(fn)}`);
  }
  return Object.freeze({
    _tag: ParameterizeTag,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `fn` takes the unwrapped args, whose types the record does not keep
    fn: fn as (...args: any[]) => R,
    args: Object.freeze([...args]) as unknown as A,
  });
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` is a `Parameterize` record (a plain object with that tag, a function `fn` and an
 * array `args`).
 *
 * @example
 * isParameterize(Parameterize(tf.exp, 0)); // true
 * isParameterize({ fn: tf.exp, args: [0] }); // false
 */
export function isParameterize(x: unknown): x is Parameterize {
  if (!isTagged(x, ParameterizeTag)) return false;
  const { fn, args } = x as { fn?: unknown; args?: unknown };
  return typeof fn === "function" && Array.isArray(args);
}

// -------------------------------------------------------------------------------------
// unwrap
// -------------------------------------------------------------------------------------

/**
 * `Parameterize`'s own unwrap: `fn(...args)`, the args being already unwrapped.
 *
 * @example
 * unwrapParameterize(Parameterize(Math.max, 1, 5)); // 5
 */
export function unwrapParameterize<R>(node: Parameterize<R>): R {
  if (!Array.isArray(node.args)) {
    throw new TypeError(`Parameterize.args must be an array, got ${describeValue(node.args)}`);
  }
  const args = node.args as readonly unknown[];
  // The usual single argument without a spread (which allocates), same receiver.
  return args.length === 1 ? node.fn(args[0]) : node.fn(...args);
}

/**
 * The registry entry for `Parameterize` (already in `defaultRegistry`; use it to build a registry
 * from `emptyRegistry`).
 *
 * @example
 * const registry = registerWrapper(emptyRegistry, parameterizeSpec);
 * unwrap(Parameterize(Math.abs, -2), { registry }); // 2
 */
export const parameterizeSpec: WrapperSpec<Parameterize, unknown> = Object.freeze({
  tag: ParameterizeTag,
  children: Object.freeze(["args"]),
  unwrap: unwrapParameterize,
});

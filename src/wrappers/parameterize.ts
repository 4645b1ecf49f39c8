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
import * as tf from "@tensorflow/tfjs-core";
import type { TreeOptions } from "../core/options";
import { assertElements, toFloatTensor } from "../tensor/domain";
import { invSoftplus } from "../tensor/invSoftplus";
import { increasingFromLogits, increasingLogits } from "../tensor/increasing";
import { logit } from "../tensor/logit";
import { scaledLogit, scaledSigmoid } from "../tensor/scaledSigmoid";
import { simplexFromLogits, simplexLogits } from "../tensor/simplex";
import {
  choleskyFactor,
  choleskyFactorInverse,
  lowerTriangle,
  lowerTriangleInverse,
} from "../tensor/triangular";
import { describeValue } from "../tensor/values";
import { assignValue, declareStepwiseInverse, NoInverseError, type InverseStep } from "./inverse";
import { isTagged, type WrapperSpec } from "./spec";
import type { KnownUnwrappable, Unwrapped } from "./types";
import type { RecordChildren } from "../core/types";

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
export interface Parameterize<R = unknown, A extends readonly unknown[] = readonly unknown[]>
  extends KnownUnwrappable<"Parameterize", R>, RecordChildren<"args"> {
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

// -------------------------------------------------------------------------------------
// inverse
// -------------------------------------------------------------------------------------

type Unary = (x: tf.Tensor) => tf.Tensor;
/** An inverse for the first argument, given the value and the other (static) arguments. */
type Inverse = (x: tf.Tensor, rest: readonly unknown[]) => tf.Tensor;

/** `x` must satisfy `ok` for `fn`'s inverse; the message names the function and the element. */
const requiring =
  (name: string, inv: Unary, ok: Unary, why: string): Unary =>
  (x) => {
    assertElements(`the inverse of ${name}`, x, ok, why);
    return inv(x);
  };
const positive = (x: tf.Tensor): tf.Tensor => tf.greater(x, 0);
const nonNegative = (x: tf.Tensor): tf.Tensor => tf.greaterEqual(x, 0);
const between = (lo: number, hi: number) => (x: tf.Tensor) =>
  tf.logicalAnd(tf.greater(x, lo), tf.less(x, hi));

/**
 * The named invertible functions: a function and its inverse, which refuses values outside the
 * function's range. Pairs only, matched by identity: nothing is guessed from a function's name.
 * `tf.square` is inverted on the positives (its inverse is `tf.sqrt`).
 */
const unary: [unknown, readonly [string, Unary]][] = [
  [tf.exp, ["tf.exp", requiring("tf.exp", tf.log, positive, "not positive")]],
  [tf.log, ["tf.log", tf.exp]],
  [tf.softplus, ["tf.softplus", (x) => invSoftplus(x)]],
  [invSoftplus, ["invSoftplus", tf.softplus]],
  [tf.sigmoid, ["tf.sigmoid", requiring("tf.sigmoid", (x) => logit(x), between(0, 1), "outside (0, 1)")]],
  [logit, ["logit", tf.sigmoid]],
  [tf.square, ["tf.square", requiring("tf.square", tf.sqrt, nonNegative, "negative")]],
  [tf.sqrt, ["tf.sqrt", requiring("tf.sqrt", tf.square, nonNegative, "negative")]],
  [tf.tanh, ["tf.tanh", requiring("tf.tanh", tf.atanh, between(-1, 1), "outside (-1, 1)")]],
  [tf.atanh, ["tf.atanh", tf.tanh]],
  [tf.expm1, ["tf.expm1", requiring("tf.expm1", tf.log1p, between(-1, Infinity), "not above -1")]],
  [tf.log1p, ["tf.log1p", tf.expm1]],
  [simplexFromLogits, ["simplexFromLogits", (x) => simplexLogits(x)]],
  [lowerTriangle, ["lowerTriangle", (x) => lowerTriangleInverse(x)]],
  [choleskyFactor, ["choleskyFactor", (x) => choleskyFactorInverse(x)]],
];

/** The table: each function with its name, how many arguments it takes, and its inverse. */
const inverses: ReadonlyMap<unknown, readonly [string, number, Inverse]> = new Map<
  unknown,
  readonly [string, number, Inverse]
>([
  ...unary.map(([fn, [name, inv]]) => [fn, [name, 1, (x: tf.Tensor) => inv(x)]] as const),
  [scaledSigmoid, ["scaledSigmoid", 3, (x, [lo, hi]) => scaledLogit(x, lo as number, hi as number)]],
  [
    increasingFromLogits,
    ["increasingFromLogits", 3, (x, [lo, hi]) => increasingLogits(x, lo as number, hi as number)],
  ],
]);

/** The names of the functions `Parameterize` can invert, for messages. */
const invertibleNames = [...inverses.values()].map(([name]) => name).join(", ");

/**
 * `Parameterize`'s inverse: for a single argument and a function of the named invertible ones
 * (`tf.exp`/`tf.log`, `tf.softplus`/`invSoftplus`, `tf.sigmoid`/`logit`, `tf.square`/`tf.sqrt`,
 * `tf.tanh`/`tf.atanh`, `tf.expm1`/`tf.log1p`; `scaledSigmoid(x, lo, hi)`/`scaledLogit` with
 * `lo` and `hi` kept), the record whose argument is the function's
 * inverse of `value` (stored into the argument when it is itself a wrapper). Throws a
 * `NoInverseError` for any other function, a `RangeError` for a value outside its range.
 *
 * @example
 * const p = inverseParameterize(Parameterize(tf.exp, tf.scalar(0)), 2, {});
 * tf.tidy(() => unwrap(p).dataSync()[0]); // ≈ 2
 */
export function inverseParameterize<R, A extends readonly unknown[]>(
  node: Parameterize<R, A>,
  value: unknown,
  options: TreeOptions,
): Parameterize<R, A> {
  const { child, value: preimage, rebuild } = parameterizeStep(node, value);
  return rebuild(assignValue(child, preimage, options));
}

/** `inverseParameterize` before it stores into the argument (`assignValue` loops over these). */
function parameterizeStep<R, A extends readonly unknown[]>(
  node: Parameterize<R, A>,
  value: unknown,
): InverseStep<Parameterize<R, A>> {
  const entry = inverses.get(node.fn);
  const name = node.fn.name === "" ? "<anonymous>" : node.fn.name;
  if (entry === undefined) {
    throw new NoInverseError(
      ParameterizeTag,
      `its function ${name} is not one of the named invertible functions (${invertibleNames})`,
    );
  }
  const [fnName, arity, inverse] = entry;
  if (node.args.length !== arity) {
    throw new NoInverseError(
      ParameterizeTag,
      `${fnName} is inverted for ${arity === 1 ? "one argument" : `${arity} arguments`}, got ${node.args.length}`,
    );
  }
  const rest = node.args.slice(1);
  return {
    child: node.args[0],
    value: inverse(toFloatTensor(fnName, value as tf.TensorLike), rest),
    rebuild: (arg) =>
      Object.freeze({
        _tag: ParameterizeTag,
        fn: node.fn,
        args: Object.freeze([arg, ...rest]) as unknown as A,
      }),
  };
}

declareStepwiseInverse(inverseParameterize, parameterizeStep);

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
  inverse: inverseParameterize,
});

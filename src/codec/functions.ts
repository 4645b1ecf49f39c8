/**
 * The function table: how functions (such as `Parameterize`'s `fn`) are written in a document.
 *
 * Code cannot be serialized safely, so a document names functions instead, as
 * `{ "_tag": "Function", "name": "softplus" }`, and the reader looks the name up in a table. The
 * default table holds tfjs's common elementwise functions under their tfjs names; a user table
 * adds to it, and on a name in both the user's function wins. Encoding looks functions up by
 * identity, so `tf.exp` is written as `"exp"` and a function in no table is an error that names
 * where it sits.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { increasingFromLogits } from "../tensor/increasing";
import { scaledSigmoid } from "../tensor/scaledSigmoid";
import { simplexFromLogits } from "../tensor/simplex";
import { choleskyFactor, lowerTriangle } from "../tensor/triangular";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Any function a tree may hold in a static field. */
// `any[]` is the one parameter list that every function is assignable to and that stays callable:
// `never[]` would also accept every function, but would make `defaultFunctions.exp(x)` (a public
// FunctionTable entry) a type error for callers; `unknown[]` would reject `(x: tf.Tensor) => ...`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/**
 * Names to functions.
 *
 * @example
 * const table: FunctionTable = { exp: tf.exp, double: (x: tf.Tensor) => tf.mul(x, 2) };
 */
export type FunctionTable = Readonly<Record<string, AnyFunction>>;

/**
 * A table resolved for both directions: names to functions, functions to names.
 *
 * @example
 * const fns = resolveFunctions({ double: (x: tf.Tensor) => tf.mul(x, 2) });
 * fns.byName.get("exp") === tf.exp; // true
 */
export interface ResolvedFunctions {
  readonly byName: ReadonlyMap<string, AnyFunction>;
  readonly byFunction: ReadonlyMap<AnyFunction, string>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The default table: tfjs's common elementwise functions (the usual `Parameterize`
 * transforms), each under its tfjs name.
 *
 * @example
 * defaultFunctions.softplus === tf.softplus; // true
 */
export const defaultFunctions: FunctionTable = Object.freeze({
  abs: tf.abs,
  acos: tf.acos,
  acosh: tf.acosh,
  asin: tf.asin,
  asinh: tf.asinh,
  atan: tf.atan,
  atanh: tf.atanh,
  ceil: tf.ceil,
  choleskyFactor,
  cos: tf.cos,
  cosh: tf.cosh,
  elu: tf.elu,
  erf: tf.erf,
  exp: tf.exp,
  expm1: tf.expm1,
  floor: tf.floor,
  increasingFromLogits,
  log: tf.log,
  log1p: tf.log1p,
  logSigmoid: tf.logSigmoid,
  lowerTriangle,
  logSoftmax: tf.logSoftmax,
  neg: tf.neg,
  reciprocal: tf.reciprocal,
  relu: tf.relu,
  relu6: tf.relu6,
  round: tf.round,
  scaledSigmoid,
  rsqrt: tf.rsqrt,
  selu: tf.selu,
  sigmoid: tf.sigmoid,
  sign: tf.sign,
  simplexFromLogits,
  sin: tf.sin,
  sinh: tf.sinh,
  softmax: tf.softmax,
  softplus: tf.softplus,
  sqrt: tf.sqrt,
  square: tf.square,
  tan: tf.tan,
  tanh: tf.tanh,
}) as FunctionTable;

/**
 * The default table plus `functions` (the user's entry wins on a shared name). A function
 * listed under several names is written with the user's name when it has one, else the first
 * default name. Throws when an entry is not a function.
 *
 * @example
 * const myExp = (x: tf.Tensor) => tf.exp(x);
 * const fns = resolveFunctions({ exp: myExp });
 * fns.byName.get("exp") === myExp;   // true
 * fns.byFunction.has(tf.exp);        // false: tf.exp lost its name to myExp
 */
export function resolveFunctions(functions?: FunctionTable): ResolvedFunctions {
  const byName = new Map<string, AnyFunction>();
  for (const name of Object.keys(defaultFunctions)) byName.set(name, defaultFunctions[name] as AnyFunction);
  const user = functions === undefined ? [] : Object.keys(functions);
  for (const name of user) {
    const fn = (functions as FunctionTable)[name];
    if (typeof fn !== "function") {
      throw new TypeError(
        `treeCodec: functions[${JSON.stringify(name)}] must be a function, got ${typeof fn}`,
      );
    }
    byName.set(name, fn);
  }
  const byFunction = new Map<AnyFunction, string>();
  // User names first so they win; then defaults that were not overridden.
  for (const name of user) {
    const fn = byName.get(name) as AnyFunction;
    if (!byFunction.has(fn)) byFunction.set(fn, name);
  }
  for (const [name, fn] of byName) if (!byFunction.has(fn)) byFunction.set(fn, name);
  return { byName, byFunction };
}

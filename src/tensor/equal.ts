/**
 * `treeEqual`: are two trees the same, structure and leaves (equinox's `tree_equal`)?
 *
 * Tensors are compared by shape, dtype and values, read with `dataSync()` (which allocates no
 * tensor, so nothing can leak). Numbers, tensor values and typed-array elements may be compared
 * with tolerances, as numpy's `allclose`: `|a - b| <= atol + rtol * |b|`. Without tolerances the
 * comparison is exact (and `0` equals `-0`). `NaN` is unequal to everything, itself included, unless `equalNan` is set
 * (numpy's default too); infinities are equal when they have the same sign.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { isTensor } from "./values";
import type { KeyPath } from "../core/keyPath";
import { firstDifference } from "../core/treedef";
import { treeFlatten } from "../core/flatten";
import type { TreeOptions } from "../core/options";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of {@link treeEqual}: tolerances and the tree options used to flatten both trees.
 *
 * @example
 * const loose: TreeEqualOptions = { rtol: 1e-5, atol: 1e-8, equalNan: true };
 */
export interface TreeEqualOptions extends TreeOptions {
  /** Relative tolerance (default 0). */
  readonly rtol?: number | undefined;
  /** Absolute tolerance (default 0). */
  readonly atol?: number | undefined;
  /** Count `NaN` as equal to `NaN` (default false, as numpy's `allclose`). */
  readonly equalNan?: boolean | undefined;
}

/**
 * Where two trees first differ and how (see {@link treeDifference}).
 *
 * @example
 * const d: TreeDifference = { path: ["a", 1], reason: "leaf 2 differs from 3" };
 */
export interface TreeDifference {
  readonly path: KeyPath;
  readonly reason: string;
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `true` when `a` and `b` have the same structure (as `TreeDef.equals`: key insertion order does
 * not matter, record static fields do) and equal leaves: tensors by shape, dtype and values;
 * numbers, tensor values and typed arrays within `atol + rtol * |b|` (exactly by default);
 * anything else by `Object.is`. See {@link treeDifference} to learn where they differ.
 *
 * @example
 * treeEqual({ a: 1, b: [2] }, { b: [2], a: 1 });                     // true
 * tf.tidy(() => treeEqual({ w: tf.tensor([1, 2]) }, { w: tf.tensor([1, 2]) })); // true
 * treeEqual([1.0], [1.0001], { atol: 1e-3 });                        // true
 * treeEqual([NaN], [NaN]);                                           // false
 */
export function treeEqual(a: unknown, b: unknown, options?: TreeEqualOptions): boolean {
  return treeDifference(a, b, options) === undefined;
}

/**
 * Where `a` and `b` first differ (the key path and what differs there), or `undefined` when
 * {@link treeEqual} holds. Handy in test failures and assertions.
 *
 * @example
 * treeDifference({ a: [1, 2] }, { a: [1, 3] });
 * // { path: ["a", 1], reason: "leaf 2 differs from 3" }
 * treeDifference({ a: 1 }, { b: 1 })?.reason;
 * // 'structure: the first tree has an object with keys ["a"] but the second has an object with keys ["b"]'
 */
export function treeDifference(
  a: unknown,
  b: unknown,
  options?: TreeEqualOptions,
): TreeDifference | undefined {
  const rtol = options?.rtol ?? 0;
  const atol = options?.atol ?? 0;
  if (!(rtol >= 0) || !(atol >= 0)) {
    throw new RangeError(
      `treeEqual: rtol and atol must be non-negative numbers, got rtol=${rtol}, atol=${atol}`,
    );
  }
  const tol: Tolerance = { rtol, atol, equalNan: options?.equalNan === true };
  // Paths cost a copy per leaf: compute them only for the difference, if any.
  const [la, da] = treeFlatten(a, options);
  const [lb, db] = treeFlatten(b, options);
  if (!da.equals(db)) {
    const diff = firstDifference(da, db) ?? firstDifference(db, da);
    return diff === undefined
      ? { path: [], reason: "structure differs" }
      : {
          path: diff.path,
          reason: `structure: the first tree has ${diff.left} but the second has ${diff.right}`,
        };
  }
  for (let i = 0; i < la.length; i++) {
    const reason = leafDifference(la[i], lb[i], tol);
    if (reason !== undefined) return { path: da.leafPath(i), reason };
  }
  return undefined;
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
  readonly equalNan: boolean;
}

function close(x: number, y: number, tol: Tolerance): boolean {
  if (x === y) return true;
  if (Number.isNaN(x) || Number.isNaN(y)) return tol.equalNan && Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y);
}

function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "function") return x.name === "" ? "<function>" : `<function ${x.name}>`;
  if (isTensor(x)) return `${x.dtype}[${x.shape.join(",")}]`;
  if (x !== null && typeof x === "object") {
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return `<${typeof name === "string" ? name : "object"}>`;
  }
  return Object.is(x, -0) ? "-0" : String(x);
}

type Values = ArrayLike<number | string | bigint | Uint8Array>;

/** The first element where two flat value arrays differ, described, or undefined. */
function valuesDifference(
  u: Values,
  v: Values,
  tol: Tolerance,
  shape: readonly number[] | undefined,
): string | undefined {
  for (let k = 0; k < u.length; k++) {
    const p = u[k];
    const q = v[k];
    const equal =
      typeof p === "number" && typeof q === "number"
        ? close(p, q, tol)
        : p instanceof Uint8Array && q instanceof Uint8Array
          ? p.length === q.length && p.every((byte, j) => byte === q[j])
          : p === q;
    if (!equal) {
      const at = shape === undefined ? `[${k}]` : `[${unravel(k, shape).join(",")}]`;
      return `element ${at} is ${show(p)} vs ${show(q)}`;
    }
  }
  return undefined;
}

/** The multi-index of flat (row-major) index `k` in `shape`. */
function unravel(k: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    out[d] = k % size;
    k = Math.floor(k / size);
  }
  return out;
}

function leafDifference(x: unknown, y: unknown, tol: Tolerance): string | undefined {
  if (typeof x === "number" && typeof y === "number") {
    return close(x, y, tol) ? undefined : `leaf ${show(x)} differs from ${show(y)}`;
  }
  const xt = isTensor(x);
  const yt = isTensor(y);
  if (xt || yt) {
    if (!(xt && yt)) return `leaf ${show(x)} differs from ${show(y)} (only one is a tensor)`;
    if (x.dtype !== y.dtype) return `tensor dtype ${x.dtype} differs from ${y.dtype}`;
    if (!sameShape(x.shape, y.shape)) {
      return `tensor shape [${x.shape.join(",")}] differs from [${y.shape.join(",")}]`;
    }
    if (x === y) return undefined;
    const diff = valuesDifference(x.dataSync<tf.DataType>(), y.dataSync<tf.DataType>(), tol, x.shape);
    return diff === undefined ? undefined : `tensor ${diff}`;
  }
  if (
    ArrayBuffer.isView(x) &&
    ArrayBuffer.isView(y) &&
    !(x instanceof DataView) &&
    !(y instanceof DataView)
  ) {
    if (x.constructor !== y.constructor) return `leaf ${show(x)} differs from ${show(y)}`;
    const u = x as unknown as Values;
    const v = y as unknown as Values;
    if (u.length !== v.length) return `typed array length ${u.length} differs from ${v.length}`;
    const diff = valuesDifference(u, v, tol, undefined);
    return diff === undefined ? undefined : `typed array ${diff}`;
  }
  return Object.is(x, y) ? undefined : `leaf ${show(x)} differs from ${show(y)}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

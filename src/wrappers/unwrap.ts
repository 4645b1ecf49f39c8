/**
 * `unwrap`: replaces every wrapper in a tree by its value, innermost first (paramax's `unwrap`).
 *
 * A pure post-order fold over the engine's rebuild (see `fold.ts`): children are unwrapped, the
 * record is rebuilt from them without re-running its constructor, then its own unwrap is applied;
 * that result is not scanned again. Everything else comes back unchanged, and subtrees without
 * wrappers come back as the very same objects. The input is never mutated.
 *
 * Memory: `unwrap` creates exactly the tensors of its result. Temporaries inside a wrapper's
 * unwrap and intermediate values consumed by an enclosing wrapper are disposed when `unwrap`
 * returns; the result's new tensors are tracked by the enclosing `tf.tidy`, if any. Like
 * `tf.tidy`, it finds the tensors of a result through arrays and plain objects only.
 *
 * @example
 * const params = Parameterize(tf.exp, tf.zeros([3]));
 * const [s, n, x] = unwrap(["abc", 1, params] as const);
 * x.dataSync(); // [1, 1, 1]
 *
 * @module
 */
import { flattenPass } from "../core/flattenPass";
import { RECORD } from "../core/node";
import { lookupSpec, type RecordSpec, type Registry } from "../core/registry";
import { resolveOptions, type TreeOptions } from "../core/options";
import { defaultRegistry, withDefaultRegistry } from "./defaultRegistry";
import { unwrapTree } from "./fold";
import { isWrapperSpec } from "./spec";
import type { Unwrappable, Unwrapped, UnwrappedWith } from "./types";

// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------

/**
 * Unwraps every wrapper of `options.registry` (default: `defaultRegistry`) anywhere in `tree`
 * (at the root too), and every record made by a {@link defineWrapper} constructor whose tag the
 * registry does not override. Throws an {@link UnwrapError} naming the wrapper's path and tag
 * when a wrapper's unwrap fails, after disposing every tensor it had created.
 *
 * Typed {@link Unwrapped} without a registry (records with a tag only a registry would know stay
 * records) and {@link UnwrappedWith} when the call passes one.
 *
 * @example
 * const square = (x: number) => x * x;
 * unwrap({ a: Parameterize(square, 3), b: [Parameterize(square, Parameterize(square, 2))] }); // { a: 9, b: [16] }
 */
export function unwrap<T>(tree: T, options: TreeOptions & { readonly registry: Registry }): UnwrappedWith<T>;
export function unwrap<T>(tree: T, options?: TreeOptions): Unwrapped<T>;
export function unwrap<T>(tree: T, options?: TreeOptions): Unwrapped<T> | UnwrappedWith<T> {
  return unwrapTree(tree, withDefaultRegistry(options)) as Unwrapped<T>;
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` itself is a wrapper: a plain object whose `_tag` is registered as a wrapper in
 * `options.registry` (default: `defaultRegistry`), or a record of a {@link defineWrapper}
 * constructor, unless `options.isLeaf(x)` says it is a leaf (then `unwrap` leaves it alone).
 *
 * @example
 * isUnwrappable(Parameterize(tf.exp, 0)); // true
 * // not until "Clip" is registered:
 * isUnwrappable({ _tag: "Clip" }); // false
 * const p = Parameterize(tf.exp, 0);
 * isUnwrappable(p, { isLeaf: (x) => x === p }); // false
 */
export function isUnwrappable(x: unknown, options?: TreeOptions): x is Unwrappable {
  // `unwrap` asks `isLeaf` first, so what it calls a leaf is never unwrapped.
  if (options?.isLeaf?.(x) === true) return false;
  return isWrapperSpec(lookupSpec(options?.registry ?? defaultRegistry, x));
}

/**
 * Whether any wrapper of `options.registry` (default: `defaultRegistry`), or any record of a
 * {@link defineWrapper} constructor, occurs anywhere in `tree`, the root included.
 *
 * @example
 * containsUnwrappables({ a: [1, NonTrainable(tf.scalar(1))] }); // true
 * containsUnwrappables({ a: [1, 2] }); // false
 */
export function containsUnwrappables(tree: unknown, options?: TreeOptions): boolean {
  const metas = flattenPass(tree, resolveOptions(withDefaultRegistry(options)), true).metas ?? [];
  return metas.some((m) => m.kind === RECORD && isWrapperSpec(m.spec as RecordSpec));
}

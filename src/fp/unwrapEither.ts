/**
 * `unwrap` with its failures as values: `Either<UnwrapError, Unwrapped<T>>` instead of a throw,
 * so that it sits in the middle of a `pipe` (after a decode, before a loss) without an exception
 * escaping.
 *
 * The fold is the wrappers module's `unwrap`, unchanged: it names the failing wrapper's key path
 * and tag in an `UnwrapError`, and disposes every tensor it had created before the failure, so
 * the number of live tensors after a `Left` is what it was before the call. The input tree is
 * never touched (its tensors stay the caller's).
 *
 * @module
 */
import * as E from "fp-ts/Either";
import type { TreeOptions } from "../core/options";
import type { Registry } from "../core/registry";
import type { Unwrapped, UnwrappedWith } from "../wrappers/types";
import { unwrap } from "../wrappers/unwrap";
import { isUnwrapError, type UnwrapError } from "../wrappers/unwrapError";

// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------

/**
 * `unwrap` returning an `Either` instead of throwing when a wrapper's unwrap fails (for example
 * `Parameterize(invSoftplus, tf.scalar(-1))`, or a shape error inside a `Parameterize`): `Right`
 * of the unwrapped tree, or `Left` of the `UnwrapError` (key path, tag, cause) of the first
 * wrapper, in post-order, whose unwrap threw. Errors that are not a wrapper failing (a cyclic
 * tree) are bugs and are still thrown. `options` as `unwrap`'s.
 *
 * @example
 * import * as E from "fp-ts/Either";
 * import { pipe } from "fp-ts/function";
 * const model = { w: tf.ones([2, 3]), scale: Parameterize(tf.add, tf.ones([2]), tf.ones([4])) };
 * pipe(
 *   unwrapEither(model),
 *   E.match(
 *     (e) => `${keystr(e.path)} (${e.tag}): ${String(e.cause)}`, // ".scale (Parameterize): Error: Operands could not be broadcast ..."
 *     () => "ok",
 *   ),
 * );
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Positive",
 *   children: ["value"],
 *   unwrap: ({ value }: { value: number }) => {
 *     if (value <= 0) throw new RangeError(`expected a positive number, got ${value}`);
 *     return value;
 *   },
 * });
 * const result = unwrapEither({ a: [{ _tag: "Positive", value: -1 }] }, { registry });
 * E.isLeft(result) && result.left.message; // "unwrap: Positive at .a[0] failed: expected a positive number, got -1"
 */
export function unwrapEither<T>(
  tree: T,
  options: TreeOptions & { readonly registry: Registry },
): E.Either<UnwrapError, UnwrappedWith<T>>;
export function unwrapEither<T>(tree: T, options?: TreeOptions): E.Either<UnwrapError, Unwrapped<T>>;
export function unwrapEither<T>(
  tree: T,
  options?: TreeOptions,
): E.Either<UnwrapError, Unwrapped<T> | UnwrappedWith<T>> {
  try {
    return E.right(unwrap(tree, options));
  } catch (e) {
    if (isUnwrapError(e)) return E.left(e);
    throw e;
  }
}

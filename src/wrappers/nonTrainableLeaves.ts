/**
 * `nonTrainable(tree)`: every float tensor leaf wrapped in its own `NonTrainable` (paramax's
 * `non_trainable`). A module of its own because it needs the default registry, which is built
 * from the wrappers' specs.
 *
 * @module
 */
import { resolveOptions, type TreeOptions } from "../core/options";
import { rebuildPass } from "../core/rebuildPass";
import { isFloatTensor } from "../tensor/values";
import { withDefaultRegistry } from "./defaultRegistry";
import { NonTrainable, isNonTrainable, type NonTrainableLeaves } from "./nonTrainable";

/**
 * Wraps every float32 tensor leaf of `tree` in its own `NonTrainable`, which is usually handier
 * than wrapping the whole tree: the model keeps its shape and fields.
 *
 * Integer, bool and string tensors, numbers, strings and functions are left alone; an existing
 * `NonTrainable` is left as it is (never wrapped twice); other wrappers are descended into
 * through their child fields (`nonTrainable(Parameterize(f, w))` gives
 * `Parameterize(f, NonTrainable(w))`). Subtrees with nothing to wrap come back as the same
 * objects. `options.registry` says which records are wrappers (default: `defaultRegistry`).
 *
 * @example
 * const p = nonTrainable(Parameterize(tf.exp, tf.zeros([2])));
 * isNonTrainable(p.args[0]); // true
 */
export function nonTrainable<T>(tree: T, options?: TreeOptions): NonTrainableLeaves<T> {
  const resolved = resolveOptions(withDefaultRegistry(options));
  const userIsLeaf = resolved.isLeaf;
  const isLeaf = (x: unknown): boolean => isNonTrainable(x) || (userIsLeaf !== undefined && userIsLeaf(x));
  const leaf = (x: unknown): unknown => (isFloatTensor(x) ? NonTrainable(x) : x);
  return rebuildPass(tree, { ...resolved, isLeaf }, { leaf, share: true }) as NonTrainableLeaves<T>;
}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.unwrap = unwrap;
exports.isUnwrappable = isUnwrappable;
exports.containsUnwrappables = containsUnwrappables;
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
const flattenPass_1 = require("../core/flattenPass");
const node_1 = require("../core/node");
const registry_1 = require("../core/registry");
const options_1 = require("../core/options");
const defaultRegistry_1 = require("./defaultRegistry");
const fold_1 = require("./fold");
const spec_1 = require("./spec");
// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------
/**
 * Unwraps every wrapper of `options.registry` (default: `defaultRegistry`) anywhere in `tree`
 * (at the root too). Throws an {@link UnwrapError} naming the wrapper's path and tag when a
 * wrapper's unwrap fails, after disposing every tensor it had created.
 *
 * @example
 * const square = (x: number) => x * x;
 * unwrap({ a: Parameterize(square, 3), b: [Parameterize(square, Parameterize(square, 2))] }); // { a: 9, b: [16] }
 */
function unwrap(tree, options) {
    return (0, fold_1.unwrapTree)(tree, (0, defaultRegistry_1.withDefaultRegistry)(options));
}
// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------
/**
 * Whether `x` itself is a wrapper: a plain object whose `_tag` is registered as a wrapper in
 * `options.registry` (default: `defaultRegistry`).
 *
 * @example
 * isUnwrappable(Parameterize(tf.exp, 0)); // true
 * // not until "Clip" is registered:
 * isUnwrappable({ _tag: "Clip" }); // false
 */
function isUnwrappable(x, options) {
    return (0, spec_1.isWrapperSpec)((0, registry_1.lookupSpec)((0, options_1.resolveOptions)((0, defaultRegistry_1.withDefaultRegistry)(options)).registry, x));
}
/**
 * Whether any wrapper of `options.registry` (default: `defaultRegistry`) occurs anywhere in
 * `tree`, the root included.
 *
 * @example
 * containsUnwrappables({ a: [1, NonTrainable(tf.scalar(1))] }); // true
 * containsUnwrappables({ a: [1, 2] }); // false
 */
function containsUnwrappables(tree, options) {
    const metas = (0, flattenPass_1.flattenPass)(tree, (0, options_1.resolveOptions)((0, defaultRegistry_1.withDefaultRegistry)(options)), true, false).metas ?? [];
    return metas.some((m) => m.kind === node_1.RECORD && (0, spec_1.isWrapperSpec)(m.spec));
}

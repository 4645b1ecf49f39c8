"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.nonTrainable = nonTrainable;
/**
 * `nonTrainable(tree)`: every float tensor leaf wrapped in its own `NonTrainable` (paramax's
 * `non_trainable`). A module of its own because it needs the default registry, which is built
 * from the wrappers' specs.
 *
 * @module
 */
const options_1 = require("../core/options");
const rebuildPass_1 = require("../core/rebuildPass");
const values_1 = require("../tensor/values");
const defaultRegistry_1 = require("./defaultRegistry");
const nonTrainable_1 = require("./nonTrainable");
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
function nonTrainable(tree, options) {
    const resolved = (0, options_1.resolveOptions)((0, defaultRegistry_1.withDefaultRegistry)(options));
    const userIsLeaf = resolved.isLeaf;
    const isLeaf = (x) => (0, nonTrainable_1.isNonTrainable)(x) || (userIsLeaf !== undefined && userIsLeaf(x));
    const leaf = (x) => ((0, values_1.isFloatTensor)(x) ? (0, nonTrainable_1.NonTrainable)(x) : x);
    return (0, rebuildPass_1.rebuildPass)(tree, { ...resolved, isLeaf }, { leaf, share: true });
}

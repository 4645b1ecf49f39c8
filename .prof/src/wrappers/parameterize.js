"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parameterizeSpec = void 0;
exports.Parameterize = Parameterize;
exports.isParameterize = isParameterize;
exports.unwrapParameterize = unwrapParameterize;
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
const values_1 = require("../tensor/values");
const spec_1 = require("./spec");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
const ParameterizeTag = "Parameterize";
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
function Parameterize(fn, ...args) {
    if (typeof fn !== "function") {
        throw new TypeError(`Parameterize: fn must be a function, got ${(0, values_1.describeValue)(fn)}`);
    }
    return Object.freeze({
        _tag: ParameterizeTag,
        fn: fn,
        args: Object.freeze([...args]),
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
function isParameterize(x) {
    if (!(0, spec_1.isTagged)(x, ParameterizeTag))
        return false;
    const { fn, args } = x;
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
function unwrapParameterize(node) {
    if (!Array.isArray(node.args)) {
        throw new TypeError(`Parameterize.args must be an array, got ${(0, values_1.describeValue)(node.args)}`);
    }
    const args = node.args;
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
exports.parameterizeSpec = Object.freeze({
    tag: ParameterizeTag,
    children: Object.freeze(["args"]),
    unwrap: unwrapParameterize,
});

"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.valueAndGrad = valueAndGrad;
/**
 * `valueAndGrad`: the value of a scalar loss of a parameter tree and its gradient, as a tree of
 * the same structure (JAX's `jax.value_and_grad`, equinox's `filter_value_and_grad`).
 *
 * The gradient is taken with respect to every floating-point tensor leaf of the tree passed in
 * (see {@link isFloatTensor}); any other leaf (integer tensors, numbers, strings, functions) is a
 * constant and comes back in `grads` as it was given. The loss may unwrap the tree, use any
 * registered wrapper, and close over other trees: tensors it closes over are constants, even when
 * the same tensor object is also a leaf of the parameters, because `valueAndGrad` hands `f` fresh
 * handles (`tf.clone`, which shares the data and copies nothing) for the leaves it differentiates.
 * The same handles make a tensor that appears at two leaves get two separate gradients, as two
 * inputs do in JAX.
 *
 * Ownership: `value`, the gradient tensors at the float leaves of `grads` and the tensor leaves of
 * `aux` are new and belong to the caller; everything `f` creates in between is disposed. Non-float
 * leaves of `grads` are the caller's own leaves, so dispose a gradient tree with
 * `disposeTree(grads, { filter: isFloatTensor })`, never `tf.dispose(grads)` when the parameters
 * hold integer tensors.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const flatten_1 = require("../core/flatten");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const values_1 = require("../tensor/values");
function valueAndGrad(f, given) {
    const options = { ...given, ...(0, defaultRegistry_1.withDefaultRegistry)(given) };
    const hasAux = options?.hasAux === true;
    return (params) => {
        const [leaves, def] = (0, flatten_1.treeFlatten)(params, options);
        const positions = [];
        for (let i = 0; i < leaves.length; i++)
            if ((0, values_1.isFloatTensor)(leaves[i]))
                positions.push(i);
        // Fresh handles for the differentiated leaves: closed-over tensors stay constants, and a
        // tensor at two leaves is two inputs.
        const xs = positions.map((i) => tf.clone(leaves[i]));
        let aux = undefined;
        const forward = () => {
            const inputs = leaves.slice();
            for (let k = 0; k < positions.length; k++)
                inputs[positions[k]] = xs[k];
            const out = f(def.unflatten(inputs));
            let value = out;
            if (hasAux) {
                if (!Array.isArray(out) || out.length !== 2) {
                    throw new TypeError(`valueAndGrad: with hasAux, f must return [loss, aux], got ${describeValue(out)}`);
                }
                value = out[0];
                aux = out[1];
                // Keep the aux tensors past the tidy scope that disposes f's intermediates.
                for (const leaf of (0, flatten_1.treeLeaves)(aux, options))
                    if ((0, values_1.isTensor)(leaf))
                        tf.keep(leaf);
            }
            if (!(0, values_1.isTensor)(value) || value.rank !== 0 || value.dtype !== "float32") {
                throw new TypeError(`valueAndGrad: f must return a scalar float32 tensor (the loss)${hasAux ? " as the first element" : ""}, got ${describeValue(value)}`);
            }
            return value;
        };
        const outermost = tf.engine().state.gradientDepth === 0;
        let value;
        let raw;
        try {
            if (xs.length === 0) {
                value = tf.tidy(forward);
                raw = [];
            }
            else {
                const result = tf.engine().gradients(forward, xs, undefined, true);
                value = result.value;
                raw = result.grads;
            }
        }
        catch (error) {
            tf.dispose(xs);
            releaseTape(outermost);
            throw error;
        }
        // Every returned tensor must be a distinct tensor the caller owns.
        const owned = new Set([value]);
        const given = new Set(leaves);
        if (hasAux)
            for (const leaf of (0, flatten_1.treeLeaves)(aux, options))
                if ((0, values_1.isTensor)(leaf))
                    owned.add(leaf);
        const gradLeaves = leaves.slice();
        for (let k = 0; k < positions.length; k++) {
            const i = positions[k];
            let g = raw[k];
            if (g === undefined || g === null)
                g = tf.zerosLike(leaves[i]);
            else if (owned.has(g) || given.has(g))
                g = tf.clone(g);
            owned.add(g);
            gradLeaves[i] = g;
        }
        for (const x of xs)
            if (!owned.has(x))
                x.dispose();
        const grads = def.unflatten(gradLeaves);
        return hasAux ? { value, grads, aux } : { value, grads };
    };
}
// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------
/**
 * When `f` throws, tfjs disposes `f`'s intermediates but not the copies of them it saved on the
 * tape for the backward pass (it frees those only at the end of a successful backward pass), and
 * the next gradient call drops the tape: they would leak. Free them, as the backward pass would,
 * when this was the outermost gradient computation.
 */
function releaseTape(outermost) {
    const state = tf.engine().state;
    if (!outermost || state.gradientDepth !== 0 || state.activeTape == null)
        return;
    for (const node of state.activeTape)
        if (node.saved !== undefined)
            tf.dispose(node.saved);
    state.activeTape = null;
}
function describeValue(x) {
    if ((0, values_1.isTensor)(x))
        return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
    if (Array.isArray(x))
        return `an array of length ${x.length}`;
    if (x === null)
        return "null";
    if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint")
        return `${typeof x} ${x.toString()}`;
    if (typeof x === "string")
        return `string ${JSON.stringify(x)}`;
    if (x === undefined)
        return "undefined";
    return `an ${typeof x}`;
}

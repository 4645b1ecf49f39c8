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
exports.builtinRegistry = exports.weightNormalizationSpec = void 0;
exports.WeightNormalization = WeightNormalization;
exports.isWeightNormalization = isWeightNormalization;
exports.unwrapWeightNormalization = unwrapWeightNormalization;
/**
 * `WeightNormalization(weight)`: a weight matrix split into a direction and a trainable
 * positive length per row (Salimans & Kingma 2016, https://arxiv.org/abs/1602.07868), as
 * paramax's `WeightNormalization`.
 *
 * Unwraps to `scale * weight / ‖weight‖`, the norm taken over the last axis (kept), so the
 * norm of each row of the result is its `scale`.
 *
 * A row that is all zeros has no direction: unwrapping gives NaN for that row (0 / 0) and NaN
 * gradients for it; built from such a row, the row's scale is +Infinity. Other rows are not
 * affected, and every row that is not all zeros has finite values and gradients. Initialise
 * weights with non-zero rows (any random init does).
 *
 * @example
 * const wn = WeightNormalization(tf.tensor2d([[3, 4], [0, 2]]));
 * // each row's norm is its initial scale 1/‖row‖ = [1/5, 1/2]:
 * unwrap(wn).arraySync(); // ≈ [[0.12, 0.16], [0, 0.5]]
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const registry_1 = require("../core/registry");
const invSoftplus_1 = require("../tensor/invSoftplus");
const values_1 = require("../tensor/values");
const fold_1 = require("./fold");
const nonTrainable_1 = require("./nonTrainable");
const parameterize_1 = require("./parameterize");
const spec_1 = require("./spec");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
const WeightNormalizationTag = "WeightNormalization";
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * Builds a frozen `WeightNormalization` record. As in paramax, the scale starts at
 * `1 / ‖unwrap(weight)‖` per row (last axis), stored as `Parameterize(tf.softplus,
 * invSoftplus(1 / n))` so that it stays positive while training. The initial unwrapped weight is
 * therefore `weight / ‖weight‖²` row by row, not `weight` itself.
 *
 * `weight` is kept as given (not copied); the new `raw` tensor inside `scale` belongs to the
 * record (dispose it with the model). Every temporary is disposed. Leading batch axes are fine:
 * the result is the stack of the records built from each slice. `options.registry` is used to
 * unwrap `weight` (default: `defaultRegistry`).
 *
 * @example
 * const wn = WeightNormalization(tf.tensor2d([[3, 4]]));
 * unwrap(wn.scale).dataSync(); // ≈ [0.2]
 */
function WeightNormalization(weight, options) {
    const registry = options?.registry ?? exports.builtinRegistry;
    const raw = tf.tidy(() => {
        const w = (0, fold_1.unwrapTree)(weight, { ...options, registry });
        if (!(w instanceof tf.Tensor) || w.dtype !== "float32" || w.rank < 1) {
            throw new TypeError(`WeightNormalization: weight must be (or unwrap to) a float32 tensor of rank >= 1, got ${(0, values_1.describeValue)(w)}`);
        }
        return (0, invSoftplus_1.invSoftplus)(tf.div(1, rowNorms(w)));
    });
    return Object.freeze({
        _tag: WeightNormalizationTag,
        weight,
        scale: (0, parameterize_1.Parameterize)(tf.softplus, raw),
    });
}
// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------
/**
 * Whether `x` is a `WeightNormalization` record.
 *
 * @example
 * isWeightNormalization(WeightNormalization(tf.ones([2, 2]))); // true
 */
function isWeightNormalization(x) {
    return (0, spec_1.isTagged)(x, WeightNormalizationTag) && "weight" in x && "scale" in x;
}
// -------------------------------------------------------------------------------------
// unwrap
// -------------------------------------------------------------------------------------
/**
 * The L2 norm over the last axis, axis kept: `sqrt(sum(w²))`. Written out rather than
 * `tf.norm`, whose gradient also goes through `abs`; this form is finite for every row that is
 * not all zeros (and NaN, like `tf.norm`'s, for a row that is).
 */
function rowNorms(w) {
    return tf.sqrt(tf.sum(tf.square(w), -1, true));
}
/**
 * `WeightNormalization`'s own unwrap: `scale * weight / ‖weight‖` (same order of operations as
 * paramax), its children being already unwrapped tensors.
 *
 * @example
 * unwrapWeightNormalization({ _tag: "WeightNormalization", weight: tf.tensor2d([[3, 4]]), scale: tf.tensor2d([[10]]) })
 *   .dataSync(); // ≈ [6, 8]
 */
function unwrapWeightNormalization(node) {
    const { weight, scale } = node;
    if (!(weight instanceof tf.Tensor)) {
        throw new TypeError(`WeightNormalization.weight must unwrap to a tensor, got ${(0, values_1.describeValue)(weight)}`);
    }
    return tf.tidy(() => tf.div(tf.mul(scale, weight), rowNorms(weight)));
}
/**
 * The registry entry for `WeightNormalization` (already in `defaultRegistry`).
 *
 * @example
 * weightNormalizationSpec.children; // ["weight", "scale"]
 */
exports.weightNormalizationSpec = Object.freeze({
    tag: WeightNormalizationTag,
    children: Object.freeze(["weight", "scale"]),
    unwrap: unwrapWeightNormalization,
});
/**
 * @internal The three built-in wrappers, registered in one registry (published as
 * `defaultRegistry`). Built here, where the last of their specs is defined, so that the
 * constructor above can unwrap a wrapped weight without a module cycle.
 */
exports.builtinRegistry = [parameterize_1.parameterizeSpec, nonTrainable_1.nonTrainableSpec, exports.weightNormalizationSpec].reduce((registry, spec) => (0, spec_1.registerWrapper)(registry, spec), registry_1.emptyRegistry);

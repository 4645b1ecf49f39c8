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
exports.invSoftplus = invSoftplus;
/**
 * `invSoftplus`: the inverse of `softplus(x) = log(1 + exp(x))`, for initialising positive
 * parameters stored as `Parameterize(tf.softplus, raw)`.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
/**
 * The inverse of softplus: `log(-expm1(-x)) + x`, elementwise (paramax's `inv_softplus`).
 *
 * This form stays accurate at both ends: for small `x`, `-expm1(-x)` keeps the digits that
 * `1 - exp(-x)` would cancel away; for large `x` the log term tends to 0 and the result to `x`
 * instead of overflowing as `log(exp(x) - 1)` would. `invSoftplus(0)` is `-Infinity` (softplus
 * never reaches 0). Accepts numbers, arrays and tensors; the result is a float32 tensor.
 *
 * Throws when any element is negative (softplus only takes positive values), naming how many
 * and the first one. The check reads the values back synchronously.
 *
 * @example
 * const y = tf.softplus(tf.tensor1d([1, 2, 3]));
 * invSoftplus(y).dataSync(); // ≈ [1, 2, 3]
 * // softplus(-0.43275) = 0.5
 * invSoftplus(0.5).dataSync()[0]; // ≈ -0.43275
 */
function invSoftplus(x) {
    return tf.tidy(() => {
        const input = x instanceof tf.Tensor ? x : tf.tensor(x);
        if (input.dtype === "string" || input.dtype === "complex64") {
            throw new TypeError(`invSoftplus: expected a real-valued input, got a ${input.dtype} tensor`);
        }
        const value = input.dtype === "float32" ? input : tf.cast(input, "float32");
        assertNonNegative(value);
        return tf.add(tf.log(tf.neg(tf.expm1(tf.neg(value)))), value);
    });
}
function assertNonNegative(x) {
    const anyNegative = tf.any(tf.less(x, 0));
    if (anyNegative.dataSync()[0] === 0)
        return;
    const data = x.dataSync();
    let count = 0;
    let first = -1;
    for (let i = 0; i < data.length; i++) {
        if (data[i] < 0) {
            count++;
            if (first < 0)
                first = i;
        }
    }
    const where = x.rank === 0 ? "" : ` at index [${unravel(first, x.shape).join(", ")}]`;
    throw new RangeError(`invSoftplus: expected non-negative inputs (softplus only takes positive values), but ` +
        `${count} element${count === 1 ? " is" : "s are"} negative; the first is ${data[first]}${where}. ` +
        `For a negative scale, build the wrapper from positive values and change the field ` +
        `afterwards (e.g. with treeAt).`);
}
function unravel(flat, shape) {
    const index = new Array(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
        const size = shape[d];
        index[d] = flat % size;
        flat = Math.floor(flat / size);
    }
    return index;
}

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
exports.stopGradient = stopGradient;
/**
 * `stopGradient`: identity forward, zero gradient (tfjs has no built-in stop-gradient).
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const values_1 = require("./values");
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
let identityWithZeroGrad;
/**
 * Returns `x` unchanged, but cuts it out of differentiation: every gradient that flows through
 * the result is exactly zero (as `jax.lax.stop_gradient`). The result is a new tensor object that
 * shares `x`'s data (no copy); disposing it leaves `x` alive.
 *
 * Built as a `tf.customGrad` identity whose gradient is `zerosLike(x)`.
 *
 * @example
 * const x = tf.scalar(3);
 * const g = tf.grad((x: tf.Tensor) => tf.mul(stopGradient(tf.square(x)), x))(x);
 * // d/dx (c * x) with c = x^2 held constant: c = 9
 * g.dataSync()[0]; // 9
 */
function stopGradient(x) {
    if (!(x instanceof tf.Tensor)) {
        throw new TypeError(`stopGradient: expected a tf.Tensor, got ${(0, values_1.describeValue)(x)}`);
    }
    // Created on first use rather than at module evaluation, so that importing paramtree never
    // touches the tfjs engine.
    identityWithZeroGrad ??= tf.customGrad((...args) => {
        const input = args[0];
        return {
            value: tf.clone(input),
            gradFunc: () => tf.zerosLike(input),
        };
    });
    return identityWithZeroGrad(x);
}

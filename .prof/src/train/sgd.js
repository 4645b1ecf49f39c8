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
exports.sgdStep = sgdStep;
/**
 * Plain gradient descent over trees: `params - lr * grads`, leaf by leaf, as a pure function.
 *
 * The update is the one optimiser that needs no state, so it is a plain function of two trees of
 * one structure (`treeMapN`), returning a new tree and mutating nothing. It is what the tests use
 * as the reference update, and all a small model needs; for Adam and friends see
 * {@link treeOptimizer}.
 *
 * Ownership: the float tensor leaves of the result are new tensors that belong to the caller;
 * every other leaf (integer tensors, numbers, functions, statics) is shared with `params`.
 * Nothing is disposed: when the old parameters are yours and no longer needed, dispose their float
 * leaves (`disposeTree(old, { filter: isFloatTensor })`), and the gradients likewise.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const flatten_1 = require("../core/flatten");
const keyPath_1 = require("../core/keyPath");
const map_1 = require("../core/map");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const values_1 = require("../tensor/values");
/**
 * One step of gradient descent: a new tree whose float tensor leaves are `p - lr * g`, other
 * leaves as in `params`. `grads` must have the structure of `params` (as `valueAndGrad` returns
 * it); a float leaf whose gradient is not a tensor of the same shape is an error naming its path.
 *
 * @example
 * const params = { w: tf.tensor1d([1, 2]), n: 4 };
 * const grads = { w: tf.tensor1d([10, -10]), n: 4 };
 * const next = sgdStep(params, grads, 0.1);
 * next.w.dataSync(); // Float32Array [0, 3]
 * next.n;            // 4
 * tf.dispose([params.w, grads.w, next.w]);
 */
function sgdStep(params, grads, learningRate, given) {
    const options = (0, defaultRegistry_1.withDefaultRegistry)(given);
    if (typeof learningRate !== "number" || !Number.isFinite(learningRate)) {
        throw new TypeError(`sgdStep: learningRate must be a finite number, got ${String(learningRate)}`);
    }
    const [pairs, def] = (0, flatten_1.treeFlattenWithPath)(params, options);
    const [gradLeaves, gradDef] = (0, flatten_1.treeFlatten)(grads, options);
    (0, map_1.assertSameStructure)("sgdStep: grads do not have the structure of params", def, gradDef, 0, 1);
    const lr = tf.scalar(learningRate);
    const created = [];
    try {
        const out = pairs.map(([path, p], i) => {
            if (!(0, values_1.isFloatTensor)(p))
                return p;
            const g = gradLeaves[i];
            if (!(0, values_1.isTensor)(g) || !sameShape(g.shape, p.shape)) {
                const got = (0, values_1.isTensor)(g) ? `a tensor of shape [${g.shape.join(", ")}]` : String(g);
                throw new TypeError(`sgdStep: the gradient at ${(0, keyPath_1.describePath)(path)} must be a tensor of shape [${p.shape.join(", ")}], got ${got}`);
            }
            const next = tf.tidy(() => tf.sub(p, tf.mul(g, lr)));
            created.push(next);
            return next;
        });
        return def.unflatten(out);
    }
    catch (error) {
        tf.dispose(created);
        throw error;
    }
    finally {
        lr.dispose();
    }
}
function sameShape(a, b) {
    return a.length === b.length && a.every((d, i) => d === b[i]);
}

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
exports.isTensor = isTensor;
exports.isFloatTensor = isFloatTensor;
exports.tensorsIn = tensorsIn;
exports.describeValue = describeValue;
/**
 * What a value is, for the layers above the engine: tensors, floating tensors, the tensors inside
 * a value, and a short description for error messages. Each is written once, here.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const flatten_1 = require("../core/flatten");
// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------
/**
 * tfjs's `Tensor` class, read once. Compiled to CommonJS, `import * as tf` is a namespace object
 * whose every property read is a getter call: in a loop over many leaves, `x instanceof tf.Tensor`
 * cost more than the test itself.
 */
const TensorClass = tf.Tensor;
/**
 * `x` is a tfjs tensor (any dtype; a `tf.Variable` too).
 *
 * @example
 * isTensor(tf.scalar(1)); // true
 * isTensor(1);            // false
 * isTensor([1, 2]);       // false
 */
function isTensor(x) {
    return x instanceof TensorClass;
}
/**
 * `x` is a tensor of a floating-point dtype (`float32`, or `complex64`), the leaves that can be
 * differentiated and trained (equinox's `is_inexact_array`). Integer, boolean and string tensors
 * are not.
 *
 * @example
 * isFloatTensor(tf.scalar(1.5));          // true
 * isFloatTensor(tf.scalar(1, "int32"));   // false
 * isFloatTensor(0.5);                     // false: a number is a constant, not a parameter
 */
function isFloatTensor(x) {
    return x instanceof TensorClass && (x.dtype === "float32" || x.dtype === "complex64");
}
// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------
/**
 * The tensors in `value`, looking through arrays and plain objects (tagged records included, all
 * their fields) as `tf.tidy` does, in leaf order, possibly repeated. Throws on a cyclic value.
 *
 * @example
 * const t = tf.scalar(1);
 * tensorsIn({ a: [t, 2], b: { _tag: "X", c: t } }).length; // 2
 * t.dispose();
 */
function tensorsIn(value) {
    if (isTensor(value))
        return [value];
    if (value === null || typeof value !== "object")
        return [];
    return (0, flatten_1.treeLeaves)(value).filter((x) => isTensor(x));
}
/**
 * A short description of a value for error messages.
 *
 * @example
 * describeValue(tf.zeros([2, 3])); // "a float32 tensor of shape [2, 3]"
 * describeValue([1, 2]);           // "an array of length 2"
 */
function describeValue(x) {
    if (x === null)
        return "null";
    if (isTensor(x))
        return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
    if (Array.isArray(x))
        return `an array of length ${x.length}`;
    if (typeof x === "function")
        return "a function";
    if (typeof x === "object") {
        const proto = Object.getPrototypeOf(x);
        if (proto === Object.prototype || proto === null)
            return "a plain object";
        const name = proto.constructor?.name;
        return `an instance of ${typeof name === "string" && name !== "" ? name : "a class"}`;
    }
    if (typeof x === "symbol")
        return `symbol ${x.toString()}`;
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") {
        return `${typeof x} ${String(x)}`;
    }
    return "undefined";
}

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
exports.defaultFunctions = void 0;
exports.resolveFunctions = resolveFunctions;
/**
 * The function table: how functions (such as `Parameterize`'s `fn`) are written in a document.
 *
 * Code cannot be serialized safely, so a document names functions instead, as
 * `{ "_tag": "Function", "name": "softplus" }`, and the reader looks the name up in a table. The
 * default table holds tfjs's common elementwise functions under their tfjs names; a user table
 * adds to it, and on a name in both the user's function wins. Encoding looks functions up by
 * identity, so `tf.exp` is written as `"exp"` and a function in no table is an error that names
 * where it sits.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * The default table: tfjs's common elementwise functions (the usual `Parameterize`
 * transforms), each under its tfjs name.
 *
 * @example
 * defaultFunctions.softplus === tf.softplus; // true
 */
exports.defaultFunctions = Object.freeze({
    abs: tf.abs,
    acos: tf.acos,
    acosh: tf.acosh,
    asin: tf.asin,
    asinh: tf.asinh,
    atan: tf.atan,
    atanh: tf.atanh,
    ceil: tf.ceil,
    cos: tf.cos,
    cosh: tf.cosh,
    elu: tf.elu,
    erf: tf.erf,
    exp: tf.exp,
    expm1: tf.expm1,
    floor: tf.floor,
    log: tf.log,
    log1p: tf.log1p,
    logSigmoid: tf.logSigmoid,
    logSoftmax: tf.logSoftmax,
    neg: tf.neg,
    reciprocal: tf.reciprocal,
    relu: tf.relu,
    relu6: tf.relu6,
    round: tf.round,
    rsqrt: tf.rsqrt,
    selu: tf.selu,
    sigmoid: tf.sigmoid,
    sign: tf.sign,
    sin: tf.sin,
    sinh: tf.sinh,
    softmax: tf.softmax,
    softplus: tf.softplus,
    sqrt: tf.sqrt,
    square: tf.square,
    tan: tf.tan,
    tanh: tf.tanh,
});
/**
 * The default table plus `functions` (the user's entry wins on a shared name). A function
 * listed under several names is written with the user's name when it has one, else the first
 * default name. Throws when an entry is not a function.
 *
 * @example
 * const myExp = (x: tf.Tensor) => tf.exp(x);
 * const fns = resolveFunctions({ exp: myExp });
 * fns.byName.get("exp") === myExp;   // true
 * fns.byFunction.has(tf.exp);        // false: tf.exp lost its name to myExp
 */
function resolveFunctions(functions) {
    const byName = new Map();
    for (const name of Object.keys(exports.defaultFunctions))
        byName.set(name, exports.defaultFunctions[name]);
    const user = functions === undefined ? [] : Object.keys(functions);
    for (const name of user) {
        const fn = functions[name];
        if (typeof fn !== "function") {
            throw new TypeError(`treeCodec: functions[${JSON.stringify(name)}] must be a function, got ${typeof fn}`);
        }
        byName.set(name, fn);
    }
    const byFunction = new Map();
    // User names first so they win; then defaults that were not overridden.
    for (const name of user) {
        const fn = byName.get(name);
        if (!byFunction.has(fn))
            byFunction.set(fn, name);
    }
    for (const [name, fn] of byName)
        if (!byFunction.has(fn))
            byFunction.set(fn, name);
    return { byName, byFunction };
}

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
exports.treeStack = treeStack;
exports.treeUnstack = treeUnstack;
/**
 * `treeStack` and `treeUnstack`: many trees of one structure as one tree of batched tensors, and
 * back (the "stack of models" used for ensembles and vectorised training).
 *
 * Only tensor leaves are stacked. Every other leaf (a number, a string, a function) is treated as
 * static, as equinox's filtered transformations treat non-array leaves: it must be the same in
 * every tree and is kept as is, so that `treeUnstack(treeStack(trees))` gives the trees back.
 * Turn a number into a tensor (`tf.scalar(x)`) first when it should vary across the stack.
 *
 * Everything is checked before the first tensor is created, so an error never leaks a tensor.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const values_1 = require("./values");
const keyPath_1 = require("../core/keyPath");
const map_1 = require("../core/map");
const flatten_1 = require("../core/flatten");
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
/**
 * One tree whose tensor leaves are the corresponding leaves of `trees` stacked along a new first
 * axis (`tf.stack`). The trees must have one structure (objects matched by key), and tensors at a
 * place the same shape and dtype; non-tensor leaves must be equal (`Object.is`) and are kept.
 * Errors name the key path. The new tensors belong to the caller; the inputs are not disposed.
 *
 * @example
 * const trees = [{ w: tf.tensor([1, 2]), n: 3 }, { w: tf.tensor([3, 4]), n: 3 }];
 * const stacked = treeStack(trees);
 * stacked.w.shape; // [2, 2]
 * stacked.n;       // 3
 * tf.dispose([stacked.w, ...trees.map((t) => t.w)]);
 */
function treeStack(trees, options) {
    if (!Array.isArray(trees) || trees.length === 0) {
        throw new TypeError("treeStack: expected a non-empty array of trees");
    }
    const [first, def] = (0, flatten_1.treeFlatten)(trees[0], options);
    const columns = [first];
    for (let t = 1; t < trees.length; t++) {
        const [leaves, other] = (0, flatten_1.treeFlatten)(trees[t], options);
        (0, map_1.assertSameStructure)("treeStack", def, other, 0, t);
        columns.push(leaves);
    }
    let paths;
    const where = (i) => (0, keyPath_1.describePath)((paths ??= def.paths())[i]);
    // Check every place before allocating anything.
    for (let i = 0; i < first.length; i++) {
        const x = first[i];
        for (let t = 1; t < columns.length; t++) {
            const y = columns[t][i];
            if ((0, values_1.isTensor)(x)) {
                if (!(0, values_1.isTensor)(y)) {
                    throw new Error(`treeStack: at ${where(i)}, tree 0 has a tensor but tree ${t} has ${describe(y)}`);
                }
                if (x.dtype !== y.dtype || !sameShape(x.shape, y.shape)) {
                    throw new Error(`treeStack: at ${where(i)}, tree 0 has the tensor ${describe(x)} but tree ${t} has the tensor ${describe(y)}`);
                }
            }
            else if (y instanceof tf.Tensor || !Object.is(x, y)) {
                throw new Error(`treeStack: at ${where(i)}, tree 0 has ${describe(x)} but tree ${t} has ${describe(y)}; ` +
                    `non-tensor leaves are static and must be equal in every tree`);
            }
        }
    }
    const out = first.map((x, i) => x instanceof tf.Tensor ? tf.stack(columns.map((c) => c[i])) : x);
    return def.unflatten(out);
}
/**
 * The trees that {@link treeStack} stacked: each tensor leaf is split along its first axis
 * (`tf.unstack`) and every other leaf is shared by all the trees. All tensor leaves must have the
 * same first dimension (errors name the key path); a tree without tensor leaves, or with a scalar
 * tensor, cannot say how many trees it holds and throws. The new tensors belong to the caller.
 *
 * @example
 * const w = tf.tensor([[1, 2], [3, 4]]);
 * const [a, b] = treeUnstack({ w, n: 3 });
 * a!.w.shape; // [2]
 * b!.n;       // 3
 * tf.dispose([w, a!.w, b!.w]);
 */
function treeUnstack(tree, options) {
    const [leaves, def] = (0, flatten_1.treeFlatten)(tree, options);
    let paths;
    const where = (i) => (0, keyPath_1.describePath)((paths ??= def.paths())[i]);
    let count;
    let countAt = -1;
    for (let i = 0; i < leaves.length; i++) {
        const x = leaves[i];
        if (!(0, values_1.isTensor)(x))
            continue;
        if (x.rank === 0)
            throw new Error(`treeUnstack: the tensor at ${where(i)} is a scalar: it has no axis to split`);
        const n = x.shape[0];
        if (count === undefined) {
            count = n;
            countAt = i;
        }
        else if (n !== count) {
            throw new Error(`treeUnstack: the tensor at ${where(i)} has first dimension ${n} but the one at ${where(countAt)} has ${count}`);
        }
    }
    if (count === undefined) {
        throw new Error("treeUnstack: the tree has no tensor leaves, so the number of trees is unknown");
    }
    const pieces = leaves.map((x) => (x instanceof tf.Tensor ? tf.unstack(x) : undefined));
    const out = [];
    for (let k = 0; k < count; k++) {
        out.push(def.unflatten(leaves.map((x, i) => (x instanceof tf.Tensor ? pieces[i][k] : x))));
    }
    return out;
}
// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------
function describe(x) {
    if ((0, values_1.isTensor)(x))
        return `${x.dtype}[${x.shape.join(",")}]`;
    if (typeof x === "string")
        return JSON.stringify(x.length > 30 ? `${x.slice(0, 27)}...` : x);
    if (typeof x === "function")
        return x.name === "" ? "a function" : `the function ${x.name}`;
    if (x !== null && typeof x === "object") {
        const name = x.constructor?.name;
        return `a ${typeof name === "string" ? name : "object"}`;
    }
    return typeof x === "bigint" ? `${x}n` : String(x);
}
function sameShape(a, b) {
    return a.length === b.length && a.every((d, i) => d === b[i]);
}

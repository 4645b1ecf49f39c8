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
exports.treeOptimizer = treeOptimizer;
/**
 * tfjs optimisers (Adam, RMSProp, SGD with momentum, ...) over parameter trees.
 *
 * tfjs optimisers update named `tf.Variable`s. {@link treeOptimizer} bridges the two worlds: it
 * splits the tree with {@link partitionTrainable}, makes one variable per trainable leaf, named
 * after the leaf's key path (`layers/0/weight/weight`, the way tfjs-layers names weights), and
 * rebuilds a tree whose trainable leaves are those variables and whose frozen part is the caller's
 * own. `step(loss)` computes the loss of that tree and its gradient with {@link valueAndGrad} and
 * hands the gradients to the optimiser's `applyGradients`, which is what `optimizer.minimize`
 * does, with two differences that matter for trees:
 *
 * - every trainable leaf gets a gradient at every step, in one fixed order (a leaf the loss does
 *   not use gets zeros). tfjs's Adam stores its moments by position in the list it is given, and
 *   `minimize` drops the variables without a gradient, which would shift the moments of the others;
 * - frozen leaves are never variables, so no optimiser can move them (flowjax's rule: the
 *   optimiser never sees the `NonTrainable` parts).
 *
 * Ownership: the optimiser owns its variables and the tfjs optimiser given to it; `dispose()`
 * frees both. The tree passed in is not modified and stays the caller's (the variables start as
 * copies of its leaves). `params` is the live tree, valid until `dispose()`; `snapshot()` returns
 * copies that outlive it. When `treeOptimizer` throws (a variable name already taken), nothing is
 * kept and the tfjs optimiser is still the caller's.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const flatten_1 = require("../core/flatten");
const keyPath_1 = require("../core/keyPath");
const map_1 = require("../core/map");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const partition_1 = require("../core/partition");
const values_1 = require("../tensor/values");
const partitionTrainable_1 = require("./partitionTrainable");
const valueAndGrad_1 = require("./valueAndGrad");
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
let counter = 0;
/**
 * Binds a tfjs optimiser to the trainable leaves of `params` (see the module notes).
 *
 * @example
 * const params = { w: tf.tensor1d([3, -2]), frozen: NonTrainable(tf.scalar(5)) };
 * const opt = treeOptimizer(params, tf.train.sgd(0.25), { prefix: "toy" });
 * // Each step halves w: w - 0.25 * 2w.
 * for (let i = 0; i < 10; i++) opt.step((p) => tf.sum(tf.square(unwrap(p).w)));
 * opt.names;               // ["toy/w"]
 * opt.params.w.dataSync(); // Float32Array [0.0029296875, -0.001953125]
 * // Frozen leaves are not copied:
 * opt.params.frozen.tree === params.frozen.tree; // true
 * opt.dispose();
 * tf.dispose([params.w, params.frozen.tree]);
 */
function treeOptimizer(params, optimizer, given) {
    const options = { ...given, ...(0, defaultRegistry_1.withDefaultRegistry)(given) };
    const prefix = options?.prefix ?? `paramtree${counter++}`;
    const [trainable, frozen] = (0, partitionTrainable_1.partitionTrainable)(params, options);
    const [pairs, def] = (0, flatten_1.treeFlattenWithPath)(trainable, options);
    const names = [];
    const variables = [];
    try {
        for (const [path, leaf] of pairs) {
            if (!(0, values_1.isFloatTensor)(leaf))
                continue;
            const name = path.length === 0 ? prefix : `${prefix}/${(0, keyPath_1.keystr)(path, { separator: "/" })}`;
            if (tf.engine().registeredVariables[name] !== undefined) {
                throw new Error(`treeOptimizer: a tfjs variable named "${name}" already exists (for the leaf at ${(0, keyPath_1.keystr)(path)}); ` +
                    `pass another prefix, or dispose the optimiser that made it`);
            }
            variables.push(tf.variable(leaf, true, name));
            names.push(name);
        }
    }
    catch (error) {
        tf.dispose(variables);
        throw error;
    }
    let k = 0;
    const live = def.unflatten(pairs.map(([, leaf]) => ((0, values_1.isFloatTensor)(leaf) ? variables[k++] : leaf)));
    const current = (0, partition_1.combine)(live, frozen);
    const byVariable = new Set(variables);
    let steps = 0;
    let disposed = false;
    const alive = (what) => {
        if (disposed)
            throw new Error(`treeOptimizer: ${what} after dispose()`);
    };
    return {
        get params() {
            alive("params");
            return current;
        },
        names,
        get steps() {
            return steps;
        },
        step(f) {
            alive("step");
            const { value, grads } = (0, valueAndGrad_1.valueAndGrad)((t) => f((0, partition_1.combine)(t, frozen)), options)(live);
            const [gradPairs] = (0, flatten_1.treeFlattenWithPath)(grads, options);
            const named = [];
            let i = 0;
            for (const [, g] of gradPairs)
                if ((0, values_1.isFloatTensor)(g))
                    named.push({ name: names[i++], tensor: g });
            try {
                optimizer.applyGradients(named);
            }
            finally {
                tf.dispose(named.map((n) => n.tensor));
            }
            steps++;
            const out = value.dataSync()[0];
            value.dispose();
            return out;
        },
        snapshot() {
            alive("snapshot");
            return (0, map_1.treeMap)((leaf) => (byVariable.has(leaf) ? tf.clone(leaf) : leaf), current, options);
        },
        dispose() {
            if (disposed)
                return;
            disposed = true;
            tf.dispose(variables);
            optimizer.dispose();
        },
    };
}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.partitionTrainable = partitionTrainable;
/**
 * `partitionTrainable`: split a model into what an optimiser may move and what it must not
 * (flowjax's `fit_to_data` does the same before training).
 *
 * Trainable are the floating-point tensor leaves that are not inside a `NonTrainable`; frozen is
 * everything else: whole `NonTrainable` subtrees (float tensors included), integer tensors,
 * numbers, strings, functions. Both halves keep the structure of the model, with `null` holes where
 * a leaf went to the other half, so `combine(trainable, frozen)` gives the model back and the
 * gradient of a loss of the trainable half has exactly the trainable half's structure.
 *
 * This is also the cure for the regularisation trap that paramax and flowjax warn about:
 * `NonTrainable` stops gradients only where the model is *unwrapped*, so a penalty computed on the
 * raw parameters (an L2 norm of every leaf, or an optimiser's weight decay) still reaches the
 * frozen values and moves them. Penalise, and optimise, the trainable half only, and the frozen
 * values cannot move.
 *
 * @module
 */
const partition_1 = require("../core/partition");
const map_1 = require("../core/map");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const nonTrainable_1 = require("../wrappers/nonTrainable");
const values_1 = require("../tensor/values");
/**
 * Splits `tree` into `[trainable, frozen]` (see the module notes); `combine(trainable, frozen)`
 * rebuilds it. Leaves are shared, not copied, and the input is not modified.
 *
 * @example
 * const model = { w: tf.scalar(1), norm: NonTrainable({ mean: tf.scalar(0) }), n: 3 };
 * const [trainable, frozen] = partitionTrainable(model);
 * // trainable: { w: <tensor>, norm: NonTrainable({ mean: null }), n: null }
 * // frozen:    { w: null, norm: NonTrainable({ mean: <tensor> }), n: 3 }
 * treeLeaves(trainable).length;              // 1
 * trainable.n;                               // null
 * frozen.n;                                  // 3
 * combine(trainable, frozen).w === model.w;  // true
 * tf.dispose([model.w, model.norm.tree.mean]);
 */
function partitionTrainable(tree, given) {
    const options = (0, defaultRegistry_1.withDefaultRegistry)(given);
    const userIsLeaf = options?.isLeaf;
    // A tree prefix of `tree`: `false` in place of each NonTrainable (the whole subtree is frozen),
    // and at every other leaf whether it is a float tensor. Partitioning by a prefix keeps the
    // NonTrainable records in both halves, so the halves have one structure.
    const spec = (0, map_1.treeMap)((leaf) => !(0, nonTrainable_1.isNonTrainable)(leaf) && (0, values_1.isFloatTensor)(leaf), tree, {
        ...options,
        isLeaf: (node) => (0, nonTrainable_1.isNonTrainable)(node) || (userIsLeaf !== undefined && userIsLeaf(node)),
    });
    return (0, partition_1.partition)(tree, spec, options);
}

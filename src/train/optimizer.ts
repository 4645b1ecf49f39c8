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
import * as tf from "@tensorflow/tfjs-core";
import { treeFlattenWithPath } from "../core/flatten";
import { keystr } from "../core/keyPath";
import { treeMap } from "../core/map";
import type { TreeOptions } from "../core/options";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { combineWith } from "../core/partition";
import { isFloatTensor } from "../tensor/values";
import { partitionTrainable } from "./partitionTrainable";
import { valueAndGrad } from "./valueAndGrad";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A tfjs optimiser bound to the trainable leaves of a parameter tree. */
export interface TreeOptimizer<P> {
  /**
   * The live parameter tree: the trainable leaves are this optimiser's variables (updated in place
   * by `step`), the rest is the caller's tree. Owned by the optimiser: do not dispose its leaves.
   */
  readonly params: P;
  /** The variable names, in leaf order of the trainable part. */
  readonly names: readonly string[];
  /** How many steps have been taken. */
  readonly steps: number;
  /**
   * Computes `loss(params)`, its gradient with respect to the trainable leaves, and applies one
   * update. Returns the loss before the update, as a number.
   */
  step(loss: (params: P) => tf.Tensor): number;
  /** A copy of the current parameters: new tensors at the trainable leaves, owned by the caller. */
  snapshot(): P;
  /** Frees the variables and the tfjs optimiser's state. */
  dispose(): void;
}

/** Options of {@link treeOptimizer}. */
export interface TreeOptimizerOptions extends TreeOptions {
  /**
   * Prefix of the variable names; tfjs variable names are global, so two optimisers need two
   * prefixes. A fresh `"paramtree<n>"` when omitted.
   */
  readonly prefix?: string | undefined;
}

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
export function treeOptimizer<P>(
  params: P,
  optimizer: tf.Optimizer,
  given?: TreeOptimizerOptions,
): TreeOptimizer<P> {
  const options = withDefaultRegistry(given);
  const prefix = options?.prefix ?? `paramtree${counter++}`;
  const [trainable, frozen] = partitionTrainable(params, options);
  const [pairs, def] = treeFlattenWithPath(trainable, options);
  const names: string[] = [];
  const variables: tf.Variable[] = [];
  try {
    for (const [path, leaf] of pairs) {
      if (!isFloatTensor(leaf)) continue;
      const name = path.length === 0 ? prefix : `${prefix}/${keystr(path, { separator: "/" })}`;
      if (tf.engine().registeredVariables[name] !== undefined) {
        throw new Error(
          `treeOptimizer: a tfjs variable named "${name}" already exists (for the leaf at ${keystr(path)}); ` +
            `pass another prefix, or dispose the optimiser that made it`,
        );
      }
      variables.push(tf.variable(leaf, true, name));
      names.push(name);
    }
  } catch (error) {
    tf.dispose(variables);
    throw error;
  }
  let k = 0;
  const live = def.unflatten(pairs.map(([, leaf]) => (isFloatTensor(leaf) ? variables[k++] : leaf)));
  const combine = combineWith(options);
  const current = combine(live, frozen) as P;
  const byVariable = new Set<unknown>(variables);
  let steps = 0;
  let disposed = false;
  const alive = (what: string): void => {
    if (disposed) throw new Error(`treeOptimizer: ${what} after dispose()`);
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
      const { value, grads } = valueAndGrad((t: unknown) => f(combine(t, frozen) as P), options)(live);
      const [gradPairs] = treeFlattenWithPath(grads, options);
      const named: { name: string; tensor: tf.Tensor }[] = [];
      let i = 0;
      for (const [, g] of gradPairs)
        if (isFloatTensor(g)) named.push({ name: names[i++] as string, tensor: g });
      try {
        optimizer.applyGradients(named);
      } finally {
        tf.dispose(named.map((n) => n.tensor));
      }
      steps++;
      const out = (value.dataSync() as Float32Array)[0] as number;
      value.dispose();
      return out;
    },
    snapshot() {
      alive("snapshot");
      return treeMap(
        (leaf: unknown) => (byVariable.has(leaf) ? tf.clone(leaf as tf.Tensor) : leaf),
        current,
        options,
      ) as P;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(variables);
      optimizer.dispose();
    },
  };
}

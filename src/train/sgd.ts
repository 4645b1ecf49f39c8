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
import * as tf from "@tensorflow/tfjs-core";
import { treeFlatten, treeFlattenWithPath } from "../core/flatten";
import { describePath } from "../core/keyPath";
import { assertSameStructure } from "../core/map";
import type { TreeOptions } from "../core/options";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { isFloatTensor, isTensor } from "../tensor/values";

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
export function sgdStep<P>(params: P, grads: P, learningRate: number, given?: TreeOptions): P {
  const options = withDefaultRegistry(given);
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate)) {
    throw new TypeError(`sgdStep: learningRate must be a finite number, got ${String(learningRate)}`);
  }
  const [pairs, def] = treeFlattenWithPath(params, options);
  const [gradLeaves, gradDef] = treeFlatten(grads, options);
  assertSameStructure("sgdStep: grads do not have the structure of params", def, gradDef, 0, 1);
  const lr = tf.scalar(learningRate);
  const created: tf.Tensor[] = [];
  try {
    const out = pairs.map(([path, p], i) => {
      if (!isFloatTensor(p)) return p;
      const g = gradLeaves[i];
      if (!isTensor(g) || !sameShape(g.shape, p.shape)) {
        const got = isTensor(g) ? `a tensor of shape [${g.shape.join(", ")}]` : String(g);
        throw new TypeError(
          `sgdStep: the gradient at ${describePath(path)} must be a tensor of shape [${p.shape.join(", ")}], got ${got}`,
        );
      }
      const next = tf.tidy(() => tf.sub(p, tf.mul(g, lr)));
      created.push(next);
      return next;
    });
    return def.unflatten(out) as P;
  } catch (error) {
    tf.dispose(created);
    throw error;
  } finally {
    lr.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * `valueAndGrad`: the value of a scalar loss of a parameter tree and its gradient, as a tree of
 * the same structure (JAX's `jax.value_and_grad`, equinox's `filter_value_and_grad`).
 *
 * The gradient is taken with respect to every floating-point tensor leaf of the tree passed in
 * (see {@link isFloatTensor}); any other leaf (integer tensors, numbers, strings, functions) is a
 * constant and comes back in `grads` as it was given. The loss may unwrap the tree, use any
 * registered wrapper, and close over other trees: tensors it closes over are constants, even when
 * the same tensor object is also a leaf of the parameters, because `valueAndGrad` hands `f` fresh
 * handles (`tf.clone`, which shares the data and copies nothing) for the leaves it differentiates.
 * The same handles make a tensor that appears at two leaves get two separate gradients, as two
 * inputs do in JAX.
 *
 * Ownership: `value`, the gradient tensors at the float leaves of `grads` and the tensor leaves of
 * `aux` are new and belong to the caller; everything `f` creates in between is disposed. Non-float
 * leaves of `grads` are the caller's own leaves, so dispose a gradient tree with
 * `disposeTree(grads, { filter: isFloatTensor })`, never `tf.dispose(grads)` when the parameters
 * hold integer tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeFlatten, treeLeaves } from "../core/flatten";
import type { TreeOptions } from "../core/options";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { isFloatTensor, isTensor } from "../tensor/values";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What {@link valueAndGrad} returns: the loss and a gradient tree shaped like the parameters. */
export interface ValueAndGrad<P> {
  readonly value: tf.Scalar;
  readonly grads: P;
}

/** What {@link valueAndGrad} returns with `hasAux: true`: also the auxiliary output of `f`. */
export interface ValueAndGradWithAux<P, A> extends ValueAndGrad<P> {
  readonly aux: A;
}

/** Options of {@link valueAndGrad}: the tree options used to find the leaves, and `hasAux`. */
export interface ValueAndGradOptions extends TreeOptions {
  /**
   * `f` returns `[loss, aux]` instead of the loss alone (JAX's `has_aux`); `aux` is any tree (for
   * example metrics), returned as is, its tensors kept alive for the caller.
   */
  readonly hasAux?: boolean | undefined;
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Turns a scalar loss of a parameter tree into a function returning the loss and its gradient
 * with respect to every float tensor leaf of the tree, as a tree of the same structure.
 *
 * A float leaf the loss does not depend on gets a zero gradient (as in JAX), not an error.
 *
 * @example
 * const params = { w: tf.tensor1d([1, 2]), steps: 3 };
 * const { value, grads } = valueAndGrad((p: typeof params) => tf.sum(tf.square(p.w)))(params);
 * value.dataSync();     // Float32Array [5]
 * grads.w.dataSync();   // Float32Array [2, 4]
 * grads.steps;          // 3: not a float tensor, passed through
 * tf.dispose([value, grads.w, params.w]);
 */
export function valueAndGrad<P>(
  f: (params: P) => tf.Tensor,
  options?: TreeOptions & { readonly hasAux?: false | undefined },
): (params: P) => ValueAndGrad<P>;
export function valueAndGrad<P, A>(
  f: (params: P) => readonly [tf.Tensor, A],
  options: TreeOptions & { readonly hasAux: true },
): (params: P) => ValueAndGradWithAux<P, A>;
export function valueAndGrad<P>(
  f: (params: P) => unknown,
  given?: ValueAndGradOptions,
): (params: P) => ValueAndGradWithAux<P, unknown> | ValueAndGrad<P> {
  const options = withDefaultRegistry(given);
  const hasAux = options?.hasAux === true;
  return (params: P) => {
    const [leaves, def] = treeFlatten(params, options);
    const positions: number[] = [];
    for (let i = 0; i < leaves.length; i++) if (isFloatTensor(leaves[i])) positions.push(i);

    // Fresh handles for the differentiated leaves: closed-over tensors stay constants, and a
    // tensor at two leaves is two inputs.
    const xs = positions.map((i) => tf.clone(leaves[i] as tf.Tensor));
    let aux: unknown = undefined;
    const forward = (): tf.Scalar => {
      const inputs = leaves.slice();
      for (let k = 0; k < positions.length; k++) inputs[positions[k] as number] = xs[k];
      const out = f(def.unflatten(inputs) as P);
      let value: unknown = out;
      if (hasAux) {
        if (!Array.isArray(out) || out.length !== 2) {
          throw new TypeError(
            `valueAndGrad: with hasAux, f must return [loss, aux], got ${describeValue(out)}`,
          );
        }
        value = out[0];
        aux = out[1];
        // Keep the aux tensors past the tidy scope that disposes f's intermediates.
        for (const leaf of treeLeaves(aux, options)) if (isTensor(leaf)) tf.keep(leaf);
      }
      if (!isTensor(value) || value.rank !== 0 || value.dtype !== "float32") {
        throw new TypeError(
          `valueAndGrad: f must return a scalar float32 tensor (the loss)${hasAux ? " as the first element" : ""}, got ${describeValue(value)}`,
        );
      }
      return value as tf.Scalar;
    };

    const outermost = tf.engine().state.gradientDepth === 0;
    let value: tf.Scalar;
    let raw: (tf.Tensor | undefined)[];
    try {
      if (xs.length === 0) {
        value = tf.tidy(forward);
        raw = [];
      } else {
        const result = tf.engine().gradients(forward, xs, undefined, true);
        value = result.value;
        raw = result.grads;
      }
    } catch (error) {
      tf.dispose(xs);
      releaseTape(outermost);
      throw error;
    }

    // Every returned tensor must be a distinct tensor the caller owns.
    const owned = new Set<tf.Tensor>([value]);
    const given = new Set<unknown>(leaves);
    if (hasAux) for (const leaf of treeLeaves(aux, options)) if (isTensor(leaf)) owned.add(leaf);
    const gradLeaves = leaves.slice();
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k] as number;
      let g = raw[k];
      if (g === undefined || g === null) g = tf.zerosLike(leaves[i] as tf.Tensor);
      else if (owned.has(g) || given.has(g)) g = tf.clone(g);
      owned.add(g);
      gradLeaves[i] = g;
    }
    for (const x of xs) if (!owned.has(x)) x.dispose();

    const grads = def.unflatten(gradLeaves) as P;
    return hasAux ? { value, grads, aux } : { value, grads };
  };
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * When `f` throws, tfjs disposes `f`'s intermediates but not the copies of them it saved on the
 * tape for the backward pass (it frees those only at the end of a successful backward pass), and
 * the next gradient call drops the tape: they would leak. Free them, as the backward pass would,
 * when this was the outermost gradient computation.
 */
function releaseTape(outermost: boolean): void {
  const state = tf.engine().state;
  if (!outermost || state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) if (node.saved !== undefined) tf.dispose(node.saved);
  state.activeTape = null as unknown as typeof state.activeTape;
}

function describeValue(x: unknown): string {
  if (isTensor(x)) return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x === null) return "null";
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint")
    return `${typeof x} ${x.toString()}`;
  if (typeof x === "string") return `string ${JSON.stringify(x)}`;
  if (x === undefined) return "undefined";
  return `an ${typeof x}`;
}

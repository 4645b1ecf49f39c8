/**
 * `WeightNormalization(weight)`: a weight matrix split into a direction and a trainable
 * positive length per row (Salimans & Kingma 2016, https://arxiv.org/abs/1602.07868), as
 * paramax's `WeightNormalization`.
 *
 * Unwraps to `scale * weight / ‖weight‖`, the norm taken over the last axis (kept), so the
 * norm of each row of the result is its `scale`.
 *
 * A row that is all zeros has no direction: unwrapping gives NaN for that row (0 / 0) and NaN
 * gradients for it; built from such a row, the row's scale is +Infinity. Other rows are not
 * affected, and every row that is not all zeros has finite values and gradients. Initialise
 * weights with non-zero rows (any random init does).
 *
 * @example
 * const wn = WeightNormalization(tf.tensor2d([[3, 4], [0, 2]]));
 * // each row's norm is its initial scale 1/‖row‖ = [1/5, 1/2]:
 * unwrap(wn).arraySync(); // ≈ [[0.12, 0.16], [0, 0.5]]
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rank, Tensor } from "@tensorflow/tfjs-core";
import type { TreeOptions } from "../core/options";
import { emptyRegistry } from "../core/registry";
import { invSoftplus } from "../tensor/invSoftplus";
import { describeValue } from "../tensor/values";
import { unwrapTree } from "./fold";
import { nonTrainableSpec } from "./nonTrainable";
import { Parameterize, parameterizeSpec } from "./parameterize";
import { isTagged, registerWrapper, type WrapperSpec } from "./spec";
import type { KnownUnwrappable, Unwrappable } from "./types";
import type { RecordChildren } from "../core/types";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const WeightNormalizationTag = "WeightNormalization";

/**
 * A record `{ _tag: "WeightNormalization", weight, scale }`; both fields are children.
 * `weight` is a float tensor of rank >= 1 (or a wrapper that unwraps to one); `scale`, of the
 * weight's shape with a last axis of 1, starts as `Parameterize(tf.softplus, raw)`.
 */
export interface WeightNormalization<R extends Rank = Rank>
  extends KnownUnwrappable<"WeightNormalization", Tensor<R>>, RecordChildren<"weight" | "scale"> {
  readonly weight: Tensor<R> | Unwrappable<string, Tensor<R>>;
  readonly scale: Tensor<R> | KnownUnwrappable<string, Tensor<R>>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Builds a frozen `WeightNormalization` record. As in paramax, the scale starts at
 * `1 / ‖unwrap(weight)‖` per row (last axis), stored as `Parameterize(tf.softplus,
 * invSoftplus(1 / n))` so that it stays positive while training. The initial unwrapped weight is
 * therefore `weight / ‖weight‖²` row by row, not `weight` itself.
 *
 * `weight` is kept as given (not copied); the new `raw` tensor inside `scale` belongs to the
 * record (dispose it with the model). Every temporary is disposed. Leading batch axes are fine:
 * the result is the stack of the records built from each slice. `options.registry` is used to
 * unwrap `weight` (default: `defaultRegistry`).
 *
 * @example
 * const wn = WeightNormalization(tf.tensor2d([[3, 4]]));
 * unwrap(wn.scale).dataSync(); // ≈ [0.2]
 */
export function WeightNormalization<R extends Rank>(
  weight: Tensor<R> | Unwrappable<string, Tensor<R>>,
  options?: TreeOptions,
): WeightNormalization<R> {
  const registry = options?.registry ?? builtinRegistry;
  const raw = tf.tidy(() => {
    const w: unknown = unwrapTree(weight, { ...options, registry });
    if (!(w instanceof tf.Tensor) || w.dtype !== "float32" || w.rank < 1) {
      throw new TypeError(
        `WeightNormalization: weight must be (or unwrap to) a float32 tensor of rank >= 1, got ${describeValue(w)}`,
      );
    }
    return invSoftplus(tf.div<tf.Tensor>(1, rowNorms(w as tf.Tensor)));
  });
  return Object.freeze({
    _tag: WeightNormalizationTag,
    weight,
    scale: Parameterize(tf.softplus, raw) as unknown as KnownUnwrappable<string, Tensor<R>>,
  });
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` is a `WeightNormalization` record.
 *
 * @example
 * isWeightNormalization(WeightNormalization(tf.ones([2, 2]))); // true
 */
export function isWeightNormalization(x: unknown): x is WeightNormalization {
  return isTagged(x, WeightNormalizationTag) && "weight" in (x as object) && "scale" in (x as object);
}

// -------------------------------------------------------------------------------------
// unwrap
// -------------------------------------------------------------------------------------

/**
 * The tf functions `unwrap` calls, read once: compiled to CommonJS, `import * as tf` is a
 * namespace object whose every property read is a getter call (see `tensor/values.ts`), six of
 * them per record otherwise. Reading a function does not touch the tfjs engine.
 */
const { div, mul, sqrt, square, sum, tidy } = tf;
const TensorClass = tf.Tensor;

/**
 * The L2 norm over the last axis, axis kept: `sqrt(sum(w²))`. Written out rather than
 * `tf.norm`, whose gradient also goes through `abs`; this form is finite for every row that is
 * not all zeros (and NaN, like `tf.norm`'s, for a row that is).
 */
function rowNorms(w: tf.Tensor): tf.Tensor {
  return sqrt(sum(square(w), -1, true));
}

/**
 * `WeightNormalization`'s own unwrap: `scale * weight / ‖weight‖` (same order of operations as
 * paramax), its children being already unwrapped tensors.
 *
 * @example
 * unwrapWeightNormalization({ _tag: "WeightNormalization", weight: tf.tensor2d([[3, 4]]), scale: tf.tensor2d([[10]]) })
 *   .dataSync(); // ≈ [6, 8]
 */
export function unwrapWeightNormalization<R extends Rank>(node: WeightNormalization<R>): Tensor<R> {
  const { weight, scale } = node;
  if (!(weight instanceof TensorClass)) {
    throw new TypeError(`WeightNormalization.weight must unwrap to a tensor, got ${describeValue(weight)}`);
  }
  return tidy(() => div<Tensor<R>>(mul(scale as Tensor, weight), rowNorms(weight)));
}

/**
 * The registry entry for `WeightNormalization` (already in `defaultRegistry`).
 *
 * @example
 * weightNormalizationSpec.children; // ["weight", "scale"]
 */
export const weightNormalizationSpec: WrapperSpec<WeightNormalization, unknown> = Object.freeze({
  tag: WeightNormalizationTag,
  children: Object.freeze(["weight", "scale"]),
  unwrap: unwrapWeightNormalization,
});

/**
 * @internal The three built-in wrappers, registered in one registry (published as
 * `defaultRegistry`). Built here, where the last of their specs is defined, so that the
 * constructor above can unwrap a wrapped weight without a module cycle.
 */
export const builtinRegistry = [parameterizeSpec, nonTrainableSpec, weightNormalizationSpec].reduce<
  typeof emptyRegistry
>((registry, spec: WrapperSpec) => registerWrapper(registry, spec), emptyRegistry);

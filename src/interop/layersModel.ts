/**
 * A `tf.LayersModel`'s weights as a tree, and a trained tree written back.
 *
 * {@link layersModelTree} copies the weights into a tree keyed by layer name and then weight name
 * (`{ dense_Dense1: { kernel, bias } }`): wrap any of them (`WeightNormalization(tree.d.kernel)`),
 * train the tree with paramtree's functional tools, unwrap it, and {@link setLayersModelWeights}
 * writes it back into the model, which then predicts with the trained weights. Only the model's
 * methods are used (its type is imported, not the layers library).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { LayersModel } from "@tensorflow/tfjs";
import { describePath } from "../core/keyPath";
import { fromNamedTensorMap, toNamedTensorMap, type TensorTree } from "./namedTensorMap";

/** A model's weight, as `LayersModel` hands them out (`LayerVariable`). */
interface ModelWeight {
  /** The name asked for, e.g. `hidden/kernel` (`name` gets a `_2` suffix when it is taken). */
  readonly originalName: string;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  read(): tf.Tensor;
  write(value: tf.Tensor): unknown;
}

/** Each weight of `model` once, under its tree name `layer/weight`. */
function weightsByName(model: LayersModel, caller: string): Map<string, ModelWeight> {
  const byName = new Map<string, ModelWeight>();
  const seen = new Set<ModelWeight>();
  for (const layer of model.layers) {
    for (const w of layer.weights as unknown as ModelWeight[]) {
      if (seen.has(w)) continue; // a weight shared by two layers belongs to the first
      seen.add(w);
      const prefix = `${layer.name}/`;
      const own = w.originalName;
      const rest = own.startsWith(prefix) ? own.slice(prefix.length) : own;
      const name = `${layer.name}/${rest}`;
      if (byName.has(name)) {
        throw new TypeError(`${caller}: two weights of layer "${layer.name}" are both named "${rest}"`);
      }
      byName.set(name, w);
    }
  }
  return byName;
}

/**
 * The weights of `model` as a tree keyed by layer name, then weight name (the part of the
 * weight's name after the layer's, without the `_2` suffix tfjs adds when a name is taken:
 * `dense_Dense1/kernel` is `tree.dense_Dense1.kernel`). The tensors
 * are copies that you own: training them leaves the model alone until
 * {@link setLayersModelWeights}. Non-trainable weights (a batch norm's moving statistics) are
 * included; `NonTrainable` them, or partition them off, to keep an optimiser away.
 *
 * @example
 * ```ts
 * import * as tfl from "@tensorflow/tfjs";
 * const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: "hidden" })] });
 * const tree = layersModelTree(model);
 * treeMap((t: tf.Tensor) => t.shape, tree); // { hidden: { bias: [3], kernel: [2, 3] } }
 * disposeTree(tree);
 * model.dispose();
 * ```
 */
export function layersModelTree(model: LayersModel): TensorTree {
  const map: tf.NamedTensorMap = {};
  for (const [name, w] of weightsByName(model, "layersModelTree")) map[name] = w.read().clone();
  return fromNamedTensorMap(map);
}

/**
 * Writes a tree of tensors, shaped as {@link layersModelTree} returns it (unwrapped: no wrappers
 * left), into `model`'s weights. Everything is checked before anything is written: a weight the
 * tree lacks, a leaf the model has no weight for, a wrapper, a leaf that is not a tensor, and a
 * shape or dtype that differs from the model's are refused with a `TypeError` naming the key path
 * (the model is then unchanged). The model keeps its own copies: dispose the tree when done.
 *
 * @example
 * ```ts
 * import * as tfl from "@tensorflow/tfjs";
 * const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], name: "d" })] });
 * const trained = { d: { kernel: tf.tensor2d([[2], [3]]), bias: tf.tensor1d([1]) } };
 * setLayersModelWeights(model, trained);
 * const y = model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor;
 * y.arraySync(); // [[6]]
 * setLayersModelWeights(model, { d: { kernel: tf.zeros([1, 2]), bias: trained.d.bias } }); // throws "at .d.kernel the model's weight has shape [2,1], the tree's [1,2]"
 * disposeTree(trained);
 * model.dispose();
 * ```
 */
export function setLayersModelWeights(model: LayersModel, tree: unknown): void {
  const caller = "setLayersModelWeights";
  const weights = weightsByName(model, caller);
  let map: tf.NamedTensorMap;
  try {
    map = toNamedTensorMap(tree);
  } catch (e) {
    throw new TypeError(`${caller}: ${(e as Error).message.replace(/^toNamedTensorMap: /, "")}`, {
      cause: e,
    });
  }
  const where = (name: string): string => describePath(name.split("/"));
  for (const name of Object.keys(map)) {
    if (!weights.has(name)) {
      throw new TypeError(
        `${caller}: the tree has a leaf at ${where(name)}, but the model has no weight "${name}" (it has: ${[...weights.keys()].join(", ")})`,
      );
    }
  }
  for (const [name, w] of weights) {
    const value = map[name];
    if (value === undefined) {
      throw new TypeError(
        `${caller}: the tree has no leaf at ${where(name)} for the model's weight "${name}"`,
      );
    }
    if (value.shape.length !== w.shape.length || value.shape.some((d, i) => d !== w.shape[i])) {
      throw new TypeError(
        `${caller}: at ${where(name)} the model's weight has shape [${w.shape.join(",")}], the tree's [${value.shape.join(",")}]`,
      );
    }
    if (value.dtype !== w.dtype) {
      throw new TypeError(
        `${caller}: at ${where(name)} the model's weight is ${w.dtype}, the tree's ${value.dtype}`,
      );
    }
  }
  for (const [name, w] of weights) w.write(map[name] as tf.Tensor);
}

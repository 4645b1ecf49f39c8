/**
 * Section 4: `valueAndGrad` over a model tree against `tf.grads` on the flat list of the same
 * tensors, for an MLP (tensor work dominates) and for the ResNet18 tree of 1-element tensors
 * (tree work dominates: the worst case for our overhead).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeFlatten, treeLeaves, valueAndGrad } from "../src";
import { formatNs, formatRatio, measure, printTable, type Budget, type Timing } from "./harness";
import { loadShape } from "./trees";

export interface GradRow {
  readonly case: string;
  readonly leaves: number;
  readonly oursNs: number;
  readonly rawNs: number;
  readonly ratio: number;
}

interface Layer {
  readonly w: tf.Tensor2D;
  readonly b: tf.Tensor1D;
}

function disposeAll(tree: unknown): void {
  for (const leaf of treeLeaves(tree)) if (leaf instanceof tf.Tensor) leaf.dispose();
}

function mlpCase(budget: Budget): GradRow {
  const width = budget.quick ? 32 : 256;
  const depth = 4;
  const x = tf.randomNormal([64, width], 0, 1, "float32", 7) as tf.Tensor2D;
  const params: { layers: Layer[] } = {
    layers: Array.from({ length: depth }, (_, i) => ({
      w: tf.randomNormal([width, width], 0, 1 / Math.sqrt(width), "float32", i + 1) as tf.Tensor2D,
      b: tf.zeros([width]) as tf.Tensor1D,
    })),
  };
  const forward = (ws: readonly tf.Tensor[]): tf.Scalar => {
    let h: tf.Tensor2D = x;
    for (let i = 0; i < depth; i++) {
      h = tf.tanh(
        tf.add(tf.matMul(h, ws[2 * i] as tf.Tensor2D), ws[2 * i + 1] as tf.Tensor1D),
      ) as tf.Tensor2D;
    }
    return tf.mean(tf.square(h));
  };
  // The tree version reads the same tensors from the tree, in the same order.
  const loss = (p: { layers: Layer[] }): tf.Scalar => forward(p.layers.flatMap((l) => [l.w, l.b]));
  const flat = params.layers.flatMap((l) => [l.w, l.b]);
  const raw = tf.grads((...ws: tf.Tensor[]) => forward(ws));
  const vg = valueAndGrad(loss);
  const row = compare(
    budget,
    `MLP ${depth} x ${width}x${width}, batch 64`,
    flat.length,
    () => vg(params),
    () => raw(flat),
  );
  disposeAll(params);
  x.dispose();
  return row;
}

function resnetCase(budget: Budget): GradRow {
  const tree = loadShape("ResNet18", () => tf.tensor1d([0.5], "float32"));
  const [leaves] = treeFlatten(tree) as [tf.Tensor[], unknown];
  const lossOf = (xs: readonly tf.Tensor[]): tf.Scalar => tf.sum(tf.square(tf.concat(xs.map((t) => t))));
  const vg = valueAndGrad((p: unknown) => lossOf(treeLeaves(p) as tf.Tensor[]));
  const raw = tf.grads((...xs: tf.Tensor[]) => lossOf(xs));
  const row = compare(
    budget,
    "ResNet18 tree, 1-element tensors",
    leaves.length,
    () => vg(tree),
    () => raw(leaves),
  );
  disposeAll(tree);
  return row;
}

function compare(
  budget: Budget,
  name: string,
  leaves: number,
  ours: () => unknown,
  raw: () => tf.Tensor[],
): GradRow {
  const [o, r] = measure(
    [
      {
        name: "valueAndGrad",
        fn: () => {
          const out = ours() as { value: tf.Tensor; grads: unknown };
          out.value.dispose();
          disposeAll(out.grads);
          return out;
        },
      },
      {
        name: "tf.grads",
        fn: () => {
          const out = raw();
          for (const g of out) g.dispose();
          return out;
        },
      },
    ],
    budget,
  ) as [Timing, Timing];
  return { case: name, leaves, oursNs: o.ns, rawNs: r.ns, ratio: o.ns / r.ns };
}

export function runGrad(budget: Budget): { rows: GradRow[]; text: string } {
  const before = tf.memory().numTensors;
  const rows = [mlpCase(budget), resnetCase(budget)];
  if (tf.memory().numTensors !== before) throw new Error("bench: grad section leaked tensors");
  const text = printTable(
    "4. valueAndGrad vs tf.grads on the flat list of the same tensors (CPU time per call, wasm)",
    ["case", "leaves", "valueAndGrad", "tf.grads", "ratio", "target"],
    rows.map((r, i) => [
      r.case,
      String(r.leaves),
      formatNs(r.oursNs),
      formatNs(r.rawNs),
      formatRatio(r.ratio),
      i === 0 ? (r.ratio <= 1.2 ? "met (<= 1.2x)" : "MISSED (<= 1.2x)") : "(worst case, no target)",
    ]),
  );
  return { rows, text };
}

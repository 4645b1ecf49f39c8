import * as tf from "@tensorflow/tfjs";
import {
  disposeTree,
  initBackend,
  layersModelTree,
  setLayersModelWeights,
  toNamedTensorMap,
  treeMap,
  unwrap,
  WeightNormalization,
} from "../src";

beforeAll(async () => {
  await initBackend();
});

afterEach(() => {
  tf.disposeVariables();
});

function model(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: "hidden", activation: "tanh" }),
      tf.layers.batchNormalization({ name: "norm" }),
      tf.layers.dense({ units: 1, name: "out", useBias: false }),
    ],
  });
}

test("layersModelTree: keyed by layer, then weight; copies equal to the model's weights", () => {
  const m = model();
  const before = tf.memory().numTensors;
  const tree = layersModelTree(m);
  expect(treeMap((t: tf.Tensor) => t.shape, tree)).toEqual({
    hidden: { kernel: [2, 3], bias: [3] },
    norm: { gamma: [3], beta: [3], moving_mean: [3], moving_variance: [3] },
    out: { kernel: [3, 1] },
  });
  const map = toNamedTensorMap(tree);
  for (const w of m.weights) {
    const name = w.name.replace(/_\d+\//, "/"); // tfjs may suffix a repeated layer name
    const mine =
      map[name.startsWith("hidden") || name.startsWith("norm") || name.startsWith("out") ? name : ""];
    expect(mine).toBeDefined();
    expect(mine === w.read()).toBe(false); // a copy
    expect(Array.from(mine?.dataSync() ?? [])).toEqual(Array.from(w.read().dataSync()));
  }
  disposeTree(tree);
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

test("setLayersModelWeights writes a trained tree back; predict uses it; bit-exact read back", () => {
  const m = model();
  const before = tf.memory().numTensors;
  const tree = layersModelTree(m);
  const shifted = treeMap((t: tf.Tensor) => tf.add(t, 0.25), tree);
  setLayersModelWeights(m, shifted);
  const back = layersModelTree(m);
  const a = toNamedTensorMap(shifted);
  const b = toNamedTensorMap(back);
  for (const n of Object.keys(a)) {
    expect(new Uint8Array((b[n] as tf.Tensor).dataSync().buffer)).toEqual(
      new Uint8Array((a[n] as tf.Tensor).dataSync().buffer),
    );
  }
  // The model keeps its own values: disposing the tree leaves the model working.
  disposeTree(shifted);
  const x = tf.tensor2d([[0.5, -1]]);
  const y = m.predict(x) as tf.Tensor;
  // Hand-computed from the weights read back (inference batch norm: (h - mean) / sqrt(var + eps) * gamma + beta).
  const expected = tf.tidy(() => {
    const h = tf.tanh(tf.add(tf.matMul(x, b["hidden/kernel"] as tf.Tensor), b["hidden/bias"] as tf.Tensor));
    const nrm = tf.add(
      tf.mul(
        tf.div(
          tf.sub(h, b["norm/moving_mean"] as tf.Tensor),
          tf.sqrt(tf.add(b["norm/moving_variance"] as tf.Tensor, 1e-3)),
        ),
        b["norm/gamma"] as tf.Tensor,
      ),
      b["norm/beta"] as tf.Tensor,
    );
    return tf.matMul(nrm, b["out/kernel"] as tf.Tensor);
  });
  expect(y.dataSync()[0]).toBeCloseTo(expected.dataSync()[0] as number, 5);
  tf.dispose([x, y, expected]);
  disposeTree(tree);
  disposeTree(back);
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

describe("setLayersModelWeights refuses, with the key path, and writes nothing", () => {
  let m: tf.Sequential;
  let tree: Record<string, Record<string, tf.Tensor>>; // no nested models here: two levels
  let snapshot: Float32Array;
  let start: number;
  beforeEach(() => {
    start = tf.memory().numTensors;
    m = model();
    tree = layersModelTree(m) as typeof tree;
    snapshot = (m.weights[0]?.read().dataSync() as Float32Array).slice();
  });
  afterEach(() => {
    // Nothing was written: the first weight is as it was.
    expect(Array.from(m.weights[0]?.read().dataSync() ?? [])).toEqual(Array.from(snapshot));
    disposeTree(tree);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
  const zeros = (shape: number[]): tf.Tensor => tf.zeros(shape);

  test("a shape mismatch", () => {
    const bad = { ...tree, hidden: { ...(tree.hidden as object), kernel: zeros([3, 2]) } };
    expect(() => setLayersModelWeights(m, bad)).toThrow(
      "setLayersModelWeights: at .hidden.kernel the model's weight has shape [2,3], the tree's [3,2]",
    );
    tf.dispose(bad.hidden.kernel);
  });

  test("a missing weight and an extra leaf", () => {
    const { out: _out, ...missing } = tree;
    expect(() => setLayersModelWeights(m, missing)).toThrow(
      'setLayersModelWeights: the tree has no leaf at .out.kernel for the model\'s weight "out/kernel"',
    );
    const extra = { ...tree, out: { ...(tree.out as object), bias: zeros([1]) } };
    expect(() => setLayersModelWeights(m, extra)).toThrow(
      /the tree has a leaf at \.out\.bias, but the model has no weight "out\/bias"/,
    );
    tf.dispose(extra.out.bias);
  });

  test("a wrapper left in the tree, a non-tensor and a dtype mismatch", () => {
    const wrapped = { ...tree, out: { kernel: WeightNormalization(tree.out?.kernel as tf.Tensor) } };
    expect(() => setLayersModelWeights(m, wrapped)).toThrow(
      "setLayersModelWeights: at .out.kernel there is a wrapper (WeightNormalization); unwrap the tree first",
    );
    const unwrapped = unwrap(wrapped); // the fix: unwrap, then write
    expect(() => setLayersModelWeights(m, { ...unwrapped, hidden: tree.hidden })).not.toThrow();
    disposeTree(unwrapped.out);
    setLayersModelWeights(m, tree); // restore
    disposeTree(wrapped.out.kernel.scale);
    expect(() => setLayersModelWeights(m, { ...tree, out: { kernel: 1 } })).toThrow(
      /at \.out\.kernel there is .*1.*, not a tensor/,
    );
    const ints = tf.zeros([3, 1], "int32");
    expect(() => setLayersModelWeights(m, { ...tree, out: { kernel: ints } })).toThrow(
      "setLayersModelWeights: at .out.kernel the model's weight is float32, the tree's int32",
    );
    ints.dispose();
  });
});

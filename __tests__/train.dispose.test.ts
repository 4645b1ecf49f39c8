import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, unwrap } from "../src";

beforeAll(async () => {
  await initBackend();
});

describe("disposeTree", () => {
  test("disposes every tensor leaf by default, ignores other leaves", () => {
    const before = tf.memory().numTensors;
    const tree = { a: [tf.scalar(1), 2, "x"], b: { c: tf.ones([3], "int32") }, d: null };
    disposeTree(tree);
    expect(tf.memory().numTensors).toBe(before);
    expect(tree.a[0] instanceof tf.Tensor && tree.a[0].isDisposed).toBe(true);
  });

  test("with a filter, disposes only the leaves that pass it", () => {
    const before = tf.memory().numTensors;
    const n = tf.scalar(3, "int32");
    const tree = { w: tf.scalar(1), n };
    disposeTree(tree, { filter: isFloatTensor });
    expect(tree.w.isDisposed).toBe(true);
    expect(n.isDisposed).toBe(false);
    n.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("works at depth 100000 (no recursion)", () => {
    const before = tf.memory().numTensors;
    let tree: unknown = tf.scalar(1);
    for (let i = 0; i < 100_000; i++) tree = [tree];
    disposeTree(tree);
    expect(tf.memory().numTensors).toBe(before);
  });

  describe("keep", () => {
    test("disposeTree(unwrap(model), { keep: model }) disposes exactly what unwrap created", () => {
      const before = tf.memory().numTensors;
      const model = {
        scale: Parameterize(tf.exp, tf.scalar(0.5)),
        layer: { w: WeightNormalization(tf.tensor2d([[3, 4]])), b: tf.zeros([1]) },
        frozen: NonTrainable({ mean: tf.scalar(2) }),
        plain: [tf.scalar(7), 3],
      };
      const modelTensors = tf.memory().numTensors;
      const out = unwrap(model);
      const created = tf.memory().numTensors - modelTensors;
      expect(created).toBeGreaterThan(0);
      expect(out.plain[0]).toBe(model.plain[0]); // shared by design
      expect(out.layer.b).toBe(model.layer.b);
      disposeTree(out, { keep: model });
      expect(tf.memory().numTensors).toBe(modelTensors);
      expect(model.plain[0]).toBeInstanceOf(tf.Tensor);
      expect((model.plain[0] as tf.Tensor).isDisposed).toBe(false);
      expect(model.layer.b.isDisposed).toBe(false);
      // The model is still usable: unwrapping again works and gives the same numbers.
      const again = unwrap(model);
      expect(again.scale.dataSync()[0]).toBeCloseTo(Math.exp(0.5), 6);
      disposeTree(again, { keep: model });
      disposeTree(model);
      expect(tf.memory().numTensors).toBe(before);
    });

    test("without keep, the shared tensors are disposed too (the trap keep avoids)", () => {
      const before = tf.memory().numTensors;
      const b = tf.scalar(1);
      const model = { s: Parameterize(tf.exp, tf.scalar(0)), b };
      disposeTree(unwrap(model));
      expect(b.isDisposed).toBe(true);
      disposeTree(model);
      expect(tf.memory().numTensors).toBe(before);
    });

    test("keep combines with filter, and non-tensor leaves of keep are harmless", () => {
      const before = tf.memory().numTensors;
      const a = tf.scalar(1);
      const b = tf.scalar(2);
      const n = tf.scalar(3, "int32");
      const m = tf.scalar(4, "int32");
      disposeTree({ a, b, n, m, x: "s" }, { keep: { a, n, other: 1, s: "s" }, filter: isFloatTensor });
      expect([a.isDisposed, b.isDisposed, n.isDisposed, m.isDisposed]).toEqual([false, true, false, false]);
      tf.dispose([a, n, m]);
      expect(tf.memory().numTensors).toBe(before);
    });

    test("keep is walked with the same options (isLeaf)", () => {
      const before = tf.memory().numTensors;
      const a = tf.scalar(1);
      const b = tf.scalar(2);
      const box = { inner: [a] };
      const isLeaf = (x: unknown): boolean => x === box;
      // With isLeaf, box is a leaf of keep, so a (inside it) is not kept.
      disposeTree({ a, b }, { keep: { box }, isLeaf });
      expect([a.isDisposed, b.isDisposed]).toEqual([true, true]);
      const c = tf.scalar(3);
      disposeTree({ c }, { keep: { box: { inner: [c] } } });
      expect(c.isDisposed).toBe(false);
      c.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    test("at depth 100000 in both trees", () => {
      const before = tf.memory().numTensors;
      const shared = tf.scalar(1);
      let keep: unknown = shared;
      let tree: unknown = [shared, tf.scalar(2)];
      for (let i = 0; i < 100_000; i++) {
        keep = [keep];
        tree = [tree];
      }
      disposeTree(tree, { keep });
      expect(shared.isDisposed).toBe(false);
      shared.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

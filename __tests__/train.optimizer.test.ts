import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";
import { treeOptimizer } from "../src";
import { sgdStep } from "../src";
import { valueAndGrad } from "../src";
import { NonTrainable, Parameterize, unwrap } from "../src";

beforeAll(async () => {
  await initBackend();
});

function makeParams() {
  return {
    layer: { w: tf.tensor1d([0.5, -1]), b: tf.scalar(0.25) },
    scale: Parameterize(tf.exp, tf.scalar(0)),
    norm: NonTrainable({ shift: tf.tensor1d([10, 20]) }),
    count: tf.scalar(3, "int32"),
    label: "toy",
  };
}
type Params = ReturnType<typeof makeParams>;

describe("treeOptimizer", () => {
  test("variables are named by key path; frozen leaves get none", () => {
    const before = tf.memory().numTensors;
    const params = makeParams();
    const opt = treeOptimizer(params, tf.train.adam(0.1), { prefix: "names" });
    expect(opt.names).toEqual(["names/layer/b", "names/layer/w", "names/scale/args/0"]);
    expect(opt.params.norm).toEqual(params.norm);
    expect(opt.params.norm.tree.shift).toBe(params.norm.tree.shift);
    expect(opt.params.count).toBe(params.count);
    expect(opt.params.label).toBe("toy");
    expect(opt.params.layer.w).toBeInstanceOf(tf.Variable);
    opt.dispose();
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("Adam matches a float64 reference step by step, frozen leaves never move, memory flat", () => {
    const before = tf.memory().numTensors;
    const params = makeParams();
    const target = tf.tensor1d([1, 2]);
    // L = sum((w * exp(s) + b + shift/10 - target)^2) with int count and a string along for the ride.
    const loss = (p: Params) => {
      const u = unwrap(p);
      return tf.sum(
        tf.square(
          tf.sub(tf.add(tf.add(tf.mul(u.layer.w, u.scale), u.layer.b), tf.div(u.norm.shift, 10)), target),
        ),
      );
    };
    // The same loss and gradient in float64 JS: x = [w0, w1, b, s].
    const refLoss = (x: number[]) => {
      const [w0, w1, b, s] = x as [number, number, number, number];
      const r0 = w0 * Math.exp(s) + b + 1 - 1;
      const r1 = w1 * Math.exp(s) + b + 2 - 2;
      return r0 * r0 + r1 * r1;
    };
    const refGrad = (x: number[]) => {
      const [w0, w1, b, s] = x as [number, number, number, number];
      const e = Math.exp(s);
      const r0 = w0 * e + b;
      const r1 = w1 * e + b;
      return [2 * r0 * e, 2 * r1 * e, 2 * (r0 + r1), 2 * (r0 * w0 * e + r1 * w1 * e)];
    };
    const lr = 0.05;
    const [b1, b2, eps] = [0.9, 0.999, 1e-7];
    let x = [0.5, -1, 0.25, 0];
    const m = [0, 0, 0, 0];
    const v = [0, 0, 0, 0];

    const opt = treeOptimizer(params, tf.train.adam(lr, b1, b2, eps));
    let afterFirst = -1;
    for (let t = 1; t <= 60; t++) {
      const got = opt.step(loss);
      expect(got).toBeCloseTo(refLoss(x), 4);
      const g = refGrad(x);
      x = x.map((xi, i) => {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
        const mh = m[i] / (1 - b1 ** t);
        const vh = v[i] / (1 - b2 ** t);
        return xi - (lr * mh) / (Math.sqrt(vh) + eps);
      });
      if (t === 1) afterFirst = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(afterFirst);
    }
    const p = opt.params;
    const now = [...p.layer.w.dataSync(), ...p.layer.b.dataSync(), ...p.scale.args[0].dataSync()];
    now.forEach((got, i) => expect(got).toBeCloseTo(x[i]!, 3));
    expect(opt.steps).toBe(60);
    expect(refLoss(x)).toBeLessThan(refLoss([0.5, -1, 0.25, 0]) / 10);
    // Frozen and non-float leaves untouched, and the caller's tree was never modified.
    expect(Array.from(params.norm.tree.shift.dataSync())).toEqual([10, 20]);
    expect(Array.from(params.layer.w.dataSync())).toEqual([0.5, -1]);

    const snap = opt.snapshot();
    opt.dispose();
    expect(() => opt.step(loss)).toThrow(/after dispose/);
    // A snapshot outlives the optimiser.
    expect(snap.layer.w.dataSync()[0]).toBeCloseTo(x[0]!, 3);
    disposeTree([snap.layer, snap.scale]);
    disposeTree([params, target]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("tf.train.sgd through the adapter equals sgdStep", () => {
    const before = tf.memory().numTensors;
    const params = makeParams();
    const loss = (p: Params) => {
      const u = unwrap(p);
      return tf.sum(tf.square(tf.add(tf.mul(u.layer.w, u.scale), u.layer.b)));
    };
    const opt = treeOptimizer(params, tf.train.sgd(0.1));
    let ref = params;
    for (let i = 0; i < 5; i++) {
      opt.step(loss);
      const { value, grads } = valueAndGrad(loss)(ref);
      const next = sgdStep(ref, grads, 0.1);
      if (ref !== params) disposeTree([ref.layer, ref.scale, ref.norm]);
      disposeTree([value, grads], { filter: isFloatTensor });
      ref = next;
    }
    const a = [...opt.params.layer.w.dataSync(), ...opt.params.scale.args[0].dataSync()];
    const b = [...ref.layer.w.dataSync(), ...ref.scale.args[0].dataSync()];
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
    opt.dispose();
    disposeTree([ref.layer, ref.scale, ref.norm]);
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a trainable leaf the loss does not use gets zero gradients and stays put", () => {
    const before = tf.memory().numTensors;
    const params = { used: tf.scalar(2), unused: tf.tensor1d([7, 8]) };
    const opt = treeOptimizer(params, tf.train.adam(0.1));
    for (let i = 0; i < 5; i++) opt.step((p) => tf.square(p.used));
    expect(Array.from(opt.params.unused.dataSync())).toEqual([7, 8]);
    expect(opt.params.used.dataSync()[0]).toBeLessThan(2);
    opt.dispose();
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a name clash is an error naming the leaf, and leaks nothing", () => {
    const before = tf.memory().numTensors;
    const params = { a: tf.scalar(1), b: tf.scalar(2) };
    const first = treeOptimizer(params, tf.train.sgd(0.1), { prefix: "clash" });
    const during = tf.memory().numTensors;
    const second = tf.train.sgd(0.1);
    expect(() => treeOptimizer(params, second, { prefix: "clash" })).toThrow(/"clash\/a".*\.a/);
    // A failed construction leaves the tfjs optimiser to the caller.
    second.dispose();
    expect(tf.memory().numTensors).toBe(during);
    first.dispose();
    // After dispose the names are free again.
    const again = treeOptimizer(params, tf.train.sgd(0.1), { prefix: "clash" });
    again.dispose();
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });
});

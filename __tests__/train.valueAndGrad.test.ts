import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend";
import { disposeTree } from "../src/train/dispose";
import { isFloatTensor } from "../src/train/filters";
import { valueAndGrad } from "../src/train/valueAndGrad";
import { treeStructure } from "../src/tree/flatten";

beforeAll(async () => {
  await initBackend();
});

/** Central differences of a float64 JS function at x (the independent reference). */
function centralDiff(f: (x: number[]) => number, x: readonly number[], eps = 1e-4): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] = (up[i] as number) + eps;
    down[i] = (down[i] as number) - eps;
    return (f(up) - f(down)) / (2 * eps);
  });
}

function expectClose(got: ArrayLike<number>, want: readonly number[], rtol = 1e-4, atol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(`element ${i}: got ${g}, want ${w} (all: got [${Array.from(got)}], want [${want}])`);
    }
  }
}

describe("valueAndGrad", () => {
  test("value and gradient of a quadratic match hand-computed values; grads mirror params", () => {
    const before = tf.memory().numTensors;
    const params = { layers: [{ w: tf.tensor1d([1, -2, 3]), n: tf.scalar(4, "int32") }], label: "q", k: 2 };
    // L = k * sum(w^2) * n  ->  dL/dw = 2 k n w
    const f = (p: typeof params) => tf.mul(tf.mul(tf.sum(tf.square(p.layers[0]!.w)), p.k), tf.cast(p.layers[0]!.n, "float32"));
    const { value, grads } = valueAndGrad(f)(params);
    expect(value.dataSync()[0]).toBeCloseTo(2 * 14 * 4, 4);
    expectClose(grads.layers[0]!.w.dataSync(), [16, -32, 48]);
    expect(grads.layers[0]!.n).toBe(params.layers[0]!.n);
    expect(grads.label).toBe("q");
    expect(grads.k).toBe(2);
    expect(treeStructure(grads).equals(treeStructure(params))).toBe(true);
    // The only new tensors: value and one gradient.
    expect(tf.memory().numTensors).toBe(before + 2 + 2);
    disposeTree(grads, { filter: isFloatTensor });
    value.dispose();
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("agrees with central differences (float64 reference) on a small MLP loss", () => {
    const before = tf.memory().numTensors;
    const w0 = [0.3, -0.7, 0.5, 0.2, -0.1, 0.9];
    const b0 = [0.05, -0.2, 0.1];
    const xs = [-1, -0.2, 0.4, 1.3];
    const ys = [0.5, -0.1, 0.3, 0.8];
    // y_hat(x) = sum_j w2_j * tanh(w1_j * x + b_j), with w = [w1 (3), w2 (3)]
    const jsLoss = (v: number[]): number => {
      let s = 0;
      xs.forEach((x, n) => {
        let yh = 0;
        for (let j = 0; j < 3; j++) yh += (v[3 + j] as number) * Math.tanh((v[j] as number) * x + (v[6 + j] as number));
        s += (yh - (ys[n] as number)) ** 2;
      });
      return s / xs.length;
    };
    const params = { w1: tf.tensor2d([w0.slice(0, 3)]), w2: tf.tensor2d(w0.slice(3), [3, 1]), b: tf.tensor1d(b0) };
    const x = tf.tensor2d(xs, [4, 1]);
    const y = tf.tensor2d(ys, [4, 1]);
    const { value, grads } = valueAndGrad((p: typeof params) =>
      tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.w1), p.b)), p.w2), y))),
    )(params);
    const all = [...w0, ...b0];
    const fd = centralDiff(jsLoss, all);
    expect(value.dataSync()[0]).toBeCloseTo(jsLoss(all), 5);
    expectClose([...grads.w1.dataSync(), ...grads.w2.dataSync(), ...grads.b.dataSync()], fd);
    disposeTree([params, grads, x, y, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a float leaf the loss does not use gets a zero gradient, not an error", () => {
    const before = tf.memory().numTensors;
    const params = { used: tf.scalar(2), unused: tf.ones([2, 2]) };
    const { value, grads } = valueAndGrad((p: typeof params) => tf.square(p.used))(params);
    expect(grads.used.dataSync()[0]).toBeCloseTo(4, 6);
    expect(grads.unused.shape).toEqual([2, 2]);
    expect(Array.from(grads.unused.dataSync())).toEqual([0, 0, 0, 0]);
    disposeTree([params, grads, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("closed-over tensors are constants even when they are also leaves; shared leaves get separate gradients", () => {
    const before = tf.memory().numTensors;
    const w = tf.scalar(3);
    // L = a * w_closed + b^2 with a = b = w (the same tensor at two leaves)
    const params = { a: w, b: w };
    const { value, grads } = valueAndGrad((p: typeof params) => tf.add(tf.mul(p.a, w), tf.square(p.b)))(params);
    expect(value.dataSync()[0]).toBeCloseTo(18, 5);
    expect(grads.a.dataSync()[0]).toBeCloseTo(3, 6); // d(a*w)/da = w
    expect(grads.b.dataSync()[0]).toBeCloseTo(6, 6); // d(b^2)/db = 2b
    expect(grads.a).not.toBe(grads.b);
    disposeTree([grads, value, w]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a tree without float leaves: the value, and the tree back", () => {
    const before = tf.memory().numTensors;
    const params = { n: 3, s: "x" };
    const { value, grads } = valueAndGrad((p: typeof params) => tf.scalar(p.n * 2))(params);
    expect(value.dataSync()[0]).toBe(6);
    expect(grads).toEqual(params);
    value.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a loss that returns a parameter itself", () => {
    const before = tf.memory().numTensors;
    const params = [tf.scalar(5)];
    const { value, grads } = valueAndGrad((p: tf.Scalar[]) => p[0]!)(params);
    expect(value.dataSync()[0]).toBe(5);
    expect(grads[0]!.dataSync()[0]).toBe(1);
    expect(value.isDisposed).toBe(false);
    disposeTree([params, grads, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("hasAux returns the aux tree with its tensors alive; intermediates are disposed", () => {
    const before = tf.memory().numTensors;
    const params = { w: tf.tensor1d([1, 2]) };
    const { value, grads, aux } = valueAndGrad(
      (p: typeof params) => {
        const sq = tf.square(p.w);
        return [tf.sum(sq), { sq, note: "metrics" }] as const;
      },
      { hasAux: true },
    )(params);
    expect(value.dataSync()[0]).toBeCloseTo(5, 6);
    expect(Array.from(aux.sq.dataSync())).toEqual([1, 4]);
    expect(aux.note).toBe("metrics");
    expectClose(grads.w.dataSync(), [2, 4]);
    // New: value, one gradient, aux.sq.
    expect(tf.memory().numTensors).toBe(before + 1 + 3);
    disposeTree([params, grads, value, aux]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("errors are clear and leak nothing", () => {
    const before = tf.memory().numTensors;
    const params = { w: tf.tensor1d([1, 2]) };
    expect(() => valueAndGrad((p: typeof params) => tf.square(p.w) as unknown as tf.Scalar)(params)).toThrow(
      /scalar float32 tensor.*shape \[2\]/,
    );
    expect(() => valueAndGrad((() => 3) as unknown as (p: typeof params) => tf.Scalar)(params)).toThrow(/number 3/);
    expect(() =>
      valueAndGrad((p: typeof params) => {
        tf.square(p.w);
        throw new Error("boom");
      })(params),
    ).toThrow("boom");
    expect(() =>
      valueAndGrad((p: typeof params) => tf.sum(p.w) as never, { hasAux: true })(params),
    ).toThrow(/\[loss, aux\]/);
    params.w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("memory is flat over many calls", () => {
    const before = tf.memory().numTensors;
    const params = { w: tf.randomNormal([8, 8]), b: tf.zeros([8]) };
    const x = tf.randomNormal([16, 8]);
    const f = (p: typeof params) => tf.mean(tf.relu(tf.add(tf.matMul(x, p.w), p.b)));
    for (let i = 0; i < 50; i++) {
      const { value, grads } = valueAndGrad(f)(params);
      disposeTree([value, grads]);
      expect(tf.memory().numTensors).toBe(before + 3);
    }
    disposeTree([params, x]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

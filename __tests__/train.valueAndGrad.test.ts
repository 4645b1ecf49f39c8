import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";
import { valueAndGrad } from "../src";
import { treeStructure } from "../src";
import { registerWrapper } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, defaultRegistry, unwrap } from "../src";

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
      throw new Error(
        `element ${i}: got ${g}, want ${w} (all: got [${Array.from(got).join(", ")}], want [${want.join(", ")}])`,
      );
    }
  }
}

describe("valueAndGrad", () => {
  test("value and gradient of a quadratic match hand-computed values; grads mirror params", () => {
    const before = tf.memory().numTensors;
    const params = { layers: [{ w: tf.tensor1d([1, -2, 3]), n: tf.scalar(4, "int32") }], label: "q", k: 2 };
    // L = k * sum(w^2) * n  ->  dL/dw = 2 k n w
    const f = (p: typeof params) =>
      tf.mul(tf.mul(tf.sum(tf.square(p.layers[0]!.w)), p.k), tf.cast(p.layers[0]!.n, "float32"));
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
        for (let j = 0; j < 3; j++)
          yh += (v[3 + j] as number) * Math.tanh((v[j] as number) * x + (v[6 + j] as number));
        s += (yh - (ys[n] as number)) ** 2;
      });
      return s / xs.length;
    };
    const params = {
      w1: tf.tensor2d([w0.slice(0, 3)]),
      w2: tf.tensor2d(w0.slice(3), [3, 1]),
      b: tf.tensor1d(b0),
    };
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
    const { value, grads } = valueAndGrad((p: typeof params) => tf.add(tf.mul(p.a, w), tf.square(p.b)))(
      params,
    );
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
    expect(() => valueAndGrad((() => 3) as unknown as (p: typeof params) => tf.Scalar)(params)).toThrow(
      /number 3/,
    );
    expect(() =>
      valueAndGrad((p: typeof params) => {
        tf.square(p.w);
        throw new Error("boom");
      })(params),
    ).toThrow("boom");
    // A loss without aux, declared (wrongly) as returning one.
    const lossOnly = ((p: typeof params) => tf.sum(p.w)) as unknown as (
      p: typeof params,
    ) => readonly [tf.Tensor, 0];
    expect(() => valueAndGrad(lossOnly, { hasAux: true })(params)).toThrow(/\[loss, aux\]/);
    params.w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a custom wrapper registered in a registry: grads keep its record and static fields", () => {
    const before = tf.memory().numTensors;
    const registry = registerWrapper(defaultRegistry, {
      tag: "Scaled",
      children: ["value"],
      unwrap: (node: { value: tf.Tensor; factor: number }) => tf.mul(node.value, node.factor),
    });
    const params = { s: { _tag: "Scaled", value: tf.tensor1d([1, -2]), factor: 3 } };
    // L = sum((3 v)^2): dL/dv = 18 v
    const { value, grads } = valueAndGrad(
      (p: typeof params) => tf.sum(tf.square(unwrap(p, { registry }).s as unknown as tf.Tensor)),
      { registry },
    )(params);
    expect(value.dataSync()[0]).toBeCloseTo(45, 4);
    expect(grads.s._tag).toBe("Scaled");
    expect(grads.s.factor).toBe(3);
    expectClose(grads.s.value.dataSync(), [18, -36]);
    disposeTree([params, grads, value], { registry });
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

// -------------------------------------------------------------------------------------
// gradients through wrappers, against central differences of a float64 JS reference
// -------------------------------------------------------------------------------------

const softplus = (r: number): number => (r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r)));
const EPS = 1e-3; // float64 central differences: truncation error ~ EPS^2
const RTOL = 1e-3; // float32 gradients
const ATOL = 1e-4;

describe("gradients through wrappers match central differences", () => {
  const xs = [0.5, -1.5, 2];
  const ys = [1, 0.25, -0.75];

  test("Parameterize(tf.softplus, raw)", () => {
    const before = tf.memory().numTensors;
    const raw0 = [-1.2, 0.3, 2.5];
    // L = sum_i (softplus(raw_i) * x_i - y_i)^2
    const ref = (r: number[]) => r.reduce((s, ri, i) => s + (softplus(ri) * xs[i]! - ys[i]!) ** 2, 0);
    const params = { sigma: Parameterize(tf.softplus, tf.tensor1d(raw0)) };
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const { value, grads } = valueAndGrad((p: typeof params) =>
      tf.sum(tf.square(tf.sub(tf.mul(unwrap(p).sigma, x), y))),
    )(params);
    expect(value.dataSync()[0]).toBeCloseTo(ref(raw0), 4);
    expectClose(grads.sigma.args[0].dataSync(), centralDiff(ref, raw0, EPS), RTOL, ATOL);
    expect(grads.sigma.fn).toBe(tf.softplus);
    disposeTree([params, grads, x, y, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("Parameterize(tf.exp, raw)", () => {
    const before = tf.memory().numTensors;
    const raw0 = [-0.7, 0.1, 0.9];
    // L = sum_i exp(raw_i) * x_i + 0.5 * exp(raw_i)^2
    const ref = (r: number[]) =>
      r.reduce((s, ri, i) => s + Math.exp(ri) * xs[i]! + 0.5 * Math.exp(ri) ** 2, 0);
    const params = Parameterize(tf.exp, tf.tensor1d(raw0));
    const x = tf.tensor1d(xs);
    const { value, grads } = valueAndGrad((p: typeof params) => {
      const s = unwrap(p);
      return tf.sum(tf.add(tf.mul(s, x), tf.mul(0.5, tf.square(s))));
    })(params);
    expect(value.dataSync()[0]).toBeCloseTo(ref(raw0), 4);
    expectClose(grads.args[0].dataSync(), centralDiff(ref, raw0, EPS), RTOL, ATOL);
    disposeTree([params, grads, x, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("nested Parameterize: softplus(exp(a)) * b with a, b raw", () => {
    const before = tf.memory().numTensors;
    const a0 = [0.2, -0.4];
    const b0 = [1.5, -0.5];
    // v_i = softplus(exp(a_i)) * b_i ; L = sum_i v_i^2 * x_i
    const ref = (v: number[]) =>
      [0, 1].reduce((s, i) => s + (softplus(Math.exp(v[i]!)) * v[2 + i]!) ** 2 * xs[i]!, 0);
    const params = Parameterize(
      (u: tf.Tensor, b: tf.Tensor) => tf.mul(u, b),
      Parameterize(tf.softplus, Parameterize(tf.exp, tf.tensor1d(a0))),
      tf.tensor1d(b0),
    );
    const x = tf.tensor1d(xs.slice(0, 2));
    const { value, grads } = valueAndGrad((p: typeof params) => tf.sum(tf.mul(tf.square(unwrap(p)), x)))(
      params,
    );
    const all = [...a0, ...b0];
    expect(value.dataSync()[0]).toBeCloseTo(ref(all), 4);
    const got = [...grads.args[0].args[0].args[0].dataSync(), ...grads.args[1].dataSync()];
    expectClose(got, centralDiff(ref, all, EPS), RTOL, ATOL);
    disposeTree([params, grads, x, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("WeightNormalization: the weight and the raw scale", () => {
    const before = tf.memory().numTensors;
    const W0 = [
      [0.8, -0.3, 0.5],
      [0.1, 0.9, -0.6],
    ];
    const wn = WeightNormalization(tf.tensor2d(W0));
    const rawScale = (wn.scale as Parameterize<tf.Tensor, [tf.Tensor]>).args[0];
    const raw0 = Array.from(rawScale.dataSync());
    const A = [
      [1, -2, 0.5],
      [0.3, 0.7, -1],
    ];
    // out_ij = softplus(raw_i) * W_ij / ||W_i|| ; L = sum_ij A_ij * out_ij + 0.5 * sum_ij out_ij^2 * |A_ij|
    const ref = (v: number[]) => {
      let L = 0;
      for (let i = 0; i < 2; i++) {
        const row = v.slice(3 * i, 3 * i + 3);
        const norm = Math.sqrt(row.reduce((s, w) => s + w * w, 0));
        const scale = softplus(v[6 + i]!);
        row.forEach((w, j) => {
          const out = (scale * w) / norm;
          L += A[i]![j]! * out + 0.5 * out * out * Math.abs(A[i]![j]!);
        });
      }
      return L;
    };
    const a = tf.tensor2d(A);
    const { value, grads } = valueAndGrad((p: typeof wn) => {
      const out = unwrap(p);
      return tf.add(tf.sum(tf.mul(a, out)), tf.mul(0.5, tf.sum(tf.mul(tf.square(out), tf.abs(a)))));
    })(wn);
    const all = [...W0.flat(), ...raw0];
    expect(value.dataSync()[0]).toBeCloseTo(ref(all), 4);
    const got = [
      ...(grads.weight as tf.Tensor).dataSync(),
      ...(grads.scale as Parameterize<tf.Tensor, [tf.Tensor]>).args[0].dataSync(),
    ];
    expectClose(got, centralDiff(ref, all, EPS), RTOL, ATOL);
    disposeTree([wn, grads, a, value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("NonTrainable inside a wrapper: exactly zero, the rest still exact", () => {
    const before = tf.memory().numTensors;
    const params = Parameterize(
      (u: tf.Tensor, c: tf.Tensor) => tf.mul(u, c),
      tf.scalar(1.5),
      NonTrainable(tf.scalar(-2)),
    );
    const { value, grads } = valueAndGrad((p: typeof params) => tf.square(unwrap(p)))(params);
    // L = (u c)^2: dL/du = 2 u c^2 = 12; dL/dc would be 2 u^2 c but c is frozen
    expect(grads.args[0].dataSync()[0]).toBeCloseTo(12, 5);
    expect(grads.args[1].tree.dataSync()[0]).toBe(0);
    disposeTree([params, grads, value]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

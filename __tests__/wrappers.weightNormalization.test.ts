/**
 * `WeightNormalization(weight)`: construction as paramax (scale = softplus(invSoftplus(1/‖w‖))),
 * unwrap = scale * w / ‖w‖ row by row, gradients vs hand-derived formulas and finite
 * differences, the documented zero-row behaviour, and memory.
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeLeaves } from "../src";
import { Parameterize, WeightNormalization, isWeightNormalization, unwrap } from "../src";
import { unwrapWeightNormalization, weightNormalizationSpec } from "../src/advanced";
import { finiteDifferences } from "./support/gradients";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const rawOf = (wn: WeightNormalization): tf.Tensor =>
  (wn.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0];
const rowNorms = (rows: number[][]) => rows.map((r) => Math.sqrt(r.reduce((s, v) => s + v * v, 0)));
/** softplus⁻¹ in float64: log(e^y - 1). */
const invSoftplus64 = (y: number) => Math.log(Math.expm1(y));
const softplus64 = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid64 = (x: number) => 1 / (1 + Math.exp(-x));

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      throw new Error(`element ${i}: expected ${e}, got ${a} (tolerance ${tol})`);
    }
  }
}

describe("construction (paramax: scale = Parameterize(softplus, inv_softplus(1 / norm)))", () => {
  test("the record, its fields and the initial scale", () => {
    const w = tf.tensor2d([
      [3, 4],
      [0, 2],
    ]);
    const wn = WeightNormalization(w);
    expect(isWeightNormalization(wn)).toBe(true);
    expect(Object.isFrozen(wn)).toBe(true);
    expect(Object.keys(wn)).toEqual(["_tag", "weight", "scale"]);
    expect(wn._tag).toBe("WeightNormalization");
    expect(wn.weight).toBe(w);
    expect(weightNormalizationSpec.children).toEqual(["weight", "scale"]);
    const scale = wn.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>;
    expect(scale._tag).toBe("Parameterize");
    expect(scale.fn).toBe(tf.softplus);
    const raw = rawOf(wn);
    expect(raw.shape).toEqual([2, 1]);
    // 1 / ‖row‖ = [1/5, 1/2]; raw = softplus⁻¹ of that.
    expectClose(raw.dataSync(), [invSoftplus64(0.2), invSoftplus64(0.5)], 1e-6);
    const s = unwrap(scale);
    expectClose(s.dataSync(), [0.2, 0.5], 1e-6);
    // Children: weight and the raw scale; fn is static.
    expect(treeLeaves(wn)).toEqual([w, raw]);
    tf.dispose([w, raw, s]);
  });

  test("unwraps to scale * w / ‖w‖, so initially w / ‖w‖² row by row", () => {
    const w = tf.tensor2d([
      [3, 4],
      [0, 2],
    ]);
    const wn = WeightNormalization(w);
    const out = unwrap(wn);
    expect(out.shape).toEqual([2, 2]);
    expectClose(out.dataSync(), [3 / 25, 4 / 25, 0, 2 / 4], 1e-6);
    tf.dispose([w, rawOf(wn), out]);
  });

  test("each row's norm equals its scale, whatever the scale", () => {
    const rows = [
      [1, -2, 2],
      [0.5, 0, 0],
      [-3, 1, 4],
    ];
    const w = tf.tensor2d(rows);
    const wn = WeightNormalization(w);
    const scales = [7, 0.25, 3];
    const raw = tf.tensor2d(scales.map((s) => [invSoftplus64(s)]));
    const changed = { ...wn, scale: Parameterize(tf.softplus, raw) };
    const out = unwrap(changed as WeightNormalization);
    expectClose(rowNorms(out.arraySync() as number[][]), scales, 1e-5);
    // Same direction as the weight.
    const norms = rowNorms(rows);
    const expected = rows.flatMap((r, i) => r.map((v) => ((scales[i] as number) * v) / (norms[i] as number)));
    expectClose(out.dataSync(), expected, 1e-5);
    tf.dispose([w, rawOf(wn), raw, out]);
  });

  test("rank 1 and rank 3 weights: the norm is over the last axis", () => {
    const v = tf.tensor1d([3, 4]);
    const wv = WeightNormalization(v);
    expect(rawOf(wv).shape).toEqual([1]);
    const outV = unwrap(wv);
    expectClose(outV.dataSync(), [0.12, 0.16], 1e-6);

    const data = Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5 + 0.5);
    const w3 = tf.tensor3d(data, [2, 3, 4]);
    const wn3 = WeightNormalization(w3);
    expect(rawOf(wn3).shape).toEqual([2, 3, 1]);
    const out3 = unwrap(wn3);
    const rows: number[][] = [];
    for (let r = 0; r < 6; r++) rows.push(data.slice(4 * r, 4 * r + 4));
    const norms = rowNorms(rows);
    expectClose(
      out3.dataSync(),
      rows.flatMap((r, i) => r.map((x) => x / (norms[i] as number) ** 2)),
      1e-5,
    );
    tf.dispose([v, rawOf(wv), outV, w3, rawOf(wn3), out3]);
  });

  test("a wrapped weight: the norm is taken of unwrap(weight), which is re-unwrapped each time", () => {
    const x = tf.tensor2d([
      [0, Math.log(2)],
      [1, 1],
    ]);
    const wn = WeightNormalization(Parameterize(tf.exp, x));
    const e = [
      [1, 2],
      [Math.E, Math.E],
    ];
    const n = rowNorms(e);
    expectClose(
      rawOf(wn).dataSync(),
      n.map((v) => invSoftplus64(1 / v)),
      1e-5,
    );
    const out = unwrap(wn);
    expectClose(
      out.dataSync(),
      e.flatMap((r, i) => r.map((v) => v / (n[i] as number) ** 2)),
      1e-5,
    );
    tf.dispose([x, rawOf(wn), out]);
  });

  test("clear errors for weights that cannot be normalised, with nothing leaked", () => {
    const scalar = tf.scalar(1);
    const ints = tf.tensor1d([1, 2], "int32");
    const ones = tf.ones([2]);
    const start = tf.memory().numTensors;
    expect(() => WeightNormalization(scalar as never)).toThrow(
      "WeightNormalization: weight must be (or unwrap to) a float32 tensor of rank >= 1, got a float32 tensor of shape []",
    );
    expect(() => WeightNormalization(ints as never)).toThrow("got a int32 tensor of shape [2]");
    expect(() => WeightNormalization([1, 2] as never)).toThrow("got an array of length 2");
    expect(() =>
      WeightNormalization(
        Parameterize(() => {
          throw new Error("inner");
        }) as never,
      ),
    ).toThrow("unwrap: Parameterize at <root> failed: inner");
    // A wrapped weight is checked after unwrapping (the unwrapped temporary is disposed).
    expect(() => WeightNormalization(Parameterize(tf.sum, ones) as never)).toThrow(
      "got a float32 tensor of shape []",
    );
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([scalar, ints, ones]);
  });
});

describe("gradients", () => {
  test("with respect to the weight: s (c/‖w‖ − (c·w) w/‖w‖³), and finite differences", () => {
    const rows = [
      [0.5, -1, 2],
      [0, 0.3, 0],
    ]; // a row with zeros in it is fine
    const c = [
      [1, 2, -1],
      [0.5, -1, 3],
    ];
    const s = [1.7, 0.4];
    const w = tf.tensor2d(rows);
    const ct = tf.tensor2d(c);
    const raw = tf.tensor2d(s.map((v) => [invSoftplus64(v)]));
    const loss = (v: tf.Tensor) =>
      tf.sum(
        tf.mul(ct, unwrap({ _tag: "WeightNormalization", weight: v, scale: Parameterize(tf.softplus, raw) })),
      );
    const g = tf.grad(loss)(w);
    const expected = rows.flatMap((r, i) => {
      const n = Math.sqrt(r.reduce((a, v) => a + v * v, 0));
      const cr = c[i] as number[];
      const dot = r.reduce((a, v, j) => a + v * (cr[j] as number), 0);
      return r.map((v, j) => (s[i] as number) * ((cr[j] as number) / n - (dot * v) / n ** 3));
    });
    const data = g.dataSync();
    expect(Array.from(data).every(Number.isFinite)).toBe(true);
    expectClose(data, expected, 1e-4);
    expectClose(data, finiteDifferences(loss, w, 1e-3), 2e-2);
    tf.dispose([w, ct, raw, g]);
  });

  test("with respect to the raw scale: sigmoid(raw) (c·w)/‖w‖", () => {
    const rows = [
      [3, 4],
      [1, -1],
    ];
    const c = [
      [1, 1],
      [2, -0.5],
    ];
    const w = tf.tensor2d(rows);
    const ct = tf.tensor2d(c);
    const wn = WeightNormalization(w);
    const raw0 = rawOf(wn);
    const loss = (r: tf.Tensor) => tf.sum(tf.mul(ct, unwrap({ ...wn, scale: Parameterize(tf.softplus, r) })));
    const g = tf.grad(loss)(raw0);
    const rawValues = Array.from(raw0.dataSync());
    const expected = rows.map((r, i) => {
      const n = Math.sqrt(r.reduce((a, v) => a + v * v, 0));
      const dot = r.reduce((a, v, j) => a + v * ((c[i] as number[])[j] as number), 0);
      return sigmoid64(rawValues[i] as number) * (dot / n);
    });
    expectClose(g.dataSync(), expected, 1e-5);
    expectClose(g.dataSync(), finiteDifferences(loss, raw0, 1e-3), 1e-2);
    expect(softplus64(rawValues[0] as number)).toBeCloseTo(0.2, 6);
    tf.dispose([w, ct, raw0, g]);
  });
});

describe("an all-zero row (documented: NaN for that row only)", () => {
  test("at construction: that row's scale is +Infinity and its unwrapped values NaN", () => {
    const w = tf.tensor2d([
      [0, 0],
      [3, 4],
    ]);
    const wn = WeightNormalization(w);
    const raw = Array.from(rawOf(wn).dataSync());
    expect(raw[0]).toBe(Infinity);
    expect(raw[1]).toBeCloseTo(invSoftplus64(0.2), 5);
    const unwrapped = unwrap(wn);
    const out = Array.from(unwrapped.dataSync());
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isNaN(out[1])).toBe(true);
    expectClose(out.slice(2), [0.12, 0.16], 1e-6);
    tf.dispose([w, rawOf(wn), unwrapped]);
  });

  test("during training: a weight row that becomes zero gives NaN values and gradients there, others stay finite", () => {
    const w = tf.tensor2d([
      [0, 0],
      [3, 4],
    ]);
    const raw = tf.tensor2d([[invSoftplus64(2)], [invSoftplus64(2)]]);
    const make = (v: tf.Tensor) =>
      ({
        _tag: "WeightNormalization",
        weight: v,
        scale: Parameterize(tf.softplus, raw),
      }) as WeightNormalization;
    const values = tf.tidy(() => Array.from(unwrap(make(w)).dataSync()));
    expect(values.slice(0, 2).every(Number.isNaN)).toBe(true);
    expectClose(values.slice(2), [1.2, 1.6], 1e-5);
    const g = tf.grad((v: tf.Tensor) => tf.sum(unwrap(make(v))))(w);
    const grads = Array.from(g.dataSync());
    expect(grads.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(grads.slice(2).every(Number.isFinite)).toBe(true);
    tf.dispose([w, raw, g]);
  });
});

describe("memory", () => {
  test("the constructor creates exactly one tensor (the raw scale), for plain and wrapped weights", () => {
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const start = tf.memory().numTensors;
    const wn = WeightNormalization(w);
    expect(tf.memory().numTensors).toBe(start + 1);
    const wrapped = WeightNormalization(Parameterize(tf.exp, w));
    expect(tf.memory().numTensors).toBe(start + 2);
    tf.dispose([rawOf(wn), rawOf(wrapped), w]);
  });

  test("unwrapWeightNormalization creates only its result", () => {
    const w = tf.tensor2d([[3, 4]]);
    const s = tf.tensor2d([[10]]);
    const start = tf.memory().numTensors;
    const out = unwrapWeightNormalization({ _tag: "WeightNormalization", weight: w, scale: s });
    expect(tf.memory().numTensors).toBe(start + 1);
    expectClose(out.dataSync(), [6, 8], 1e-6);
    tf.dispose([w, s, out]);
  });
});

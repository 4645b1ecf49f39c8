/**
 * `invSoftplus`: accuracy against a float64 reference over many magnitudes, edge values, inputs
 * accepted, the error for negative inputs, gradients, memory.
 */
import * as tf from "@tensorflow/tfjs-core";
import { invSoftplus } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

/** float64 reference, paramax's formula: log(-expm1(-x)) + x. */
const reference = (x: number) => Math.log(-Math.expm1(-x)) + x;

test("invSoftplus(softplus([1, 2, 3])) is [1, 2, 3] within 1e-6", () => {
  const y = tf.tidy(() => tf.softplus(tf.tensor1d([1, 2, 3])));
  const x = invSoftplus(y);
  Array.from(x.dataSync()).forEach((v, i) => expect(Math.abs(v - (i + 1))).toBeLessThan(1e-6));
  tf.dispose([y, x]);
});

test("matches the float64 reference from 1e-7 to 100 (relative error of float32 size)", () => {
  const xs = [1e-7, 1e-5, 1e-3, 0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100];
  const input = tf.tensor1d(xs);
  const out = invSoftplus(input);
  input.dispose();
  Array.from(out.dataSync()).forEach((v, i) => {
    const e = reference(xs[i] as number);
    // Relative error bound: float32 rounding of the input already moves the result by ~1e-7.
    expect(Math.abs(v - e)).toBeLessThan(2e-6 * Math.max(1, Math.abs(e)));
  });
  // Small x: softplus⁻¹(x) ≈ log(x) + x/2, where a naive log(exp(x) - 1) loses every digit.
  expect(out.dataSync()[0]).toBeCloseTo(Math.log(1e-7), 4);
  out.dispose();
});

test("edge values: 0 gives -Infinity, Infinity gives Infinity, NaN stays NaN", () => {
  const input = tf.tensor1d([0, Infinity, NaN]);
  const out = invSoftplus(input);
  input.dispose();
  const [a, b, c] = Array.from(out.dataSync());
  expect(a).toBe(-Infinity);
  expect(b).toBe(Infinity);
  expect(Number.isNaN(c)).toBe(true);
  out.dispose();
});

test("accepts numbers, nested arrays and int tensors; keeps the shape; returns float32", () => {
  const fromNumber = invSoftplus(Math.log1p(Math.E));
  expect(fromNumber.shape).toEqual([]);
  expect(fromNumber.dtype).toBe("float32");
  expect(fromNumber.dataSync()[0]).toBeCloseTo(1, 5);
  const fromArray = invSoftplus([
    [1, 2],
    [3, 4],
  ]);
  expect(fromArray.shape).toEqual([2, 2]);
  const ints = tf.tensor1d([1, 2], "int32");
  const fromInts = invSoftplus(ints);
  expect(fromInts.dtype).toBe("float32");
  expect(Array.from(fromInts.dataSync())).toEqual([reference(1), reference(2)].map(Math.fround));
  expect(ints.dtype).toBe("int32"); // input untouched
  tf.dispose([fromNumber, fromArray, ints, fromInts]);
});

test("the input tensor is not disposed nor changed", () => {
  const x = tf.tensor1d([0.5, 1]);
  const y = invSoftplus(x);
  expect(x.isDisposed).toBe(false);
  expect(Array.from(x.dataSync())).toEqual([0.5, 1]);
  tf.dispose([x, y]);
});

test("negative inputs throw a clear error naming how many and the first, with nothing leaked", () => {
  const m = tf.tensor2d([
    [1, -2],
    [-3, 4],
  ]);
  const start = tf.memory().numTensors;
  expect(() => invSoftplus(m)).toThrow(
    "invSoftplus: expected non-negative inputs (softplus only takes positive values), but 2 elements are negative; " +
      "the first is -2 at index [0, 1].",
  );
  expect(tf.memory().numTensors).toBe(start);
  expect(() => invSoftplus(-0.5)).toThrow("but 1 element is negative; the first is -0.5.");
  expect(() => invSoftplus(-0.5)).toThrow(RangeError);
  const tiny = tf.tensor1d([1, -1e-30]);
  expect(() => invSoftplus(tiny)).toThrow("at index [1]");
  expect(tf.memory().numTensors).toBe(start + 1);
  tf.dispose([m, tiny]);
});

test("rejects string and complex inputs", () => {
  expect(() => invSoftplus(["a"] as never)).toThrow(
    "invSoftplus: expected a real-valued input, got a string tensor",
  );
});

test("gradient: d/dx softplus⁻¹(x) = 1 / (1 - exp(-x)), also by finite differences", () => {
  const xs = [0.1, 0.7, 3];
  const x = tf.tensor1d(xs);
  const g = tf.grad((v: tf.Tensor) => tf.sum(invSoftplus(v)))(x);
  Array.from(g.dataSync()).forEach((v, i) => {
    const xi = xs[i] as number;
    expect(v).toBeCloseTo(1 / -Math.expm1(-xi), 4);
    const eps = 1e-3;
    expect(v).toBeCloseTo((reference(xi + eps) - reference(xi - eps)) / (2 * eps), 3);
  });
  tf.dispose([x, g]);
});

test("softplus(invSoftplus(y)) = y on random positive values", () => {
  const values = Array.from({ length: 200 }, (_, i) => Math.exp(((i * 37) % 200) / 20 - 5)); // e^-5 .. e^5
  const y = tf.tensor1d(values);
  const back = tf.tidy(() => tf.softplus(invSoftplus(y)));
  Array.from(back.dataSync()).forEach((v, i) => {
    const e = values[i] as number;
    expect(Math.abs(v - e)).toBeLessThan(3e-6 * Math.max(1, e));
  });
  tf.dispose([y, back]);
});
